// The fused training step's image stages (src/kernel/fused/trainStep/imageStages.ts) against
// tfjs's own step on the wasm backend: random conv2d / pooling / batch normalisation models
// (strides, padding, activations, bias), shapes, losses, optimizers and seeds (fast-check); weights, the optimizer's
// moments and losses after each step must match within 1e-5 relative.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import fc from 'fast-check';
import { fusedTrainStep } from '../../../src/kernel/fused/trainStep/install';
import { relativeDiff } from './denseCases';
import { planFor, type ModelInternals } from '../../../src/kernel/fused/trainStep/plan';
import { logged, startWasm, tf } from '../wasm/helpers';

before(async () => {
  await startWasm({ threads: 1 });
});

type Act = 'linear' | 'relu' | 'sigmoid' | 'tanh';
type Loss = 'sparseCategoricalCrossentropy' | 'categoricalCrossentropy' | 'meanSquaredError';

interface ConvLayer {
  kind: 'conv';
  filters: number;
  kernel: [number, number];
  strides: 1 | 2;
  padding: 'valid' | 'same';
  activation: Act;
  useBias: boolean;
}

type ImageLayer =
  | ConvLayer
  /** One filter per channel (no `filters`). */
  | (Omit<ConvLayer, 'kind'> & { kind: 'depthwise' })
  /** Depthwise then pointwise (1x1), as one tfjs layer. */
  | (Omit<ConvLayer, 'kind'> & { kind: 'separable' })
  | { kind: 'maxPool' | 'avgPool'; pool: 2 | 3; strides?: 1 | 2; padding: 'valid' | 'same' }
  | { kind: 'batchNorm'; momentum: number };

interface Case {
  input: [number, number, number];
  layers: ImageLayer[];
  hidden: number;
  outUnits: number;
  loss: Loss;
  optimizer: 'adam' | 'sgd';
  batch: number;
  steps: number;
  seed: number;
  /** Adam's epsilon (tfjs's default 1e-7 when absent). */
  adamEpsilon?: number;
}

function build(c: Case): tf.LayersModel {
  const layers: tf.layers.Layer[] = [];
  const first = () => (layers.length === 0 ? { inputShape: c.input } : {});
  c.layers.forEach((l, i) => {
    if (l.kind === 'separable') {
      layers.push(
        tf.layers.separableConv2d({
          ...first(),
          filters: l.filters,
          kernelSize: l.kernel,
          strides: l.strides,
          padding: l.padding,
          activation: l.activation,
          useBias: l.useBias,
          depthwiseInitializer: tf.initializers.glorotUniform({ seed: c.seed + i }),
          pointwiseInitializer: tf.initializers.glorotUniform({ seed: c.seed + 30 + i }),
          biasInitializer: tf.initializers.randomNormal({ seed: c.seed + 50 + i, stddev: 0.1 }),
        }),
      );
    } else if (l.kind === 'depthwise') {
      layers.push(
        tf.layers.depthwiseConv2d({
          ...first(),
          kernelSize: l.kernel,
          strides: l.strides,
          padding: l.padding,
          activation: l.activation,
          useBias: l.useBias,
          depthwiseInitializer: tf.initializers.glorotUniform({ seed: c.seed + i }),
          biasInitializer: tf.initializers.randomNormal({ seed: c.seed + 50 + i, stddev: 0.1 }),
        }),
      );
    } else if (l.kind === 'conv') {
      layers.push(
        tf.layers.conv2d({
          ...first(),
          filters: l.filters,
          kernelSize: l.kernel,
          strides: l.strides,
          padding: l.padding,
          activation: l.activation,
          useBias: l.useBias,
          kernelInitializer: tf.initializers.glorotUniform({ seed: c.seed + i }),
          biasInitializer: tf.initializers.randomNormal({ seed: c.seed + 50 + i, stddev: 0.1 }),
        }),
      );
    } else if (l.kind === 'batchNorm') {
      layers.push(
        tf.layers.batchNormalization({
          ...first(),
          momentum: l.momentum,
          gammaInitializer: tf.initializers.randomUniform({ minval: 0.5, maxval: 1.5, seed: c.seed + 70 + i }),
          betaInitializer: tf.initializers.randomNormal({ seed: c.seed + 80 + i, stddev: 0.1 }),
        }),
      );
    } else {
      const options = { ...first(), poolSize: l.pool, padding: l.padding, ...(l.strides ? { strides: l.strides } : {}) };
      layers.push(l.kind === 'maxPool' ? tf.layers.maxPooling2d(options) : tf.layers.averagePooling2d(options));
    }
  });
  layers.push(tf.layers.flatten(layers.length === 0 ? { inputShape: c.input } : {}));
  if (c.hidden > 0)
    layers.push(
      tf.layers.dense({ units: c.hidden, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: c.seed + 98 }) }),
    );
  const softmax = c.loss !== 'meanSquaredError';
  layers.push(
    tf.layers.dense({
      units: c.outUnits,
      activation: softmax ? 'softmax' : 'linear',
      kernelInitializer: tf.initializers.glorotUniform({ seed: c.seed + 99 }),
    }),
  );
  const model = tf.sequential({ layers });
  model.compile({
    optimizer: c.optimizer === 'adam' ? tf.train.adam(0.01, 0.9, 0.999, c.adamEpsilon) : tf.train.sgd(0.1),
    loss: c.loss,
    metrics: ['accuracy'],
  });
  return model;
}

