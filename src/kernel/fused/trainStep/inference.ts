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

/** The inputs and targets of an evaluation the fused pass can read: [x's byte offset, y], or undefined. */
function readableBatch(
  forward: DenseForward,
  plan: TrainPlan,
  data: readonly tfType.Tensor[],
): [base: number, y: tfType.Tensor] | undefined {
  const [x, y, ...weights] = data;
  if (!x || !y || weights.some((w) => w !== undefined && w !== null)) return undefined;
  const base = readableInput(forward, x);
  if (base === undefined || !forward.weightsOnBackend() || forward.pointer(y) === undefined) return undefined;
  const rows = x.shape[0]!;
  const units = plan.stages[plan.stages.length - 1]!.units;
  if (y.dtype !== 'float32' && y.dtype !== 'int32') return undefined;
  if (y.shape[0] !== rows || y.size !== (plan.loss === 'sparseCategoricalCrossentropy' ? rows : rows * units)) return undefined;
  return [base, y];
}

/** [loss, ...metrics] of rows [start, start + rows): the means tfjs's test function computes. */
function testRows(
  tf: Tf,
  backend: BackendWasm,
  forward: DenseForward,
  plan: TrainPlan,
  [base, y]: [number, tfType.Tensor],
  start: number,
  rows: number,
): number[] {
  const units = plan.stages[plan.stages.length - 1]!.units;
  const perRow = plan.loss === 'sparseCategoricalCrossentropy' ? 1 : units;
  const out = forward.run(base + start * forward.plan.inputSize * 4, rows);
  // After the run: its buffers' allocation can replace the heap, and every view of it.
  const labels = backend.typedArrayFromHeap(y) as Float32Array | Int32Array;
  const batchLabels = labels.subarray(start * perRow, (start + rows) * perRow);
  const unusedGradient = { data: new Float32Array(rows * units), offset: 0, rows, units, stride: units };
  const loss = lossAndGradient(plan.loss, out, batchLabels, tf.backend().epsilon(), unusedGradient);
  return [loss, ...plan.metrics.map((m) => accuracy(m, out, batchLabels))];
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
  const readable = readableBatch(forward, plan, data);
  return readable && testRows(tf, backend, forward, plan, readable, 0, data[0]!.shape[0]!);
}

/**
 * tfjs's testLoop (evaluate, fit's validation) over all of `data` at once: its batches (in
 * order, the last one short), each batch's values weighted by its size and summed, then divided
 * by the sample count, every step in float32 as tfjs's scalar ops do it — without tfjs's
 * per-batch gather of the rows and its scalar tensors. Undefined when the data are not readable.
 */
export function fusedTestLoop(
  tf: Tf,
  backend: BackendWasm,
  forward: DenseForward,
  plan: TrainPlan,
  data: tfType.Tensor[],
  batchSize: number,
): number[] | undefined {
  const readable = readableBatch(forward, plan, data);
  if (!readable) return undefined;
  const samples = data[0]!.shape[0]!;
  const f = Math.fround;
  let sums: number[] = [];
  for (let start = 0; start < samples; start += batchSize) {
    const rows = Math.min(batchSize, samples - start);
    const values = testRows(tf, backend, forward, plan, readable, start, rows);
    if (start === 0) sums = values.map(() => 0);
    sums = sums.map((sum, i) => f(sum + f(rows * values[i]!)));
  }
  return sums.map((sum) => f(sum / samples));
}
