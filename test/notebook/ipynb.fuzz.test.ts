/**
 * Fuzzing notebook handling with fast-check: generated malformed and odd notebooks always give
 * a NotebookFormatError or a faithful round trip — never another exception, never a silent
 * change of content tfnb does not own. The last block drives the real `tfnb run` process.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeUtf8, NotebookFormatError, parseNotebook, serializeNotebook, type Notebook } from '../../src/notebook/ipynb';
import { CLI_SCRIPT, tempDir } from '../helpers/kernel';

const multiline = fc.oneof(fc.string({ unit: 'binary' }), fc.array(fc.string({ unit: 'binary' }), { maxLength: 5 }));
/** nbformat 4.5's pattern (ids are not checked before 4.5). */
const cellId = fc.stringMatching(/^[a-zA-Z0-9_-]{1,64}$/);
const output = fc.oneof(
  fc.record({ output_type: fc.constant('stream'), name: fc.constantFrom('stdout', 'stderr'), text: multiline }),
  fc.record({
    output_type: fc.constant('display_data'),
    data: fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 })),
    metadata: fc.object({ maxDepth: 1 }),
  }),
);
const metadata = fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 4 });
const textCell = fc.record(
  {
    cell_type: fc.constantFrom('markdown', 'raw'),
    source: multiline,
    metadata,
    id: cellId,
    attachments: fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 })),
  },
  { requiredKeys: ['cell_type', 'source'] },
);
const codeCell = fc.record(
  {
    cell_type: fc.constant('code'),
    source: multiline,
    metadata,
    outputs: fc.array(output, { maxLength: 3 }),
    execution_count: fc.option(fc.nat()),
    id: cellId,
  },
  { requiredKeys: ['cell_type', 'source'] },
);
const validNotebook = fc.record(
  {
    nbformat: fc.constant(4),
    nbformat_minor: fc.nat({ max: 1000 }),
    metadata,
    cells: fc.array(fc.oneof(textCell, codeCell), { maxLength: 8 }),
    extra_top_level: fc.jsonValue({ maxDepth: 2 }),
  },
  { requiredKeys: ['nbformat', 'nbformat_minor', 'metadata', 'cells'] },
);

/** A valid notebook with one field replaced by junk somewhere. */
const mutatedNotebook = fc
  .tuple(
    validNotebook,
    fc.jsonValue({ maxDepth: 2 }),
    fc.nat(),
    fc.constantFrom(
      'nbformat',
      'nbformat_minor',
      'metadata',
      'cells',
      'cell',
      'cell.cell_type',
      'cell.source',
      'cell.metadata',
      'cell.outputs',
    ),
  )
  .map(([nb, junk, pick, where]) => {
    const copy = JSON.parse(JSON.stringify(nb)) as Record<string, unknown> & { cells: Array<Record<string, unknown>> };
    if (!where.startsWith('cell')) (copy as Record<string, unknown>)[where] = junk;
    else if (copy.cells.length === 0) copy.cells = [junk as Record<string, unknown>];
    else {
      const i = pick % copy.cells.length;
      if (where === 'cell') copy.cells[i] = junk as Record<string, unknown>;
      else copy.cells[i]![where.slice(5)] = junk;
    }
    return copy;
  });

function parseOrFormatError(text: string): Notebook | NotebookFormatError {
  try {
    return parseNotebook(text);
  } catch (e) {
    if (e instanceof NotebookFormatError) return e;
    throw e;
  }
}

