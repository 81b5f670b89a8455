// Samples' code cells hold no characters VS Code flags as ambiguous Unicode (they look like ASCII
// ones): `x`, not `×`, in code; markdown cells may use them.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from '../helpers/kernel';

/** Confusable with ASCII: multiplication sign, minus sign, no-break space, curly quotes. */
const AMBIGUOUS = /[\u00d7\u2212\u00a0\u2018\u2019\u201c\u201d]/u;

describe('sample code cells', () => {
  const dir = join(ROOT, 'samples');
  const notebooks = readdirSync(dir).filter((f) => f.endsWith('.ipynb'));

  it('finds the samples', () => assert.ok(notebooks.length >= 6, notebooks.join(', ')));

  for (const file of notebooks) {
    it(`${file}: no ambiguous Unicode in code`, () => {
      const nb = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { cells: Array<{ cell_type: string; source: string | string[] }> };
      const flagged = nb.cells.flatMap((cell, i) =>
        cell.cell_type !== 'code'
          ? []
          : (Array.isArray(cell.source) ? cell.source.join('') : cell.source)
              .split('\n')
              .filter((line) => AMBIGUOUS.test(line))
              .map((line) => `cell ${i}: ${line.trim()}`),
      );
      assert.deepEqual(flagged, []);
    });
  }
});
