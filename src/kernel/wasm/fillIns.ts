/**
 * Registers, for the wasm backend, every kernel the cpu backend has and wasm lacks: a fast path
 * where one is written (kernels/), the generic cpu path for the rest. Also wraps a few wasm kernels
 * (see REPLACEMENTS) that are slow or wrong in corner cases.
 */
import type * as tfType from '@tensorflow/tfjs';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { guardComplexInputs } from './complexGuard';
import { complex, complexAbs, imag, real } from './kernels/complex';
import { conv2dBackpropFilter, conv2dBackpropInput } from './kernels/conv2dBackprop';
import { cpuFallback } from './kernels/cpuFallback';
import { depthwiseBackpropFilter, depthwiseBackpropInput } from './kernels/depthwiseBackprop';
import { fft, ifft } from './kernels/fft';
import { sharedIdentity } from './kernels/identity';
import { untransposedMatMul } from './kernels/matMul';
import { simdMatMul } from './kernels/simdMatMul';
import { maxPoolGrad } from './kernels/maxPoolGrad';
import { explicitSamePadding } from './kernels/samePadding';
import { heapSlice } from './kernels/slice';
import { heapGather } from './kernels/gather';
import type { FastKernel, WasmKernelArgs } from './kernels/types';
import { unsortedSegmentSum } from './kernels/unsortedSegmentSum';

export interface FilledKernel {
  name: string;
  path: 'fast' | 'generic';
}

const FAST_FILL_INS: Partial<Record<string, FastKernel>> = {
  Conv2DBackpropFilter: conv2dBackpropFilter,
  DepthwiseConv2dNativeBackpropFilter: depthwiseBackpropFilter,
  DepthwiseConv2dNativeBackpropInput: depthwiseBackpropInput,
  FFT: fft,
  IFFT: ifft,
  Complex: complex,
  Real: real,
  Imag: imag,
  ComplexAbs: complexAbs,
  UnsortedSegmentSum: unsortedSegmentSum,
};

type WasmKernel = (args: WasmKernelArgs) => TensorInfo | TensorInfo[];

/**
 * wasm kernels wrapped or replaced: Conv2DBackpropInput and MaxPoolGrad are slow scalar C++
 * loops (an XNNPACK composition and a one-pass loop replace them), matrix products go to tfnb's
 * SIMD product where it applies (no re-packing of fresh weights, no transposed copy of x), and
 * with a transposed operand otherwise miss XNNPACK (the transpose is done first), Identity copies needlessly,
 * Slice copies its whole input out of the heap first, GatherV2 computes each element's index,
 * and convolutions compute zeros for 'same' padding with a stride larger than the filter (the
 * padding is made explicit first). See docs/wasm-backend.md.
 */
const REPLACEMENTS: Record<string, (original: WasmKernel) => WasmKernel> = {
  Conv2DBackpropInput: (original) => withFallback(conv2dBackpropInput, original) as WasmKernel,
  MaxPoolGrad: (original) => withFallback(maxPoolGrad, original) as WasmKernel,
  BatchMatMul: (original) => simdMatMul(untransposedMatMul(original)),
  _FusedMatMul: (original) => simdMatMul(untransposedMatMul(original)),
  Identity: (original) => withFallback(sharedIdentity, original) as WasmKernel,
  Slice: (original) => withFallback(heapSlice, original) as WasmKernel,
  GatherV2: (original) => withFallback(heapGather, original) as WasmKernel,
  Conv2D: (original) => (args) => original(explicitSamePadding(args, false)),
  FusedConv2D: (original) => (args) => original(explicitSamePadding(args, false)),
  DepthwiseConv2dNative: (original) => (args) => original(explicitSamePadding(args, true)),
  FusedDepthwiseConv2D: (original) => (args) => original(explicitSamePadding(args, true)),
};

/** What this process registered, so a second setup reports the same list. */
let filled: FilledKernel[] | undefined;

function withFallback(fast: FastKernel, fallback: WasmKernel): KernelFunc {
  return (args) => {
    const wasmArgs = args as WasmKernelArgs;
    return fast(wasmArgs) ?? fallback(wasmArgs);
  };
}

export function registerFillIns(tf: typeof tfType): FilledKernel[] {
  if (filled) return filled;
  const wasmKernels = new Set(tf.getKernelsForBackend('wasm').map((k) => k.kernelName));
  const result: FilledKernel[] = [];
  for (const { kernelName } of tf.getKernelsForBackend('cpu')) {
    if (wasmKernels.has(kernelName)) continue;
    const generic = cpuFallback(kernelName);
    const fast = FAST_FILL_INS[kernelName];
    const kernelFunc: KernelFunc = fast ? withFallback(fast, generic) : (generic as KernelFunc);
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
    result.push({ name: kernelName, path: fast ? 'fast' : 'generic' });
  }
  for (const [kernelName, replace] of Object.entries(REPLACEMENTS)) {
    const original = tf.getKernel(kernelName, 'wasm');
    if (!original) continue;
    tf.unregisterKernel(kernelName, 'wasm');
    tf.registerKernel({ ...original, kernelFunc: replace(original.kernelFunc as WasmKernel) as KernelFunc });
  }
  guardComplexInputs(tf);
  filled = result.sort((a, b) => a.name.localeCompare(b.name));
  return filled;
}

export function replacedKernels(): string[] {
  return Object.keys(REPLACEMENTS);
}
