// FFT, IFFT and the complex kernels filled in on wasm, against the cpu backend: the kernels
// themselves over lengths that are and are not powers of two, and the spectral ops built on them.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { checkFunction, randomHost, startWasm, tensorOf, tf } from './helpers';

const LENGTHS = [1, 2, 3, 5, 8, 12, 16, 31, 64, 100, 256];

before(async () => {
  await startWasm();
});

test('FFT, IFFT, Complex, Real, Imag and ComplexAbs are filled in on the fast path', async () => {
  const report = await startWasm();
  for (const name of ['FFT', 'IFFT', 'Complex', 'Real', 'Imag', 'ComplexAbs']) {
    assert.deepEqual(
      report.filledKernels.find((k) => k.name === name),
      { name, path: 'fast' },
    );
  }
});

test('complex tensors read back interleaved, as on cpu', async () => {
  const re = randomHost([2, 3]);
  const im = randomHost([2, 3]);
  await checkFunction('complex', () => tf.complex(tensorOf(re), tensorOf(im)));
  await checkFunction('real / imag / abs', () => {
    const z = tf.complex(tensorOf(re), tensorOf(im));
    return [tf.real(z), tf.imag(z), tf.abs(z), z.clone(), z.reshape([3, 2])];
  });
});

test('fft and ifft match cpu over lengths and batch shapes', async () => {
  for (const n of LENGTHS)
    for (const batch of [[1], [3], [2, 2]]) {
      const re = randomHost([...batch, n]);
      const im = randomHost([...batch, n]);
      await checkFunction(`fft n=${n} batch ${batch.join('x')}`, () => {
        const z = tf.complex(tensorOf(re), tensorOf(im));
        return [tf.spectral.fft(z), tf.spectral.ifft(z), tf.spectral.ifft(tf.spectral.fft(z))];
      });
    }
});

test('ifft(fft(x)) gives x back on wasm', async () => {
  assert.ok(await tf.setBackend('wasm'));
  for (const n of [7, 128, 1000]) {
    const re = randomHost([2, n]);
    const back = tf.tidy(() => tf.real(tf.spectral.ifft(tf.spectral.fft(tf.complex(tensorOf(re), tf.zerosLike(tensorOf(re)))))));
    const got = back.dataSync();
    back.dispose();
    let err = 0;
    (re.values as Float32Array).forEach((v, i) => {
      err = Math.max(err, Math.abs(v - got[i]!));
    });
    assert.ok(err < 1e-5, `n=${n}: round trip error ${err}`);
  }
});

test('rfft, irfft and stft match cpu', async () => {
  for (const n of [4, 6, 9, 16, 50]) {
    const x = randomHost([3, n]);
    await checkFunction(`rfft / irfft n=${n}`, () => {
      const spectrum = tf.spectral.rfft(tensorOf(x));
      return [spectrum, tf.spectral.irfft(spectrum), tf.spectral.rfft(tensorOf(x), Math.max(2, n - 1))];
    });
  }
  const signal = randomHost([400]);
  await checkFunction('stft 64 / 32 and its magnitude', () => {
    const s = tf.signal.stft(tensorOf(signal) as tf.Tensor1D, 64, 32);
    return [s, tf.abs(s)];
  });
  await checkFunction('stft 50 / 20, fftLength 60', () => tf.signal.stft(tensorOf(signal) as tf.Tensor1D, 50, 20, 60));
});

test('other ops on complex tensors compute as on cpu, or fail with the cpu error, never garbage', async () => {
  const z = () => tf.complex(tf.tensor1d([1, 2, 3]), tf.tensor1d([4, 5, 6]));
  await checkFunction('complex arithmetic and layout', () => [
    tf.add(z(), z()),
    tf.sub(z(), tf.complex(tf.ones([3]), tf.ones([3]))),
    tf.mul(z(), z()),
    tf.concat([z(), z()]),
    tf.stack([z(), z()]),
    tf.cast(z(), 'float32'),
    tf.zerosLike(z()),
    tf.expandDims(z(), 1),
  ]);
  assert.ok(await tf.setBackend('wasm'));
  assert.throws(() => tf.tidy(() => tf.sum(z())), /sum does not support complex64 tensors/);
  assert.throws(() => tf.tidy(() => tf.slice(z(), [1], [2])), /slice does not support complex64 tensors/);
});
