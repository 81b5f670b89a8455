/**
 * `tfnb run` (the real process) against real faults around the notebook file: a full tmpfs,
 * a read-only mount, symlinks and modes, a save by the user during the run, non-regular
 * files, and every kind of bad input — which must cost nothing: exit 2, no file touched.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CLI_SCRIPT, tempDir } from '../helpers/kernel';
import { mountTmpfs, remountReadOnly } from '../helpers/tmpfs';

interface Cell {
  cell_type: string;
  source: string;
  id?: string;
  metadata?: Record<string, unknown>;
  outputs?: unknown[];
  execution_count?: number | null;
}
const code = (source: string, id: string): Cell => ({ cell_type: 'code', id, metadata: {}, source, outputs: [], execution_count: null });
const notebook = (cells: Cell[], extra: Record<string, unknown> = {}) =>
  JSON.stringify(
    {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: { kernelspec: { name: 'tfnb', display_name: 'TypeScript (tfnb)', language: 'typescript' } },
      cells,
      ...extra,
    },
    null,
    1,
  ) + '\n';

function tfnb(args: string[], timeout = 120_000) {
  const r = spawnSync(process.execPath, [CLI_SCRIPT, 'run', ...args], { encoding: 'utf8', timeout });
  return { code: r.status, stderr: r.stderr, stdout: r.stdout };
}

/** The executed notebook's lines that end the run: `tfnb: …` (progress lines start with `[tfnb`). */
const summary = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('tfnb: '));

describe('tfnb run: the disk fills up while writing (real 64 KB tmpfs)', () => {
  it('in place: the notebook stays as it was, no temp file remains, exit 1, a rescue copy has every cell', (t) => {
    const dir = mountTmpfs(t, '64k');
    if (!dir) return;
    const input = join(dir, 'nb.ipynb');
    const original = notebook([code('console.log("a".repeat(100_000))', 'one'), code('console.log("b".repeat(100_000)); "last"', 'two')]);
    writeFileSync(input, original);
    // Not recorded: a run's folder would fill the 64 KB before the notebook does.
    const r = tfnb([input, '--quiet', '--no-record']);
    assert.equal(r.code, 1, r.stderr);
    const lines = summary(r.stderr);
    assert.equal(lines.length, 1, r.stderr);
    assert.match(
      lines[0]!,
      /^tfnb: all cells ran; the executed notebook was not written: cannot write .*nb\.ipynb: no space left on device \(ENOSPC\); .*nb\.ipynb was left as it was; the executed notebook was saved to (\S+) instead$/,
    );
    assert.equal(readFileSync(input, 'utf8'), original);
    assert.deepEqual(readdirSync(dir), ['nb.ipynb']);
    const rescue = /saved to (\S+) instead/.exec(lines[0]!)![1]!;
    const saved = JSON.parse(readFileSync(rescue, 'utf8'));
    assert.deepEqual(
      saved.cells.map((c: Cell) => c.execution_count),
      [1, 2],
    );
    assert.equal(saved.cells[1].outputs.at(-1).data['text/plain'][0], "'last'");
    unlinkSync(rescue);
  });

  it('--output on the full disk: nothing is left there, exit 1', (t) => {
    const dir = mountTmpfs(t, '64k');
    if (!dir) return;
    const input = join(tempDir('tfnb-faults-'), 'nb.ipynb');
    writeFileSync(input, notebook([code('console.log("c".repeat(150_000))', 'one')]));
    const r = tfnb([input, '--quiet', '--output', join(dir, 'out', 'nb.ipynb')]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      r.stderr,
      /no space left on device \(ENOSPC\); nothing was written there; the executed notebook was saved to (\S+) instead/,
    );
    unlinkSync(/saved to (\S+) instead/.exec(r.stderr)![1]!);
    assert.deepEqual(readdirSync(join(dir, 'out')), []);
  });
});

