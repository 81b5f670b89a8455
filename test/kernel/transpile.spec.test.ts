// Table tests of the cell transpiler's pure steps (src/kernel/transpile.ts, trailingExpression.ts):
// input cell → expected script, as tslab's converter.spec.ts does. The kernel process tests
// (test/kernel/cells.test.ts) check that the scripts behave; these pin what they are.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CellLanguage } from '../../src/protocol/messages';
import { CellSyntaxError, rewriteForRepl, transpileCell } from '../../src/kernel/transpile';
import { keepTrailingExpression } from '../../src/kernel/trailingExpression';

const lines = (s: string): number => s.split('\n').length;

/** [what, cell (plain JavaScript, as esbuild or plainCell.ts hands it over), script, hasResult] */
const REWRITES: ReadonlyArray<readonly [string, string, string, boolean]> = [
  ['const becomes let, same width', 'const x = 1;', 'let   x = 1;', false],
  ['let stays', 'let y = 2;', 'let y = 2;', false],
  ['class becomes a let-bound class expression', 'class C {}', 'let C = class C {};', false],
  [
    'function keeps its place under a hidden name; the first line binds the real one',
    'function f() { return 1; }\nf();',
    'let f = __tfnb.nameFunction(__tfnb_fn_f, "f"); function __tfnb_fn_f() { return 1; }\n__tfnb_result((f()));',
    true,
  ],
  ['var becomes an assignment, names hoisted to a first-line let', 'var a = 1, b;', 'let a, b; ( a = 1, b);', false],
  ['for (var …;;)', 'for (var i = 0; i < 3; i++) {}', 'let i; for ( i = 0; i < 3; i++) {}', false],
  ['for (var … of …)', 'for (var k of [1]) {}', 'let k; for ( k of [1]) {}', false],
  ['var inside a block', 'if (true) { var z = 1; }', 'let z; if (true) { ( z = 1); }', false],
  [
    'var inside a function is left alone',
    'function g() { var inner = 1; }',
    'let g = __tfnb.nameFunction(__tfnb_fn_g, "g"); function __tfnb_fn_g() { var inner = 1; }',
    false,
  ],
  ['var with destructuring', 'var { p, r: [t] } = o;', 'let p, t; ( { p, r: [t] } = o);', false],
  ['the hoisted let goes after a directive prologue', '"use strict";\nvar s = 1;', '"use strict"; let s; \n( s = 1);', false],
  [
    'namespace import',
    'import * as tf from "@tensorflow/tfjs";',
    'let __tfnb_m0 = await __tfnb.import("@tensorflow/tfjs"), tf = __tfnb_m0;',
    false,
  ],
  [
    'default import',
    'import fs from "node:fs";',
    'let __tfnb_m0 = await __tfnb.import("node:fs"), fs = __tfnb.defaultOf(__tfnb_m0);',
    false,
  ],
  [
    'named imports, renamed',
    'import { a, b as c } from "m";',
    'let __tfnb_m0 = await __tfnb.import("m"), { "a": a, "b": c } = __tfnb.namedOf(__tfnb_m0);',
    false,
  ],
  [
    'a string import name',
    'import { "a-b" as ab } from "m";',
    'let __tfnb_m0 = await __tfnb.import("m"), { "a-b": ab } = __tfnb.namedOf(__tfnb_m0);',
    false,
  ],
  [
    'default and named together',
    'import d, { e } from "m2";',
    'let __tfnb_m0 = await __tfnb.import("m2"), d = __tfnb.defaultOf(__tfnb_m0), { "e": e } = __tfnb.namedOf(__tfnb_m0);',
    false,
  ],
  ['an import for its side effects', 'import "side";', 'await __tfnb.import("side");', false],
  [
    'two imports get two module variables',
    'import a from "a";\nimport b from "b";',
    'let __tfnb_m0 = await __tfnb.import("a"), a = __tfnb.defaultOf(__tfnb_m0);\nlet __tfnb_m1 = await __tfnb.import("b"), b = __tfnb.defaultOf(__tfnb_m1);',
    false,
  ],
  ['dynamic import() goes to the kernel', 'const m = await import("x");', 'let   m = await __tfnb.import("x");', false],
  ['export of a declaration keeps the declaration', 'export const q = 1;', 'let   q = 1;', false],
  ['an export list is dropped and is not the result', 'let q = 1;\nexport { q };', 'let q = 1;\n', false],
  ['export default keeps the expression', 'export default 5;', '5;', false],
  [
    'a trailing expression is the result, through __tfnb_result (the kernel takes it there, not from the inspector)',
    '1 + 1',
    '__tfnb_result((1 + 1))',
    true,
  ],
  ['the last statement decides the result', 'let w = 1;\nw', 'let w = 1;\n__tfnb_result((w))', true],
  [
    'a multi-line import keeps every line',
    'import {\n  a,\n  b,\n} from "m";\na',
    'let __tfnb_m0 = await __tfnb.import("m"), { "a": a, "b": b } = __tfnb.namedOf(__tfnb_m0);\n\n\n\n__tfnb_result((a))',
    true,
  ],
];

