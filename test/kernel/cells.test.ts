import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KernelClient } from '../../src/client/kernelClient';
import { RULE_BACKENDS, run, startKernel, tempDir, value, writeTree } from '../helpers/kernel';

/** Top-level declarations of `name` with value `v`, of every kind (an import reads ./v<v>.cjs). */
const DECLARE: Record<string, (name: string, v: number) => string> = {
  let: (n, v) => `let ${n} = ${v};`,
  const: (n, v) => `const ${n}: number = ${v};`,
  var: (n, v) => `var ${n} = ${v};`,
  function: (n, v) => `function ${n}() { return ${v}; }`,
  'async function': (n, v) => `async function ${n}() { return ${v}; }`,
  class: (n, v) => `class ${n} { static v = ${v}; }`,
  import: (n, v) => `import ${n} from "./v${v}.cjs";`,
  'for (var)': (n, v) => `for (var ${n} = 0; ${n} < ${v}; ${n}++) {}`,
};
/** The value a declaration above gave `name`, whatever its kind. */
const valueOf = (n: string) => `await (typeof ${n} === "function" ? (${n}.v ?? ${n}()) : ${n})`;

for (const backend of RULE_BACKENDS)
  describe(`cells: state, redeclaration, await, results (${backend})`, () => {
    let k: KernelClient;
    before(async () => {
      const dir = tempDir();
      writeTree(dir, { 'v1.cjs': 'module.exports = 1;', 'v2.cjs': 'module.exports = 2;' });
      k = startKernel({ notebookDir: dir, backend });
      await k.start();
    });
    after(() => k.close());

    it('keeps const, let, var, function, class and import bindings across cells', async () => {
      await run(
        k,
        'const c = 1; let l = 2; var v = 3;\nfunction f() { return 4 }\nclass K { five() { return 5 } }\nimport * as path from "node:path";',
      );
      assert.equal(await value(k, '[c, l, v, f(), new K().five(), path.basename("/a/b.txt")].join(",")'), "'1,2,3,4,5,b.txt'");
    });

    it('lets a cell be re-run and a later cell redeclare a name: the new value wins', async () => {
      const cell = 'const model: string = "first";\nclass Net {}\nlet counter = 1;';
      assert.equal((await run(k, cell)).error, undefined);
      assert.equal((await run(k, cell)).error, undefined);
      await run(k, 'const model = { kind: "second" };\nlet counter = 2;');
      assert.equal(await value(k, 'model.kind + counter'), "'second2'");
    });

    it('lets a redeclaration change the kind: let, const and class in any order', async () => {
      for (const [first, second] of [
        ['let a1 = 1', 'const a1 = 2'],
        ['const a2 = 1', 'let a2 = 2'],
        ['class a3 {}', 'const a3 = 2'],
        ['const a4 = 1', 'class a4 { static v = 2 }'],
      ] as const) {
        assert.equal((await run(k, first)).error, undefined);
        const r = await run(k, second);
        assert.equal(r.error, undefined, `${first} then ${second}: ${r.error?.evalue}`);
      }
      assert.equal(await value(k, '[a1, a2, a3, a4.v].join()'), "'2,2,2,2'");
      assert.equal(await value(k, 'export class Exported { x = 1 }\nnew Exported().x'), '1');
    });

    it('lets a later cell redeclare a name with any kind after any kind: let, const, var, function, class, import', async () => {
      const kinds = Object.keys(DECLARE);
      const failures: string[] = [];
      let pair = 0;
      for (const first of kinds) {
        for (const second of kinds) {
          const name = `re${pair++}`;
          const cells = [DECLARE[first]!(name, 1), DECLARE[second]!(name, 2)];
          for (const cell of cells) {
            const r = await run(k, cell);
            if (r.error) failures.push(`${first} then ${second}: ${cell}: ${r.error.evalue}`);
          }
          const got = await run(k, valueOf(name));
          if (got.result?.['text/plain'] !== '2')
            failures.push(`${first} then ${second}: ${name} is ${got.result?.['text/plain'] ?? got.error?.evalue}, not 2`);
        }
      }
      assert.deepEqual(failures, []);
    });

    it('merges repeated var and function declarations within a cell, and re-running such a cell works', async () => {
      const cell = 'var twice = 1;\nvar twice = twice + 1;\nvar again2 = again();\nfunction again() { return 2 }';
      for (let i = 0; i < 2; i++) assert.equal((await run(k, cell)).error, undefined);
      assert.equal(await value(k, '[twice, again2].join()'), "'2,2'");
      assert.equal(
        await value(
          k,
          '{ var inBlock = "block"; }\nif (true) var inIf = "if";\ntry { var inTry = "try" } finally {}\n[inBlock, inIf, inTry].join()',
        ),
        "'block,if,try'",
      );
      assert.equal(await value(k, 'var { d1, d2: [d3] } = { d1: "x", d2: ["y"] };\nd1 + d3'), "'xy'");
    });

    it('hoists a function: a call before its declaration in the same cell works, and it keeps its name', async () => {
      const r = await run(
        k,
        'const early = hoisted("ok");\nfunction hoisted(s: string) { return s + "!" }\n[early, hoisted.name, String(hoisted.length)].join()',
      );
      assert.equal(r.error, undefined, r.error?.traceback.join('\n'));
      assert.equal(r.result?.['text/plain'], "'ok!,hoisted,1'");
      assert.equal(await value(k, 'hoisted'), '[Function: hoisted]');
    });

    it('a function from an earlier cell sees a later redeclaration of a name it uses', async () => {
      await run(
        k,
        'function helper() { return 1 }\nfunction caller() { return helper() }\nlet setting = "old";\nfunction readSetting() { return setting }',
      );
      await run(k, 'function helper() { return 2 }\nvar setting = "new";');
      assert.equal(await value(k, 'caller() + " " + readSetting()'), "'2 new'");
    });

    it('names the cell and line of a declaration V8 still refuses, instead of a kernel frame', async () => {
      const r = await run(k, 'const fine = 1;\n\nlet undefined = 2;', { cellName: 'cell 31' });
      assert.equal(r.error?.ename, 'SyntaxError');
      assert.match(r.error!.evalue, /Identifier 'undefined' has already been declared/);
      assert.match(r.error!.traceback.join('\n'), /at cell 31, line 3/);
      assert.doesNotMatch(r.error!.traceback.join('\n'), /Promise|kernel\.js|node:/);
    });

    it('shows primitive results exactly, the special numbers and bigints too', async () => {
      const cases: Array<[string, string]> = [
        ['0 / 0', 'NaN'],
        ['Object.is(-0, -0) ? -0 : 1', '-0'],
        ['1 / 0', 'Infinity'],
        ['-1 / 0', '-Infinity'],
        ['2n ** 70n', '1180591620717411303424n'],
        ['-5n', '-5n'],
        ['null', 'null'],
        ['true', 'true'],
        ["'text'", "'text'"],
        ['0.1 + 0.2', '0.30000000000000004'],
        ['Symbol.for("s")', 'Symbol(s)'],
      ];
      for (const [code, shown] of cases) assert.equal(await value(k, code), shown, code);
    });

    it('shows a trailing expression esbuild would fold away: NaN, -0, -5, "a" + "b", Infinity, TypeScript-only forms', async () => {
      // esbuild deletes expression statements that fold to a primitive; the kernel keeps them.
      const cases: Array<[string, string, 'typescript' | 'javascript']> = [
        ['NaN', 'NaN', 'typescript'],
        ['-0', '-0', 'typescript'],
        ['-5', '-5', 'typescript'],
        ['"a" + "b"', "'ab'", 'typescript'],
        ['Infinity', 'Infinity', 'typescript'],
        ['-5 satisfies number', '-5', 'typescript'],
        ['const n: number = 3\nn as number', '3', 'typescript'],
        ['let z = 1;\n"x" + "y";  // a comment', "'xy'", 'typescript'],
        ['NaN', 'NaN', 'javascript'],
        ['1, -2', '-2', 'typescript'],
      ];
      for (const [code, shown, language] of cases) {
        const r = await run(k, code, { language });
        assert.equal(r.error, undefined, `${code}: ${r.error?.evalue}`);
        assert.equal(r.result?.['text/plain'], shown, `${language}: ${code}`);
      }
      assert.equal((await run(k, 'void 0')).result, undefined, 'void 0 is undefined: no result');
      const failing = await run(k, 'const q = 1;\n\nnull as unknown as { x: number }).x', { cellName: 'cell 4' });
      assert.equal(failing.error?.ename, 'SyntaxError', 'a syntax error is still reported as one');
      const thrown = await run(k, 'const q = 1;\n\n(null as unknown as { x: number }).x', { cellName: 'cell 5' });
      assert.equal(thrown.error?.ename, 'TypeError');
      assert.match(thrown.error!.traceback.join('\n'), /cell 5, line 3/);
    });

    it('reads a TypeScript cell as TypeScript even where it is also valid JavaScript; plain cells map errors to their lines', async () => {
      await run(k, 'function gen(x: number) { return `called ${x}` }\nconst lhs = 1, rhs = 2;');
      // a < b > (c): comparisons in JavaScript, a generic call in TypeScript.
      assert.equal(await value(k, 'gen < lhs > (rhs)'), "'called 2'");
      assert.equal((await run(k, 'gen < lhs > (rhs)', { language: 'javascript' })).result?.['text/plain'], 'false');
      const thrown = await run(k, 'const nothing = null;\n\nnothing.field', { cellName: 'cell 8' });
      assert.equal(thrown.error?.ename, 'TypeError');
      assert.match(thrown.error!.traceback.join('\n'), /cell 8, line 3/);
    });

    it('a cell that recurses without end fails with the stack overflow; the kernel and its state live on', async () => {
      await run(k, 'const before = "kept";');
      const pid = k.pid;
      const r = await run(k, 'function down(n: number): number { return down(n + 1) + 1; }\ndown(0);');
      assert.equal(r.outcome.status, 'error');
      assert.equal(r.error?.ename, 'RangeError');
      assert.match(r.error!.evalue, /Maximum call stack size exceeded/);
      // The recursion's frames are shown once, with a count.
      assert.match(r.error!.traceback.join('\n'), /at down \(cell \d+, line 1\)\n\s+\[the line above repeated \d+ more times\]/);
      assert.equal(k.pid, pid, 'same kernel process');
      assert.equal(await value(k, 'before'), "'kept'");
    });

    it('supports top-level await', async () => {
      await run(k, 'const waited = await new Promise<number>((r) => setTimeout(() => r(42), 20));');
      assert.equal(await value(k, 'waited'), '42');
    });

    it("shows the last expression statement's value, nothing for undefined or declarations", async () => {
      assert.equal(await value(k, '1 + 1'), '2');
      assert.equal(await value(k, '"semi";'), "'semi'");
      assert.equal((await run(k, 'undefined')).result, undefined);
      assert.equal((await run(k, 'const nothing = 1')).result, undefined);
      assert.equal((await run(k, 'for (let i = 0; i < 3; i++) { i }')).result, undefined);
      assert.equal(await value(k, 'await Promise.resolve({ a: 1 })'), '{ a: 1 }');
    });

    it('runs JavaScript cells as well as TypeScript', async () => {
      const r = await run(k, 'const js = [1, 2, 3].map((x) => x * 2); js', { language: 'javascript' });
      assert.equal(r.result?.['text/plain'], '[ 2, 4, 6 ]');
    });

    it('maps an error to the cell and the line in that cell', async () => {
      const r = await run(
        k,
        'interface P { n: number }\n\nfunction boom(p: P): never {\n  const msg: string = `bad ${p.n}`;\n  throw new RangeError(msg);\n}\nboom({ n: 7 });',
        { cellName: 'cell 3' },
      );
      assert.equal(r.outcome.status, 'error');
      assert.equal(r.error?.ename, 'RangeError');
      assert.equal(r.error?.evalue, 'bad 7');
      assert.match(r.error!.traceback.join('\n'), /at boom \(cell 3, line 5\)/);
      assert.match(r.error!.traceback.join('\n'), /cell 3, line 7/);
      assert.doesNotMatch(r.error!.traceback.join('\n'), /tfnb-cell-|kernel\.js/);
    });

    it('names the cell and line of an error thrown deep inside TensorFlow.js (a shape mismatch)', async () => {
      const r = await run(k, 'const t = tf.tensor([1, 2]);\n\nt.reshape([3])', { cellName: 'cell 12' });
      assert.equal(r.outcome.status, 'error');
      assert.match(r.error!.evalue, /Size\(2\) must match the product of shape 3/);
      const trace = r.error!.traceback.join('\n');
      assert.match(trace, /at cell 12, line 3/);
      assert.match(trace, /\.\.\. \d+ frames inside tfnb's kernel \(which bundles TensorFlow\.js\)/);
      assert.doesNotMatch(trace, /kernel\.js/);
      const m = await run(k, 'function predictWrong() {\n  return tf.matMul(tf.ones([2, 3]), tf.ones([2, 3]));\n}\npredictWrong();', {
        cellName: 'cell 13',
      });
      assert.match(m.error!.traceback.join('\n'), /at predictWrong \(cell 13, line 2\)\n\s+at cell 13, line 4/);
    });

    it('names the cell and line of a syntax error', async () => {
      const r = await run(k, 'const ok = 1;\nconst broken = ;', { cellName: 'cell 9' });
      assert.equal(r.error?.ename, 'SyntaxError');
      assert.match(r.error!.traceback.join('\n'), /cell 9, line 2/);
      // One esbuild lets through and the module parser refuses: the line is still the cell's.
      const twice = await run(k, '// two\n\nfunction dup() {}\n\nfunction dup() {}', { cellName: 'cell 10' });
      assert.equal(twice.error?.ename, 'SyntaxError');
      assert.equal(twice.error?.evalue, "Identifier 'dup' has already been declared");
      assert.match(twice.error!.traceback.join('\n'), /cell 10, line 5/);
    });

    it('maps frames of a function defined in an earlier cell to that cell', async () => {
      await run(k, '// helper\nfunction failLater() {\n  throw new Error("later");\n}', { cellName: 'cell 20' });
      const r = await run(k, 'failLater()', { cellName: 'cell 21' });
      assert.match(r.error!.traceback.join('\n'), /failLater \(cell 20, line 3\)/);
      assert.match(r.error!.traceback.join('\n'), /cell 21, line 1/);
    });

    it('keeps the kernel alive after an error, with earlier state', async () => {
      await run(k, 'const survivor = "alive"; throw new Error("x")');
      assert.equal(await value(k, 'survivor'), "'alive'");
    });
  });
