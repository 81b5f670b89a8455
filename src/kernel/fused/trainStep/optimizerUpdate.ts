/**
 * The optimizer's update of the fused training step, written into the tf.Variables' own memory
 * on the wasm heap from gradients the step left there. Each optimizer follows its tfjs
 * applyGradients (tfjs-core's optimizers/*.js): the same slot variables, created lazily with the
 * same names in the same places (so getWeights / setWeights / serialisation are tfjs's own), and
 * the same float32 arithmetic op by op where the update is elementwise (Adam: its fused SIMD
 * pass, see adam.ts). Variables are updated in the optimizer's order of variables.
 */
import type * as tfType from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { Tf } from '../../tfType';
import { adamAttrsOf, adamStep, simdFor, type AdamInternals } from '../adam';
import type { LayerWeight } from './plan';

export type OptimizerKind = 'adam' | 'sgd';

/** One weight to update and where its gradient lies on the heap (a byte offset, packed like the weight). */
export interface WeightUpdate {
  weight: LayerWeight;
  gradient: number;
}

/** What the update needs of the trainer: the heap and its in-place bookkeeping. */
export interface HeapAccess {
  backend: BackendWasm;
  /** The heap as float32 (a fresh view: an allocation can replace the buffer). */
  heap(): Float32Array;
  /** A tensor's byte offset on the heap. */
  pointer(t: { dataId: object }): number;
  /** Makes sure no other tensor shares the variable's memory before it is written in place. */
  ownMemory(v: tfType.Variable): void;
  /** Gives the variable's memory a new id in the backend (drops XNNPACK's packed copies). */
  rekey(v: tfType.Variable): void;
}

/**
 * Updates every trainable weight of `updates` (a weight missing from `trainable`, the plan's map
 * of each trainable weight to its place in the optimizer's list, belongs to a frozen layer) and
 * counts the step in the optimizer's iterations.
 */
export function applyOptimizerUpdate(
  tf: Tf,
  kind: OptimizerKind,
  optimizer: unknown,
  trainable: ReadonlyMap<LayerWeight, number>,
  updates: readonly WeightUpdate[],
  access: HeapAccess,
): void {
  const placed = updates.flatMap(({ weight, gradient }) => {
    const index = trainable.get(weight);
    return index === undefined ? [] : [{ value: weight.read(), gradient, index }];
  });
  if (kind === 'adam') adam(tf, optimizer as AdamInternals, placed, access);
  else sgd(optimizer as { learningRate: number; incrementIterations(): void }, placed, access);
}

interface Placed {
  value: tfType.Variable;
  gradient: number;
  /** The variable's place in the optimizer's list: the index of its slot variables. */
  index: number;
}

function adam(tf: Tf, opt: AdamInternals, updates: Placed[], access: HeapAccess): void {
  const accBeta1 = opt.accBeta1.dataSync()[0]!;
  const accBeta2 = opt.accBeta2.dataSync()[0]!;
  const attrs = adamAttrsOf(opt, accBeta1, accBeta2);
  const simd = simdFor(access.backend);
  for (const { value, gradient, index: i } of updates) {
    // Created lazily with the names tfjs gives them, as its applyGradients does.
    opt.accumulatedFirstMoment[i] ??= { originalName: `${value.name}/m`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
    opt.accumulatedSecondMoment[i] ??= { originalName: `${value.name}/v`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
    const m = opt.accumulatedFirstMoment[i]!.variable;
    const v = opt.accumulatedSecondMoment[i]!.variable;
    access.ownMemory(m);
    access.ownMemory(v);
    const [px, pm, pv] = [value, m, v].map((t) => access.pointer(t)) as [number, number, number];
    const n = value.size;
    let done = 0;
    if (simd) {
      simd(
        px,
        gradient,
        pm,
        pv,
        px,
        pm,
        pv,
        n,
        attrs.beta1,
        1 - attrs.beta1,
        attrs.beta2,
        1 - attrs.beta2,
        attrs.learningRate / attrs.correction1,
        1 / attrs.correction2,
        attrs.epsilon,
      );
      done = n - (n % 4);
    }
    const heap = access.heap();
    const view = (p: number) => heap.subarray(p / 4 + done, p / 4 + n);
    adamStep(attrs, view(px), view(gradient), view(pm), view(pv), view(px), view(pm), view(pv));
    access.rekey(value);
  }
  tf.tidy(() => {
    opt.accBeta1.assign(tf.scalar(accBeta1 * opt.beta1));
    opt.accBeta2.assign(tf.scalar(accBeta2 * opt.beta2));
  });
  opt.incrementIterations();
}

function sgd(opt: { learningRate: number; incrementIterations(): void }, updates: Placed[], access: HeapAccess): void {
  const c = Math.fround(-opt.learningRate);
  const heap = access.heap();
  for (const { value, gradient } of updates) {
    const x = access.pointer(value) / 4;
    const g = gradient / 4;
    // tfjs: add(mul(c, gradient), value), in float32.
    for (let i = 0; i < value.size; i++) heap[x + i] = Math.fround(c * heap[g + i]!) + heap[x + i]!;
    access.rekey(value);
  }
  opt.incrementIterations();
}
