/**
 * The executed notebook is the original text with only tfnb's changes: untouched cells, metadata
 * and numbers come back byte for byte, in any indentation; new values follow the file's style.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Notebook } from '../../src/notebook/ipynb';
import { renderLossless } from '../../src/notebook/losslessText';
import { parseForRewrite } from '../../src/notebook/notebookFile';
import { injectParameters } from '../../src/notebook/parameters';

const open = (text: string) => parseForRewrite(text, 'nb.ipynb');
const render = (opened: ReturnType<typeof open>) => renderLossless(opened.original, opened.notebook);

/** Runs every code cell: new outputs and execution counts, as the CLI does. */
function execute(nb: Notebook): void {
  let n = 0;
  for (const cell of nb.cells) {
    if (cell.cell_type !== 'code') continue;
    cell.execution_count = ++n;
    cell.outputs = [{ output_type: 'stream', name: 'stdout', text: [`ran ${n}\n`, 'é ✓\n'] }];
  }
}

// Hand-written: what JSON.parse + JSON.stringify would change.
const TRICKY = `{
 "cells": [
  {
   "cell_type": "markdown",
   "id": "md-1",
   "metadata": {"b": 1, "2": "two", "a": 12345678901234567890, "inf": 1e400, "neg0": -0, "frac": 1.50, "exp": 1E5},
   "source": "caf\\u00e9 \\/ \\ud83d\\ude00"
  },
  {
   "cell_type": "code",
   "execution_count": 7,
   "id": "code-1",
   "metadata": {"dup": 1, "dup": 2, "__proto__": {"x": 1}},
   "outputs": [{"output_type": "stream", "name": "stdout", "text": "old"}],
   "source": ["let big = 12345678901234567890n;\\n", "big"]
  },
  {
   "cell_type": "raw",
   "id": "raw-1",
   "metadata": {},
   "source": ""
  }
 ],
 "metadata": {
  "kernelspec": {"display_name": "TS", "name": "tfnb", "language": "typescript"},
  "zeta": 0.1000000000000000055511151231257827,
  "10": [1e-400, 9007199254740993]
 },
 "nbformat": 4,
 "nbformat_minor": 5,
 "extra": {"kept": true}
}
`;

