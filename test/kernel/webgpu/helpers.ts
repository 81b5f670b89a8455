/** Whether the webgpu backend can be tested here: Dawn in tfnb's node_modules and Mesa's EGL (llvmpipe) or a GPU. */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { dawnBinaryPath } from '../../../src/kernel/webgpu/dawn';
import { gpuDeviceNodes } from '../../../src/kernel/webgpu/probe';

/** The repository (not imported from helpers/kernel.ts, which imports this file). */
const ROOT = resolve(__dirname, '..', '..', '..');
const MESA_EGL = ['/usr/lib/x86_64-linux-gnu/libEGL_mesa.so.0', '/usr/lib/aarch64-linux-gnu/libEGL_mesa.so.0'];

/** Why the webgpu tests cannot run here, or undefined when they can (node:test's `skip`). */
export function webgpuUnavailable(): string | undefined {
  if (!existsSync(dawnBinaryPath(join(ROOT, 'node_modules', 'webgpu')))) return 'Dawn (npm package webgpu) is not installed: npm ci';
  if (process.platform === 'linux' && !MESA_EGL.some(existsSync) && gpuDeviceNodes().length === 0) {
    return 'no Mesa EGL (bash scripts/install-test-deps.sh installs it) and no GPU';
  }
  return undefined;
}
