// predict and evaluate of dense chains through the fused forward pass
// (src/kernel/fused/trainStep/forward.ts, inference.ts) against tfjs's own on wasm: random models
// (dropout included: the identity outside training), batch sizes and row counts; the returned
// tensor is the user's to dispose; fit's validation goes through the same test function.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import fc from 'fast-check';
import { fusedTrainStep } from '../../../src/kernel/fused/trainStep/install';
import { logged, startWasm, tf } from '../wasm/helpers';
import { buildDense, denseCaseArb, denseData, relativeDiff, type DenseCase } from './denseCases';

before(async () => {
  await startWasm({ threads: 1 });
  assert.ok(await tf.setBackend('wasm'));
});

async function both<T>(fn: () => Promise<T> | T): Promise<[fused: T, reference: T]> {
  const fused = await fn();
  fusedTrainStep.enabled = false;
  try {
    return [fused, await fn()];
  } finally {
    fusedTrainStep.enabled = true;
  }
}

const caseArb = fc
  .tuple(denseCaseArb, fc.option(fc.double({ min: 0.1, max: 0.8, noNaN: true }), { nil: undefined }), fc.integer({ min: 1, max: 700 }))
  .map(([c, rate, rows]): DenseCase => ({ ...c, ...(rate === undefined ? {} : { dropout: { rate } }), batch: rows, steps: 1 }));

