/**
 * Adam in one pass per variable. tfjs's AdamOptimizer updates each variable with 13 element-wise
 * kernels (each a pass over the weights, a tensor allocation and a round of engine bookkeeping);
 * on a small model those dominate a training step (docs/wasm-backend.md, "What bounds the rest").
 * Here one kernel per variable reads the weights, the gradient and both moments once and writes
 * the three new tensors; the optimizer's state (moments, accBeta1/2, iterations) and its
 * getWeights/setWeights stay tfjs's own, so saving, loading and serialisation are unchanged.
 * Only the backends given a kernel (wasm, cpu) take this path; others run tfjs's code.
 */
import type * as tfType from '@tensorflow/tfjs';
import type { Tf } from '../tfType';
import type { NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { createAdamSimd, FLUSH_BELOW, type AdamSimd } from './adamSimd';
import { wasmMemoryOf } from '../wasm/backendMemory';

export const FUSED_ADAM_KERNEL = 'TfnbFusedAdam';

export interface AdamAttrs {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** 1 - beta1^t and 1 - beta2^t: the bias corrections of this step. */
  correction1: number;
  correction2: number;
}

/**
 * The update itself, in float64 arithmetic on float32 storage, in the order tfjs computes it:
 * m' = b1·m + (1-b1)·g;  v' = b2·v + (1-b2)·g²;  x' = x - lr · (m'/c1) / (sqrt(v'/c2) + ε).
 * Moments below FLUSH_BELOW become 0, as in the SIMD version (see there why).
 */
export function adamStep(
  a: AdamAttrs,
  x: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  xOut: Float32Array,
  mOut: Float32Array,
  vOut: Float32Array,
): void {
  const { learningRate, beta1, beta2, epsilon, correction1, correction2 } = a;
  const oneMinusBeta1 = 1 - beta1;
  const oneMinusBeta2 = 1 - beta2;
  for (let i = 0; i < x.length; i++) {
    const gi = g[i]!;
    let mi = beta1 * m[i]! + oneMinusBeta1 * gi;
    let vi = beta2 * v[i]! + oneMinusBeta2 * gi * gi;
    if (Math.abs(mi) < FLUSH_BELOW) mi = 0;
    if (vi < FLUSH_BELOW) vi = 0;
    mOut[i] = mi;
    vOut[i] = vi;
    xOut[i] = x[i]! - (learningRate * (mi / correction1)) / (Math.sqrt(vi / correction2) + epsilon);
  }
}

type KernelArgs<B> = { inputs: NamedTensorInfoMap; backend: B; attrs: NamedAttrMap };

function inputsOf(inputs: NamedTensorInfoMap): [TensorInfo, TensorInfo, TensorInfo, TensorInfo] {
  const { x, g, m, v } = inputs;
  if (!x || !g || !m || !v) throw new Error(`${FUSED_ADAM_KERNEL} needs inputs x, g, m and v`);
  return [x, g, m, v];
}

const simdByBackend = new WeakMap<BackendWasm, AdamSimd | null>();

/** The SIMD update over this backend's memory (non-threaded build: asm.memory; threaded: wasmMemory). */
export function simdFor(backend: BackendWasm): AdamSimd | null {
  let simd = simdByBackend.get(backend);
  if (simd === undefined) {
    const memory = wasmMemoryOf(backend);
    simd = memory ? (createAdamSimd(memory) ?? null) : null;
    simdByBackend.set(backend, simd);
  }
  return simd;
}

/** On the wasm heap: outputs are allocated first, because an allocation can move the heap's views. */
function wasmAdam({ inputs, backend, attrs }: KernelArgs<BackendWasm>): TensorInfo[] {
  const [x, g, m, v] = inputsOf(inputs);
  const outs = [x, m, v].map((t) => backend.makeOutput(t.shape.slice(), 'float32'));
  const a = attrs as unknown as AdamAttrs;
  const all = [x, g, m, v, outs[0]!, outs[1]!, outs[2]!];
  const simd = simdFor(backend);
  let done = 0;
  if (simd) {
    const n = backend.typedArrayFromHeap(x).length;
    const [px, pg, pm, pv, pxo, pmo, pvo] = all.map((t) => backend.dataIdMap.get(t.dataId)!.memoryOffset);
    simd(
      px!,
      pg!,
      pm!,
      pv!,
      pxo!,
      pmo!,
      pvo!,
      n,
      a.beta1,
      1 - a.beta1,
      a.beta2,
      1 - a.beta2,
      a.learningRate / a.correction1,
      1 / a.correction2,
      a.epsilon,
    );
    done = n - (n % 4);
  }
  const views = all.map((t) => (backend.typedArrayFromHeap(t) as Float32Array).subarray(done));
  adamStep(a, views[0]!, views[1]!, views[2]!, views[3]!, views[4]!, views[5]!, views[6]!);
  return outs;
}

interface CpuBackend {
  data: { get(dataId: object): { values?: unknown } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
}

function cpuAdam({ inputs, backend, attrs }: KernelArgs<CpuBackend>): TensorInfo[] {
  const [x, g, m, v] = inputsOf(inputs);
  const values = (t: TensorInfo) => backend.data.get(t.dataId).values as Float32Array;
  // x, m and v have one shape (the moments are zerosLike(x)).
  const [xOut, mOut, vOut] = [0, 1, 2].map(() => new Float32Array(values(x).length));
  adamStep(attrs as unknown as AdamAttrs, values(x), values(g), values(m), values(v), xOut!, mOut!, vOut!);
  return [xOut!, mOut!, vOut!].map((out) => backend.makeTensorInfo(x.shape, 'float32', out));
}

const KERNELS: Record<string, (args: KernelArgs<never>) => TensorInfo[]> = {
  wasm: wasmAdam as (args: KernelArgs<never>) => TensorInfo[],
  cpu: cpuAdam as (args: KernelArgs<never>) => TensorInfo[],
};

type NamedGradients = tfType.NamedTensorMap | Array<{ name: string; tensor: tfType.Tensor }>;

/** The AdamOptimizer fields applyGradients uses (public in tfjs's JavaScript, protected in its types). */
export interface AdamInternals {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: tfType.Variable;
  accBeta2: tfType.Variable;
  accumulatedFirstMoment: Array<{ originalName: string; variable: tfType.Variable } | undefined>;
  accumulatedSecondMoment: Array<{ originalName: string; variable: tfType.Variable } | undefined>;
  incrementIterations(): void;
}

const PATCHED = Symbol.for('tfnb.fusedAdam');

/**
 * Registers the fused kernel for the backends named (those of `KERNELS` tfjs knows) and routes
 * AdamOptimizer.applyGradients through it whenever the active backend has it and every variable
 * and gradient is float32. Safe to call more than once.
 */
export function installFusedAdam(tf: Tf, backends: readonly string[] = ['wasm', 'cpu']): void {
  for (const name of backends) {
    const kernelFunc = KERNELS[name];
    if (kernelFunc && !tf.getKernel(FUSED_ADAM_KERNEL, name)) {
      tf.registerKernel({ kernelName: FUSED_ADAM_KERNEL, backendName: name, kernelFunc: kernelFunc as unknown as tfType.KernelFunc });
    }
  }
  const proto = tf.AdamOptimizer.prototype as unknown as Record<PropertyKey, unknown> & { applyGradients(g: NamedGradients): void };
  if (proto[PATCHED]) return;
  const original = proto.applyGradients;
  proto[PATCHED] = true;
  proto.applyGradients = function (this: AdamInternals, variableGradients: NamedGradients): void {
    if (!tf.getKernel(FUSED_ADAM_KERNEL, tf.getBackend()) || !fusedApplies(tf, variableGradients)) {
      original.call(this, variableGradients);
      return;
    }
    fusedApply(tf, this, variableGradients);
  } as typeof proto.applyGradients;
}

function entries(variableGradients: NamedGradients): Array<[string, tfType.Tensor | undefined]> {
  return Array.isArray(variableGradients)
    ? variableGradients.map((v) => [v.name, v.tensor])
    : Object.keys(variableGradients).map((name) => [name, variableGradients[name]]);
}

function fusedApplies(tf: Tf, variableGradients: NamedGradients): boolean {
  const registered = tf.engine().registeredVariables;
  return entries(variableGradients).every(([name, g]) => {
    const value = registered[name];
    return (
      value !== undefined &&
      value.dtype === 'float32' &&
      (g === undefined || g === null || (g.dtype === 'float32' && g.size === value.size))
    );
  });
}

/** The attributes of this step's update: the optimizer's settings and, from beta1^t and beta2^t, its bias corrections. */
export function adamAttrsOf(opt: AdamInternals, accBeta1: number, accBeta2: number): AdamAttrs {
  return {
    learningRate: opt.learningRate,
    beta1: opt.beta1,
    beta2: opt.beta2,
    epsilon: opt.epsilon,
    correction1: 1 - accBeta1,
    correction2: 1 - accBeta2,
  };
}

function fusedApply(tf: Tf, opt: AdamInternals, variableGradients: NamedGradients): void {
  const registered = tf.engine().registeredVariables;
  const accBeta1 = opt.accBeta1.dataSync()[0]!;
  const accBeta2 = opt.accBeta2.dataSync()[0]!;
  const attrs = adamAttrsOf(opt, accBeta1, accBeta2);
  tf.tidy(() => {
    entries(variableGradients).forEach(([name, gradient], i) => {
      const value = registered[name]!;
      // Created lazily with the names tfjs gives them, as its applyGradients does.
      opt.accumulatedFirstMoment[i] ??= { originalName: `${name}/m`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
      opt.accumulatedSecondMoment[i] ??= { originalName: `${name}/v`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
      if (gradient === undefined || gradient === null) return;
      const m = opt.accumulatedFirstMoment[i]!.variable;
      const v = opt.accumulatedSecondMoment[i]!.variable;
      const [x2, m2, v2] = tf
        .engine()
        .runKernel(FUSED_ADAM_KERNEL, { x: value, g: gradient, m, v }, attrs as unknown as NamedAttrMap) as tfType.Tensor[];
      m.assign(m2!);
      v.assign(v2!);
      value.assign(x2!);
    });
    opt.accBeta1.assign(tf.scalar(accBeta1 * opt.beta1));
    opt.accBeta2.assign(tf.scalar(accBeta2 * opt.beta2));
  });
  opt.incrementIterations();
}
