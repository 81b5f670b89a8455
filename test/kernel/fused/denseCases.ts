// Shared by the fused step's tests of optimizers, dropout and predict: random dense models and
// their data (seeded, so the fused and the tfjs run see the same), and a relative difference.
import fc from 'fast-check';
import { tf } from '../wasm/helpers';

export type Loss = 'sparseCategoricalCrossentropy' | 'categoricalCrossentropy' | 'meanSquaredError';
export type Act = 'linear' | 'relu' | 'sigmoid' | 'tanh' | 'softmax';

export interface DenseCase {
  input: number[];
  hidden: Array<{ units: number; activation: Act; useBias: boolean }>;
  outUnits: number;
  outActivation: Act;
  loss: Loss;
  batch: number;
  steps: number;
  seed: number;
  /** A dropout layer after each hidden layer, with this rate (none when undefined). */
  dropout?: { rate: number; seed?: number };
}

/** The model of a case, compiled with `optimizer` (a fresh one per model). */
export function buildDense(c: DenseCase, optimizer: tf.Optimizer | string = 'adam', metrics: string[] = ['accuracy']): tf.LayersModel {
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
    if (c.dropout)
      layers.push(tf.layers.dropout({ rate: c.dropout.rate, ...(c.dropout.seed === undefined ? {} : { seed: c.dropout.seed }) }));
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
  model.compile({ optimizer, loss: c.loss, metrics });
  return model;
}

/** steps × batch rows of inputs and targets for the case's loss. */
export function denseData(c: DenseCase): { x: tf.Tensor; y: tf.Tensor } {
  const rows = c.batch * c.steps;
  const x = tf.randomNormal([rows, ...c.input], 0, 1, 'float32', c.seed);
  let y: tf.Tensor;
  if (c.loss === 'sparseCategoricalCrossentropy') y = tf.randomUniform([rows], 0, c.outUnits, 'int32', c.seed + 1).cast('float32');
  else if (c.loss === 'categoricalCrossentropy')
    y = tf.tidy(() => tf.oneHot(tf.randomUniform([rows], 0, c.outUnits, 'int32', c.seed + 1), c.outUnits).cast('float32'));
  else y = tf.randomUniform([rows, c.outUnits], 0, 1, 'float32', c.seed + 1);
  return { x, y };
}

/**
 * The largest difference relative to the largest value, and to 1 for values below 1 (see
 * trainStep.test.ts); NaN in both places is equal (tfjs's own NaN, e.g. centered RMSProp's sqrt of < 0).
 */
export function relativeDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let diff = 0;
  let scale = 1;
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(a[i]) && Number.isNaN(b[i])) continue;
    if (Number.isNaN(a[i]) || Number.isNaN(b[i])) return Infinity;
    const d = Math.abs(a[i]! - b[i]!);
    diff = Number.isNaN(d) ? Infinity : Math.max(diff, d);
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return diff / scale;
}

const activation = fc.constantFrom<Act>('linear', 'relu', 'sigmoid', 'tanh');

/** Random dense cases whose loss suits their output (cross-entropies want probabilities). */
export const denseCaseArb: fc.Arbitrary<DenseCase> = fc
  .record({
    input: fc.oneof(
      fc.integer({ min: 1, max: 40 }).map((n): number[] => [n]),
      fc.constant<number[]>([3, 7]),
    ),
    hidden: fc.array(fc.record({ units: fc.integer({ min: 1, max: 40 }), activation, useBias: fc.boolean() }), { maxLength: 2 }),
    outUnits: fc.integer({ min: 1, max: 12 }),
    outActivation: fc.constantFrom<Act>('softmax', 'linear', 'sigmoid', 'tanh'),
    loss: fc.constantFrom<Loss>('sparseCategoricalCrossentropy', 'categoricalCrossentropy', 'meanSquaredError'),
    batch: fc.integer({ min: 1, max: 21 }),
    steps: fc.integer({ min: 1, max: 4 }),
    seed: fc.integer({ min: 1, max: 10000 }),
  })
  .filter(
    (c) =>
      c.loss === 'meanSquaredError' ||
      ((c.outActivation === 'softmax' || c.outActivation === 'sigmoid') && (c.loss !== 'categoricalCrossentropy' || c.outUnits > 1)),
  );
