/**
 * Finding and loading Dawn's Node.js binding (the npm package `webgpu`, prebuilt `dawn.node`
 * for each platform inside it). Like the native backends it is found where the user installed
 * it (the notebook's folder upward, NODE_PATH, the global folders), then in tfnb's own GPU
 * folder (`tfnb gpu install`), then beside tfnb itself (the linux-x64 .vsix ships it).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { packageSearchDirs } from '../packages';

export const DAWN_PACKAGE = 'webgpu';
/** The version `tfnb gpu install` installs and the one tfnb is tested with. */
export const DAWN_VERSION = '0.6.2';

/** What the `webgpu` package exports from dawn.node. */
export interface DawnModule {
  create(flags: string[]): GpuEntry;
  globals: Record<string, unknown>;
}

/** The slice of the WebGPU API tfnb itself calls (tfjs-backend-webgpu uses the rest). */
export interface GpuEntry {
  requestAdapter(options?: {
    powerPreference?: 'high-performance' | 'low-power';
    featureLevel?: 'core' | 'compatibility';
  }): Promise<GpuAdapter | null>;
}
export interface GpuAdapter {
  readonly info: { vendor: string; architecture: string; device: string; description: string };
  readonly features: ReadonlySet<string>;
  readonly limits: Record<string, number>;
  requestDevice(descriptor?: { requiredFeatures?: string[]; requiredLimits?: Record<string, number> }): Promise<unknown>;
}

export interface FoundDawn {
  packageDir: string;
  version: string;
  binary: string;
}

/** tfnb's own folder for GPU packages: `tfnb gpu install` puts `webgpu` there. */
export function gpuPackagesDir(): string {
  const cache = process.env.TFNB_CACHE_DIR || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'tfnb');
  return join(cache, 'gpu');
}

export function dawnSearchDirs(notebookDir: string, tfnbRoot: string): string[] {
  return [...new Set([...packageSearchDirs(notebookDir), join(gpuPackagesDir(), 'node_modules'), join(tfnbRoot, 'node_modules')])];
}

/** The dawn.node file a `webgpu` package holds for this platform ('darwin-universal', 'linux-x64', …). */
export function dawnBinaryPath(packageDir: string): string {
  const arch = process.platform === 'darwin' ? 'universal' : process.arch;
  return join(packageDir, 'dist', `${process.platform}-${arch}`, 'dawn.node');
}

/** The first `webgpu` package with a dawn.node for this platform, or why none was found. */
export function findDawn(notebookDir: string, tfnbRoot: string): FoundDawn | { missing: string } {
  const without: string[] = [];
  for (const dir of dawnSearchDirs(notebookDir, tfnbRoot)) {
    const packageDir = join(dir, DAWN_PACKAGE);
    if (!existsSync(join(packageDir, 'package.json'))) continue;
    const binary = dawnBinaryPath(packageDir);
    if (!existsSync(binary)) {
      without.push(packageDir);
      continue;
    }
    return { packageDir, binary, version: packageVersion(packageDir) };
  }
  const also = without.length ? `; ${without.join(', ')} has no ${dawnBinaryPath('')}` : '';
  return {
    missing: `Dawn (npm package \`${DAWN_PACKAGE}\`) is not installed (looked from ${notebookDir} upward, NODE_PATH, the global folders and ${gpuPackagesDir()}${also})`,
  };
}

function packageVersion(packageDir: string): string {
  try {
    return String((JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version?: unknown }).version ?? '?');
  } catch {
    return '?';
  }
}

/**
 * Loads dawn.node itself: the package's index.js is an ES module (it adds an unmap-on-destroy
 * patch the kernel does not need, since it never destroys its device).
 */
export function loadDawn(found: FoundDawn): DawnModule {
  const req = createRequire(join(found.packageDir, 'package.json'));
  const mod = req(found.binary) as Partial<DawnModule>;
  if (typeof mod.create !== 'function' || typeof mod.globals !== 'object' || mod.globals === null) {
    throw new Error(`${found.binary} is not Dawn's Node.js binding (no create/globals exports)`);
  }
  return mod as DawnModule;
}
