/**
 * The webgpu rung: TensorFlow.js's WebGPU backend on Dawn. Finds Dawn, asks it for adapters
 * (probe.ts), takes the first acceptable one (adapters.ts: `auto` refuses software adapters),
 * and starts @tensorflow/tfjs-backend-webgpu on that adapter's device.
 */
import type * as tfType from '@tensorflow/tfjs';
import { adapterLabel, chooseAdapter, isSoftwareAdapter, type AdapterReport } from './adapters';
import { findDawn, loadDawn, type FoundDawn, type GpuAdapter, type GpuEntry } from './dawn';
import { gpuDeviceNodes, probeAdapters, probeSteps } from './probe';
import { keepSmallTensorsOnCpu } from './smallOnCpu';
import { guardSyncReads } from './syncReads';

export interface WebgpuSetupOptions {
  notebookDir: string;
  /** tfnb's own folder (its node_modules may hold Dawn: development, the .vsix). */
  tfnbRoot: string;
  /** `--backend webgpu`: take a software adapter too. `auto`: only a hardware one. */
  allowSoftware: boolean;
  log: (message: string) => void;
}

export interface WebgpuReport {
  adapter: AdapterReport;
  /** "NVIDIA H100 80GB HBM3 (Vulkan)", "llvmpipe (OpenGL ES, software)". */
  label: string;
  software: boolean;
  dawn: FoundDawn;
}

/** Kept for the process's life: the device must outlive every tensor on it. */
let started: { report: WebgpuReport; gpu: GpuEntry } | undefined;

export async function setupWebgpuBackend(tf: typeof tfType, options: WebgpuSetupOptions): Promise<WebgpuReport> {
  if (started) {
    if (!(await tf.setBackend('webgpu'))) throw new Error('the webgpu backend, already started, could not be selected again');
    return started.report;
  }
  if (
    !options.allowSoftware &&
    process.platform === 'linux' &&
    gpuDeviceNodes().length === 0 &&
    process.env.TFNB_WEBGPU_PROBE !== 'always'
  ) {
    throw new Error('no GPU device node (/dev/nvidia*, /dev/dri/renderD*); --backend webgpu tries anyway');
  }
  const found = findDawn(options.notebookDir, options.tfnbRoot);
  if ('missing' in found)
    throw new Error(`${found.missing}. Install it with \`npx tfnb gpu install\` (or \`npm install webgpu\` beside the notebook)`);
  const dawn = loadDawn(found);
  const { adapters, failures } = await probeAdapters(dawn, probeSteps());
  const choice = chooseAdapter(
    adapters.map((a) => a.report),
    options.allowSoftware,
  );
  const picked = adapters.find((a) => a.report === choice.chosen);
  if (!picked) {
    const why = [...failures, ...choice.refused].join('; ') || 'no adapter';
    throw new Error(`Dawn ${found.version} (${found.packageDir}) found no usable adapter: ${why}`);
  }
  for (const line of [...failures, ...choice.refused]) options.log(`webgpu: not used: ${line}`);

  // Loaded before navigator.gpu exists, so the package does not register its own factory
  // (which would ask for an adapter without the feature level llvmpipe needs).
  const { WebGPUBackend } = await import('@tensorflow/tfjs-backend-webgpu');
  exposeWebgpuGlobals(dawn.globals, picked.gpu);
  const device = await requestDevice(picked.adapter);
  const backend = new WebGPUBackend(
    device as ConstructorParameters<typeof WebGPUBackend>[0],
    picked.adapter.info as ConstructorParameters<typeof WebGPUBackend>[1],
  );
  guardSyncReads(backend as unknown as Parameters<typeof guardSyncReads>[0]);
  const cpu = tf.findBackend('cpu');
  // Small tensors' kernels run on it: its first tensor would print tfjs's "Hi, looks like you are
  // running TensorFlow.js in Node.js…" banner into whichever cell first made one (as on cpu, backend.ts).
  if (cpu) (cpu as unknown as { firstUse?: boolean }).firstUse = false;
  if (cpu)
    keepSmallTensorsOnCpu(
      tf,
      backend as unknown as Parameters<typeof keepSmallTensorsOnCpu>[1],
      cpu as unknown as Parameters<typeof keepSmallTensorsOnCpu>[2],
    );
  if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
  tf.registerBackend('webgpu', () => backend, 0);
  if (!(await tf.setBackend('webgpu'))) throw new Error(`tfjs-backend-webgpu did not start on ${adapterLabel(picked.report)}`);
  const report: WebgpuReport = {
    adapter: picked.report,
    label: adapterLabel(picked.report),
    software: isSoftwareAdapter(picked.report),
    dawn: found,
  };
  started = { report, gpu: picked.gpu };
  return report;
}

/** The device tfjs-backend-webgpu's own factory would request: the adapter's limits, timestamps when offered. */
async function requestDevice(adapter: GpuAdapter): Promise<unknown> {
  const limits = adapter.limits;
  const requiredLimits: Record<string, number> = {};
  for (const name of [
    'maxComputeWorkgroupStorageSize',
    'maxComputeWorkgroupsPerDimension',
    'maxStorageBufferBindingSize',
    'maxBufferSize',
    'maxComputeWorkgroupSizeX',
    'maxComputeInvocationsPerWorkgroup',
  ]) {
    const value = limits[name];
    if (typeof value === 'number') requiredLimits[name] = value;
  }
  return adapter.requestDevice({ requiredFeatures: adapter.features.has('timestamp-query') ? ['timestamp-query'] : [], requiredLimits });
}

/** What a browser provides and tfjs-backend-webgpu reads: navigator.gpu and the GPU* constants. */
function exposeWebgpuGlobals(globals: Record<string, unknown>, gpu: GpuEntry): void {
  const g = globalThis as Record<string, unknown>;
  for (const [name, value] of Object.entries(globals)) if (!(name in g)) g[name] = value;
  const nav = g.navigator;
  if (typeof nav === 'object' && nav !== null) Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true });
  else Object.defineProperty(g, 'navigator', { value: { gpu }, configurable: true, writable: true });
}