describe('fused predict', () => {
  it("gives tfjs's outputs over random models, row counts and batch sizes, as a tensor the user disposes", async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, fc.integer({ min: 1, max: 300 }), async (c, batchSize) => {
        const model = buildDense(c);
        const { x, y } = denseData(c);
        logged.length = 0;
        const before = tf.memory().numTensors;
        const [fused, reference] = await both(() => {
          const out = model.predict(x, { batchSize }) as tf.Tensor;
          const result = { shape: out.shape, values: out.dataSync() as Float32Array };
          out.dispose();
          return result;
        });
        assert.equal(tf.memory().numTensors, before, 'predict left no tensor behind');
        assert.ok(
          logged.some((l) => /^fused predict: model /.test(l)),
          logged.join('\n'),
        );
        assert.deepEqual(fused.shape, reference.shape);
        assert.ok(relativeDiff(fused.values, reference.values) < 1e-5, `${relativeDiff(fused.values, reference.values)}`);
        tf.dispose([x, y]);
        model.dispose();
      }),
      { numRuns: Number(process.env.TFNB_FUSED_RUNS ?? 40), seed: 20261207 },
    );
  });

  it('runs no tfjs kernel but the output tensor; predictOnBatch too; after fused training it sees the new weights', async () => {
    const c: DenseCase = {
      input: [6, 4],
      hidden: [{ units: 16, activation: 'relu', useBias: true }],
      outUnits: 10,
      outActivation: 'softmax',
      loss: 'sparseCategoricalCrossentropy',
      batch: 37,
      steps: 1,
      seed: 4,
    };
    const model = buildDense(c);
    const { x, y } = denseData(c);
    const profile = await tf.profile(() => {
      const out = model.predict(x) as tf.Tensor;
      out.dispose();
    });
    assert.ok(profile.kernelNames.length <= 1, profile.kernelNames.join(','));
    fusedTrainStep.enabled = false;
    try {
      const tfjs = await tf.profile(() => {
        const out = model.predict(x) as tf.Tensor;
        out.dispose();
      });
      assert.ok(tfjs.kernelNames.includes('_FusedMatMul'), `turned off, tfjs predicts: ${tfjs.kernelNames.join(',')}`);
    } finally {
      fusedTrainStep.enabled = true;
    }
    const [onBatch, reference] = await both(() => (model.predictOnBatch(x) as tf.Tensor).dataSync() as Float32Array);
    assert.ok(relativeDiff(onBatch, reference) < 1e-5);
    await model.trainOnBatch(x, y);
    const [trained, trainedReference] = await both(() => (model.predict(x) as tf.Tensor).dataSync() as Float32Array);
    assert.ok(relativeDiff(trained, trainedReference) < 1e-5);
    assert.ok(relativeDiff(trained, onBatch) > 1e-4, 'training changed the outputs');
    tf.dispose([x, y]);
    model.dispose();
  });

  it("with and without FMA (relaxed SIMD where the runtime has it): tfjs's outputs", async () => {
    const c: DenseCase = {
      input: [13],
      hidden: [{ units: 21, activation: 'relu', useBias: true }],
      outUnits: 6,
      outActivation: 'linear',
      loss: 'meanSquaredError',
      batch: 45,
      steps: 1,
      seed: 21,
    };
    const model = buildDense(c);
    const { x, y } = denseData(c);
    const saved = fusedTrainStep.fma;
    try {
      for (const fma of [true, false, 'auto'] as const) {
        fusedTrainStep.fma = fma;
        const [fused, reference] = await both(() => (model.predict(x) as tf.Tensor).dataSync() as Float32Array);
        assert.ok(relativeDiff(fused, reference) < 1e-5, `FMA ${fma}: ${relativeDiff(fused, reference)}`);
      }
    } finally {
      fusedTrainStep.fma = saved;
    }
    tf.dispose([x, y]);
    model.dispose();
  });

  it('predicts a model built on cpu: tfjs moves its weights the first time, the fused pass runs after', async () => {
    const c: DenseCase = {
      input: [5],
      hidden: [{ units: 7, activation: 'sigmoid', useBias: true }],
      outUnits: 3,
      outActivation: 'softmax',
      loss: 'sparseCategoricalCrossentropy',
      batch: 9,
      steps: 1,
      seed: 6,
    };
    const outputs: Float32Array[] = [];
    for (const fused of [true, false]) {
      fusedTrainStep.enabled = fused;
      try {
        assert.ok(await tf.setBackend('cpu'));
        const model = buildDense(c);
        assert.ok(await tf.setBackend('wasm'));
        const { x, y } = denseData(c);
        for (let k = 0; k < 2; k++) outputs.push((model.predict(x) as tf.Tensor).dataSync() as Float32Array);
        tf.dispose([x, y]);
        model.dispose();
      } finally {
        fusedTrainStep.enabled = true;
        assert.ok(await tf.setBackend('wasm'));
      }
    }
    outputs.slice(1).forEach((o) => assert.ok(relativeDiff(o, outputs[0]!) < 1e-5));
  });

  it('leaves what it cannot run to tfjs, with the reason in the log', async () => {
    logged.length = 0;
    const conv = tf.sequential({
      layers: [tf.layers.conv2d({ inputShape: [5, 5, 1], filters: 2, kernelSize: 3 }), tf.layers.flatten(), tf.layers.dense({ units: 2 })],
    });
    const image = tf.ones([3, 5, 5, 1]);
    const [out, reference] = await both(() => (conv.predict(image) as tf.Tensor).dataSync() as Float32Array);
    assert.deepEqual(Array.from(out), Array.from(reference));
    assert.ok(
      logged.some((l) => /^fused predict: not for model .*: conv2d, pooling or batch normalisation layers.*; tfjs runs it/.test(l)),
      logged.join('\n'),
    );
    // A dense model given int32 input: tfjs's own path, same result.
    const dense = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 2 })] });
    const ints = tf.tensor2d([[1, 2, 3]], [1, 3], 'int32');
    const [intOut, intReference] = await both(() => (dense.predict(ints) as tf.Tensor).dataSync() as Float32Array);
    assert.deepEqual(Array.from(intOut), Array.from(intReference));
    tf.dispose([image, ints]);
    conv.dispose();
    dense.dispose();
  });
});

