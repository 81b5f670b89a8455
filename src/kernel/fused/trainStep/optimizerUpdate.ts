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
import { optimizerSimdFor, type SimdUpdate } from '../optimizerSimd';
import type { LayerWeight } from './plan';

export type OptimizerKind = 'adam' | 'sgd' | 'momentum' | 'rmsprop' | 'adagrad' | 'adadelta' | 'adamax';

/** The optimizers the fused step updates, by tfjs class (a subclass, e.g. Momentum of SGD, is its own entry). */
export function optimizerKindOf(tf: Tf, optimizer: unknown): OptimizerKind | undefined {
  const kinds: Array<[unknown, OptimizerKind]> = [
    [tf.AdamOptimizer, 'adam'],
    [tf.SGDOptimizer, 'sgd'],
    [tf.MomentumOptimizer, 'momentum'],
    [tf.RMSPropOptimizer, 'rmsprop'],
    [tf.AdagradOptimizer, 'adagrad'],
    [tf.AdadeltaOptimizer, 'adadelta'],
    [tf.AdamaxOptimizer, 'adamax'],
  ];
  const constructor = (optimizer as { constructor?: unknown } | undefined)?.constructor;
  return kinds.find(([cls]) => cls === constructor)?.[1];
}

export const FUSED_OPTIMIZERS = 'Adam, SGD, Momentum, RMSProp, Adagrad, Adadelta, Adamax';

/** The optimizer's class name (a user's subclass by its own), for the log. */
export function optimizerName(optimizer: unknown): string {
  const cls = (optimizer as { constructor?: { className?: string; name?: string } } | undefined)?.constructor;
  return cls?.name || cls?.className || 'none';
}

/** Each optimizer's lists of slot variables: field, the suffix tfjs names them with, and their initial value. */
interface SlotList {
  field: string;
  suffix: string;
  /** Only when the optimizer's flag of this name is set (RMSProp's mean gradients: centered). */
  when?: string;
  /** The field holding the initial value (Adagrad's initialAccumulatorValue); else zeros. */
  initial?: string;
}

const SLOTS: Record<OptimizerKind, SlotList[]> = {
  adam: [
    { field: 'accumulatedFirstMoment', suffix: 'm' },
    { field: 'accumulatedSecondMoment', suffix: 'v' },
  ],
  sgd: [],
  momentum: [{ field: 'accumulations', suffix: 'momentum' }],
  rmsprop: [
    { field: 'accumulatedMeanSquares', suffix: 'rms' },
    { field: 'accumulatedMoments', suffix: 'momentum' },
    { field: 'accumulatedMeanGrads', suffix: 'mg', when: 'centered' },
  ],
  adagrad: [{ field: 'accumulatedGrads', suffix: 'accumulator', initial: 'initialAccumulatorValue' }],
  adadelta: [
    { field: 'accumulatedGrads', suffix: 'accum_grad' },
    { field: 'accumulatedUpdates', suffix: 'accum_var' },
  ],
  adamax: [
    { field: 'accumulatedFirstMoment', suffix: 'm' },
    { field: 'accumulatedWeightedInfNorm', suffix: 'v' },
  ],
};

type SlotEntry = { originalName: string; variable: tfType.Variable } | undefined;

/** The optimizer's slot variables that exist so far (and Adamax's scalar state): all must be on the backend. */
export function slotVariables(kind: OptimizerKind, optimizer: unknown): tfType.Variable[] {
  const opt = optimizer as Record<string, unknown>;
  const lists = SLOTS[kind].flatMap(({ field }) => ((opt[field] as SlotEntry[] | undefined) ?? []).flatMap((e) => (e ? [e.variable] : [])));
  const scalars = (['accBeta1', 'accBeta2', 'iteration'] as const).flatMap((key) => (opt[key] ? [opt[key] as tfType.Variable] : []));
  return [...lists, ...scalars];
}

/**
 * The slot variables of the weight at `index`, created where missing as tfjs's applyGradients
 * creates them (same names, same order, zeros or the initial value), and owning their memory.
 */
