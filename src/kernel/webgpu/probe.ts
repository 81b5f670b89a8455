/**
 * Asking Dawn for adapters, one graphics API at a time, and the environment Mesa's EGL needs
 * to run without a display (how CI tests WebGPU on llvmpipe).
 */
import { mkdtempSync } from 'node:fs';
import { accessSync, constants, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AdapterReport, DawnApi } from './adapters';
import type { DawnModule, GpuAdapter, GpuEntry } from './dawn';

export interface ProbeStep {
  api: DawnApi;
  featureLevel: 'core' | 'compatibility';
}

/**
 * The order Dawn's backends are tried in. On Linux: Vulkan (what NVIDIA, AMD and Intel drivers
 * offer), then OpenGL ES through EGL in compatibility mode (Mesa's llvmpipe; Debian 12's lavapipe
 * lacks a Vulkan feature Dawn requires). Elsewhere Dawn's default (Metal, D3D12).
 */
export function probeSteps(platform: NodeJS.Platform = process.platform): ProbeStep[] {
  if (platform === 'linux')
    return [
      { api: 'vulkan', featureLevel: 'core' },
      { api: 'opengles', featureLevel: 'compatibility' },
    ];
  return [{ api: 'default', featureLevel: 'core' }];
}

export interface ProbedAdapter {
  report: AdapterReport;
  adapter: GpuAdapter;
  gpu: GpuEntry;
}

/** Every adapter Dawn offers through the steps, in order; `failures` says which steps found none. */
export async function probeAdapters(
  dawn: DawnModule,
  steps: readonly ProbeStep[],
): Promise<{ adapters: ProbedAdapter[]; failures: string[] }> {
  prepareEnvironment();
  const adapters: ProbedAdapter[] = [];
  const failures: string[] = [];
  for (const step of steps) {
    try {
      const gpu = dawn.create(step.api === 'default' ? [] : [`backend=${step.api}`]);
      const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance', featureLevel: step.featureLevel });
      if (!adapter) {
        failures.push(`${step.api}: no adapter`);
        continue;
      }
      const { vendor, architecture, device, description } = adapter.info;
      adapters.push({
        gpu,
        adapter,
        report: {
          api: step.api,
          featureLevel: step.featureLevel,
          vendor: vendor ?? '',
          architecture: architecture ?? '',
          device: device ?? '',
          description: description ?? '',
        },
      });
    } catch (e) {
      failures.push(`${step.api}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return { adapters, failures };
}

/**
 * Mesa's EGL without an X or Wayland display needs EGL_PLATFORM=surfaceless and a writable
 * XDG_RUNTIME_DIR; set only what the user has not set.
 */
function prepareEnvironment(): void {
  if (process.platform !== 'linux') return;
  process.env.EGL_PLATFORM ||= 'surfaceless';
  const runtimeDir = process.env.XDG_RUNTIME_DIR;
  if (!runtimeDir || !writable(runtimeDir)) process.env.XDG_RUNTIME_DIR = mkdtempSync(join(tmpdir(), 'tfnb-xdg-'));
}

function writable(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** GPU device nodes on Linux (/dev/nvidia0, /dev/dri/renderD128): a GPU is there even if no GPU backend loads. */
export function gpuDeviceNodes(devDir = '/dev'): string[] {
  const nodes: string[] = [];
  try {
    for (const n of readdirSync(devDir)) if (/^nvidia\d+$/.test(n)) nodes.push(join(devDir, n));
  } catch {
    /* no /dev */
  }
  const dri = join(devDir, 'dri');
  if (existsSync(dri)) {
    try {
      for (const n of readdirSync(dri)) if (n.startsWith('renderD')) nodes.push(join(dri, n));
    } catch {
      /* unreadable */
    }
  }
  return nodes;
}