describe('fused evaluate', () => {
  it("gives tfjs's loss and metrics over random models and batch sizes", async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, fc.integer({ min: 1, max: 300 }), async (c, batchSize) => {
        const model = buildDense(c);
        const { x, y } = denseData(c);
        logged.length = 0;
        const before = tf.memory().numTensors;
        const [fused, reference] = await both(() => {
          const out = model.evaluate(x, y, { batchSize }) as tf.Scalar[];
          const values = out.map((s) => s.dataSync()[0]!);
          tf.dispose(out);
          return values;
        });
        assert.equal(tf.memory().numTensors, before, 'evaluate left no tensor behind');
        assert.ok(
          logged.some((l) => /^fused evaluate: model /.test(l)),
          logged.join('\n'),
        );
        assert.ok(
          Math.abs(fused[0]! - reference[0]!) <= 1e-5 * Math.max(1, Math.abs(reference[0]!)),
          `loss ${fused[0]} vs ${reference[0]}`,
        );
        // Accuracy: an output tie decided by the last bit may flip one row (see trainStep.test.ts).
        assert.ok(
          Math.abs(fused[1]! - reference[1]!) <= 1 / Math.min(batchSize, c.batch) + 1e-6,
          `accuracy ${fused[1]} vs ${reference[1]}`,
        );
        tf.dispose([x, y]);
        model.dispose();
      }),
      { numRuns: Number(process.env.TFNB_FUSED_RUNS ?? 40), seed: 20261207 },
    );
  });

  it("runs fit's validation: the same val_loss and val_acc, and the log says so", async () => {
    const c: DenseCase = {
      input: [9],
      hidden: [{ units: 12, activation: 'tanh', useBias: true }],
      outUnits: 3,
      outActivation: 'softmax',
      loss: 'categoricalCrossentropy',
      batch: 60,
      steps: 1,
      seed: 12,
    };
    logged.length = 0;
    const [fused, reference] = await both(async () => {
      const model = buildDense(c, tf.train.sgd(0.1));
      const { x, y } = denseData(c);
      const history = await model.fit(x, y, { epochs: 2, batchSize: 8, validationSplit: 0.3, verbose: 0, shuffle: false });
      tf.dispose([x, y]);
      model.dispose();
      return history.history as Record<string, number[]>;
    });
    assert.ok(
      logged.some((l) => /^fused evaluate: model /.test(l)),
      logged.join('\n'),
    );
    for (const key of ['val_loss', 'val_acc', 'loss']) {
      assert.ok(relativeDiff(fused[key]!, reference[key]!) < 1e-5, `${key}: ${fused[key]} vs ${reference[key]}`);
    }
  });

  it("runs evaluate's whole loop (no per-batch gather), and evaluateDataset through the test function", async () => {
    const c: DenseCase = {
      input: [10],
      hidden: [{ units: 8, activation: 'relu', useBias: true }],
      outUnits: 4,
      outActivation: 'softmax',
      loss: 'sparseCategoricalCrossentropy',
      batch: 50,
      steps: 1,
      seed: 31,
    };
    const model = buildDense(c);
    const { x, y } = denseData(c);
    const profile = await tf.profile(() => {
      tf.dispose(model.evaluate(x, y, { batchSize: 16 }) as tf.Scalar[]);
    });
    assert.ok(!profile.kernelNames.includes('GatherV2'), profile.kernelNames.join(','));
    const [fused, reference] = await both(async () => {
      const dataset = tf.data.zip({ xs: tf.data.array(x.unstack()), ys: tf.data.array(y.unstack()) }).batch(16);
      const out = (await model.evaluateDataset(dataset as unknown as Parameters<tf.LayersModel['evaluateDataset']>[0], {})) as tf.Scalar[];
      const values = out.map((t) => t.dataSync()[0]!);
      tf.dispose(out);
      return values;
    });
    assert.ok(relativeDiff(fused, reference) < 1e-5, `${fused} vs ${reference}`);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('leaves a model whose loss it does not compute to tfjs, with the reason', async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 2 })] });
    model.compile({ optimizer: 'sgd', loss: 'meanAbsoluteError' });
    const [x, y] = [tf.ones([4, 3]), tf.ones([4, 2])];
    logged.length = 0;
    const [fused, reference] = await both(() => (model.evaluate(x, y) as tf.Scalar).dataSync()[0]!);
    assert.equal(fused, reference);
    assert.ok(
      logged.some((l) => /^fused evaluate: not for model .*: loss meanAbsoluteError/.test(l)),
      logged.join('\n'),
    );
    tf.dispose([x, y]);
    model.dispose();
  });
});
