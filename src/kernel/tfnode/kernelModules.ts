/**
 * The module objects the kernel answers for TensorFlow.js package names, wherever the import
 * comes from: a cell, or a user's own file beside the notebook (moduleHooks.ts). All of them are
 * the kernel's one instance — a second copy would have no backend and none of the kernel's state.
 */
import * as wasmBackend from '@tensorflow/tfjs-backend-wasm';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { TF_PACKAGES } from '../../protocol/modules';
import type { Tf } from '../backend';

export const WASM_BACKEND_MODULE = '@tensorflow/tfjs-backend-wasm';

export type KernelModule = Record<string, unknown> & { default: unknown };

export function kernelModules(tf: Tf): ReadonlyMap<string, KernelModule> {
  const tfModule: KernelModule = { ...tf, default: tf };
  const modules = new Map<string, KernelModule>();
  for (const name of TF_PACKAGES) modules.set(name, tfModule);
  modules.set(WASM_BACKEND_MODULE, wasmModule(tf));
  return modules;
}

/**
 * tfjs-backend-wasm as the kernel started it. `getThreadsCount()` asks the running backend: the
 * kernel may have started the multi-threaded build itself (wasm/threaded.ts), which the
 * package's own counter never hears of.
 */
function wasmModule(tf: Tf): KernelModule {
  const getThreadsCount = (): number => {
    // engine().registry holds only started backends (findBackend would start one).
    const backend = (tf.engine() as unknown as { registry: Record<string, unknown> }).registry.wasm as BackendWasm | undefined;
    if (!backend)
      throw new Error(
        `WASM backend not initialized: this kernel runs on the '${tf.getBackend()}' backend (choose wasm with --backend wasm or the tfnb.backend setting)`,
      );
    return backend.wasm.tfjs.getThreadsCount();
  };
  const ns = { ...wasmBackend, getThreadsCount };
  return { ...ns, default: ns };
}
