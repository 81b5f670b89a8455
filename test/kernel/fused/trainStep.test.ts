// The fused training step (src/kernel/fused/trainStep/) against tfjs's own step on the wasm
// backend: random dense models, shapes, losses, optimizers and seeds (fast-check); weights, the
// optimizer's moments, losses and metrics after each step must match within 1e-5 relative.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import fc from 'fast-check';
import { fusedTrainStep } from '../../../src/kernel/fused/trainStep/install';
import { relativeDiff } from './denseCases';
import { logged, startWasm, tf } from '../wasm/helpers';

before(async () => {
  await startWasm({ threads: 1 });
});

type Loss = 'sparseCategoricalCrossentropy' | 'categoricalCrossentropy' | 'meanSquaredError';
type Act = 'linear' | 'relu' | 'sigmoid' | 'tanh' | 'softmax';

interface Case {
  input: number[];
  hidden: Array<{ units: number; activation: Act; useBias: boolean }>;
  outUnits: number;
  outActivation: Act;
  loss: Loss;
  optimizer: 'adam' | 'sgd';
  batch: number;
  steps: number;
  seed: number;
  dropout: boolean;
  /** Most inputs zero (as MNIST's background): the input layer's gradient product skips them. */
  sparse?: boolean;
}

function build(c: Case): tf.LayersModel {
  const layers: tf.layers.Layer[] = [];
  if (c.input.length > 1) layers.push(tf.layers.flatten({ inputShape: c.input }));
  c.hidden.forEach((h, i) => {
    const first = layers.length === 0 && i === 0;
    layers.push(
      tf.layers.dense({
        units: h.units,
        activation: h.activation,
        useBias: h.useBias,
        kernelInitializer: tf.initializers.glorotUniform({ seed: c.seed + i }),
        biasInitializer: tf.initializers.randomNormal({ seed: c.seed + 50 + i, stddev: 0.1 }),
        ...(first ? { inputShape: c.input } : {}),
      }),
    );
    if (c.dropout) layers.push(tf.layers.dropout({ rate: 0 }));
  });
  layers.push(
    tf.layers.dense({
      units: c.outUnits,
      activation: c.outActivation,
      kernelInitializer: tf.initializers.glorotUniform({ seed: c.seed + 99 }),
      ...(layers.length === 0 ? { inputShape: c.input } : {}),
    }),
  );
  const model = tf.sequential({ layers });
  const optimizer = c.optimizer === 'adam' ? tf.train.adam(0.01) : tf.train.sgd(0.1);
  model.compile({ optimizer, loss: c.loss, metrics: ['accuracy'] });
  return model;
}

function data(c: Case): { x: tf.Tensor; y: tf.Tensor } {
  const rows = c.batch * c.steps;
  const dense = tf.randomNormal([rows, ...c.input], 0, 1, 'float32', c.seed);
  const x = c.sparse
    ? tf.tidy(() =>
        dense.mul(
          tf
            .randomUniform(dense.shape, 0, 1, 'float32', c.seed + 2)
            .greater(0.8)
            .cast('float32'),
        ),
      )
    : dense;
  if (x !== dense) dense.dispose();
  let y: tf.Tensor;
  if (c.loss === 'sparseCategoricalCrossentropy') y = tf.randomUniform([rows], 0, c.outUnits, 'int32', c.seed + 1).cast('float32');
  else if (c.loss === 'categoricalCrossentropy')
    y = tf.oneHot(tf.randomUniform([rows], 0, c.outUnits, 'int32', c.seed + 1), c.outUnits).cast('float32');
  else y = tf.randomUniform([rows, c.outUnits], 0, 1, 'float32', c.seed + 1);
  return { x, y };
}

