import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import ts from 'typescript';
import { readCellDeclarations } from '../../src/authoring/cellDeclarations';
import {
  buildSuffixes,
  cellKeyOfSpecifier,
  cellModuleSpecifier,
  KERNEL_MODULE,
  KERNEL_TF_MODULE,
  visibleNames,
  type SuffixCell,
} from '../../src/authoring/virtualCell';

const cells = (...texts: string[]): SuffixCell[] =>
  texts.map((t, i) => ({ key: `/nb.ipynb#W${i}`, declarations: readCellDeclarations(ts, t, false) }));

/** Parses the suffix's import lines into { module: names } (a namespace import as `* as name`). */
function imports(suffix: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const m of suffix.matchAll(/import \{ ([^}]*) \} from ("[^"]*");/g)) out[JSON.parse(m[2]!) as string] = m[1]!.split(', ');
  for (const m of suffix.matchAll(/import (\* as \w+) from ("[^"]*");/g)) out[JSON.parse(m[2]!) as string] = [m[1]!];
  return out;
}

describe('cell suffixes', () => {
  it('import each name a cell uses from the last cell above that declares it, and the kernel globals', () => {
    const nb = cells(
      'const model = tf.sequential();\nlet data = [1];',
      'const model = 2;',
      'model.toFixed(); data.push(1); display(model);',
    );
    const suffixes = buildSuffixes(nb);
    assert.deepEqual(imports(suffixes[2]!.text), {
      [KERNEL_MODULE]: ['display', 'tfvis', 'tfnb', 'require'],
      [KERNEL_TF_MODULE]: ['* as tf'],
      [cellModuleSpecifier('/nb.ipynb#W0')]: ['data'],
      [cellModuleSpecifier('/nb.ipynb#W1')]: ['model'],
    });
    assert.deepEqual(
      [...suffixes[2]!.importedFrom],
      [
        ['model', 1],
        ['data', 0],
      ],
    );
  });

  it('never imports a name the cell declares itself (redeclaring is allowed) nor one declared only below', () => {
    const nb = cells('const model = 1;', 'const model = 2; const later = model;', 'const later = 3;');
    const suffixes = buildSuffixes(nb);
    assert.equal(suffixes[1]!.importedFrom.size, 0);
    assert.doesNotMatch(suffixes[1]!.text, /import \{[^}]*model/);
    assert.equal(suffixes[0]!.importedFrom.size, 0);
  });

  it('imports only names the cell mentions, so its cost does not grow with the cells above', () => {
    const many = Array.from({ length: 50 }, (_, i) => `const v${i} = ${i};`);
    const suffixes = buildSuffixes(cells(...many, 'v7 + v42'));
    assert.deepEqual([...suffixes[50]!.importedFrom.keys()].sort(), ['v42', 'v7']);
  });

  it("export the cell's own names except those it exports itself", () => {
    const [s] = buildSuffixes(cells('export const a = 1; const b = 2; function c() {}'));
    assert.match(s!.text, /export \{ b, c \};/);
  });

  it('leave kernel globals to a cell or a cell above that declares them', () => {
    const suffixes = buildSuffixes(cells("import * as tf from '@tensorflow/tfjs';", 'tf.tensor([1]);'));
    assert.deepEqual(imports(suffixes[0]!.text)[KERNEL_MODULE], ['display', 'tfvis', 'tfnb', 'require']);
    assert.deepEqual(imports(suffixes[1]!.text)[KERNEL_MODULE], ['display', 'tfvis', 'tfnb', 'require']);
    assert.deepEqual(imports(suffixes[1]!.text)[cellModuleSpecifier('/nb.ipynb#W0')], ['tf']);
    assert.equal(imports(suffixes[1]!.text)[KERNEL_TF_MODULE], undefined);
  });

  it('positions map back exactly: the virtual file is the cell text, unchanged, then the suffix', () => {
    const texts = ['const a = 1;\n// last line is a comment', 'a.toFixed(2)\n\nconst b = a'];
    const suffixes = buildSuffixes(cells(...texts));
    texts.forEach((text, i) => {
      const virtual = text + suffixes[i]!.text;
      assert.equal(virtual.slice(0, text.length), text);
      // Every line of the cell is the same line of the virtual file.
      assert.deepEqual(virtual.split('\n').slice(0, text.split('\n').length), text.split('\n'));
      // A trailing line comment cannot swallow the suffix.
      assert.equal(suffixes[i]!.text[0], '\n');
    });
  });

  it('the virtual file of every cell is a module without errors of its own', () => {
    const texts = ['const model = 1;\nlet n = 0;', 'const model = "again";\nn = n + model.length;', 'model.toUpperCase(); n++;'];
    const suffixes = buildSuffixes(cells(...texts));
    for (let i = 0; i < texts.length; i++) {
      const sf = ts.createSourceFile(`cell${i}.ts`, texts[i] + suffixes[i]!.text, ts.ScriptTarget.ES2022, true);
      assert.equal(ts.isExternalModule(sf), true);
      assert.deepEqual((sf as unknown as { parseDiagnostics: unknown[] }).parseDiagnostics, []);
    }
  });

  it('visibleNames: every name from the cells above, from the last cell declaring it', () => {
    const nb = cells('const a = 1; const b = 2;', 'const a = 3;', 'const b = 4; const c = 5;');
    assert.deepEqual([...visibleNames(nb, 2)], [['a', 1]]);
    assert.deepEqual([...visibleNames(nb, 1)], [['b', 0]]);
    assert.deepEqual([...visibleNames(nb, 0)], []);
  });

  it('cell module specifiers carry the cell key', () => {
    assert.equal(cellKeyOfSpecifier(cellModuleSpecifier('/a b/nb.ipynb#W3sZmlsZQ==')), '/a b/nb.ipynb#W3sZmlsZQ==');
    assert.equal(cellKeyOfSpecifier('@tensorflow/tfjs'), undefined);
  });
});
