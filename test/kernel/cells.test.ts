import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KernelClient } from '../../src/client/kernelClient';
import { run, startKernel, value } from '../helpers/kernel';

describe('cells: state, redeclaration, await, results', () => {
  let k: KernelClient;
  before(async () => { k = startKernel(); await k.start(); });
  after(() => k.close());

  it('keeps const, let, var, function, class and import bindings across cells', async () => {
    await run(k, 'const c = 1; let l = 2; var v = 3;\nfunction f() { return 4 }\nclass K { five() { return 5 } }\nimport * as path from "node:path";');
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
    for (const [first, second] of [['let a1 = 1', 'const a1 = 2'], ['const a2 = 1', 'let a2 = 2'], ['class a3 {}', 'const a3 = 2'], ['const a4 = 1', 'class a4 { static v = 2 }']]) {
      assert.equal((await run(k, first)).error, undefined);
      const r = await run(k, second);
      assert.equal(r.error, undefined, `${first} then ${second}: ${r.error?.evalue}`);
    }
    assert.equal(await value(k, '[a1, a2, a3, a4.v].join()'), "'2,2,2,2'");
    assert.equal(await value(k, 'export class Exported { x = 1 }\nnew Exported().x'), '1');
  });

  it('shows primitive results exactly, the special numbers and bigints too', async () => {
    const cases: Array<[string, string]> = [
      ['0 / 0', 'NaN'], ['Object.is(-0, -0) ? -0 : 1', '-0'], ['1 / 0', 'Infinity'], ['-1 / 0', '-Infinity'], ['2n ** 70n', '1180591620717411303424n'],
      ['-5n', '-5n'], ['null', 'null'], ['true', 'true'], ["'text'", "'text'"], ['0.1 + 0.2', '0.30000000000000004'], ['Symbol.for("s")', 'Symbol(s)'],
    ];
    for (const [code, shown] of cases) assert.equal(await value(k, code), shown, code);
  });

  it('shows a trailing expression esbuild would fold away: NaN, -0, -5, "a" + "b", Infinity, TypeScript-only forms', async () => {
    // esbuild deletes expression statements that fold to a primitive; the kernel keeps them.
    const cases: Array<[string, string, 'typescript' | 'javascript']> = [
      ['NaN', 'NaN', 'typescript'], ['-0', '-0', 'typescript'], ['-5', '-5', 'typescript'], ['"a" + "b"', "'ab'", 'typescript'],
      ['Infinity', 'Infinity', 'typescript'], ['-5 satisfies number', '-5', 'typescript'], ['const n: number = 3\nn as number', '3', 'typescript'],
      ['let z = 1;\n\"x\" + \"y\";  // a comment', "'xy'", 'typescript'], ['NaN', 'NaN', 'javascript'], ['1, -2', '-2', 'typescript'],
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

  it('a cell that recurses without end fails with the stack overflow; the kernel and its state live on', async () => {
    await run(k, 'const before = "kept";');
    const pid = k.pid;
    const r = await run(k, 'function down(n: number): number { return down(n + 1) + 1; }\ndown(0);');
    assert.equal(r.outcome.status, 'error');
    assert.equal(r.error?.ename, 'RangeError');
    assert.match(r.error!.evalue, /Maximum call stack size exceeded/);
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
    const r = await run(k, 'interface P { n: number }\n\nfunction boom(p: P): never {\n  const msg: string = `bad ${p.n}`;\n  throw new RangeError(msg);\n}\nboom({ n: 7 });', { cellName: 'cell 3' });
    assert.equal(r.outcome.status, 'error');
    assert.equal(r.error?.ename, 'RangeError');
    assert.equal(r.error?.evalue, 'bad 7');
    assert.match(r.error!.traceback.join('\n'), /at boom \(cell 3, line 5\)/);
    assert.match(r.error!.traceback.join('\n'), /cell 3, line 7/);
    assert.doesNotMatch(r.error!.traceback.join('\n'), /tfnb-cell-|kernel\.js/);
  });

  it('names the cell and line of a syntax error', async () => {
    const r = await run(k, 'const ok = 1;\nconst broken = ;', { cellName: 'cell 9' });
    assert.equal(r.error?.ename, 'SyntaxError');
    assert.match(r.error!.traceback.join('\n'), /cell 9, line 2/);
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