async function train(c: Case, fused: boolean): Promise<{ weights: Float32Array[]; optimizerWeights: Float32Array[]; logs: number[][] }> {
  fusedTrainStep.enabled = fused;
  try {
    const model = build(c);
    const { x, y } = data(c);
    const logs: number[][] = [];
    for (let s = 0; s < c.steps; s++) {
      const xs = x.slice(s * c.batch, c.batch);
      const ys = y.slice(s * c.batch, c.batch);
      logs.push((await model.trainOnBatch(xs, ys)) as number[]);
      tf.dispose([xs, ys]);
    }
    const weights = model.getWeights().map((w) => w.dataSync() as Float32Array);
    const optimizerWeights = (await model.optimizer.getWeights()).map((w) => w.tensor.dataSync() as Float32Array);
    tf.dispose([x, y]);
    model.dispose();
    return { weights, optimizerWeights, logs };
  } finally {
    fusedTrainStep.enabled = true;
  }
}

const activation = fc.constantFrom<Act>('linear', 'relu', 'sigmoid', 'tanh');
const caseArb: fc.Arbitrary<Case> = fc.record({
  input: fc.oneof(
    fc.integer({ min: 1, max: 40 }).map((n): number[] => [n]),
    fc.constant<number[]>([4, 5, 1]),
    fc.constant<number[]>([3, 7]),
  ),
  hidden: fc.array(fc.record({ units: fc.integer({ min: 1, max: 40 }), activation, useBias: fc.boolean() }), { maxLength: 2 }),
  outUnits: fc.integer({ min: 1, max: 12 }),
  outActivation: fc.constantFrom<Act>('softmax', 'linear', 'sigmoid', 'relu', 'tanh'),
  loss: fc.constantFrom<Loss>('sparseCategoricalCrossentropy', 'categoricalCrossentropy', 'meanSquaredError'),
  optimizer: fc.constantFrom<'adam' | 'sgd'>('adam', 'sgd'),
  batch: fc.integer({ min: 1, max: 21 }),
  steps: fc.integer({ min: 1, max: 4 }),
  seed: fc.integer({ min: 1, max: 10000 }),
  dropout: fc.boolean(),
  sparse: fc.boolean(),
});

/**
 * Cross-entropies want probabilities: random cases keep softmax or sigmoid outputs for them; and
 * tfjs refuses categorical cross-entropy on a single unit (targets must be one-hot rows).
 */
const sensible = (c: Case) =>
  c.loss === 'meanSquaredError' ||
  ((c.outActivation === 'softmax' || c.outActivation === 'sigmoid') && (c.loss !== 'categoricalCrossentropy' || c.outUnits > 1));

