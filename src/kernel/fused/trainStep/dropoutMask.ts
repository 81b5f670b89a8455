/**
 * Dropout in the fused training step, drawn and applied as tfjs does it. tfjs-layers' Dropout
 * (training only, 0 < rate < 1) calls tfjs-core's dropout: multiplier = floor(u + keep) / keep
 * with u = randomUniform(shape, 0, 1, 'float32', seed) and keep = 1 − rate, then x · multiplier.
 * The uniform numbers come from tfjs's own randomUniform with the same arguments, so they are the
 * same numbers: with a seed, the same mask on every step (tfjs re-seeds each call); without
 * one, randomUniform seeds itself from one Math.random() per call, as it would inside tfjs's step.
 * The gradient is dy · multiplier, through the dropouts in reverse order.
 */
import type { Tf } from '../../tfType';
import type { Block } from './lossMath';
import type { DropoutSpec } from './plan';

/** The multipliers (0 or 1/keep in float32) of one dropout over a [rows × units] input, packed. */
export function drawMultipliers(tf: Tf, spec: DropoutSpec, rows: number, units: number): Float32Array {
  const uniform = tf.randomUniform([rows, units], 0, 1, 'float32', spec.seed);
  const values = uniform.dataSync() as Float32Array;
  uniform.dispose();
  const keep = Math.fround(1 - spec.rate);
  const scale = Math.fround(1 / keep);
  const out = new Float32Array(values.length);
  // floor(u + keep) in float32: 1 where kept, 0 where dropped; then divided by keep.
  for (let i = 0; i < values.length; i++) out[i] = Math.floor(Math.fround(values[i]! + keep)) === 0 ? 0 : scale;
  return out;
}

/** Writes the dropped-out copy of `input` into `output` (same rows and units), each mask in turn. */
export function applyDropout(masks: readonly Float32Array[], input: Block, output: Block): void {
  const { rows, units } = input;
  for (let r = 0; r < rows; r++) {
    const i0 = input.offset + r * input.stride;
    const o0 = output.offset + r * output.stride;
    for (let j = 0; j < units; j++) {
      let v = input.data[i0 + j]!;
      for (const m of masks) v = Math.fround(v * m[r * units + j]!);
      output.data[o0 + j] = v;
    }
  }
}

/** The gradient through the dropouts, in place: dy · multiplier, last dropout first. */
export function dropoutBackward(masks: readonly Float32Array[], grad: Block): void {
  const { rows, units } = grad;
  for (let r = 0; r < rows; r++) {
    const g0 = grad.offset + r * grad.stride;
    for (let j = 0; j < units; j++) {
      let v = grad.data[g0 + j]!;
      for (let k = masks.length - 1; k >= 0; k--) v = Math.fround(v * masks[k]![r * units + j]!);
      grad.data[g0 + j] = v;
    }
  }
}
