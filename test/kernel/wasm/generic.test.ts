// The generic fill-in path (the cpu kernel run on copies of the wasm tensors) and the promise
// that no cpu kernel is ever "not registered" on wasm.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { checkFunction, host, randomHost, startWasm, tensorOf, tf } from './helpers';

before(async () => {
  await startWasm();
});

test('every kernel the cpu backend has is registered for wasm, and the report names each fill-in once', async () => {
  const report = await startWasm();
  const wasm = new Set(tf.getKernelsForBackend('wasm').map((k) => k.kernelName));
  const missing = tf
    .getKernelsForBackend('cpu')
    .map((k) => k.kernelName)
    .filter((k) => !wasm.has(k));
  assert.deepEqual(missing, []);
  const names = report.filledKernels.map((k) => k.name);
  assert.equal(new Set(names).size, names.length);
  assert.deepEqual(
    report.filledKernels.find((k) => k.name === 'UnsortedSegmentSum'),
    { name: 'UnsortedSegmentSum', path: 'fast' },
  );
  for (const name of ['Einsum', 'RaggedGather', 'RaggedRange', 'RaggedTensorToTensor', 'StaticRegexReplace', 'Draw']) {
    assert.deepEqual(
      report.filledKernels.find((k) => k.name === name),
      { name, path: 'generic' },
    );
  }
  assert.ok(report.filledKernels.length >= 16, `${report.filledKernels.length} fill-ins`);
});

test('Einsum matches cpu for matmul, batched, transposed and reduced equations', async () => {
  const a = randomHost([2, 3, 4]);
  const b = randomHost([2, 4, 5]);
  const m = randomHost([3, 3]);
  await checkFunction('einsum', () => [
    tf.einsum('bij,bjk->bik', tensorOf(a), tensorOf(b)),
    tf.einsum('bij->bji', tensorOf(a)),
    tf.einsum('ij,jk->ik', tensorOf(m), tensorOf(m)),
    tf.einsum('i,i->', tf.tensor1d([1, 2, 3]), tf.tensor1d([4, 5, 6])),
  ]);
});

test('UnsortedSegmentSum (fast path) matches cpu for float and int data, rank 1 to 3, ids out of range, and its gradient', async () => {
  const x = randomHost([6, 3]);
  const ids = host([0, 2, 0, 1, 2, 2], [6], 'int32');
  const cube = randomHost([5, 2, 3]);
  await checkFunction('unsortedSegmentSum', () => [
    tf.unsortedSegmentSum(tensorOf(x), tensorOf(ids) as tf.Tensor1D, 4),
    tf.unsortedSegmentSum(
      tf.tensor2d(
        [
          [1, 2],
          [3, 4],
          [5, 6],
        ],
        [3, 2],
        'int32',
      ),
      tf.tensor1d([1, 1, 0], 'int32'),
      2,
    ),
    tf.unsortedSegmentSum(tf.tensor1d([1, 2, 3, 4]), tf.tensor1d([3, -1, 9, 3], 'int32'), 5),
    tf.unsortedSegmentSum(tensorOf(cube), tf.tensor1d([2, 0, 2, 1, 0], 'int32'), 3),
    tf.grad((t: tf.Tensor) =>
      tf
        .unsortedSegmentSum(t, tensorOf(ids) as tf.Tensor1D, 4)
        .square()
        .sum(),
    )(tensorOf(x)),
  ]);
});

test('an embedding layer trains on wasm: the gather gradient is the fast UnsortedSegmentSum', async () => {
  assert.ok(await tf.setBackend('wasm'));
  const model = tf.sequential({
    layers: [
      tf.layers.embedding({
        inputDim: 2000,
        outputDim: 16,
        inputLength: 20,
        embeddingsInitializer: tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed: 3 }),
      }),
      tf.layers.globalAveragePooling1d(),
      tf.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(0.05), loss: 'sparseCategoricalCrossentropy' });
  // Class 1 sentences use words 1000-1999, class 0 words 0-999.
  const ids = tf.tidy(() =>
    tf.tensor2d(
      Array.from({ length: 64 * 20 }, (_, i) => ((i * 7919) % 1000) + (Math.floor(i / 20) % 2) * 1000),
      [64, 20],
      'int32',
    ),
  );
  const labels = tf.tensor1d(
    Array.from({ length: 64 }, (_, i) => i % 2),
    'float32',
  );
  const profile = await tf.profile(async () => {
    await model.trainOnBatch(ids, labels);
  });
  assert.ok(profile.kernelNames.includes('UnsortedSegmentSum'), profile.kernelNames.join(' '));
  const loss = (await model.fit(ids, labels, { epochs: 10, batchSize: 32, verbose: 0 })).history.loss as number[];
  assert.ok(loss.at(-1)! < 0.5 * loss[0]!, `loss ${loss.map((l) => l.toFixed(3)).join(' ')}`);
  tf.dispose([ids, labels]);
  model.dispose();
});

test('RaggedGather, RaggedRange and RaggedTensorToTensor match cpu (several outputs, int32 data)', async () => {
  await checkFunction('ragged', () => {
    const gathered = tf.raggedGather(
      [tf.tensor1d([0, 2, 3, 3, 6], 'int32')],
      tf.tensor1d([1, 2, 3, 4, 5, 6]),
      tf.tensor1d([3, 0, 2], 'int32'),
      1,
    );
    const range = tf.raggedRange(tf.tensor1d([0, 5, 8], 'int32'), tf.tensor1d([3, 5, 12], 'int32'), tf.tensor1d([1, 1, 2], 'int32'));
    const dense = tf.raggedTensorToTensor(
      tf.tensor1d([3, 4], 'int32'),
      tf.tensor1d([1, 2, 3, 4, 5]),
      tf.scalar(0),
      [tf.tensor1d([0, 2, 2, 5], 'int32')],
      ['ROW_SPLITS'],
    );
    return [...gathered.outputNestedSplits, gathered.outputDenseValues, range.rtNestedSplits, range.rtDenseValues, dense] as tf.Tensor[];
  });
});

test('StaticRegexReplace works on wasm string tensors', async () => {
  await checkFunction('staticRegexReplace', () =>
    tf.string.staticRegexReplace(tf.tensor1d(['a1b22', 'none', 'x9'], 'string'), '\\d+', '#', true),
  );
});

test('a generic fill-in leaves no tensors behind on either backend', async () => {
  assert.ok(await tf.setBackend('wasm'));
  const before = tf.memory().numTensors;
  const wasmBefore = tf.backend().numDataIds();
  const cpuBefore = tf.findBackend('cpu')?.numDataIds() ?? 0;
  tf.tidy(() => tf.einsum('ij,jk->ik', tf.ones([3, 4]), tf.ones([4, 2])).dataSync());
  assert.equal(tf.memory().numTensors, before);
  assert.equal(tf.backend().numDataIds(), wasmBefore);
  assert.equal(tf.findBackend('cpu')?.numDataIds() ?? 0, cpuBefore);
});
