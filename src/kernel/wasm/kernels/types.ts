import type { NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

export interface WasmKernelArgs {
  inputs: NamedTensorInfoMap;
  backend: BackendWasm;
  attrs: NamedAttrMap;
}

/**
 * A fill-in built from wasm's own kernels (or plain loops over the wasm heap). Returns null for
 * the rare attribute combinations it does not cover; the generic cpu path then runs instead.
 */
export type FastKernel = (args: WasmKernelArgs) => TensorInfo | null;

/** Reads a required input, with a clear error when the caller left it out. */
export function input(inputs: NamedTensorInfoMap, name: string): TensorInfo {
  const t = inputs[name];
  if (!t) throw new Error(`missing input '${name}'`);
  return t;
}

export type Pair = [number, number];
