// The layering rule of docs/architecture.md ("Layering"): the top-level folders (src/*, renderers/)
// import each other without cycles. Reads every import of every source file (static, dynamic,
// `export … from`, `require`) with TypeScript's own pre-processor, and fails on a cycle, naming
// one file for each import on it.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';

const ROOT = resolve(__dirname, '..');
const SOURCE = /\.(ts|mts|cts|mjs|cjs|js)$/;

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') out.push(...sourceFiles(path));
    } else if (SOURCE.test(entry.name)) out.push(path);
  }
  return out;
}

/**
 * `src/kernel/x/y.ts` → `src/kernel`; `src/authoring` (an import of the folder's index) →
 * `src/authoring`; `renderers/a.ts` → `renderers`; anything else: undefined.
 */
function layerOf(path: string): string | undefined {
  const parts = relative(ROOT, path).split(sep);
  if (parts[0] === 'renderers') return 'renderers';
  if (parts[0] === 'src' && parts.length >= 2) return `src/${parts[1]!.replace(SOURCE, '')}`;
  return undefined;
}

/** Folder → folder → one importing file (for the message). */
type Edges = Map<string, Map<string, string>>;

function importEdges(): Edges {
  const edges: Edges = new Map();
  for (const file of [...sourceFiles(join(ROOT, 'src')), ...sourceFiles(join(ROOT, 'renderers'))]) {
    const from = layerOf(file);
    if (!from) continue;
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const { fileName } of [...info.importedFiles, ...info.referencedFiles]) {
      if (!fileName.startsWith('.')) continue; // packages, node:, vscode
      const to = layerOf(resolve(dirname(file), fileName));
      if (!to || to === from) continue;
      if (!edges.has(from)) edges.set(from, new Map());
      const targets = edges.get(from)!;
      if (!targets.has(to)) targets.set(to, `${relative(ROOT, file)} imports ${fileName}`);
    }
  }
  return edges;
}

/** One cycle through the folder graph, as its edges' witnesses; undefined when there is none. */
function findCycle(edges: Edges): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (node: string): string[] | undefined => {
    state.set(node, 'open');
    path.push(node);
    for (const next of edges.get(node)?.keys() ?? []) {
      if (state.get(next) === 'open') {
        const cycle = [...path.slice(path.indexOf(next)), next];
        return cycle.slice(1).map((to, i) => edges.get(cycle[i]!)!.get(to)!);
      }
      if (!state.has(next)) {
        const found = visit(next);
        if (found) return found;
      }
    }
    path.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of [...edges.keys()].sort()) {
    if (!state.has(node)) {
      const found = visit(node);
      if (found) return found;
    }
  }
  return undefined;
}

describe('layering', () => {
  it('finds the imports between folders it is meant to see', () => {
    const edges = importEdges();
    // If these are not found, the reader is broken and the cycle check below proves nothing.
    assert.ok(edges.get('src/extension')?.has('src/client'), 'src/extension → src/client');
    assert.ok(edges.get('renderers')?.has('src/protocol'), 'renderers → src/protocol');
    assert.ok(edges.get('src/tsplugin')?.has('src/authoring'), 'src/tsplugin → src/authoring');
    assert.ok(edges.get('src/extension')?.has('src/authoring'), 'src/extension → src/authoring (an import of the folder)');
  });

  it('finds a cycle when there is one', () => {
    const edges: Edges = new Map([
      ['a', new Map([['b', 'a/x.ts imports ../b/y']])],
      ['b', new Map([['c', 'b/y.ts imports ../c/z']])],
      ['c', new Map([['a', 'c/z.ts imports ../a/x']])],
    ]);
    assert.deepEqual(findCycle(edges), ['a/x.ts imports ../b/y', 'b/y.ts imports ../c/z', 'c/z.ts imports ../a/x']);
    assert.equal(
      findCycle(
        new Map([
          ['a', new Map([['b', '']])],
          ['b', new Map([['c', '']])],
        ]),
      ),
      undefined,
    );
  });

  it('has no cycle between top-level folders', () => {
    const cycle = findCycle(importEdges());
    assert.equal(cycle, undefined, `import cycle between top-level folders:\n  ${cycle?.join('\n  ')}`);
  });
});
