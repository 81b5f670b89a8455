// TEMPORARY until src/kernel/wasm/ lands: single-threaded wasm, no fill-ins.
import type * as tfType from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { join } from 'node:path';

export async function setupWasmBackend(tf: typeof tfType, options: { wasmDir: string; threads: number | 'auto'; log: (m: string) => void }) {
  setWasmPaths(join(options.wasmDir, '/'));
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend failed to initialise');
  return { threads: 1, simd: true, filledKernels: [] as Array<{ name: string; path: 'fast' | 'generic' }>, threadsReason: undefined as string | undefined };
}
