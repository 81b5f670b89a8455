import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/** The wasm backend's heap: `asm.memory` in the single-threaded build, `wasmMemory` in the threaded one. */
export function wasmMemoryOf(backend: BackendWasm): WebAssembly.Memory | undefined {
  const module = backend.wasm as unknown as { asm?: { memory?: unknown }; wasmMemory?: unknown };
  const memory = module.asm?.memory ?? module.wasmMemory;
  return memory instanceof WebAssembly.Memory ? memory : undefined;
}

/** XNNPACK's thread count for this backend (1 in the single-threaded build). */
export function wasmThreadsOf(backend: BackendWasm): number {
  const tfjs = (backend.wasm as unknown as { tfjs?: { getThreadsCount?: () => number } }).tfjs;
  return tfjs?.getThreadsCount?.() ?? 1;
}
