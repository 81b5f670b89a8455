// End to end on wasm: a small CNN trains with model.fit (its conv gradients are fill-ins), and
// a model that reads spectrograms from tf.signal.stft trains on them.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { startWasm, tf } from './helpers';

before(async () => {
  await startWasm();
  assert.ok(await tf.setBackend('wasm'));
});

/** 16x16 images with a bright 4x4 square in one of four places, plus noise; the label is the place. */
function squares(count: number): { xs: tf.Tensor4D; ys: tf.Tensor2D } {
  return tf.tidy(() => {
    const images = new Float32Array(count * 16 * 16);
    const labels: number[] = [];
    let seed = 7;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let n = 0; n < count; n++) {
      const place = n % 4;
      labels.push(place);
      const top = place < 2 ? 2 : 10;
      const left = place % 2 === 0 ? 2 : 10;
      for (let i = 0; i < 16 * 16; i++) images[n * 256 + i] = 0.3 * rand();
      for (let r = top; r < top + 4; r++) for (let c = left; c < left + 4; c++) images[n * 256 + r * 16 + c]! += 1;
    }
    return { xs: tf.tensor4d(images, [count, 16, 16, 1]), ys: tf.oneHot(tf.tensor1d(labels, 'int32'), 4).toFloat() as tf.Tensor2D };
  });
}

test('a CNN (conv, pool, conv, pool, dense) trains on wasm: the loss falls', async () => {
  // Seeded weights and no shuffling: the run is the same every time, so the bar below cannot
  // be missed by an unlucky initialisation (CI once saw 1.40 -> 1.01 in 6 epochs).
  let seed = 1;
  const init = () => tf.initializers.glorotUniform({ seed: seed++ });
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({
        inputShape: [16, 16, 1],
        filters: 8,
        kernelSize: 3,
        activation: 'relu',
        padding: 'same',
        kernelInitializer: init(),
      }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 8, kernelSize: 3, strides: 2, activation: 'relu', kernelInitializer: init() }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 4, activation: 'softmax', kernelInitializer: init() }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const { xs, ys } = squares(128);
  const dataIds: number[] = [];
  const history = await model.fit(xs, ys, {
    epochs: 8,
    batchSize: 32,
    shuffle: false,
    verbose: 0,
    callbacks: {
      onEpochEnd: async () => {
        dataIds.push(tf.backend().numDataIds());
      },
    },
  });
  const loss = history.history.loss as number[];
  // Nothing accumulates on the wasm heap from one epoch to the next.
  assert.equal(dataIds[dataIds.length - 1], dataIds[1], `wasm data ids per epoch: ${dataIds.join(' ')}`);
  assert.equal(tf.getBackend(), 'wasm');
  assert.ok(loss.every(Number.isFinite), `losses ${loss}`);
  assert.ok(loss[loss.length - 1]! < 0.7 * loss[0]!, `loss did not fall enough: ${loss.map((l) => l.toFixed(3)).join(' -> ')}`);
  xs.dispose();
  ys.dispose();
  model.dispose();
});

test('a classifier on tf.signal.stft magnitudes trains on wasm', async () => {
  // Two classes of noisy tones, 8 cycles or 40 cycles per 256 samples.
  const count = 64;
  const { signals, labels } = tf.tidy(() => {
    const t = tf.range(0, 256).div(256);
    const rows: tf.Tensor[] = [];
    const ys: number[] = [];
    for (let n = 0; n < count; n++) {
      const cycles = n % 2 === 0 ? 8 : 40;
      ys.push(n % 2);
      rows.push(tf.sin(t.mul(2 * Math.PI * cycles).add(n)).add(tf.randomNormal([256], 0, 0.3, 'float32', n)));
    }
    return { signals: tf.stack(rows), labels: tf.oneHot(tf.tensor1d(ys, 'int32'), 2).toFloat() };
  });
  // [count, frames, 33] magnitudes, averaged over frames -> [count, 33].
  const features = tf.tidy(() => tf.stack(tf.unstack(signals).map((s) => tf.abs(tf.signal.stft(s as tf.Tensor1D, 64, 32)).mean(0))));
  assert.deepEqual(features.shape, [count, 33]);
  // A seeded initial weight: from some random ones tfjs's own step stays at 50 % for 15 epochs (1 in 30).
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [33], units: 2, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 7 }) }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(0.05), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const history = await model.fit(features, labels, { epochs: 15, batchSize: 16, verbose: 0 });
  const loss = history.history.loss as number[];
  const accuracy = history.history.acc as number[];
  assert.ok(loss[loss.length - 1]! < loss[0]!, `loss did not fall: ${loss[0]} -> ${loss[loss.length - 1]}`);
  assert.ok(accuracy[accuracy.length - 1]! > 0.9, `accuracy ${accuracy[accuracy.length - 1]}`);
  tf.dispose([signals, labels, features]);
  model.dispose();
});