describe('lossless re-emission', () => {
  it('with nothing changed, the text is returned exactly', () => {
    assert.equal(render(open(TRICKY)), TRICKY);
  });

  it("after a run, only the code cell's outputs and execution_count differ; numbers, escapes, key order, duplicates survive", () => {
    const opened = open(TRICKY);
    execute(opened.notebook);
    const out = render(opened);
    const expected = TRICKY.replace('"execution_count": 7', '"execution_count": 1').replace(
      '"outputs": [{"output_type": "stream", "name": "stdout", "text": "old"}]',
      '"outputs": [\n    {\n     "output_type": "stream",\n     "name": "stdout",\n     "text": [\n      "ran 1\\n",\n      "é ✓\\n"\n     ]\n    }\n   ]',
    );
    assert.equal(out, expected);
    for (const literal of [
      '12345678901234567890',
      '1e400',
      '-0',
      '1.50',
      '1E5',
      '\\u00e9',
      '\\/',
      '\\ud83d\\ude00',
      '"dup": 1, "dup": 2',
      '9007199254740993',
      '1e-400',
      '0.1000000000000000055511151231257827',
    ]) {
      assert.ok(out.includes(literal), literal);
    }
    // What JSON.stringify would have done instead:
    assert.equal(
      JSON.stringify(JSON.parse(TRICKY).cells[0].metadata),
      '{"2":"two","b":1,"a":12345678901234567000,"inf":null,"neg0":0,"frac":1.5,"exp":100000}',
    );
  });

  it("an injected parameters cell is written in the file's style; a later run replaces it and leaves the rest alone", () => {
    const first = open(TRICKY);
    injectParameters(first.notebook, [['epochs', 2]]);
    const once = render(first);
    const parsed = JSON.parse(once) as Notebook;
    assert.deepEqual(parsed.cells[0]!.metadata, { tags: ['injected-parameters'] }); // no cell is tagged parameters: first
    assert.match(
      once,
      /^\{\n "cells": \[\n  \{\n   "cell_type": "code",\n   "id": "injected-parameters-[a-z0-9]+",\n   "metadata": \{\n    "tags": \[\n     "injected-parameters"\n    \]\n   \},/,
    );
    const second = open(once);
    injectParameters(second.notebook, [['epochs', 3]]);
    execute(second.notebook);
    const twice = render(second);
    const cells = (JSON.parse(twice) as Notebook).cells;
    assert.equal(cells.length, 4);
    assert.equal(cells.filter((c) => (c.metadata?.tags as string[] | undefined)?.includes('injected-parameters')).length, 1);
    assert.match(twice, /"metadata": \{"dup": 1, "dup": 2, "__proto__": \{"x": 1\}\}/);
    assert.ok(twice.includes('"raw-1"') && twice.includes('"a": 12345678901234567890'));
  });

  it('a compact file stays compact; CRLF and tab-indented files keep their newline and indentation', () => {
    const nb = {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: { n: 1 },
      cells: [
        { cell_type: 'code', id: 'a', metadata: {}, source: '1', outputs: [], execution_count: null },
        { cell_type: 'markdown', id: 'b', metadata: {}, source: 'x' },
      ],
    };
    const compact = open(JSON.stringify(nb));
    execute(compact.notebook);
    const c = render(compact);
    assert.ok(!c.includes('\n'), c);
    assert.deepEqual(JSON.parse(c).cells[0].outputs[0].text, ['ran 1\n', 'é ✓\n']);

    const crlf = JSON.stringify(nb, null, '\t').replace(/\n/g, '\r\n') + '\r\n';
    const opened = open(crlf);
    execute(opened.notebook);
    const out = render(opened);
    assert.ok(!/[^\r]\n/.test(out), 'every newline stays CRLF');
    assert.match(out, /\r\n\t\t\t"outputs": \[\r\n\t\t\t\t\{\r\n\t\t\t\t\t"output_type": "stream"/);
    assert.ok(out.endsWith('}\r\n'));
  });

  it('repaired ids are written; other fields of those cells stay as they were', () => {
    const text =
      '{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "raw", "id": "same", "metadata": {"n": 1e400}, "source": ""}, {"cell_type": "raw", "id": "same", "metadata": {"n": 1e400}, "source": ""}, {"cell_type": "raw", "metadata": {"n": 1e400}, "source": ""}]}';
    const opened = open(text);
    assert.equal(opened.notices.length, 2);
    assert.match(opened.notices[0]!, /cell 2 repeated the id "same" of an earlier cell; it is now "[0-9a-f]{8}"/);
    assert.match(opened.notices[1]!, /cell 3 had no id \(nbformat 4\.5 requires one\); it is now "[0-9a-f]{8}"/);
    const out = render(opened);
    const ids = (JSON.parse(out) as Notebook).cells.map((c) => c.id);
    assert.equal(new Set(ids).size, 3);
    assert.equal(out.match(/1e400/g)?.length, 3);
  });

  it('deep nesting: 3,000 levels are written back as they were; 100,000 are refused with a NotebookFormatError', () => {
    const nest = (depth: number) => '['.repeat(depth) + '0' + ']'.repeat(depth);
    const text = (depth: number) =>
      `{"nbformat": 4, "nbformat_minor": 5, "metadata": {"deep": ${nest(depth)}}, "cells": [{"cell_type": "code", "id": "a", "metadata": {"deep": ${nest(depth)}}, "source": "1", "outputs": [], "execution_count": null}]}`;
    const opened = open(text(3000));
    execute(opened.notebook);
    assert.equal(render(opened).match(/\[{3000}0\]{3000}/g)?.length, 2);
    const tooDeep = open(text(100_000));
    execute(tooDeep.notebook);
    assert.throws(
      () => render(tooDeep),
      (e: Error) => e.name === 'NotebookFormatError' && /cannot be written back/.test(e.message),
    );
  });

  // Generated notebooks in Jupyter's style and others; each markdown/raw cell's exact text must come back.
  const jsonish = fc.jsonValue({ maxDepth: 3 });
  const cell = fc.oneof(
    fc.record({
      cell_type: fc.constantFrom('markdown', 'raw'),
      metadata: fc.dictionary(fc.string(), jsonish, { maxKeys: 3 }),
      source: fc.oneof(fc.string(), fc.array(fc.string(), { maxLength: 3 })),
    }),
    fc.record({
      cell_type: fc.constant('code'),
      metadata: fc.dictionary(fc.string(), jsonish, { maxKeys: 3 }),
      source: fc.string(),
      outputs: fc.constant([]),
      execution_count: fc.option(fc.nat()),
    }),
  );
  const generated = fc.record({
    nb: fc.record({
      nbformat: fc.constant(4),
      nbformat_minor: fc.constant(5),
      metadata: fc.dictionary(fc.string(), jsonish, { maxKeys: 4 }),
      cells: fc.array(cell, { maxLength: 6 }),
    }),
    indent: fc.constantFrom<string | number | undefined>(1, 2, 4, '\t', undefined),
  });

  it("fuzzed: executing changes only code cells' outputs and counts; every other cell is its original text", () => {
    fc.assert(
      fc.property(generated, ({ nb, indent }) => {
        const withIds = { ...nb, cells: nb.cells.map((c, i) => ({ id: `c${i}`, ...c })) };
        const text = JSON.stringify(withIds, null, indent) + '\n';
        const opened = open(text);
        assert.equal(render(opened), text);
        execute(opened.notebook);
        const out = render(opened);
        const expected = JSON.parse(text) as Notebook;
        execute(expected);
        assert.deepEqual(JSON.parse(out), expected);
        withIds.cells.forEach((c) => {
          if (c.cell_type !== 'code') {
            const own = JSON.stringify(c, null, indent);
            // Nested one level inside "cells": re-indent the expected text as the file has it.
            const unit = typeof indent === 'number' ? ' '.repeat(indent) : (indent ?? '');
            assert.ok(out.includes(unit ? own.replace(/\n/g, `\n${unit}${unit}`) : own), 'untouched cell text kept');
          }
        });
      }),
      { numRuns: 500 },
    );
  });
});