/** [cell, language, what esbuild is given] */
const TRAILING: ReadonlyArray<readonly [string, CellLanguage, string]> = [
  ['1 + 1', 'typescript', '__tfnb_result((1 + 1))'],
  ['NaN', 'javascript', '__tfnb_result((NaN))'],
  ['const x: number = 1;\nx', 'typescript', 'const x: number = 1;\n__tfnb_result((x))'],
  ['f<T>(x)', 'typescript', '__tfnb_result((f<T>(x)))'],
  ['x\n// done', 'javascript', '__tfnb_result((x))\n// done'],
  ['let a = 1;', 'typescript', 'let a = 1;'],
  ['"use strict"', 'javascript', '"use strict"'],
  ['const broken = ;', 'typescript', 'const broken = ;'],
];

/** [cell, language, script (the sourceURL comment included), hasResult]. Every script ends in `void 0`: its completion value is never the inspector's to capture. */
const CELLS: ReadonlyArray<readonly [string, CellLanguage, string, boolean]> = [
  ['const x: number = 1;\nx', 'typescript', 'let   x = 1;\n__tfnb_result(x);\n\n;void 0;\n//# sourceURL=cell.js', true],
  [
    'enum E { A }\nE.A',
    'typescript',
    'let E; ( E = /* @__PURE__ */ ((E2) => {\n  E2[E2["A"] = 0] = "A";\n  return E2;\n})(E || {}));\n__tfnb_result(0 /* A */);\n\n;void 0;\n//# sourceURL=cell.js',
    true,
  ],
  [
    'import type { T } from "m";\nimport { v } from "m";',
    'typescript',
    'let __tfnb_m0 = await __tfnb.import("m"), { "v": v } = __tfnb.namedOf(__tfnb_m0);\n\n;void 0;\n//# sourceURL=cell.js',
    false,
  ],
  ['-5', 'typescript', '__tfnb_result((-5))\n;void 0;\n//# sourceURL=cell.js', true],
  ['1 + 1', 'javascript', '__tfnb_result((1 + 1))\n;void 0;\n//# sourceURL=cell.js', true],
];

/** [cell, message, line, column] of the CellSyntaxError (TypeScript cells). */
const SYNTAX_ERRORS: ReadonlyArray<readonly [string, string, number, number]> = [
  ['const broken = ;', 'Unexpected ";"', 1, 16],
  ['let x = 1;\nlet = ;', 'Unexpected ";"', 2, 7],
  ['function f() {}\nfunction f() {}', "Identifier 'f' has already been declared", 2, 10],
];

describe('transpiler tables', () => {
  describe('rewriteForRepl: module syntax → REPL script, no line moved', () => {
    for (const [what, cell, script, hasResult] of REWRITES) {
      it(what, () => {
        const out = rewriteForRepl(cell);
        assert.deepEqual(out, { script, hasResult });
        assert.equal(lines(out.script), lines(cell), 'line count');
      });
    }
  });

  describe('keepTrailingExpression: the last expression is wrapped before esbuild', () => {
    for (const [cell, language, expected] of TRAILING) {
      it(`${language}: ${JSON.stringify(cell)}`, () => assert.equal(keepTrailingExpression(cell, language), expected));
    }
  });

  describe('transpileCell: the whole pipeline', () => {
    for (const [cell, language, script, hasResult] of CELLS) {
      it(`${language}: ${JSON.stringify(cell)}`, async () => {
        const out = await transpileCell(cell, language, 'cell.js');
        assert.equal(out.script, script);
        assert.equal(out.hasResult, hasResult);
        assert.equal(out.scriptName, 'cell.js');
        assert.equal(JSON.parse(out.sourceMap).version, 3);
      });
    }
    for (const [cell, message, line, column] of SYNTAX_ERRORS) {
      it(`refuses ${JSON.stringify(cell)} at ${line}:${column}`, async () => {
        await assert.rejects(transpileCell(cell, 'typescript', 'cell.js'), (e: unknown) => {
          assert.ok(e instanceof CellSyntaxError);
          assert.deepEqual([e.name, e.message, e.line, e.column], ['SyntaxError', message, line, column]);
          return true;
        });
      });
    }
  });
});
