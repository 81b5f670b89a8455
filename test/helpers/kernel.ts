/** Test helpers: real kernel processes from dist/ (built by `npm test` before the tests run). */
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { KernelClient, type ErrorOutput, type ExecutionOutcome, type KernelClientOptions } from '../../src/client/kernelClient';
import type { StreamName } from '../../src/protocol/messages';
import type { MimeBundle } from '../../src/protocol/mime';
import { webgpuUnavailable } from '../kernel/webgpu/helpers';

export const ROOT = resolve(__dirname, '..', '..');
export const KERNEL_SCRIPT = join(ROOT, 'dist', 'kernel.js');
export const CLI_SCRIPT = join(ROOT, 'dist', 'cli.js');

export function tempDir(prefix = 'tfnb-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes files under a folder: { 'node_modules/x/package.json': '{...}' }. */
export function writeTree(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    const p = join(root, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, text);
  }
}

export type RuleBackend = 'wasm' | 'cpu' | 'webgpu';

/**
 * The backends the rule suites (cells, imports, output, interrupt, lifecycle) run on: each
 * suite runs once per backend. `TFNB_TEST_BACKENDS=wasm` (comma-separated) narrows it. By
 * default webgpu (Dawn on whatever adapter it finds: llvmpipe without a GPU) is in the list when
 * Dawn and Mesa's EGL or a GPU are here; CI names it explicitly (.ci/run), so there it must run.
 */
export const RULE_BACKENDS: RuleBackend[] = (() => {
  const names = (process.env.TFNB_TEST_BACKENDS ?? (webgpuUnavailable() ? 'wasm,cpu' : 'wasm,cpu,webgpu'))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const n of names)
    if (n !== 'wasm' && n !== 'cpu' && n !== 'webgpu') throw new Error(`TFNB_TEST_BACKENDS: unknown backend '${n}' (wasm, cpu, webgpu)`);
  return names as RuleBackend[];
})();

/** A kernel on the wasm backend (one thread) unless `options.backend` says otherwise. */
export function startKernel(options: Partial<KernelClientOptions> = {}): KernelClient {
  return new KernelClient({
    notebookDir: options.notebookDir ?? tempDir(),
    kernelScript: KERNEL_SCRIPT,
    backend: 'wasm',
    wasmThreads: 1,
    ...options,
  });
}

export interface CellRun {
  outcome: ExecutionOutcome;
  streams: Array<{ name: StreamName; text: string }>;
  stdout: string;
  stderr: string;
  result?: MimeBundle;
  displays: Array<{ data: MimeBundle; displayId?: string; update: boolean }>;
  error?: ErrorOutput;
}

let cellNumber = 0;

export async function run(
  kernel: KernelClient,
  code: string,
  opts: { cellName?: string; language?: 'typescript' | 'javascript'; during?: () => void; timeoutMs?: number } = {},
): Promise<CellRun> {
  const r: Omit<CellRun, 'outcome' | 'stdout' | 'stderr'> = { streams: [], displays: [] };
  const exec = kernel.execute(
    code,
    { cellName: opts.cellName ?? `cell ${++cellNumber}`, language: opts.language ?? 'typescript', timeoutMs: opts.timeoutMs },
    {
      onStream: (name, text) => r.streams.push({ name, text }),
      onResult: (data) => {
        r.result = data;
      },
      onDisplay: (data, displayId, update) => r.displays.push({ data, displayId, update }),
      onError: (e) => {
        r.error = e;
      },
    },
  );
  opts.during?.();
  const outcome = await exec.done;
  const text = (name: StreamName) =>
    r.streams
      .filter((s) => s.name === name)
      .map((s) => s.text)
      .join('');
  return { ...r, outcome, stdout: text('stdout'), stderr: text('stderr') };
}

/** The value of a cell's result as text. */
export async function value(kernel: KernelClient, code: string): Promise<string | undefined> {
  const r = await run(kernel, code);
  if (r.error) throw new Error(`cell failed: ${r.error.traceback.join('\n')}`);
  return r.result?.['text/plain'];
}

/** Whether a process is running; a zombie (exited, not yet reaped) counts as gone. */
export function isAlive(pid: number): boolean {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

/** Writes `nb.ipynb` in `dir`: tfnb's kernelspec and one code cell per source. */
export function writeCodeNotebook(dir: string, sources: string[]): string {
  const path = join(dir, 'nb.ipynb');
  const cells = sources.map((source) => ({ cell_type: 'code', source, metadata: {}, outputs: [], execution_count: null }));
  writeFileSync(
    path,
    JSON.stringify(
      {
        nbformat: 4,
        nbformat_minor: 5,
        metadata: { kernelspec: { name: 'tfnb', display_name: 'TypeScript (tfnb)', language: 'typescript' } },
        cells,
      },
      null,
      1,
    ),
  );
  return path;
}
