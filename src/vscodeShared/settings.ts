/** The `tfnb.*` settings, read with their defaults and checked types. */
import * as vscode from 'vscode';
import { DEFAULT_LIVE_UPDATE_INTERVAL_MS, DEFAULT_MAX_OUTPUT_BYTES, type BackendChoice } from '../protocol/messages';
import { heapLimit } from './heapLimit';

export interface TfnbSettings {
  backend: BackendChoice;
  /** Empty: the `node` on PATH, else VS Code's own runtime. */
  nodePath: string;
  maxOutputBytes: number;
  liveUpdateIntervalMs: number;
  /** The kernel's JavaScript heap limit in MB (`--max-old-space-size`); 0: Node's default. */
  kernelMaxHeapMB: number;
}

export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu'];

export function readSettings(scope?: vscode.ConfigurationScope): TfnbSettings {
  const config = vscode.workspace.getConfiguration('tfnb', scope);
  const backend = config.get<string>('backend', 'auto');
  return {
    backend: isBackendChoice(backend) ? backend : 'auto',
    nodePath: config.get<string>('nodePath', '').trim(),
    maxOutputBytes: positive(config.get<number>('maxOutputBytes'), DEFAULT_MAX_OUTPUT_BYTES),
    liveUpdateIntervalMs: positive(config.get<number>('liveUpdateIntervalMs'), DEFAULT_LIVE_UPDATE_INTERVAL_MS),
    kernelMaxHeapMB: heapLimit(config.get<number>('kernelMaxHeapMB')),
  };
}

export function isBackendChoice(value: string): value is BackendChoice {
  return (BACKEND_CHOICES as readonly string[]).includes(value);
}

function positive(value: number | undefined, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback;
}

/** Node flags for a kernel started with these settings. */
export function kernelNodeArgs(settings: TfnbSettings): string[] {
  return settings.kernelMaxHeapMB > 0 ? [`--max-old-space-size=${settings.kernelMaxHeapMB}`] : [];
}
