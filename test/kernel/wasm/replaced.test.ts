// wasm kernels that the backend wraps for speed (MaxPoolGrad, matrix products with transposed
// operands), against the cpu backend.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { checkAgainstCpu, checkFunction, randomHost, startWasm, tensorOf, tf, type HostTensor } from './helpers';

before(async () => {
  await startWasm();
});

/** ReLU'd random data: many zeros, so pooling windows often hold ties. */
function withTies(shape: number[]): HostTensor {
  const h = randomHost(shape);
  (h.values as Float32Array).forEach((v, i, a) => {
    a[i] = v > 0 ? Math.round(v * 4) / 4 : 0;
  });
  return h;
}

test('MaxPoolGrad matches cpu over window sizes, strides and paddings, ties included', async () => {
  const x = withTies([2, 9, 8, 3]);
  for (const filterSize of [1, 2, 3, [2, 3]] as Array<number | [number, number]>) {
    for (const strides of [1, 2, [3, 1]] as Array<number | [number, number]>) {
      for (const pad of ['valid', 'same', 1] as const) {
        const fh = Array.isArray(filterSize) ? filterSize[0] : filterSize;
        if (typeof pad === 'number' && pad >= fh) continue; // tfjs refuses padding wider than the window
        const label = `filter ${String(filterSize)} strides ${String(strides)} pad ${pad}`;
        const info = tf.backend_util.computePool2DInfo([2, 9, 8, 3], filterSize, strides, 1, pad);
        await checkAgainstCpu(
          'MaxPoolGrad',
          { dy: randomHost(info.outShape), input: x, output: randomHost(info.outShape) },
          { filterSize, strides, pad },
          label,
        );
      }
    }
  }
});

test('maxPool and its gradient through tf.grad match cpu, with a rounding mode too', async () => {
  const x = withTies([3, 12, 11, 4]);
  await checkFunction('maxPool 2x2 / 2 valid', () => {
    const f = (t: tf.Tensor) =>
      tf
        .maxPool(t as tf.Tensor4D, 2, 2, 'valid')
        .square()
        .sum();
    return [tf.maxPool(tensorOf(x) as tf.Tensor4D, 2, 2, 'valid'), tf.grad(f)(tensorOf(x))];
  });
  await checkFunction('maxPool 3x3 / 2 pad 1 ceil', () =>
    tf.grad((t: tf.Tensor) => tf.maxPool(t as tf.Tensor4D, 3, 2, 1, 'ceil').sum())(tensorOf(x)),
  );
});

test('BatchMatMul and _FusedMatMul with transposed operands match cpu', async () => {
  const a = randomHost([7, 5]);
  const b = randomHost([5, 6]);
  const at = randomHost([5, 7]);
  const bt = randomHost([6, 5]);
  const a3 = randomHost([1, 7, 5]);
  const batched = randomHost([3, 5, 7]);
  await checkFunction('matMul', () => [
    tf.matMul(tensorOf(at), tensorOf(b), true, false),
    tf.matMul(tensorOf(a), tensorOf(bt), false, true),
    tf.matMul(tensorOf(at), tensorOf(bt), true, true),
    tf.matMul(tensorOf(a3), tensorOf(bt), false, true),
    tf.matMul(tensorOf(batched), tf.ones([3, 5, 2]), true, false),
  ]);
  await checkFunction('fused matMul with bias and relu', () => [
    tf.fused.matMul({
      a: tensorOf(at),
      b: tensorOf(bt),
      transposeA: true,
      transposeB: true,
      bias: tf.linspace(-1, 1, 6),
      activation: 'relu',
    }),
    tf.fused.matMul({ a: tensorOf(a), b: tensorOf(bt), transposeB: true, activation: 'elu' }),
  ]);
});

test('a dense layer trains identically on wasm and cpu for one step', async () => {
  const x = randomHost([16, 12]);
  const w = randomHost([12, 4]);
  await checkFunction('dense gradients', () => {
    const [gx, gw] = tf.grads((xs: tf.Tensor, ws: tf.Tensor) => tf.matMul(xs, ws).relu().square().sum())([tensorOf(x), tensorOf(w)]);
    return [gx!, gw!];
  });
  assert.equal(tf.getBackend(), 'wasm');
});

