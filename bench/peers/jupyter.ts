/**
 * tfnb run vs Jupyter (`jupyter nbconvert --execute`, Debian's python3-ipykernel), side by side:
 * per-cell overhead over 500 trivial cells and cold start to the first result. Each side runs
 * a 1-cell and a 501-cell notebook; overhead = (t501 - t1) / 500 (500 cells, not 100: a cold
 * start's own jitter of some 30 ms would otherwise swing the per-cell figure by 0.3 ms). Rounds
 * alternate the tools.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { median, ms, type Row } from '../lib';

const ROOT = resolve(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const JUPYTER = '/usr/bin/jupyter';

function notebook(cells: number, language: 'python' | 'typescript'): string {
  const metadata =
    language === 'python'
      ? { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' }, language_info: { name: 'python' } }
      : { kernelspec: { name: 'tfnb', display_name: 'TypeScript (tfnb)', language: 'typescript' }, language_info: { name: 'typescript' } };
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata,
    cells: Array.from({ length: cells }, (_, i) => ({
      cell_type: 'code',
      id: `c${i}`,
      metadata: {},
      outputs: [],
      execution_count: null,
      source: i === 0 ? '1 + 1' : `${i}`,
    })),
  });
}

function time(command: string, args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(command, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${r.stderr.slice(-2000)}`);
  return performance.now() - t0;
}

export function jupyterAvailable(): boolean {
  return (
    spawnSync(JUPYTER, ['nbconvert', '--version']).status === 0 && spawnSync('/usr/bin/python3', ['-c', 'import ipykernel']).status === 0
  );
}

const CELLS = 500;

export function jupyterBench(rounds = 3): Row[] {
  const dir = mkdtempSync(join(tmpdir(), 'tfnb-peers-'));
  const files: Record<string, string> = {};
  for (const [name, cells, lang] of [
    ['py1', 1, 'python'],
    ['pyN', CELLS + 1, 'python'],
    ['ts1', 1, 'typescript'],
    ['tsN', CELLS + 1, 'typescript'],
  ] as const) {
    files[name] = join(dir, `${name}.ipynb`);
    writeFileSync(files[name]!, notebook(cells, lang));
  }
  const jupyter = (f: string) => time(JUPYTER, ['nbconvert', '--to', 'notebook', '--execute', '--output', `${f}.out.ipynb`, f]);
  const tfnb = (f: string) => time(process.execPath, [CLI, 'run', f, '--quiet', '--output', `${f}.out.ipynb`]);
  const t = { py1: [] as number[], pyN: [] as number[], ts1: [] as number[], tsN: [] as number[] };
  for (let i = 0; i < rounds; i++) {
    t.py1.push(jupyter(files.py1!));
    t.ts1.push(tfnb(files.ts1!));
    t.pyN.push(jupyter(files.pyN!));
    t.tsN.push(tfnb(files.tsN!));
  }
  const perCell = { py: (median(t.pyN) - median(t.py1)) / CELLS, ts: (median(t.tsN) - median(t.ts1)) / CELLS };
  return [
    {
      ratio: perCell.ts / perCell.py,
      target: '≤ 0.2',
      what: `per-cell overhead, ${CELLS} trivial cells`,
      tfnb: ms(perCell.ts),
      baseline: ms(perCell.py),
      baselineName: 'jupyter nbconvert --execute (ipykernel)',
    },
    {
      ratio: median(t.ts1) / median(t.py1),
      target: '≤ 0.5',
      what: 'cold start to first result (whole run of a 1-cell notebook)',
      tfnb: ms(median(t.ts1)),
      baseline: ms(median(t.py1)),
      baselineName: 'jupyter nbconvert --execute (ipykernel)',
    },
  ];
}
