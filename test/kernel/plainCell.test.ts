// Which cells skip esbuild (src/kernel/plainCell.ts), and the identity source map they get.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TraceMap, originalPositionFor } from '@jridgewell/trace-mapping';
import { identitySourceMap, isPlainJavaScript } from '../../src/kernel/plainCell';

describe('plain cells', () => {
  it('takes JavaScript that TypeScript reads the same way, and nothing else', () => {
    for (const code of [
      '1 + 1',
      '42',
      'const x = await Promise.resolve(1);\nx * 2',
      'import * as path from "node:path";\npath.sep',
      'for (const k of [1, 2]) console.log(k)',
      'function f(a) { return a }\nf(2)',
      '',
    ]) {
      assert.equal(isPlainJavaScript(code, 'typescript'), true, code);
    }
    for (const [code, why] of [
      ['const x: number = 1', 'a type annotation'],
      ['a < b > (c)', 'a generic call in TypeScript'],
      ['class A { x = 1 }', 'class fields'],
      ['x!', 'non-null assertion'],
      ['1 as number', 'as'],
      ['enum E { A }', 'enum'],
      ['const broken = ;', 'a syntax error (esbuild words it)'],
      ['1\r2', 'a lone carriage return'],
      ['function f() {}\nfunction f() {}', 'a module redeclaration acorn refuses'],
    ] as const) {
      assert.equal(isPlainJavaScript(code, 'typescript'), false, `${why}: ${code}`);
    }
    assert.equal(isPlainJavaScript('a < b > (c)', 'javascript'), true, 'a JavaScript cell is read as JavaScript');
    assert.equal(isPlainJavaScript('class A { x = 1 }', 'javascript'), true);
  });

  it('maps every line to itself', () => {
    const code = 'const a = 1;\n\nconst b = a +\n  2;\nb';
    const map = new TraceMap(identitySourceMap(code, 'tfnb-cell-1.js'));
    for (let line = 1; line <= 5; line++) {
      for (const column of [0, 3, 40])
        assert.equal(originalPositionFor(map, { line, column }).line, line, `line ${line}, column ${column}`);
    }
    assert.equal(originalPositionFor(new TraceMap(identitySourceMap('x', 's.js')), { line: 1, column: 0 }).line, 1);
  });
});