function slotsOf(tf: Tf, kind: OptimizerKind, optimizer: unknown, value: tfType.Variable, index: number, access: HeapAccess): number[] {
  const opt = optimizer as Record<string, unknown>;
  return SLOTS[kind].flatMap(({ field, suffix, when, initial }) => {
    if (when && !opt[when]) return [];
    const list = opt[field] as SlotEntry[];
    const start = initial === undefined ? undefined : (opt[initial] as number);
    list[index] ??= {
      originalName: `${value.name}/${suffix}`,
      variable: tf.tidy(() => (start === undefined ? tf.zerosLike(value) : tf.fill(value.shape, start)).variable(false)),
    };
    const variable = list[index]!.variable;
    access.ownMemory(variable);
    return [access.pointer(variable) / 4];
  });
}

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
  if (kind === 'adam') {
    adam(tf, optimizer as AdamInternals, placed, access);
    return;
  }
  const opt = optimizer as OptimizerFields;
  const { js, simd } = ELEMENTWISE[kind](tf, opt);
  const simdFunctions = simd && optimizerUpdateSimd.enabled ? optimizerSimdFor(access.backend) : null;
  for (const { value, gradient, index } of placed) {
    const slots = slotsOf(tf, kind, optimizer, value, index, access);
    const x = access.pointer(value);
    const n = value.size;
    let done = 0;
    if (simd && simdFunctions) {
      const [s0 = 0, s1 = 0, s2 = 0] = slots.map((p) => p * 4);
      const [c0 = 0, c1 = 0, c2 = 0, c3 = 0, c4 = 0, c5 = 0] = simd.constants;
      simdFunctions[simd.name](x, gradient, s0, s1, s2, n, c0, c1, c2, c3, c4, c5);
      done = n - (n % 4);
    }
    // After the slots: creating one can grow the heap and replace its buffer.
    js(access.heap(), x / 4, gradient / 4, slots, done, n);
    access.rekey(value);
  }
  if (kind === 'adamax') {
    tf.tidy(() => {
      const adamax = opt as AdamaxFields;
      adamax.iteration.assign(tf.add(adamax.iteration, 1));
      adamax.accBeta1.assign(tf.mul(adamax.accBeta1, adamax.beta1));
    });
  }
  opt.incrementIterations();
}

interface Placed {
  value: tfType.Variable;
  gradient: number;
  /** The variable's place in the optimizer's list: the index of its slot variables. */
  index: number;
}

function adam(tf: Tf, opt: AdamInternals, updates: Placed[], access: HeapAccess): void {
  // The two scalars are read and written where they lie, as the weights are: an assign of a new
  // scalar is four tensor operations a step (about 10 % of a fused MNIST step's JavaScript).
  const scalarAt = (v: tfType.Variable) => access.pointer(v) / 4;
  const accBeta1 = access.heap()[scalarAt(opt.accBeta1)]!;
  const accBeta2 = access.heap()[scalarAt(opt.accBeta2)]!;
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
  // tfjs: accBeta.assign(scalar(accBeta * beta)): the product rounded to float32 by the store.
  for (const [v, next] of [
    [opt.accBeta1, accBeta1 * opt.beta1],
    [opt.accBeta2, accBeta2 * opt.beta2],
  ] as const) {
    access.ownMemory(v);
    access.heap()[scalarAt(v)] = next;
  }
  opt.incrementIterations();
}

/** The optimizers' fields the updates read (public in tfjs's JavaScript). */
interface OptimizerFields {
  learningRate: number;
  incrementIterations(): void;
  [field: string]: unknown;
}

interface AdamaxFields extends OptimizerFields {
  iteration: tfType.Variable;
  accBeta1: tfType.Variable;
  beta1: number;
}

/**
 * Updates values `from` to `n` at float offset x from the gradient at g and the slot variables at
 * `slots` (float offsets, in SLOTS's order).
 */
type Elementwise = (heap: Float32Array, x: number, g: number, slots: number[], from: number, n: number) => void;

/** An update: in JavaScript, and where optimizerSimd.ts has it, the SIMD function and its constants (c0…). */
interface Update {
  js: Elementwise;
  simd?: { name: SimdUpdate; constants: number[] };
}

/** Turns the SIMD updates off (tests compare both paths). */
export const optimizerUpdateSimd = { enabled: true };

const f = Math.fround;
const scalarOf = (t: unknown) => (t as tfType.Tensor).dataSync()[0]!;

/**
 * Each update, op by op as its tfjs applyGradients computes it, every op rounded to float32 (a
 * JavaScript number operation on float32 operands rounded once more is exactly float32's; the
 * settings become float32 scalars, as tfjs's ops make them). Scalars tfjs keeps as tensors (SGD's
 * c, Momentum's m, Adamax's state) are read from them: they can differ from the plain fields.
 */
