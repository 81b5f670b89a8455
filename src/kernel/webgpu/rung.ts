/** The webgpu rung of the backend ladder (backend.ts), and the hint given when a GPU sits unused. */
import { join } from 'node:path';
import type { BackendAttempt, BackendInfo } from '../../protocol/messages';
import type { BackendOptions, LoadedBackend, Tf } from '../backend';
import { installFusedSparseCrossEntropy } from '../fused/sparseCrossEntropy';
import { gpuDeviceNodes } from './probe';
import { setupWebgpuBackend } from './index';

/** dist/kernel.js's folder is dist/: tfnb's root is one up. */
const TFNB_ROOT = join(__dirname, '..');

export async function loadWebgpuRung(tf: Tf, options: BackendOptions, attempts: BackendAttempt[]): Promise<LoadedBackend> {
  // No fused kernels on webgpu, but compiled models get the wrapper, which passes int32 labels
  // to tfjs-layers' sparse cross-entropy as float32 (it floors them, and floor refuses int32).
  installFusedSparseCrossEntropy(tf, []);
  const report = await setupWebgpuBackend(tf, {
    notebookDir: options.notebookDir,
    tfnbRoot: TFNB_ROOT,
    allowSoftware: options.choice === 'webgpu',
    log: options.log,
  });
  attempts.push({
    backend: 'webgpu',
    ok: true,
    detail: `${report.label} through Dawn ${report.dawn.version} from ${report.dawn.packageDir}${report.software ? ' (a software adapter: runs on the CPU)' : ''}`,
  });
  return {
    tf,
    info: { name: 'webgpu', tfBackend: 'webgpu', tfVersion: tf.version.tfjs, gpu: !report.software, adapter: report.label, attempts },
  };
}

/**
 * When the machine has a GPU (a device node) but the kernel runs on the CPU: why, and what to
 * install. `devDir` is there for tests.
 */
export function gpuHint(info: Pick<BackendInfo, 'gpu' | 'attempts'>, devDir = '/dev'): string | undefined {
  if (info.gpu) return undefined;
  const nodes = gpuDeviceNodes(devDir);
  if (nodes.length === 0) return undefined;
  const why = info.attempts
    .filter((a) => !a.ok && (a.backend === 'webgpu' || a.backend === 'tensorflow-gpu'))
    .map((a) => `${a.backend}: ${a.detail}`);
  return (
    `A GPU is present (${nodes.join(', ')}) but no GPU backend loaded${why.length ? ` (${why.join('; ')})` : ''}. ` +
    "To use it: `npx tfnb gpu install` (Dawn, for the webgpu backend; on Linux it also needs the Vulkan loader `libvulkan1` and the driver's Vulkan ICD), then restart the kernel; `npx tfnb gpu` says which adapter it finds. See docs/gpu.md."
  );
}