describe('tfnb run: the output is checked before the kernel starts', () => {
  const cases: Array<[string, (dir: string) => string[], RegExp]> = [
    [
      '--output is a folder',
      (dir) => {
        mkdirSync(join(dir, 'o'));
        return ['--output', join(dir, 'o')];
      },
      /^tfnb: --output: .*\/o is a folder; tfnb writes the executed notebook only to a regular file$/,
    ],
    [
      '--output is under a file',
      (dir) => {
        writeFileSync(join(dir, 'f'), '');
        return ['--output', join(dir, 'f', 'o.ipynb')];
      },
      /^tfnb: --output: cannot write .*: .*\/f is a regular file, not a folder$/,
    ],
    ['--output is /dev/null', () => ['--output', '/dev/null'], /^tfnb: --output: \/dev\/null is a character device/],
    [
      'the notebook is read-only (in place)',
      (dir) => {
        chmodSync(join(dir, 'nb.ipynb'), 0o444);
        return [];
      },
      /^tfnb: the notebook \(run in place\): .*nb\.ipynb is read-only \(mode 0444\); make it writable or give --output$/,
    ],
  ];
  for (const [name, args, message] of cases) {
    it(`${name}: exit 2, one line, no kernel`, () => {
      const dir = tempDir('tfnb-faults-');
      const input = join(dir, 'nb.ipynb');
      const original = notebook([code('1', 'one')]);
      writeFileSync(input, original);
      const r = tfnb([input, ...args(dir)]);
      assert.equal(r.code, 2, r.stderr);
      assert.deepEqual(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr.trim(), message);
      assert.equal(readFileSync(input, 'utf8'), original);
    });
  }

  it('in place on a read-only mount: exit 2 before the kernel starts', (t) => {
    const dir = mountTmpfs(t, '64k');
    if (!dir) return;
    writeFileSync(join(dir, 'nb.ipynb'), notebook([code('1', 'one')]));
    remountReadOnly(dir);
    const r = tfnb([join(dir, 'nb.ipynb')]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /^tfnb: the notebook \(run in place\): cannot write .*: a file cannot be created in .*: read-only file system \(EROFS\)$/m,
    );
    assert.doesNotMatch(r.stderr, /kernel ready/);
  });
});