describe('fused training step on wasm', () => {
  before(async () => {
    assert.ok(await tf.setBackend('wasm'));
  });

  it('is used for the tutorial model and logs it once', async () => {
    logged.length = 0;
    const c: Case = {
      input: [28, 28, 1],
      hidden: [{ units: 128, activation: 'relu', useBias: true }],
      outUnits: 10,
      outActivation: 'softmax',
      loss: 'sparseCategoricalCrossentropy',
      optimizer: 'adam',
      batch: 64,
      steps: 3,
      seed: 7,
      dropout: false,
      sparse: true,
    };
    const model = build(c);
    const { x, y } = data(c);
    const profile = await tf.profile(async () => {
      await model.trainOnBatch(x.slice(0, 64), y.slice(0, 64));
    });
    const fusedLines = logged.filter((l) => l.startsWith('fused training step'));
    assert.equal(fusedLines.length, 1, logged.join('\n'));
    assert.match(fusedLines[0]!, /dense 784→128 relu, dense 128→10 softmax; sparseCategoricalCrossentropy; adam/);
    // tfjs's own step runs about 80 kernels; the fused one none but slicing and scalars.
    assert.ok(profile.kernelNames.length < 10, profile.kernelNames.join(','));
    await model.trainOnBatch(x.slice(0, 64), y.slice(0, 64));
    assert.equal(logged.filter((l) => l.startsWith('fused training step')).length, 1);
    tf.dispose([x, y]);
    model.dispose();
  });

  it("matches tfjs's step over random models, shapes, losses, optimizers and seeds", async () => {
    await fc.assert(
      fc.asyncProperty(caseArb.filter(sensible), async (c) => {
        const fused = await train(c, true);
        const reference = await train(c, false);
        if (process.env.DEBUG_FUSED)
          console.log(
            JSON.stringify({
              c,
              f: fused.logs,
              r: reference.logs,
              fw: fused.weights.map((w) => Array.from(w.slice(0, 4))),
              rw: reference.weights.map((w) => Array.from(w.slice(0, 4))),
            }),
          );
        // Losses to 1e-5; an accuracy may differ by one row where two outputs tie to rounding
        // (an all-zero input row gives every unit its bias: the argmax is decided by the last bit).
        fused.logs.forEach((l, s) =>
          l.forEach((v, i) => {
            const expected = reference.logs[s]![i]!;
            const tolerance = i === 0 ? 1e-5 * Math.max(1, Math.abs(expected)) : 1 / c.batch + 1e-6;
            assert.ok(Math.abs(v - expected) <= tolerance, `step ${s} log ${i}: ${v} vs ${expected}`);
          }),
        );
        fused.weights.forEach((w, i) =>
          assert.ok(relativeDiff(w, reference.weights[i]!) < 1e-5, `weight ${i}: ${relativeDiff(w, reference.weights[i]!)}`),
        );
        assert.equal(fused.optimizerWeights.length, reference.optimizerWeights.length);
        fused.optimizerWeights.forEach((w, i) =>
          assert.ok(
            relativeDiff(w, reference.optimizerWeights[i]!) < 1e-5,
            `optimizer weight ${i}: ${relativeDiff(w, reference.optimizerWeights[i]!)}`,
          ),
        );
      }),
      { numRuns: Number(process.env.TFNB_FUSED_RUNS ?? 60), seed: Number(process.env.TFNB_FUSED_SEED ?? 20261207), verbose: true },
    );
  });
});

