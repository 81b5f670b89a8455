/**
 * The losses, their gradients, the output activations and the accuracy metrics of the fused
 * training step, in JavaScript over a [rows × units] output (small: a batch of class scores).
 * Each follows tfjs-layers' formula and its gradient op by op (losses.ts, metrics.ts,
 * activations.ts), so a fused step gives tfjs's numbers to float32 rounding.
 */
import { sparseCrossEntropy, sparseCrossEntropyGrad } from '../sparseCrossEntropy';

export type LossKind = 'sparseCategoricalCrossentropy' | 'categoricalCrossentropy' | 'meanSquaredError';
export type MetricKind = 'sparseCategoricalAccuracy' | 'categoricalAccuracy' | 'binaryAccuracy';
export type Activation = 'linear' | 'relu' | 'sigmoid' | 'tanh' | 'softmax';

/** A [rows × units] block of float32 values stored with `stride` floats between rows. */
export interface Block {
  data: Float32Array;
  offset: number;
  rows: number;
  units: number;
  stride: number;
}

const at = (b: Block, r: number, j: number): number => b.offset + r * b.stride + j;

/**
 * Scratch arrays reused from step to step (a step runs to its end before the next): allocating
 * them each step cost more than the arithmetic on a batch of 64 × 10 scores.
 */
const scratch = { f32: [new Float32Array(0), new Float32Array(0), new Float32Array(0)], f64: new Float64Array(0) };

function f32Scratch(slot: 0 | 1 | 2, length: number): Float32Array {
  if (scratch.f32[slot]!.length < length) scratch.f32[slot] = new Float32Array(Math.max(length, 2 * scratch.f32[slot]!.length));
  return scratch.f32[slot]!.subarray(0, length);
}

function f64Scratch(length: number): Float64Array {
  if (scratch.f64.length < length) scratch.f64 = new Float64Array(Math.max(length, 2 * scratch.f64.length));
  return scratch.f64.subarray(0, length);
}

/** Copies a strided block into a packed [rows × units] array (scratch: valid until the next call). */
export function packed(b: Block): Float32Array {
  const out = f32Scratch(0, b.rows * b.units);
  for (let r = 0; r < b.rows; r++) out.set(b.data.subarray(at(b, r, 0), at(b, r, b.units)), r * b.units);
  return out;
}

function unpack(values: Float32Array, b: Block): void {
  for (let r = 0; r < b.rows; r++) b.data.set(values.subarray(r * b.units, (r + 1) * b.units), at(b, r, 0));
}

/** Applies an activation in place (relu is done by the matrix product itself). */
export function activate(kind: Activation, b: Block): void {
  if (kind === 'linear' || kind === 'relu') return;
  const d = b.data;
  for (let r = 0; r < b.rows; r++) {
    const base = at(b, r, 0);
    if (kind === 'softmax') {
      // tfjs: exp(x − max) / Σ exp(x − max), in float32.
      let max = -Infinity;
      for (let j = 0; j < b.units; j++) max = Math.max(max, d[base + j]!);
      let sum = 0;
      for (let j = 0; j < b.units; j++) {
        const e = Math.fround(Math.exp(d[base + j]! - max));
        d[base + j] = e;
        sum += e;
      }
      const s = Math.fround(sum);
      for (let j = 0; j < b.units; j++) d[base + j] = d[base + j]! / s;
    } else if (kind === 'sigmoid') {
      for (let j = 0; j < b.units; j++) d[base + j] = 1 / (1 + Math.exp(-d[base + j]!));
    } else {
      for (let j = 0; j < b.units; j++) d[base + j] = Math.tanh(d[base + j]!);
    }
  }
}