describe('notebook parsing, fuzzed', () => {
  it('valid notebooks (any metadata, unknown fields and minor versions) round-trip exactly', () => {
    fc.assert(
      fc.property(validNotebook, (nb) => {
        const text = JSON.stringify(nb);
        const parsed = parseNotebook(text);
        assert.deepEqual(JSON.parse(serializeNotebook(parsed)), JSON.parse(text));
      }),
      { numRuns: 1500 },
    );
  });

  it("running a notebook changes only code cells' outputs and execution counts", () => {
    fc.assert(
      fc.property(validNotebook, (nb) => {
        const original = JSON.parse(JSON.stringify(nb)) as Notebook;
        const executed = parseNotebook(JSON.stringify(nb));
        executed.cells.forEach((c, i) => {
          if (c.cell_type === 'code') {
            c.outputs = [{ output_type: 'stream', name: 'stdout', text: [`ran ${i}\n`] }];
            c.execution_count = i + 1;
          }
        });
        const back = JSON.parse(serializeNotebook(executed)) as Notebook;
        const strip = (n: Notebook) => ({
          ...n,
          cells: n.cells.map((c) => (c.cell_type === 'code' ? { ...c, outputs: null, execution_count: null } : c)),
        });
        assert.deepEqual(strip(back), strip(original));
      }),
      { numRuns: 1000 },
    );
  });

  it('malformed notebooks give a NotebookFormatError or a faithful parse, never another exception', () => {
    fc.assert(
      fc.property(fc.oneof(mutatedNotebook, fc.jsonValue({ maxDepth: 4 })), (value) => {
        const text = JSON.stringify(value) ?? 'null';
        const r = parseOrFormatError(text);
        if (r instanceof NotebookFormatError) assert.ok(r.message.length > 0);
        else assert.deepEqual(JSON.parse(serializeNotebook(r)), JSON.parse(text));
      }),
      { numRuns: 3000 },
    );
  });

  it('arbitrary text and bytes: a clear error, never a crash; invalid UTF-8 is refused, not replaced', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        try {
          parseNotebook(decodeUtf8(bytes, 'nb'));
        } catch (e) {
          assert.ok(e instanceof NotebookFormatError, String(e));
        }
      }),
      { numRuns: 2000 },
    );
    const invalid = Buffer.concat([
      Buffer.from('{"nbformat":4,"cells":[],"metadata":{"x":"'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('"}}'),
    ]);
    assert.throws(() => decodeUtf8(invalid, 'nb.ipynb'), /not valid UTF-8 \(first bad byte at offset 42\)/);
  });

  it('huge cells and deep nesting: handled or refused clearly', () => {
    const huge = {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {},
      cells: [{ cell_type: 'markdown', metadata: {}, source: 'x'.repeat(20_000_000) }],
    };
    const text = JSON.stringify(huge);
    assert.equal(JSON.parse(serializeNotebook(parseNotebook(text))).cells[0].source.length, 20_000_000);
    let deep = '0';
    for (let i = 0; i < 100_000; i++) deep = `[${deep}]`;
    const r = parseOrFormatError(`{"nbformat":4,"nbformat_minor":5,"metadata":{"deep":${deep}},"cells":[]}`);
    if (!(r instanceof NotebookFormatError)) assert.throws(() => serializeNotebook(r), NotebookFormatError);
  });
});

describe('tfnb run on generated bad and odd notebooks (real process)', () => {
  it('exits 2 with a message and leaves malformed files untouched; odd valid ones round-trip', () => {
    const dir = tempDir('tfnb-fuzz-');
    const samples = fc.sample(
      fc.oneof(
        mutatedNotebook,
        validNotebook.map((nb) => ({ ...nb, cells: nb.cells.filter((c) => c.cell_type !== 'code') })),
      ),
      { numRuns: 60, seed: 20261128 },
    );
    samples.forEach((value, i) => {
      const file = join(dir, `nb${i}.ipynb`);
      const text = JSON.stringify(value);
      writeFileSync(file, text);
      const r = spawnSync(process.execPath, [CLI_SCRIPT, 'run', file, '--quiet'], { encoding: 'utf8', timeout: 60_000 });
      assert.ok(r.status === 0 || r.status === 2 || r.status === 1, `unexpected exit ${r.status}: ${r.stderr}`);
      assert.doesNotMatch(r.stderr, /internal error/);
      if (r.status === 2) {
        assert.match(r.stderr, /^tfnb: /m);
        assert.equal(readFileSync(file, 'utf8'), text, 'a malformed file is never written');
      } else if (r.status === 0 && (value as Notebook).cells?.every?.((c) => c.cell_type !== 'code')) {
        const written = readFileSync(file, 'utf8');
        if (!/had no id|repeated the id/.test(r.stderr)) assert.equal(written, text, 'nothing changed: the same bytes');
        else {
          // nbformat 4.5 ids repaired (missing or repeated): unique and valid now, the rest as it was.
          const out = JSON.parse(written) as Notebook;
          const ids = out.cells.map((c) => c.id);
          assert.ok(ids.every((id) => typeof id === 'string' && /^[a-zA-Z0-9-_]{1,64}$/.test(id)) && new Set(ids).size === ids.length);
          const noIds = (nb: Notebook) => ({ ...nb, cells: nb.cells.map(({ id: _, ...c }) => c) });
          assert.deepEqual(noIds(out), noIds(JSON.parse(text) as Notebook));
        }
      }
    });
    // The runs recorded beside them (tfnb-runs/, docs/experiments.md) are no leftovers; a temp
    // file or a lock anywhere is.
    const left = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => /\.tmp$|\.lock$/.test(f));
    assert.deepEqual(left, [], 'no temp files or locks left');
    assert.ok(
      readdirSync(dir).every((f) => f.endsWith('.ipynb') || f === 'tfnb-runs'),
      `only the notebooks and their runs: ${readdirSync(dir).join(', ')}`,
    );
  });
});