describe('fused training step inside model.fit', () => {
  before(async () => {
    assert.ok(await tf.setBackend('wasm'));
  });

  const c: Case = {
    input: [6, 4],
    hidden: [{ units: 16, activation: 'relu', useBias: true }],
    outUnits: 10,
    outActivation: 'softmax',
    loss: 'sparseCategoricalCrossentropy',
    optimizer: 'adam',
    batch: 12,
    steps: 10,
    seed: 42,
    dropout: true,
  };

  interface FitRun {
    history: Record<string, number[]>;
    batchLosses: number[];
    epochsRun: number;
    before: Float32Array;
    after: Float32Array;
    weights: Float32Array[];
    shared: Float32Array;
  }

  async function fitRun(fused: boolean, classWeight?: Record<number, number>): Promise<FitRun> {
    fusedTrainStep.enabled = fused;
    try {
      const model = build(c);
      const { x, y } = data(c);
      // A prediction first: XNNPACK packs the 10-unit layer's weights and caches them by tensor.
      const before = (model.predict(x.slice(0, 8)) as tf.Tensor).dataSync() as Float32Array;
      // A tensor sharing the first kernel's memory must keep the values it had.
      const shared = (model.layers[1] as unknown as { kernel: { read(): tf.Variable } }).kernel.read().reshape([-1]);
      const sharedBefore = shared.dataSync().slice() as Float32Array;
      const batchLosses: number[] = [];
      let epochsRun = 0;
      const history = await model.fit(x, y, {
        epochs: 4,
        batchSize: c.batch,
        shuffle: false,
        validationSplit: 0.25,
        verbose: 0,
        ...(classWeight ? { classWeight } : {}),
        callbacks: {
          onBatchEnd: async (_batch, logs) => {
            batchLosses.push(logs!.loss as number);
          },
          onEpochEnd: async (epoch) => {
            epochsRun = epoch + 1;
            if (epoch === 2) model.stopTraining = true;
          },
        },
      });
      const after = (model.predict(x.slice(0, 8)) as tf.Tensor).dataSync() as Float32Array;
      assert.deepEqual(Array.from(shared.dataSync()), Array.from(sharedBefore));
      const weights = model.getWeights().map((w) => w.dataSync() as Float32Array);
      tf.dispose([x, y, shared]);
      model.dispose();
      return { history: history.history as Record<string, number[]>, batchLosses, epochsRun, before, after, weights, shared: sharedBefore };
    } finally {
      fusedTrainStep.enabled = true;
    }
  }

  it('gives the history, callbacks, stopTraining, validation and predictions of tfjs', async () => {
    const fused = await fitRun(true);
    const reference = await fitRun(false);
    assert.equal(fused.epochsRun, 3);
    assert.equal(reference.epochsRun, 3);
    assert.deepEqual(Object.keys(fused.history).sort(), ['acc', 'loss', 'val_acc', 'val_loss']);
    assert.deepEqual(Object.keys(fused.history).sort(), Object.keys(reference.history).sort());
    for (const key of Object.keys(reference.history)) {
      assert.equal(fused.history[key]!.length, 3);
      fused.history[key]!.forEach((v, i) =>
        assert.ok(Math.abs(v - reference.history[key]![i]!) < 1e-5, `${key}[${i}]: ${v} vs ${reference.history[key]![i]}`),
      );
    }
    assert.equal(fused.batchLosses.length, reference.batchLosses.length);
    fused.batchLosses.forEach((v, i) => assert.ok(Math.abs(v - reference.batchLosses[i]!) < 1e-5));
    assert.ok(relativeDiff(fused.before, reference.before) < 1e-6);
    // After training, predictions (through XNNPACK, which had cached the old weights) use the new ones.
    assert.ok(relativeDiff(fused.after, reference.after) < 1e-5, `${relativeDiff(fused.after, reference.after)}`);
    assert.ok(relativeDiff(fused.after, fused.before) > 1e-3, 'training changed the predictions');
    fused.weights.forEach((w, i) => assert.ok(relativeDiff(w, reference.weights[i]!) < 1e-5));
  });

  it('leaves batches with sample weights (classWeight) to tfjs, with the same result', async () => {
    const classWeight = Object.fromEntries(Array.from({ length: 10 }, (_, k) => [k, k % 2 ? 0.5 : 2]));
    const fused = await fitRun(true, classWeight);
    const reference = await fitRun(false, classWeight);
    fused.weights.forEach((w, i) => assert.ok(relativeDiff(w, reference.weights[i]!) < 1e-6));
  });

  it('takes over a model first trained on cpu: weights, moments and batches are moved by a tfjs step first', async () => {
    const results: Float32Array[][] = [];
    for (const fused of [true, false]) {
      fusedTrainStep.enabled = fused;
      try {
        assert.ok(await tf.setBackend('cpu'));
        const model = build(c);
        const { x, y } = data(c);
        await model.trainOnBatch(x.slice(0, 12), y.slice(0, 12));
        assert.ok(await tf.setBackend('wasm'));
        for (let s = 0; s < 3; s++) await model.trainOnBatch(x.slice(12 * s, 12), y.slice(12 * s, 12));
        results.push(model.getWeights().map((w) => w.dataSync() as Float32Array));
        tf.dispose([x, y]);
        model.dispose();
      } finally {
        fusedTrainStep.enabled = true;
        assert.ok(await tf.setBackend('wasm'));
      }
    }
    results[0]!.forEach((w, i) => assert.ok(relativeDiff(w, results[1]![i]!) < 1e-5));
  });

  it('logs why a model it cannot take is left to tfjs, once, and trains it as tfjs does', async () => {
    logged.length = 0;
    const model = tf.sequential({
      layers: [
        tf.layers.depthwiseConv2d({ inputShape: [6, 6, 1], kernelSize: 3, depthMultiplier: 2 }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 3 }),
      ],
    });
    model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
    const x = tf.ones([4, 6, 6, 1]);
    const y = tf.ones([4, 3]);
    await model.trainOnBatch(x, y);
    await model.trainOnBatch(x, y);
    const lines = logged.filter((l) => l.startsWith('fused training step'));
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /not for model .*: depth multiplier 2/);
    tf.dispose([x, y]);
    model.dispose();
  });
});