test('Identity shares the data: a clone outlives its source, and nothing leaks', async () => {
  assert.ok(await tf.setBackend('wasm'));
  const before = tf.backend().numDataIds();
  const a = tf.tensor2d([
    [1, 2],
    [3, 4],
  ]);
  const b = a.clone();
  const c = tf.variable(b);
  a.dispose();
  assert.deepEqual(Array.from(b.dataSync()), [1, 2, 3, 4]);
  const next = tf.tensor2d([
    [5, 6],
    [7, 8],
  ]);
  c.assign(next);
  next.dispose();
  assert.deepEqual(Array.from(b.dataSync()), [1, 2, 3, 4]);
  assert.deepEqual(Array.from(c.dataSync()), [5, 6, 7, 8]);
  b.dispose();
  c.dispose();
  assert.equal(tf.backend().numDataIds(), before);
});

test('Slice reads the heap in place and matches cpu: whole, contiguous, strided, every rank, every dtype', async () => {
  const cube = randomHost([4, 5, 6]);
  const four = randomHost([3, 4, 5, 2]);
  await checkFunction('slice', () => [
    tf.slice(tensorOf(cube), [0, 0, 0], [4, 5, 6]),
    tf.slice(tensorOf(cube), [1, 0, 0], [2, 5, 6]),
    tf.slice(tensorOf(cube), [1, 2, 0], [2, 3, 6]),
    tf.slice(tensorOf(cube), [0, 1, 2], [4, 3, 3]),
    tf.slice(tensorOf(cube), [3, 4, 5], [1, 1, 1]),
    tf.slice(tensorOf(cube), [2, 0, 0], [0, 5, 6]),
    tf.slice(tensorOf(four), [1, 1, 1, 0], [2, 2, 3, 1]),
    tf.slice(tf.range(0, 20, 1, 'int32'), [5], [7]),
    tf.slice(
      tf.tensor2d(
        [
          [true, false, true],
          [false, true, true],
        ],
        [2, 3],
        'bool',
      ),
      [0, 1],
      [2, 2],
    ),
  ]);
  // Strings keep the package's kernel.
  assert.ok(await tf.setBackend('wasm'));
  assert.deepEqual(await tf.slice(tf.tensor1d(['a', 'b', 'c'], 'string'), [1], [2]).array(), ['b', 'c']);
});

test('GatherV2 copies blocks on the heap and matches cpu: every axis, batchDims, index shapes, dtypes; bad indices throw', async () => {
  const cube = randomHost([4, 5, 6]);
  const images = randomHost([10, 3, 3, 1]);
  await checkFunction('gather', () => [
    tf.gather(tensorOf(cube), tf.tensor1d([3, 0, 3, 1], 'int32')),
    tf.gather(tensorOf(cube), tf.tensor1d([4, 2], 'int32'), 1),
    tf.gather(tensorOf(cube), tf.tensor1d([5, 0, 1], 'int32'), 2),
    tf.gather(
      tensorOf(cube),
      tf.tensor2d(
        [
          [1, 2],
          [0, 0],
        ],
        [2, 2],
        'int32',
      ),
      1,
    ),
    tf.gather(tensorOf(cube), tf.scalar(2, 'int32')),
    tf.gather(
      tensorOf(cube),
      tf.tensor2d(
        [
          [0, 4],
          [1, 1],
          [3, 2],
          [2, 0],
        ],
        [4, 2],
        'int32',
      ),
      1,
      1,
    ),
    tf.gather(tensorOf(images), tf.tensor1d([9, 0, 5], 'int32')),
    tf.gather(tf.range(0, 12, 1, 'int32').reshape([3, 4]), tf.tensor1d([2, 2], 'int32')),
    tf.gather(
      tf.tensor2d(
        [
          [true, false],
          [false, false],
        ],
        [2, 2],
        'bool',
      ),
      tf.tensor1d([1, 0], 'int32'),
      1,
    ),
    tf.gather(tensorOf(cube), tf.tensor1d([], 'int32')),
  ]);
  assert.ok(await tf.setBackend('wasm'));
  assert.throws(() => tf.gather(tf.tensor1d([1, 2, 3]), tf.tensor1d([3], 'int32')), /GatherV2: the index value 3 is not in \[0, 2\]/);
  assert.throws(() => tf.gather(tf.tensor1d([1, 2, 3]), tf.tensor1d([-1], 'int32')), /GatherV2: the index value -1 is not in \[0, 2\]/);
});