describe('tfnb run: in place through a symlink, mode and numbers kept', () => {
  it("writes the link's target (the link stays), keeps 0600, and untouched parts byte for byte", () => {
    const dir = tempDir('tfnb-faults-');
    mkdirSync(join(dir, 'store'));
    const real = join(dir, 'store', 'nb.ipynb');
    // Numbers JSON.parse + JSON.stringify would change, a key order it would change, escapes.
    const original =
      '{\n "cells": [\n  {\n   "cell_type": "markdown",\n   "id": "md",\n   "metadata": {"b": 1, "7": 2, "n": 12345678901234567890, "inf": 1e400},\n   "source": "caf\\u00e9"\n  },\n' +
      '  {\n   "cell_type": "code",\n   "execution_count": null,\n   "id": "c",\n   "metadata": {"x": 1.50},\n   "outputs": [],\n   "source": "6 * 7"\n  }\n ],\n' +
      ' "metadata": {"kernelspec": {"display_name": "TS", "name": "tfnb"}, "seed": 9007199254740993},\n "nbformat": 4,\n "nbformat_minor": 5\n}\n';
    writeFileSync(real, original);
    chmodSync(real, 0o600);
    symlinkSync(join('store', 'nb.ipynb'), join(dir, 'nb.ipynb'));
    const r = tfnb([join(dir, 'nb.ipynb'), '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(lstatSync(join(dir, 'nb.ipynb')).isSymbolicLink());
    assert.equal(statSync(real).mode & 0o777, 0o600);
    const written = readFileSync(real, 'utf8');
    const expected = original
      .replace('"execution_count": null', '"execution_count": 1')
      .replace(
        '"outputs": []',
        '"outputs": [\n    {\n     "output_type": "execute_result",\n     "execution_count": 1,\n     "data": {\n      "text/plain": [\n       "42"\n      ]\n     },\n     "metadata": {}\n    }\n   ]',
      );
    assert.equal(written, expected);
    assert.deepEqual(readdirSync(join(dir, 'store')), ['nb.ipynb']);
  });
});

describe('tfnb run: the user saves the notebook during the run', () => {
  it('their save is kept; the executed copy goes beside it; exit 1 says where', async () => {
    const dir = tempDir('tfnb-faults-');
    const input = join(dir, 'nb.ipynb');
    writeFileSync(input, notebook([code('await new Promise((r) => setTimeout(r, 3000));\n"slept"', 'one')]));
    const usersSave = notebook([code('"edited by the user"', 'one')]);
    const child = spawn(process.execPath, [CLI_SCRIPT, 'run', input, '--quiet'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let saved = false;
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
      if (!saved && /cell 1 \(1 of 1 code cells\) running/.test(stderr)) {
        saved = true;
        writeFileSync(input, usersSave);
      }
    });
    const exitCode = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.ok(saved, stderr);
    assert.equal(exitCode, 1, stderr);
    assert.match(
      stderr,
      /^tfnb: all cells ran; .*nb\.ipynb was changed \(saved from an editor\?\) while tfnb ran, so it was left as it is; the executed notebook was written beside it: .*nb\.executed\.ipynb$/m,
    );
    assert.equal(readFileSync(input, 'utf8'), usersSave);
    const beside = JSON.parse(readFileSync(join(dir, 'nb.executed.ipynb'), 'utf8'));
    assert.deepEqual(beside.cells[0].outputs[0].data['text/plain'], ["'slept'"]);
  });
});

describe('tfnb run: bad input is refused before anything runs (exit 2, nothing written)', () => {
  const bad: Array<[string, string, string[], RegExp]> = [
    [
      'no top-level metadata',
      JSON.stringify({ nbformat: 4, nbformat_minor: 5, cells: [code('1', 'a')] }),
      [],
      /the top-level "metadata" object is missing/,
    ],
    [
      'an empty language_info.name',
      notebook([code('1', 'a')]).replace('"language": "typescript"', '"language": "typescript"},\n  "language_info": {"name": ""'),
      [],
      /metadata\.language_info\.name is empty/,
    ],
    ['an illegal cell id', notebook([code('1', 'a b')]), [], /cell 1: id "a b" is not a valid cell id/],
    [
      'a kernelspec that is not an object',
      notebook([code('1', 'a')]).replace(/"kernelspec": \{[^}]*\}/, '"kernelspec": "tfnb"'),
      [],
      /metadata\.kernelspec must be an object/,
    ],
    ['-p class=1', notebook([code('1', 'a')]), ['-p', 'class=1'], /parameter name "class" cannot be declared in a cell/],
    ['-p let=1', notebook([code('1', 'a')]), ['-p', 'let=1'], /parameter name "let" cannot be declared in a cell/],
    ['-p await=1', notebook([code('1', 'a')]), ['-p', 'await=1'], /parameter name "await" cannot be declared in a cell/],
    ['-p undefined=1', notebook([code('1', 'a')]), ['-p', 'undefined=1'], /parameter name "undefined" cannot be declared in a cell/],
    ['a repeated -p name', notebook([code('1', 'a')]), ['-p', 'epochs=1', '-p', 'epochs=2'], /parameter "epochs" is given twice/],
    [
      '--max-heap-mb 16',
      notebook([code('1', 'a')]),
      ['--max-heap-mb', '16'],
      /--max-heap-mb must be a whole number of megabytes, 32 or more/,
    ],
  ];
  for (const [name, text, args, message] of bad) {
    it(name, () => {
      const dir = tempDir('tfnb-faults-');
      const input = join(dir, 'nb.ipynb');
      writeFileSync(input, text);
      const mtime = statSync(input).mtimeMs;
      const r = tfnb([input, ...args]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, message);
      assert.doesNotMatch(r.stderr, /kernel ready|internal error/);
      assert.equal(readFileSync(input, 'utf8'), text);
      assert.equal(statSync(input).mtimeMs, mtime);
      assert.deepEqual(readdirSync(dir), ['nb.ipynb']);
    });
  }

  it('/dev/zero, a FIFO and a folder: refused at once, never read', () => {
    const dir = tempDir('tfnb-faults-');
    execFileSync('mkfifo', [join(dir, 'pipe.ipynb')]);
    for (const [path, kind] of [
      ['/dev/zero', 'a character device'],
      [join(dir, 'pipe.ipynb'), 'a FIFO \\(named pipe\\)'],
      [dir, 'a folder'],
    ] as const) {
      const r = tfnb([path], 30_000);
      assert.equal(r.code, 2, `${path}: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(`is ${kind}, not a regular file`));
    }
  });
});

describe('tfnb run: repairs Jupyter would make', () => {
  it('missing and repeated nbformat 4.5 cell ids get new ones, with a notice; the input is untouched with --output', () => {
    const dir = tempDir('tfnb-faults-');
    const input = join(dir, 'nb.ipynb');
    const { id: _, ...noId } = code('2', 'x');
    const text = notebook([code('1', 'same'), code('2', 'same'), noId as Cell]);
    writeFileSync(input, text);
    const r = tfnb([input, '--quiet', '--output', join(dir, 'out.ipynb')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /cell 2 repeated the id "same" of an earlier cell; it is now "[0-9a-f]{8}"/);
    assert.match(r.stderr, /cell 3 had no id \(nbformat 4\.5 requires one\); it is now "[0-9a-f]{8}"/);
    const ids = JSON.parse(readFileSync(join(dir, 'out.ipynb'), 'utf8')).cells.map((c: Cell) => c.id);
    assert.equal(new Set(ids).size, 3);
    assert.equal(ids[0], 'same');
    assert.equal(readFileSync(input, 'utf8'), text);
  });

  it('--max-heap-mb 32, the floor, runs a cell', () => {
    const dir = tempDir('tfnb-faults-');
    const input = join(dir, 'nb.ipynb');
    writeFileSync(input, notebook([code('const t: number[] = [1, 2]; t.length', 'a')]));
    const r = tfnb([input, '--quiet', '--max-heap-mb', '32']);
    assert.equal(r.code, 0, r.stderr);
  });
});
