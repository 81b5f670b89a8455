/**
 * The backend ladder: tfjs-node-gpu -> tfjs-node -> webgpu (hardware adapters only) -> wasm -> cpu;
 * the first that loads wins.
 * The native packages are never tfnb dependencies (their install downloads libtensorflow):
 * they are found where the user installed them, from the notebook's folder upward or globally.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import * as bundledTf from '@tensorflow/tfjs';
import type { BackendAttempt, BackendChoice, BackendInfo, BackendName } from '../protocol/messages';
import { installFusedAdam } from './fused/adam';
import { installEpochTotals } from './fused/epochTotals';
import { findInstalledPackage } from './packages';
import { installFusedSparseCrossEntropy } from './fused/sparseCrossEntropy';
import { setupWasmBackend } from './wasm/index';
import { loadWebgpuRung, gpuHint } from './webgpu/rung';

import type { Tf } from './tfType';
export type { Tf };

export interface BackendOptions {
  choice: BackendChoice;
  notebookDir: string;
  /** Folder with the tfjs-backend-wasm .wasm binaries. */
  wasmDir: string;
  wasmThreads: number | 'auto';
  log: (message: string) => void;
}

export interface LoadedBackend {
  tf: Tf;
  info: BackendInfo;
}

// Where a user's packages are looked for: shared with the webgpu rung and the CLI (no tfjs there).
export { findInstalledPackage, packageSearchDirs } from './packages';

export class BackendLoadError extends Error {
  constructor(
    message: string,
    readonly attempts: BackendAttempt[],
  ) {
    super(message);
  }
}

const NATIVE_PACKAGES: Record<'tensorflow-gpu' | 'tensorflow', string> = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
};

const LADDERS: Record<BackendChoice, BackendName[]> = {
  auto: ['tensorflow-gpu', 'tensorflow', 'webgpu', 'wasm', 'cpu'],
  tensorflow: ['tensorflow-gpu', 'tensorflow'],
  webgpu: ['webgpu'],
  wasm: ['wasm'],
  cpu: ['cpu'],
};

export async function loadBackend(options: BackendOptions): Promise<LoadedBackend> {
  const attempts: BackendAttempt[] = [];
  for (const rung of LADDERS[options.choice]) {
    try {
      const loaded = await loadRung(rung, options, attempts);
      options.log(`backend ${rung}: loaded (${attempts[attempts.length - 1]?.detail ?? ''})`);
      const hint = gpuHint(loaded.info);
      if (hint) {
        loaded.info.gpuHint = hint;
        options.log(hint);
      }
      return loaded;
    } catch (e) {
      const detail = e instanceof Error ? e.message : String(e);
      attempts.push({ backend: rung, ok: false, detail });
      options.log(`backend ${rung}: not used: ${detail}`);
    }
  }
  const tried = attempts.map((a) => `  ${a.backend}: ${a.detail}`).join('\n');
  throw new BackendLoadError(
    `No TensorFlow.js backend could be loaded for --backend ${options.choice}:\n${tried}\n${installHint(options.choice)}`,
    attempts,
  );
}

async function loadRung(rung: BackendName, options: BackendOptions, attempts: BackendAttempt[]): Promise<LoadedBackend> {
  if (rung === 'tensorflow-gpu' || rung === 'tensorflow') {
    const pkg = NATIVE_PACKAGES[rung];
    const dir = findInstalledPackage(pkg, options.notebookDir);
    if (!dir) throw new Error(`${pkg} is not installed (looked from ${options.notebookDir} upward and in the global folders)`);
    const req = createRequire(join(dir, 'package.json'));
    const tf = req(dir) as Tf;
    await tf.ready();
    if (tf.getBackend() !== 'tensorflow') throw new Error(`${pkg} at ${dir} loaded but its backend is '${tf.getBackend()}'`);
    const gpu = rung === 'tensorflow-gpu' && usesGpu(tf);
    attempts.push({
      backend: rung,
      ok: true,
      detail: `${pkg} from ${dir}${rung === 'tensorflow-gpu' && !gpu ? ' (no GPU device found: running on CPU)' : ''}`,
    });
    return { tf, info: { name: rung, tfBackend: 'tensorflow', tfVersion: tf.version.tfjs ?? tf.version_core, gpu, attempts } };
  }
  const tf = bundledTf;
  if (rung === 'webgpu') return loadWebgpuRung(tf, options, attempts);
  if (rung === 'wasm') {
    const report = await setupWasmBackend(tf, { wasmDir: options.wasmDir, threads: options.wasmThreads, log: options.log });
    attempts.push({
      backend: 'wasm',
      ok: true,
      detail: `${report.threads} thread(s)${report.simd ? ', SIMD' : ''}${report.threadsReason ? ` (${report.threadsReason})` : ''}`,
    });
    return {
      tf,
      info: {
        name: 'wasm',
        tfBackend: tf.getBackend(),
        tfVersion: tf.version.tfjs,
        gpu: false,
        threads: report.threads,
        filledKernels: report.filledKernels,
        attempts,
      },
    };
  }
  if (!(await tf.setBackend('cpu'))) throw new Error('the cpu backend failed to initialise');
  // Its first tensor would print "Hi, looks like you are running TensorFlow.js in Node.js…" into
  // that cell's output; the kernel already said which backend it chose and why.
  (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
  installFusedAdam(tf, ['cpu']);
  installFusedSparseCrossEntropy(tf, ['cpu']);
  installEpochTotals(tf);
  attempts.push({ backend: 'cpu', ok: true, detail: 'pure JavaScript' });
  return { tf, info: { name: 'cpu', tfBackend: 'cpu', tfVersion: tf.version.tfjs, gpu: false, attempts } };
}

/** tfjs-node's binding knows whether TensorFlow placed ops on a GPU. */
function usesGpu(tf: Tf): boolean {
  const backend = tf.backend() as unknown as { binding?: { isUsingGpuDevice?: () => boolean } };
  try {
    return backend.binding?.isUsingGpuDevice?.() ?? false;
  } catch {
    return false;
  }
}

function installHint(choice: BackendChoice): string {
  if (choice === 'tensorflow') {
    return 'Install the native backend next to your notebook: `npm install @tensorflow/tfjs-node` (CPU) or `npm install @tensorflow/tfjs-node-gpu` (NVIDIA GPU; needs CUDA 11.2 and cuDNN 8.1 for tfjs-node-gpu 4.x). See the README, "Native and GPU backends".';
  }
  if (choice === 'webgpu')
    return 'Install Dawn with `npx tfnb gpu install` (or `npm install webgpu` beside the notebook); see docs/gpu.md.';
  return 'Choose another backend with --backend auto|tensorflow|webgpu|wasm|cpu.';
}
