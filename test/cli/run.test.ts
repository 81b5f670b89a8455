import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CLI_SCRIPT, tempDir } from '../helpers/kernel';

interface Cell {
  cell_type: string;
  source: string | string[];
  id?: string;
  metadata?: Record<string, unknown>;
  outputs?: Array<Record<string, unknown>>;
  execution_count?: number | null;
}

function notebook(
  cells: Cell[],
  metadata: Record<string, unknown> = { kernelspec: { name: 'tfnb', display_name: 'TypeScript (tfnb)', language: 'typescript' } },
) {
  return { nbformat: 4, nbformat_minor: 5, metadata, cells };
}
const code = (source: string | string[], extra: Partial<Cell> = {}): Cell => ({
  cell_type: 'code',
  source,
  metadata: {},
  outputs: [],
  execution_count: null,
  ...extra,
});
const md = (source: string): Cell => ({ cell_type: 'markdown', source, metadata: {} });

function tfnb(args: string[]) {
  const r = spawnSync(process.execPath, [CLI_SCRIPT, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function writeNb(dir: string, name: string, nb: unknown): string {
  const p = join(dir, name);
  writeFileSync(p, typeof nb === 'string' ? nb : JSON.stringify(nb, null, 1));
  return p;
}

describe('tfnb run', () => {
  it('runs every code cell, writes outputs and execution counts, keeps the rest as it was', () => {
    const dir = tempDir('tfnb-cli-');
    const nb = notebook([
      md('# Title'),
      code('const a: number = 20;\nconsole.log("hello");', { id: 'keep-id', metadata: { tags: ['x'], custom: { deep: [1, 2] } } }),
      { cell_type: 'raw', source: 'raw text', metadata: {} },
      code(['display({ shown: true });\n', 'a + 22']),
    ]);
    (nb.metadata as Record<string, unknown>).unknownTool = { setting: 'kept' };
    const input = writeNb(dir, 'in.ipynb', nb);
    const output = join(dir, 'out.ipynb');
    const r = tfnb(['run', input, '--output', output, '--backend', 'wasm']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /hello/);
    // Progress lines carry the time since the run began.
    assert.match(r.stderr, /^\[tfnb \d+\.\ds\] kernel ready: /m);
    // "1 thread", not "1 threads" ('auto' picks 1 on 2 cores or fewer).
    assert.match(r.stderr, /kernel ready: backend wasm \((1 thread|([2-9]|\d{2,}) threads)\)/);
    assert.match(r.stderr, /^\[tfnb \d+\.\ds\] cell 2 \(1 of 2 code cells\) running$/m);
    assert.match(r.stderr, /^\[tfnb \d+\.\ds\] cell 4 ok in (\d+ ms|\d+\.\d s)$/m);
    const out = JSON.parse(readFileSync(output, 'utf8'));
    assert.deepEqual(out.metadata.unknownTool, { setting: 'kept' });
    assert.equal(out.cells[0].source, '# Title');
    assert.equal(out.cells[1].id, 'keep-id');
    assert.deepEqual(out.cells[1].metadata, { tags: ['x'], custom: { deep: [1, 2] } });
    assert.equal(out.cells[1].execution_count, 1);
    assert.deepEqual(out.cells[1].outputs, [{ output_type: 'stream', name: 'stdout', text: ['hello\n'] }]);
    assert.equal(out.cells[2].source, 'raw text');
    assert.equal(out.cells[3].execution_count, 2);
    assert.deepEqual(out.cells[3].outputs[0], { output_type: 'display_data', data: { 'text/plain': ['{ shown: true }'] }, metadata: {} });
    assert.deepEqual(out.cells[3].outputs[1], {
      output_type: 'execute_result',
      execution_count: 2,
      data: { 'text/plain': ['42'] },
      metadata: {},
    });
    // The input was not touched.
    assert.deepEqual(JSON.parse(readFileSync(input, 'utf8')), JSON.parse(JSON.stringify(nb)));
  });

  it('updates the notebook in place without --output', () => {
    const dir = tempDir('tfnb-cli-');
    const input = writeNb(dir, 'nb.ipynb', notebook([code('6 * 7')]));
    assert.equal(tfnb(['run', input]).code, 0);
    const out = JSON.parse(readFileSync(input, 'utf8'));
    assert.deepEqual(out.cells[0].outputs[0].data, { 'text/plain': ['42'] });
    // tfnb-runs/: the run recorded (test/cli/runs.test.ts).
    assert.deepEqual(readdirSync(dir).sort(), ['nb.ipynb', 'tfnb-runs'], 'no temp files left behind');
  });

  it('stops at the first failing cell: error output, later cells without outputs, exit 1', () => {
    const dir = tempDir('tfnb-cli-');
    const input = writeNb(
      dir,
      'nb.ipynb',
      notebook([
        code('const ok = 1;'),
        code('// line 1\nthrow new Error("bad data");'),
        code('console.log("never")', { outputs: [{ output_type: 'stream', name: 'stdout', text: ['stale\n'] }], execution_count: 9 }),
      ]),
    );
    const r = tfnb(['run', input]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cell 2 failed/);
    const out = JSON.parse(readFileSync(input, 'utf8'));
    const err = out.cells[1].outputs.find((o: { output_type: string }) => o.output_type === 'error');
    assert.equal(err.ename, 'Error');
    assert.equal(err.evalue, 'bad data');
    assert.match(err.traceback.join('\n'), /cell 2, line 2/);
    assert.deepEqual(out.cells[2].outputs, []);
    assert.equal(out.cells[2].execution_count, null);
    assert.equal(out.cells[2].source, 'console.log("never")');
  });

  it('bounds each cell with --timeout: one error saying it timed out, summary "timed out", later cells not run', () => {
    const dir = tempDir('tfnb-cli-');
    const input = writeNb(dir, 'nb.ipynb', notebook([code('while (true) {}'), code('1')]));
    const r = tfnb(['run', input, '--timeout', '1']);
    assert.equal(r.code, 1);
    const out = JSON.parse(readFileSync(input, 'utf8'));
    assert.deepEqual(out.cells[0].outputs, [
      {
        output_type: 'error',
        ename: 'Timeout',
        evalue: 'the cell timed out after 1 s (--timeout 1) and was interrupted; the kernel kept its state',
        traceback: ['Timeout: the cell timed out after 1 s (--timeout 1) and was interrupted; the kernel kept its state'],
      },
    ]);
    assert.equal(out.cells[0].execution_count, 1);
    assert.deepEqual(out.cells[1].outputs, []);
    assert.match(r.stderr, /\] cell 1 timed out in /);
    assert.match(r.stderr, /^tfnb: cell 1 timed out after 1 s; executed notebook: /m);
    assert.doesNotMatch(r.stderr, /Interrupted|failed \(error\)/);
  });

  it('bounds the kernel heap with --max-heap-mb: running out is reported as such, earlier outputs kept', () => {
    const dir = tempDir('tfnb-cli-');
    const input = writeNb(
      dir,
      'nb.ipynb',
      notebook([
        code('console.log("before")'),
        code('const hoard: number[][] = [];\nwhile (true) hoard.push(new Array(100_000).fill(1.5));'),
        code('1'),
      ]),
    );
    assert.equal(tfnb(['run', input, '--max-heap-mb', '8']).code, 2, '--max-heap-mb below 16 is refused');
    const r = tfnb(['run', input, '--max-heap-mb', '64']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /cell 2 failed \(.*out of memory/);
    const out = JSON.parse(readFileSync(input, 'utf8'));
    assert.deepEqual(out.cells[0].outputs[0].text, ['before\n']);
    assert.ok(
      out.cells[1].outputs.some((o: { evalue?: string }) => /out of memory/.test(o.evalue ?? '')),
      JSON.stringify(out.cells[1].outputs).slice(0, 300),
    );
  });

  const malformed: Array<[string, string | object, RegExp]> = [
    ['bad JSON', '{"nbformat": 4, "cells": [', /not valid JSON/],
    ['nbformat 3', { nbformat: 3, nbformat_minor: 0, metadata: {}, worksheets: [] }, /nbformat 3 is not supported/],
    ['cells not an array', { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: {} }, /"cells" must be an array/],
    [
      'a cell with a bad source',
      { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ cell_type: 'code', source: 42 }] },
      /cell 1: source must be a string/,
    ],
    [
      'an unknown cell type',
      { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ cell_type: 'widget', source: '' }] },
      /unknown cell_type "widget"/,
    ],
    [
      'a Python notebook',
      notebook([code('print(1)')], { kernelspec: { name: 'python3', language: 'python' }, language_info: { name: 'python' } }),
      /cell 1 is in python, which tfnb does not run/,
    ],
    [
      'a Python cell in a TypeScript notebook (vscode.languageId)',
      notebook([code('1'), md('x'), code('print(1)', { metadata: { vscode: { languageId: 'python' } } })]),
      /cell 3 is in python, which tfnb does not run/,
    ],
  ];
  for (const [name, content, message] of malformed) {
    it(`rejects ${name} with exit 2 and touches no file`, () => {
      const dir = tempDir('tfnb-cli-');
      const input = writeNb(dir, 'nb.ipynb', content);
      const before = readFileSync(input);
      const mtime = statSync(input).mtimeMs;
      const r = tfnb(['run', input, '--output', join(dir, 'out.ipynb')]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, message);
      assert.deepEqual(readFileSync(input), before);
      assert.equal(statSync(input).mtimeMs, mtime);
      assert.deepEqual(readdirSync(dir), ['nb.ipynb']);
    });
  }

  it('injects -p parameters after the cell tagged parameters, replacing an earlier injection', () => {
    const dir = tempDir('tfnb-cli-');
    const input = writeNb(
      dir,
      'nb.ipynb',
      notebook([
        code('let epochs = 10;\nconst name = "default";', { metadata: { tags: ['parameters'] } }),
        code('`${epochs} ${name} ${typeof epochs}`'),
      ]),
    );
    assert.equal(tfnb(['run', input, '-p', 'epochs=2', '-p', 'name=quick']).code, 0);
    assert.equal(tfnb(['run', input, '-p', 'epochs=3', '-p', 'name=again']).code, 0);
    const out = JSON.parse(readFileSync(input, 'utf8'));
    assert.equal(out.cells.length, 3);
    assert.deepEqual(out.cells[1].metadata.tags, ['injected-parameters']);
    assert.deepEqual(out.cells[2].outputs[0].data['text/plain'], ["'3 again number'"]);
    assert.equal(tfnb(['run', input, '-p', 'not an identifier=1']).code, 2);
  });

  it('caps a flood (1,000,000 lines, one 100 MB string): the saved notebook stays small', () => {
    const dir = tempDir('tfnb-cli-');
    const input = writeNb(
      dir,
      'nb.ipynb',
      notebook([
        code('for (let i = 0; i < 1_000_000; i++) console.log(`line ${i}`);'),
        code('console.log("x".repeat(100_000_000)); "after"'),
      ]),
    );
    const r = tfnb(['run', input, '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    // Two cells at the 2 MB cap; short lines stored as JSON line arrays cost about 2x on disk.
    assert.ok(statSync(input).size < 8 * 1024 * 1024, `notebook is ${statSync(input).size} bytes`);
    const out = JSON.parse(readFileSync(input, 'utf8'));
    const texts = (i: number) =>
      out.cells[i].outputs
        .filter((o: { output_type: string }) => o.output_type === 'stream')
        .map((o: { text: string[] }) => o.text.join(''))
        .join('');
    // (assert.ok, not assert.match: a failure must not print megabytes)
    assert.ok(/^line 0\nline 1\n/.test(texts(0)));
    assert.ok(/output limit reached: [\d.]+ MB more output was dropped/.test(texts(0)), 'notice for the million lines');
    assert.ok(/output limit reached: 93\.4 MB more output was dropped/.test(texts(1)), 'notice for the 100 MB string');
    assert.deepEqual(out.cells[1].outputs.find((o: { output_type: string }) => o.output_type === 'execute_result').data['text/plain'], [
      "'after'",
    ]);
  });

  it('lists and clears the dataset cache', () => {
    const cache = tempDir('tfnb-cache-');
    const env = { ...process.env, TFNB_CACHE_DIR: cache };
    const sh = (args: string[]) => spawnSync(process.execPath, [CLI_SCRIPT, 'cache', ...args], { encoding: 'utf8', env });
    mkdirSync(join(cache, 'datasets', 'mnist'), { recursive: true });
    writeFileSync(join(cache, 'datasets', 'mnist', 'train-labels-idx1-ubyte.gz'), Buffer.alloc(2048));
    const list = sh(['list']);
    assert.equal(list.status, 0);
    assert.match(list.stdout, /mnist\s+2\.0 KB/);
    assert.equal(sh(['clear', 'mnist']).status, 0);
    assert.match(sh([]).stdout, /\(empty\)/);
    assert.equal(sh(['clear', '../etc']).status, 2);
  });

  it('exits 2 on bad arguments and 3 when a forced backend cannot load', () => {
    assert.equal(tfnb(['run']).code, 2);
    assert.equal(tfnb(['run', 'x.ipynb', '--backend', 'gpu']).code, 2);
    const dir = tempDir('tfnb-cli-');
    const input = writeNb(dir, 'nb.ipynb', notebook([code('1')]));
    const r = tfnb(['run', input, '--backend', 'tensorflow']);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /npm install @tensorflow\/tfjs-node/);
    assert.equal(JSON.parse(readFileSync(input, 'utf8')).cells[0].outputs.length, 0);
  });
});