const ELEMENTWISE: Record<Exclude<OptimizerKind, 'adam'>, (tf: Tf, opt: OptimizerFields) => Update> = {
  sgd: (_tf, opt) => {
    const c = scalarOf(opt.c);
    // add(mul(c, gradient), value)
    const js: Elementwise = (h, x, g, _slots, from, n) => {
      for (let i = from; i < n; i++) h[x + i] = f(c * h[g + i]!) + h[x + i]!;
    };
    return { js, simd: { name: 'sgd', constants: [c] } };
  },
  momentum: (_tf, opt) => {
    const c = scalarOf(opt.c);
    const m = scalarOf(opt.m);
    const nesterov = Boolean(opt.useNesterov);
    // acc' = m·acc + g;  x' = c·acc' + x, or with Nesterov c·(g + acc'·m) + x
    const js: Elementwise = (h, x, g, [acc], from, n) => {
      for (let i = from; i < n; i++) {
        const gi = h[g + i]!;
        const a = f(f(m * h[acc! + i]!) + gi);
        h[acc! + i] = a;
        h[x + i] = f((nesterov ? f(c * f(gi + f(a * m))) : f(c * a)) + h[x + i]!);
      }
    };
    return { js, simd: { name: nesterov ? 'nesterov' : 'momentum', constants: [c, m] } };
  },
  rmsprop: (_tf, opt) => {
    const decay = f(opt.decay as number);
    const keep = f(1 - (opt.decay as number));
    const momentum = f(opt.momentum as number);
    const lr = f(opt.learningRate);
    const epsilon = f(opt.epsilon as number);
    const centered = Boolean(opt.centered);
    // ms' = ms·decay + g²·(1−decay); mg' = mg·decay + g·(1−decay) (centered);
    // mom' = mom·momentum + g·lr / sqrt(ms' + ε), or centered / sqrt(ms' − (mg'² + ε)); x' = x − mom'
    const js: Elementwise = (h, x, g, [ms, mom, mg], from, n) => {
      for (let i = from; i < n; i++) {
        const gi = h[g + i]!;
        const s = f(f(h[ms! + i]! * decay) + f(f(gi * gi) * keep));
        h[ms! + i] = s;
        let denominator: number;
        if (centered) {
          const a = f(f(h[mg! + i]! * decay) + f(gi * keep));
          h[mg! + i] = a;
          denominator = f(Math.sqrt(f(s - f(f(a * a) + epsilon))));
        } else {
          denominator = f(Math.sqrt(f(s + epsilon)));
        }
        const v = f(f(h[mom! + i]! * momentum) + f(f(gi * lr) / denominator));
        h[mom! + i] = v;
        h[x + i] = f(h[x + i]! - v);
      }
    };
    return { js, simd: { name: centered ? 'rmspropCentered' : 'rmsprop', constants: [decay, keep, momentum, lr, epsilon] } };
  },
  adagrad: (tf, opt) => {
    const epsilon = f(tf.backend().epsilon());
    const step = f(-opt.learningRate);
    // acc' = acc + g²;  x' = g / sqrt(acc' + ε) · (−lr) + x
    const js: Elementwise = (h, x, g, [acc], from, n) => {
      for (let i = from; i < n; i++) {
        const gi = h[g + i]!;
        const a = f(h[acc! + i]! + f(gi * gi));
        h[acc! + i] = a;
        h[x + i] = f(f(f(gi / f(Math.sqrt(f(a + epsilon)))) * step) + h[x + i]!);
      }
    };
    return { js, simd: { name: 'adagrad', constants: [epsilon, step] } };
  },
  adadelta: (_tf, opt) => {
    const rho = f(opt.rho as number);
    const keep = f(1 - (opt.rho as number));
    const epsilon = f(opt.epsilon as number);
    const step = f(-opt.learningRate);
    // u = sqrt(au + ε) / sqrt(ag + ε) · g, with the old ag (as tfjs); ag' = ag·ρ + g²·(1−ρ);
    // au' = au·ρ + u²·(1−ρ);  x' = u·(−lr) + x
    const js: Elementwise = (h, x, g, [ag, au], from, n) => {
      for (let i = from; i < n; i++) {
        const gi = h[g + i]!;
        const oldGrad = h[ag! + i]!;
        const oldUpdate = h[au! + i]!;
        h[ag! + i] = f(f(oldGrad * rho) + f(f(gi * gi) * keep));
        const u = f(f(f(Math.sqrt(f(oldUpdate + epsilon))) / f(Math.sqrt(f(oldGrad + epsilon)))) * gi);
        h[au! + i] = f(f(oldUpdate * rho) + f(f(u * u) * keep));
        h[x + i] = f(f(u * step) + h[x + i]!);
      }
    };
    return { js, simd: { name: 'adadelta', constants: [rho, keep, epsilon, step] } };
  },
  adamax: (_tf, opt) => {
    const beta1 = f(opt.beta1 as number);
    const oneMinusBeta1 = f(1 - (opt.beta1 as number));
    const beta2 = f(opt.beta2 as number);
    const epsilon = f(opt.epsilon as number);
    const oneMinusAccBeta1 = f(1 - scalarOf(opt.accBeta1));
    const lr = f(f(-opt.learningRate) / f(f(scalarOf(opt.iteration) * f(opt.decay as number)) + 1));
    const scale = f(lr / oneMinusAccBeta1);
    // m' = m·β1 + g·(1−β1);  u' = max(u·β2, |g|);  x' = (lr / (1 − β1^t)) · (m' / (u' + ε)) + x
    const js: Elementwise = (h, x, g, [m, u], from, n) => {
      for (let i = from; i < n; i++) {
        const gi = h[g + i]!;
        const mi = f(f(h[m! + i]! * beta1) + f(gi * oneMinusBeta1));
        const ui = Math.max(f(h[u! + i]! * beta2), Math.abs(gi));
        h[m! + i] = mi;
        h[u! + i] = ui;
        h[x + i] = f(f(scale * f(mi / f(ui + epsilon))) + h[x + i]!);
      }
    };
    return { js };
  },
};
