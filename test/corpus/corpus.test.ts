// The corpus: TensorFlow.js notebooks converted from code written by others (tfjs-examples, the
// tfjs.org guides, Node.js Notebooks, tslab-examples), each run through `tfnb run` as a user would.
// Each notebook's folder is copied to a temporary folder first, so its modules resolve as they
// would on a user's machine (not from tfnb's own node_modules) and nothing is written here.
// Every notebook must run clean on wasm; a subset also on cpu. A notebook that cannot run yet goes
// in NEEDS_TFNODE_API with its reason: it must fail for that reason (docs/compatibility.md says so),
// and when it passes it moves out of the table.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { CLI_SCRIPT, ROOT, tempDir } from '../helpers/kernel';

const CORPUS = join(ROOT, 'test', 'corpus');

/** Notebooks that need the tfjs-node API in tfnb's kernel; each fails today with this error. */
export const NEEDS_TFNODE_API: Readonly<Record<string, { reason: string; error: RegExp }>> = {
  // Empty since the kernel has tfjs-node's API (src/kernel/tfnode): mnist-node, abalone-node,
  // fashion-mnist-vae, guide-save-load and tslab-tensorflow run.
};

/** Also run on the pure-JavaScript backend: small ones that cover the kinds of code in the corpus. */
const CPU_SUBSET = [
  'getting-started',
  'polynomial-regression-core',
  'iris',
  'guide-tensors-operations',
  'guide-train-models',
  'nnb-visualizations',
  'tslab-getting-started',
  'cart-pole',
];

interface Cell {
  cell_type: string;
  source: string | string[];
  outputs?: Array<{ output_type: string; ename?: string; evalue?: string; traceback?: string[] }>;
}
const text = (source: string | string[]) => (Array.isArray(source) ? source.join('') : source);

/** Each corpus entry is a folder holding one notebook (and the files it uses). */
function corpusNotebooks(): Array<{ name: string; notebook: string }> {
  const entries: Array<{ name: string; notebook: string }> = [];
  for (const name of readdirSync(CORPUS).sort()) {
    const dir = join(CORPUS, name);
    if (!statSync(dir).isDirectory()) continue;
    const found: string[] = [];
    (function walk(d: string) {
      for (const f of readdirSync(d)) {
        const p = join(d, f);
        if (statSync(p).isDirectory()) walk(p);
        else if (f.endsWith('.ipynb')) found.push(relative(dir, p));
      }
    })(dir);
    assert.equal(found.length, 1, `${name}: a corpus folder holds exactly one notebook, found ${found.join(', ') || 'none'}`);
    entries.push({ name, notebook: found[0]! });
  }
  return entries;
}

interface RunResult {
  code: number | null;
  stderr: string;
  cells: Cell[];
}

function runNotebook(name: string, notebook: string, backend: 'wasm' | 'cpu'): Promise<RunResult> {
  const work = tempDir(`tfnb-corpus-${name}-`);
  cpSync(join(CORPUS, name), join(work, name), { recursive: true });
  const output = join(work, 'executed.ipynb');
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [CLI_SCRIPT, 'run', join(work, name, notebook), '--output', output, '--backend', backend, '--timeout', '300', '--quiet'],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    // --timeout bounds each cell; this bounds a notebook whose kernel stops answering.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name}: tfnb run did not end in 10 minutes\n${stderr}`));
    }, 600_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      let cells: Cell[] = [];
      try {
        cells = (JSON.parse(readFileSync(output, 'utf8')) as { cells: Cell[] }).cells;
      } catch {
        /* nothing written */
      }
      resolve({ code, stderr, cells });
    });
  });
}

const errorsOf = (cells: Cell[]) => cells.flatMap((c) => (c.outputs ?? []).filter((o) => o.output_type === 'error'));
const describeErrors = (r: RunResult) =>
  errorsOf(r.cells)
    .map((e) => (e.traceback ?? [`${e.ename}: ${e.evalue}`]).join('\n'))
    .join('\n---\n') || r.stderr.slice(-3000);

const notebooks = corpusNotebooks();

describe('the corpus: notebooks written by others', () => {
  it('holds at least 25 notebooks, and the tables name only notebooks that exist', () => {
    assert.ok(notebooks.length >= 25, `${notebooks.length} notebooks`);
    const names = new Set(notebooks.map((n) => n.name));
    for (const name of [...Object.keys(NEEDS_TFNODE_API), ...CPU_SUBSET]) assert.ok(names.has(name), `${name} is not in test/corpus`);
  });

  it("each notebook's first cell names its source repository, path, commit and licence, and what was substituted", () => {
    for (const { name, notebook } of notebooks) {
      const first = (JSON.parse(readFileSync(join(CORPUS, name, notebook), 'utf8')) as { cells: Cell[] }).cells[0]!;
      assert.equal(first.cell_type, 'markdown', name);
      const header = text(first.source);
      assert.match(
        header,
        /\*\*Source\*\*: \[[\w.-]+\/[\w.-]+\]\(https:\/\/github\.com\/[\w.-]+\/[\w.-]+\) — \[`[^`]+`\]/,
        `${name}: source repository and path`,
      );
      assert.match(header, /\*\*Commit\*\*: `[0-9a-f]{40}`/, `${name}: commit`);
      assert.match(header, /\*\*Licence\*\*: (Apache-2\.0|MIT)/, `${name}: licence`);
      assert.match(header, /\*\*Substituted\*\*: \S/, `${name}: substitutions`);
    }
  });

  it('docs/compatibility.md lists every notebook, and marks the ones that cannot run yet', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'compatibility.md'), 'utf8');
    for (const { name } of notebooks) {
      const row = doc.split('\n').find((line) => line.startsWith(`| \`${name}\``));
      assert.ok(row, `docs/compatibility.md has no row for ${name}`);
      if (name in NEEDS_TFNODE_API) assert.match(row, /needs the tfjs-node API/, `${name}'s row says why it does not run`);
      else assert.match(row, /runs/, `${name}'s row says it runs`);
    }
  });

  for (const { name, notebook } of notebooks) {
    const known = NEEDS_TFNODE_API[name];
    if (known) {
      it(`${name} (wasm): fails for the known reason — ${known.reason}`, { timeout: 660_000 }, async () => {
        const r = await runNotebook(name, notebook, 'wasm');
        assert.notEqual(r.code, 0, `${name} now runs: move it out of NEEDS_TFNODE_API and mark it as running in docs/compatibility.md`);
        assert.match(describeErrors(r), known.error, `${name} fails, but not for the known reason:\n${describeErrors(r)}`);
      });
      continue;
    }
    it(`${name} runs clean on wasm`, { timeout: 660_000 }, async () => {
      const r = await runNotebook(name, notebook, 'wasm');
      assert.equal(r.code, 0, `${name} failed:\n${describeErrors(r)}`);
      assert.deepEqual(errorsOf(r.cells), []);
      assert.ok(
        r.cells.some((c) => c.cell_type === 'code' && (c.outputs?.length ?? 0) > 0),
        `${name}: no cell showed anything`,
      );
    });
  }

  for (const name of CPU_SUBSET) {
    it(`${name} runs clean on cpu`, { timeout: 660_000 }, async () => {
      const entry = notebooks.find((n) => n.name === name)!;
      const r = await runNotebook(name, entry.notebook, 'cpu');
      assert.equal(r.code, 0, `${name} failed on cpu:\n${describeErrors(r)}`);
      assert.deepEqual(errorsOf(r.cells), []);
    });
  }
});
