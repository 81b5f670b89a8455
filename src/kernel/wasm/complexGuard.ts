/**
 * wasm's own kernels know nothing of complex64: given one (now that complex tensors can exist
 * on wasm, see complexStorage.ts) they print "Unknown dtype" and return garbage. Every wasm
 * kernel that is not complex-aware is wrapped so that a complex64 input (or a complex64 dtype
 * attribute, as in Cast) goes to the generic cpu path instead: the cpu kernel computes it
 * (Add, Sub, Mul, Concat, Pack, Cast, ...) or refuses it with its own clear error.
 */
import type * as tfType from '@tensorflow/tfjs';
import type { KernelFunc, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';
import { cpuFallback } from './kernels/cpuFallback';
import type { WasmKernelArgs } from './kernels/types';

/** Kernels that handle complex64 themselves: they only move bytes, or are the complex fill-ins. */
const COMPLEX_AWARE = new Set(['Reshape', 'Identity', 'Complex', 'Real', 'Imag', 'ComplexAbs', 'FFT', 'IFFT']);

function hasComplex(inputs: NamedTensorInfoMap | TensorInfo[]): boolean {
  for (const key in inputs) {
    const t = (inputs as Record<string, TensorInfo | TensorInfo[] | undefined>)[key];
    if (!t) continue;
    if (Array.isArray(t) ? t.some((u) => u?.dtype === 'complex64') : t.dtype === 'complex64') return true;
  }
  return false;
}

export function guardComplexInputs(tf: typeof tfType): void {
  for (const config of tf.getKernelsForBackend('wasm')) {
    const { kernelName } = config;
    if (COMPLEX_AWARE.has(kernelName)) continue;
    const original = config.kernelFunc;
    const fallback = cpuFallback(kernelName);
    const guarded: KernelFunc = (args) => {
      if (hasComplex(args.inputs) || args.attrs?.dtype === 'complex64') return fallback(args as WasmKernelArgs);
      return original(args);
    };
    tf.unregisterKernel(kernelName, 'wasm');
    tf.registerKernel({ ...config, kernelFunc: guarded });
  }
}