function data(c: Case): { x: tf.Tensor; y: tf.Tensor } {
  const rows = c.batch * c.steps;
  const x = tf.randomNormal([rows, ...c.input], 0, 1, 'float32', c.seed);
  let y: tf.Tensor;
  if (c.loss === 'sparseCategoricalCrossentropy') y = tf.randomUniform([rows], 0, c.outUnits, 'int32', c.seed + 1).cast('float32');
  else if (c.loss === 'categoricalCrossentropy')
    y = tf.oneHot(tf.randomUniform([rows], 0, c.outUnits, 'int32', c.seed + 1), c.outUnits).cast('float32');
  else y = tf.randomUniform([rows, c.outUnits], 0, 1, 'float32', c.seed + 1);
  return { x, y };
}

/** The largest difference relative to the largest value (and to 1 below 1), as in trainStep.test.ts. */

interface Run {
  weights: Float32Array[];
  optimizerWeights: Float32Array[];
  logs: number[][];
}

async function train(c: Case, fused: boolean): Promise<Run> {
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

function assertSame(c: Case, fused: Run, reference: Run): void {
  fused.logs.forEach((l, s) => {
    const expected = reference.logs[s]![0]!;
    assert.ok(Math.abs(l[0]! - expected) <= 1e-5 * Math.max(1, Math.abs(expected)), `step ${s} loss: ${l[0]} vs ${expected}`);
    // An accuracy may differ by a row where two outputs tie to rounding.
    assert.ok(Math.abs(l[1]! - reference.logs[s]![1]!) <= 1 / c.batch + 1e-6, `step ${s} accuracy`);
  });
  assert.equal(fused.weights.length, reference.weights.length);
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
}

const act = fc.constantFrom<Act>('linear', 'relu', 'sigmoid', 'tanh');
const convArb = fc
  .record({
    kind: fc.constantFrom<'conv' | 'depthwise' | 'separable'>('conv', 'conv', 'depthwise', 'separable'),
    filters: fc.integer({ min: 1, max: 12 }),
    kernel: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
    strides: fc.constantFrom<1 | 2>(1, 2),
    padding: fc.constantFrom<'valid' | 'same'>('valid', 'same'),
    activation: act,
    useBias: fc.boolean(),
  })
  .map((l): ImageLayer =>
    l.kind === 'conv' ? { ...l, kind: 'conv' } : l.kind === 'depthwise' ? { ...l, kind: 'depthwise' } : { ...l, kind: 'separable' },
  );
const poolArb = fc
  .record(
    {
      kind: fc.constantFrom<'maxPool' | 'avgPool'>('maxPool', 'avgPool'),
      pool: fc.constantFrom<2 | 3>(2, 3),
      strides: fc.constantFrom<1 | 2>(1, 2),
      padding: fc.constantFrom<'valid' | 'same'>('valid', 'same'),
    },
    { requiredKeys: ['kind', 'pool', 'padding'] },
  )
  // The fused step leaves average pooling over padded windows to tfjs (see plan.ts).
  .map((p): ImageLayer => (p.kind === 'avgPool' ? { ...p, padding: 'valid' } : p));
const batchNormArb = fc.record({ kind: fc.constant<'batchNorm'>('batchNorm'), momentum: fc.constantFrom(0.99, 0.9, 0.5) });
const caseArb: fc.Arbitrary<Case> = fc.record({
  input: fc.tuple(fc.integer({ min: 4, max: 11 }), fc.integer({ min: 4, max: 11 }), fc.integer({ min: 1, max: 4 })),
  layers: fc.array(fc.oneof(convArb, convArb, poolArb, batchNormArb), { minLength: 1, maxLength: 3 }),
  hidden: fc.constantFrom(0, 0, 7, 16),
  outUnits: fc.integer({ min: 2, max: 6 }),
  loss: fc.constantFrom<Loss>('sparseCategoricalCrossentropy', 'categoricalCrossentropy', 'meanSquaredError'),
  optimizer: fc.constantFrom<'adam' | 'sgd'>('adam', 'sgd'),
  batch: fc.integer({ min: 1, max: 9 }),
  steps: fc.integer({ min: 1, max: 3 }),
  seed: fc.integer({ min: 1, max: 10000 }),
  // Adam divides each gradient by its own size (plus epsilon): a weight gradient that cancels to
  // ~1e-7 (a sum over a few rows) has float32 noise of its terms' size — different summation
  // orders of tfjs's and the fused products — which Adam turns into a whole step of noise. With
  // epsilon 1e-4 the comparison sees the implementation, not that amplification (the bench CNN
  // case above keeps tfjs's default; SGD cases none of it).
  adamEpsilon: fc.constant(1e-4),
});

/**
 * Random models with a batch normalisation are compared under SGD. Normalising amplifies float32
 * noise past what Adam's comparison at 1e-5 can take: after a per-channel shift (a convolution's
 * bias, another normalisation's β) that shift's gradient is zero in exact arithmetic, so only
 * noise is left, different in tfjs's and the fused sums; after a sigmoid or tanh the batch's
 * values are close together and x − mean cancels to a few significant bits; on small batches the
 * downstream gradients cancel too. Adam divides each gradient by its own size and makes whole
 * steps of such noise. And batches of at least 6: the statistics of a single image of a few
 * pixels are as ill-conditioned (a near-zero variance divides everything after it). (The batch
 * normalisation test above uses tfjs's default Adam on a well-conditioned model.)
 */
const hasNorm = (c: Case) => c.layers.some((l) => l.kind === 'batchNorm');

/** Whether every layer's output is at least 1x1 (tfjs refuses smaller). */
function fits(c: Case): boolean {
  let [h, w] = c.input;
  for (const l of c.layers) {
    if (l.kind === 'batchNorm') continue;
    const [kh, kw] = l.kind === 'conv' || l.kind === 'depthwise' || l.kind === 'separable' ? l.kernel : [l.pool, l.pool];
    const s = l.kind === 'conv' || l.kind === 'depthwise' || l.kind === 'separable' ? l.strides : (l.strides ?? l.pool);
    if (l.padding === 'same') [h, w] = [Math.ceil(h / s), Math.ceil(w / s)];
    else [h, w] = [Math.ceil((h - kh + 1) / s), Math.ceil((w - kw + 1) / s)];
    if (h < 1 || w < 1) return false;
  }
  return true;
}

describe('fused training step: conv2d and pooling on wasm', () => {
  before(async () => {
    assert.ok(await tf.setBackend('wasm'));
  });

  it('trains the bench CNN through the fused step, as tfjs does', async () => {
    logged.length = 0;
    const c: Case = {
      input: [28, 28, 1],
      layers: [
        { kind: 'conv', filters: 16, kernel: [3, 3], strides: 1, padding: 'valid', activation: 'relu', useBias: true },
        { kind: 'maxPool', pool: 2, padding: 'valid' },
        { kind: 'conv', filters: 32, kernel: [3, 3], strides: 1, padding: 'valid', activation: 'relu', useBias: true },
        { kind: 'maxPool', pool: 2, padding: 'valid' },
      ],
      hidden: 0,
      outUnits: 10,
      loss: 'categoricalCrossentropy',
      optimizer: 'adam',
      batch: 16,
      steps: 3,
      seed: 11,
    };
    const fused = await train(c, true);
    const lines = logged.filter((l) => l.startsWith('fused training step'));
    assert.equal(lines.length, 1, logged.join('\n'));
    assert.match(lines[0]!, /conv 3x3\/1x1 28x28x1→26x26x16 relu, maxPool 2x2\/2x2 →13x13x16, conv .* dense 800→10 softmax/);
    assertSame(c, fused, await train(c, false));
  });

  it("trains batch normalisation as tfjs does: batch statistics, moving mean and variance, tfjs's default Adam", async () => {
    logged.length = 0;
    const c: Case = {
      input: [10, 10, 2],
      layers: [
        { kind: 'conv', filters: 8, kernel: [3, 3], strides: 1, padding: 'same', activation: 'relu', useBias: false },
        { kind: 'batchNorm', momentum: 0.9 },
        { kind: 'maxPool', pool: 2, padding: 'valid' },
      ],
      hidden: 0,
      outUnits: 4,
      loss: 'categoricalCrossentropy',
      optimizer: 'adam',
      batch: 12,
      steps: 3,
      seed: 21,
    };
    const fused = await train(c, true);
    assert.match(logged.filter((l) => l.startsWith('fused training step')).pop() ?? '', /model .*batchNorm 10x10x8, maxPool/);
    const reference = await train(c, false);
    // Trainable first (conv kernel, γ, β, dense kernel and bias), then the moving mean and variance.
    assert.equal(fused.weights.length, 7);
    assert.ok(relativeDiff(fused.weights[5]!, new Float32Array(8)) > 1e-3, 'the moving mean moved');
    assert.ok(relativeDiff(fused.weights[6]!, new Float32Array(8).fill(1)) > 1e-3, 'the moving variance moved');
    assertSame(c, fused, reference);
  });

  it('runs a step with no tfjs kernel but slicing and scalars', async () => {
    const c: Case = {
      input: [9, 9, 2],
      layers: [
        { kind: 'conv', filters: 5, kernel: [3, 3], strides: 2, padding: 'same', activation: 'relu', useBias: true },
        { kind: 'avgPool', pool: 2, padding: 'valid' },
      ],
      hidden: 0,
      outUnits: 3,
      loss: 'sparseCategoricalCrossentropy',
      optimizer: 'adam',
      batch: 5,
      steps: 1,
      seed: 3,
    };
    const model = build(c);
    const { x, y } = data(c);
    await model.trainOnBatch(x, y);
    const profile = await tf.profile(async () => {
      await model.trainOnBatch(x, y);
    });
    assert.ok(profile.kernelNames.length < 10, profile.kernelNames.join(','));
    tf.dispose([x, y]);
    model.dispose();
  });

  /** Random cases, each trained fused and by tfjs, with the fused step's settings of `setup` while fused. */
  async function property(runs: number, setup: () => () => void): Promise<void> {
    logged.length = 0;
    await fc.assert(
      fc.asyncProperty(
        caseArb.filter(fits).map((c): Case => (hasNorm(c) ? { ...c, optimizer: 'sgd', batch: Math.max(c.batch, 6) } : c)),
        async (c) => {
          const restore = setup();
          let fused: Run;
          try {
            fused = await train(c, true);
          } finally {
            restore();
          }
          const line = logged.filter((l) => l.startsWith('fused training step')).pop() ?? '';
          assert.match(line, /fused training step: model/, 'the model trained through the fused step');
          assertSame(c, fused, await train(c, false));
        },
      ),
      { numRuns: Number(process.env.TFNB_FUSED_RUNS ?? runs), seed: Number(process.env.TFNB_FUSED_SEED ?? 20261207), verbose: true },
    );
  }

  it("matches tfjs's step over random conv and pooling models, shapes, losses, optimizers and seeds", async () => {
    await property(100, () => () => {});
  });

  it('gives the same with its JavaScript loops instead of the SIMD ones', async () => {
    await property(12, () => {
      process.env.TFNB_FUSED_IMAGE_SIMD = 'off';
      return () => delete process.env.TFNB_FUSED_IMAGE_SIMD;
    });
  });

  it('gives the same with plain SIMD multiply-adds (no FMA)', async () => {
    await property(12, () => {
      const before = fusedTrainStep.fma;
      fusedTrainStep.fma = false;
      return () => (fusedTrainStep.fma = before);
    });
  });

  it('gives the history, validation and predictions of tfjs inside model.fit', async () => {
    const c: Case = {
      input: [8, 8, 3],
      layers: [
        { kind: 'conv', filters: 4, kernel: [3, 3], strides: 1, padding: 'same', activation: 'relu', useBias: true },
        { kind: 'maxPool', pool: 2, padding: 'valid' },
      ],
      hidden: 0,
      outUnits: 4,
      loss: 'sparseCategoricalCrossentropy',
      optimizer: 'adam',
      batch: 10,
      steps: 6,
      seed: 5,
      adamEpsilon: 1e-4,
    };
    const runs: Array<{ history: Record<string, number[]>; predictions: Float32Array; batches: number }> = [];
    for (const fused of [true, false]) {
      fusedTrainStep.enabled = fused;
      try {
        const model = build(c);
        const { x, y } = data(c);
        let batches = 0;
        const history = await model.fit(x, y, {
          epochs: 3,
          batchSize: c.batch,
          shuffle: false,
          validationSplit: 0.2,
          verbose: 0,
          callbacks: { onBatchEnd: async () => void batches++ },
        });
        const predictions = (model.predict(x) as tf.Tensor).dataSync() as Float32Array;
        runs.push({ history: history.history as Record<string, number[]>, predictions, batches });
        tf.dispose([x, y]);
        model.dispose();
      } finally {
        fusedTrainStep.enabled = true;
      }
    }
    const [fused, reference] = runs as [(typeof runs)[0], (typeof runs)[0]];
    assert.equal(fused.batches, reference.batches);
    assert.deepEqual(Object.keys(fused.history).sort(), ['acc', 'loss', 'val_acc', 'val_loss']);
    for (const key of Object.keys(reference.history)) {
      fused.history[key]!.forEach((v, i) =>
        assert.ok(Math.abs(v - reference.history[key]![i]!) < 1e-5, `${key}[${i}]: ${v} vs ${reference.history[key]![i]}`),
      );
    }
    // Predictions run tfjs's own kernels (XNNPACK) on the weights the fused step trained in place.
    assert.ok(relativeDiff(fused.predictions, reference.predictions) < 1e-5);
  });

  it('has no plan for channelsFirst convolutions', () => {
    // Planned only, not trained: a channelsFirst conv2d step on wasm (tfjs's own, fused step off)
    // corrupts the wasm heap today, which would break every test after it.
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [2, 6, 6], filters: 2, kernelSize: 3, dataFormat: 'channelsFirst' }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 3 }),
      ],
    });
    model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
    assert.match(String(planFor(tf, model as unknown as ModelInternals)), /is channelsFirst/);
    model.dispose();
  });

  it('leaves what it cannot take to tfjs, with the reason in the log', async () => {
    const cases: Array<[tf.layers.Layer, RegExp]> = [
      [tf.layers.conv2d({ inputShape: [6, 6, 2], filters: 2, kernelSize: 3, dilationRate: 2 }), /dilation 2x2/],
      [tf.layers.averagePooling2d({ inputShape: [5, 5, 2], poolSize: 2, padding: 'same' }), /average pooling .* padded windows/],
      [tf.layers.depthwiseConv2d({ inputShape: [6, 6, 2], kernelSize: 3, depthMultiplier: 2 }), /depth multiplier 2 of/],
      [tf.layers.separableConv2d({ inputShape: [6, 6, 2], filters: 3, kernelSize: 3, depthMultiplier: 2 }), /depth multiplier 1/],
      [
        tf.layers.conv2d({ inputShape: [6, 6, 2], filters: 2, kernelSize: 3, kernelRegularizer: tf.regularizers.l2() }),
        /kernelRegularizer on/,
      ],
      [tf.layers.batchNormalization({ inputShape: [6, 6, 2], center: false }), /batch normalisation .* without center or scale/],
    ];
    for (const [layer, reason] of cases) {
      logged.length = 0;
      const model = tf.sequential({ layers: [layer, tf.layers.flatten(), tf.layers.dense({ units: 3 })] });
      model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
      const shape = (layer as unknown as { batchInputShape: number[] }).batchInputShape.slice(1);
      const x = tf.ones([2, ...shape]);
      const y = tf.ones([2, 3]);
      fusedTrainStep.enabled = true;
      // tfjs itself cannot train a dilated convolution (its gradient throws): the log line comes first.
      await model.trainOnBatch(x, y).catch(() => undefined);
      const lines = logged.filter((l) => l.startsWith('fused training step'));
      assert.equal(lines.length, 1, logged.join('\n'));
      assert.match(lines[0]!, /not for model/);
      assert.match(lines[0]!, reason);
      tf.dispose([x, y]);
      model.dispose();
    }
  });
});
