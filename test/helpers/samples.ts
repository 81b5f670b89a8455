/** Running a sample notebook through the real `tfnb run`, offline, and reading what it produced. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { closedPortUrl } from '../kernel/datasets/mnist-fixtures';
import { CLI_SCRIPT, ROOT, tempDir } from './kernel';

export interface Output { output_type: string; name?: string; text?: string | string[]; data?: Record<string, unknown> }
export interface Cell { cell_type: string; outputs?: Output[] }
export interface SampleRun { code: number | null; stderr: string; cells: Cell[]; stdout: string }

/** Offline whatever the machine: datasets' mirror is a closed loopback port, the cache an empty folder. */
export async function offlineEnv(): Promise<NodeJS.ProcessEnv> {
  return { ...process.env, TFNB_CACHE_DIR: tempDir('tfnb-cache-'), TFNB_MNIST_MIRROR: await closedPortUrl() };
}

export function runSample(name: string, params: string[], env: NodeJS.ProcessEnv, extraArgs: string[] = []): SampleRun {
  const output = join(tempDir('tfnb-sample-'), name);
  const args = [CLI_SCRIPT, 'run', join(ROOT, 'samples', name), '--output', output, ...extraArgs, ...params.flatMap((p) => ['-p', p])];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', env, timeout: 300_000 });
  const cells = (JSON.parse(readFileSync(output, 'utf8')) as { cells: Cell[] }).cells;
  const outputs = cells.flatMap((c) => c.outputs ?? []);
  const stdout = outputs.filter((o) => o.output_type === 'stream' && o.name === 'stdout').map((o) => text(o.text)).join('');
  return { code: r.status, stderr: r.stderr, cells, stdout };
}

const text = (t: string | string[] | undefined): string => (Array.isArray(t) ? t.join('') : t ?? '');

/** Every rich payload of one MIME type, in order. */
export function payloads<T>(cells: Cell[], mime: string): T[] {
  return cells.flatMap((c) => c.outputs ?? []).filter((o) => o.data?.[mime] !== undefined).map((o) => o.data![mime] as T);
}
