/**
 * predict and evaluate of a dense chain through the fused forward pass (forward.ts). The hooks
 * (install.ts) sit where tfjs-layers runs its per-batch work, so everything around stays tfjs's:
 * LayersModel.predictLoop (predict and predictOnBatch call it with the checked input; its result
 * is the one tensor returned to the user) and the function makeTestFunction makes (evaluate
 * and fit's validation run it per batch and average its scalars).
 */
import type * as tfType from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { Tf } from '../../tfType';
import { readableInput, type DenseForward } from './forward';
import { accuracy, lossAndGradient } from './lossMath';
import type { TrainPlan } from './plan';

/** Rows per forward call in predict: bounds the buffers; results do not depend on it. */
const PREDICT_CHUNK = 512;

/**
 * The model's output for input `x` ([rows, ...] as the model's input), as one new tensor
 * [rows, units], or undefined when the fused pass cannot read `x`.
 */
export function fusedPredict(tf: Tf, forward: DenseForward, x: tfType.Tensor): tfType.Tensor | undefined {
  const base = readableInput(forward, x);
  if (base === undefined || !forward.weightsOnBackend()) return undefined;
  const { stages, inputSize } = forward.plan;
  const units = stages[stages.length - 1]!.units;
  const rows = x.shape[0]!;
  const values = new Float32Array(rows * units);
  for (let r0 = 0; r0 < rows; r0 += PREDICT_CHUNK) {
    const n = Math.min(PREDICT_CHUNK, rows - r0);
    const out = forward.run(base + r0 * inputSize * 4, n);
    for (let r = 0; r < n; r++) {
      const from = out.offset + r * out.stride;
      values.set(out.data.subarray(from, from + units), (r0 + r) * units);
    }
  }
  return tf.tensor2d(values, [rows, units]);
}

/**
 * One batch of evaluate: [loss, ...metrics] as tfjs's test function computes them (mean loss,
 * mean metric), or undefined when the batch is not one the fused pass takes (sample weights,
 * other dtypes, tensors on another backend).
 */
export function fusedTestBatch(
  tf: Tf,
  backend: BackendWasm,
  forward: DenseForward,
  plan: TrainPlan,
  data: tfType.Tensor[],
): number[] | undefined {
  const [x, y, ...weights] = data;
  if (!x || !y || weights.some((w) => w !== undefined && w !== null)) return undefined;
  const base = readableInput(forward, x);
  if (base === undefined || !forward.weightsOnBackend() || forward.pointer(y) === undefined) return undefined;
  const rows = x.shape[0]!;
  const units = plan.stages[plan.stages.length - 1]!.units;
  if (y.dtype !== 'float32' && y.dtype !== 'int32') return undefined;
  if (y.shape[0] !== rows || y.size !== (plan.loss === 'sparseCategoricalCrossentropy' ? rows : rows * units)) return undefined;
  const out = forward.run(base, rows);
  const labels = backend.typedArrayFromHeap(y) as Float32Array | Int32Array;
  const unusedGradient = { data: new Float32Array(rows * units), offset: 0, rows, units, stride: units };
  const loss = lossAndGradient(plan.loss, out, labels, tf.backend().epsilon(), unusedGradient);
  return [loss, ...plan.metrics.map((m) => accuracy(m, out, labels))];
}
