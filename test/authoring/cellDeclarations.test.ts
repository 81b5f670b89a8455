import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import ts from 'typescript';
import { readCellDeclarations } from '../../src/authoring/cellDeclarations';

const read = (text: string, js = false) => readCellDeclarations(ts, text, js);

describe('readCellDeclarations', () => {
  it('finds every kind of top-level declaration, in order, each once', () => {
    const d = read(
      [
        "import * as tf from '@tensorflow/tfjs';",
        "import def, { a as alias, b } from 'm';",
        'import fs = require("fs");',
        'const model = tf.sequential(), { x, y: [z, ...rest] } = obj;',
        'let count = 0;',
        'var legacy = 1;',
        'function train() {}',
        'class Net {}',
        'interface Shape { n: number }',
        'type Id = string;',
        'enum Color { Red }',
        'namespace Util { export const k = 1; }',
        'declare global { interface Window { t: number } }',
        'declare module "other" {}',
        'model.fit();',
        'if (true) { const inner = 1; }',
        'function inner2() { const hidden = 2; }',
      ].join('\n'),
    );
    assert.deepEqual(d.names, [
      'tf',
      'def',
      'alias',
      'b',
      'fs',
      'model',
      'x',
      'z',
      'rest',
      'count',
      'legacy',
      'train',
      'Net',
      'Shape',
      'Id',
      'Color',
      'Util',
      'inner2',
    ]);
    assert.deepEqual(d.mutable, ['count', 'legacy', 'train', 'Net', 'inner2']);
    assert.equal(d.kinds.get('model'), 'const');
    assert.equal(d.kinds.get('count'), 'let');
    assert.equal(d.kinds.get('train'), 'function');
    assert.equal(d.kinds.get('Net'), 'class');
    assert.equal(d.kinds.get('Shape'), 'interface');
    assert.equal(d.kinds.get('tf'), 'alias');
  });

  it('a name declared twice counts once, at its last declaration, with its last kind', () => {
    const text = 'let model = 1;\nconst model = 2;';
    const d = read(text);
    assert.deepEqual(d.names, ['model']);
    assert.deepEqual(d.mutable, []);
    assert.equal(d.positions.get('model'), text.lastIndexOf('model'));
  });

  it('records the offset of each declaring identifier', () => {
    const text = '// comment\nconst   answer = 42;';
    assert.equal(read(text).positions.get('answer'), text.indexOf('answer'));
  });

  it('knows which names the cell already exports', () => {
    const d = read('export const a = 1;\nconst b = 2;\nexport { b };\nexport default function c() {}\nconst d = 3;');
    assert.deepEqual([...d.exported].sort(), ['a', 'b']);
    assert.deepEqual(d.names, ['a', 'b', 'c', 'd']);
  });

  it('collects every identifier the cell mentions', () => {
    const d = read('const y = model.predict(x).add(other);\ntype T = Shape;');
    for (const name of ['y', 'model', 'predict', 'x', 'add', 'other', 'T', 'Shape']) assert.ok(d.identifiers.has(name), name);
  });

  it('reads JavaScript cells, and cells that do not parse cleanly', () => {
    assert.deepEqual(read('const a = 1; let b = a +', true).names, ['a', 'b']);
    assert.deepEqual(read('const ok = 1;\nconst = ;\nfunction f( {').names.slice(0, 1), ['ok']);
  });
});
