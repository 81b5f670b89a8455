/**
 * Starts TensorFlow.js's wasm backend for the kernel: fill-in kernels for what wasm lacks,
 * multi-threaded XNNPACK in Node, complex64 storage, and a report of what was done.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type * as tfType from '@tensorflow/tfjs';
import { getThreadsCount, setWasmPaths, type BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { installFusedAdam } from '../fused/adam';
import { installFusedSparseCrossEntropy } from '../fused/sparseCrossEntropy';
import { installEpochTotals } from '../fused/epochTotals';
import { installFusedTrainStep } from '../fused/trainStep/install';
import { supportComplexStorage } from './complexStorage';
import { registerFillIns, replacedKernels, type FilledKernel } from './fillIns';
import { processListeners, removeListenersAddedSince } from './processListeners';
import { createThreadedBackend, THREADED_SIMD_BINARY } from './threaded';

export type { FilledKernel } from './fillIns';

export interface WasmSetupOptions {
  /** Folder holding tfjs-backend-wasm*.wasm files (the kernel bundle's dist/, or node_modules/@tensorflow/tfjs-backend-wasm/dist in tests). */
  wasmDir: string;
  /** Thread count: 'auto' = from os.availableParallelism(); 1 = single-threaded SIMD. */
  threads: number | 'auto';
  log: (message: string) => void;
}

export interface WasmReport {
  threads: number;
  threadsReason?: string;
  simd: boolean;
  filledKernels: FilledKernel[];
}

/** XNNPACK's pool is capped at the 8 pthread workers emscripten pre-creates. */
const MAX_THREADS = 8;

let started: WasmReport | undefined;

/** Registers fill-in kernels, configures threads and wasm paths, then calls tf.setBackend('wasm'). Throws with a clear message if wasm cannot start. */
export async function setupWasmBackend(tf: typeof tfType, options: WasmSetupOptions): Promise<WasmReport> {
  if (started && tf.findBackend('wasm')) {
    if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend, already started, could not be selected again');
    return started;
  }
  const { wasmDir, log } = options;
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
  const binary = simd ? 'tfjs-backend-wasm-simd.wasm' : 'tfjs-backend-wasm.wasm';
  if (!existsSync(join(wasmDir, binary))) throw new Error(`${binary} is missing from ${wasmDir}`);

  let { threads, reason } = wantedThreads(options.threads, simd);
  const listenersBefore = processListeners();
  if (threads > 1) {
    try {
      const backend = await createThreadedBackend(wasmDir, threads);
      tf.removeBackend('wasm');
      tf.registerBackend('wasm', () => backend, 2);
    } catch (e) {
      reason = `the multi-threaded build did not start (${e instanceof Error ? e.message : String(e)}); using one thread`;
      log(`wasm: ${reason}`);
      threads = 1;
    }
  }
  if (threads === 1) setWasmPaths(wasmDir.endsWith('/') ? wasmDir : `${wasmDir}/`);

  const filledKernels = registerFillIns(tf);
  installFusedAdam(tf, ['wasm', 'cpu']);
  installFusedSparseCrossEntropy(tf, ['wasm', 'cpu']);
  installFusedTrainStep(tf, log);
  installEpochTotals(tf);
  const warnings = captureWarnings();
  let selected: boolean;
  try {
    selected = await tf.setBackend('wasm');
  } finally {
    warnings.restore();
    removeListenersAddedSince(listenersBefore);
  }
  if (!selected) throw new Error(`the wasm backend failed to start from ${wasmDir}${warnings.text ? `: ${warnings.text}` : ''}`);
  supportComplexStorage(tf.backend() as BackendWasm);

  const actual = getThreadsCount();
  if (actual !== threads) reason = `${reason ? `${reason}; ` : ''}asked for ${threads} thread(s), XNNPACK runs ${actual}`;
  log(
    `wasm: ${actual} thread(s)${simd ? ', SIMD' : ''}; ${filledKernels.length} kernels filled ` +
      `(${filledKernels.filter((k) => k.path === 'fast').length} fast); wrapped: ${replacedKernels().join(', ')}; Adam: one fused kernel per variable`,
  );
  started = { threads: actual, ...(reason ? { threadsReason: reason } : {}), simd, filledKernels };
  return started;
}

function wantedThreads(option: number | 'auto', simd: boolean): { threads: number; reason?: string } {
  const cores = availableParallelism();
  // Measured (docs/wasm-backend.md): on 2 cores, 2 threads train no faster than 1, so 'auto'
  // uses threads only where there are more cores than that.
  const asked = option === 'auto' ? (cores <= 2 ? 1 : cores) : Math.floor(option);
  if (!Number.isFinite(asked) || asked < 1) throw new Error(`wasm threads must be 'auto' or a positive integer, got ${String(option)}`);
  if (asked === 1)
    return { threads: 1, reason: option === 'auto' ? `auto: ${cores} core(s), where one thread is as fast` : 'one thread requested' };
  if (!simd) return { threads: 1, reason: 'no WebAssembly SIMD, and the threaded build needs it' };
  if (asked > MAX_THREADS)
    return { threads: MAX_THREADS, reason: `capped at ${MAX_THREADS} threads (the worker pool of ${THREADED_SIMD_BINARY})` };
  return { threads: asked };
}

/** tfjs reports a failed backend start only through console.warn; keep the text for the error. */
function captureWarnings(): { text: string; restore(): void } {
  const original = console.warn;
  const captured = {
    text: '',
    restore: () => {
      console.warn = original;
    },
  };
  console.warn = (...args: unknown[]) => {
    captured.text += `${captured.text ? ' ' : ''}${args.map(String).join(' ')}`;
    original(...args);
  };
  return captured;
}