/** dz from dy (in `grad`, overwritten) and the activation's output y, as tfjs's gradients compute it. */
export function activationBackward(kind: Activation, y: Block, grad: Block): void {
  if (kind === 'linear') return;
  const g = grad.data;
  const v = y.data;
  for (let r = 0; r < grad.rows; r++) {
    const gb = at(grad, r, 0);
    const yb = at(y, r, 0);
    if (kind === 'relu') {
      for (let j = 0; j < grad.units; j++) if (!(v[yb + j]! > 0)) g[gb + j] = 0;
    } else if (kind === 'sigmoid') {
      for (let j = 0; j < grad.units; j++) {
        const s = v[yb + j]!;
        g[gb + j] = g[gb + j]! * Math.fround(s * Math.fround(1 - s));
      }
    } else if (kind === 'tanh') {
      for (let j = 0; j < grad.units; j++) {
        const t = v[yb + j]!;
        g[gb + j] = g[gb + j]! * Math.fround(1 - Math.fround(t * t));
      }
    } else {
      // softmax: dy·y − Σ(dy·y)·y
      let sum = 0;
      for (let j = 0; j < grad.units; j++) sum += Math.fround(g[gb + j]! * v[yb + j]!);
      const s = Math.fround(sum);
      for (let j = 0; j < grad.units; j++) {
        const y = v[yb + j]!;
        g[gb + j] = Math.fround(g[gb + j]! * y) - Math.fround(s * y);
      }
    }
  }
}

/**
 * The mean loss over the rows, and its gradient with respect to the output (d mean / d output)
 * written into `grad`. `labels`: one label per row (sparse) or a [rows × units] target.
 */
export function lossAndGradient(kind: LossKind, output: Block, labels: ArrayLike<number>, epsilon: number, grad: Block): number {
  const { rows, units } = output;
  const p = packed(output);
  const perRow = f64Scratch(rows);
  const dp = f32Scratch(1, rows * units);
  const dy = Math.fround(1 / rows);
  if (kind === 'sparseCategoricalCrossentropy') {
    sparseCrossEntropy(p, labels, rows, units, epsilon, perRow);
    sparseCrossEntropyGrad(p, labels, f32Scratch(2, rows).fill(dy), rows, units, epsilon, dp);
  } else if (kind === 'categoricalCrossentropy') {
    const hi = 1 - epsilon;
    for (let r = 0; r < rows; r++) {
      const base = r * units;
      let s = 0;
      for (let j = 0; j < units; j++) s += p[base + j]!;
      const sum = Math.fround(s);
      let loss = 0;
      let weighted = 0; // Σ_j g_j · p_j
      for (let j = 0; j < units; j++) {
        const q = Math.fround(p[base + j]! / sum);
        const c = Math.fround(Math.min(Math.max(q, epsilon), hi));
        const t = labels[base + j]!;
        loss += t * Math.fround(Math.log(c));
        const g = q >= epsilon && q <= hi ? (-dy * t) / c : 0;
        dp[base + j] = g;
        weighted += g * p[base + j]!;
      }
      perRow[r] = -loss;
      const common = weighted / (sum * sum);
      for (let j = 0; j < units; j++) dp[base + j] = dp[base + j]! / sum - common;
    }
  } else {
    // tfjs: mean(square(p − t), −1); its gradient dy/units · 2(p − t), each step in float32.
    const perUnit = Math.fround(dy / units);
    for (let r = 0; r < rows; r++) {
      const base = r * units;
      let loss = 0;
      for (let j = 0; j < units; j++) {
        const d = Math.fround(p[base + j]! - labels[base + j]!);
        loss += Math.fround(d * d);
        dp[base + j] = perUnit * Math.fround(2 * d);
      }
      perRow[r] = Math.fround(loss) / units;
    }
  }
  unpack(dp, grad);
  let total = 0;
  for (let r = 0; r < rows; r++) total += Math.fround(perRow[r]!);
  return Math.fround(total / rows);
}

function argMax(values: Float32Array | ArrayLike<number>, base: number, units: number): number {
  let best = 0;
  for (let j = 1; j < units; j++) if (values[base + j]! > values[base + best]!) best = j;
  return best;
}

/** The batch mean of an accuracy metric, as tfjs-layers' metric followed by a mean. */
export function accuracy(kind: MetricKind, output: Block, labels: ArrayLike<number>): number {
  const { rows, units } = output;
  const d = output.data;
  let hits = 0;
  for (let r = 0; r < rows; r++) {
    const base = at(output, r, 0);
    if (kind === 'sparseCategoricalAccuracy') {
      if (labels[r] === argMax(d, base, units)) hits++;
    } else if (kind === 'categoricalAccuracy') {
      if (argMax(labels, r * units, units) === argMax(d, base, units)) hits++;
    } else {
      let same = 0;
      for (let j = 0; j < units; j++) if (labels[r * units + j] === (d[base + j]! > 0.5 ? 1 : 0)) same++;
      hits += Math.fround(same / units);
    }
  }
  return Math.fround(hits / rows);
}
