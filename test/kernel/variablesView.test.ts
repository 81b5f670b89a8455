import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KernelClient } from '../../src/client/kernelClient';
import type { VariableSummary } from '../../src/protocol/messages';
import { MIME } from '../../src/protocol/mime';
import { run, startKernel } from '../helpers/kernel';

async function ok(k: KernelClient, code: string): Promise<void> {
  const r = await run(k, code);
  assert.equal(r.outcome.status, 'ok', `${code}\n${JSON.stringify(r.error)}`);
}

async function byName(k: KernelClient, filter?: string): Promise<Map<string, VariableSummary>> {
  const list = await k.listVariables({ filter, limit: 1000 });
  return new Map(list.variables.map((v) => [v.name, v]));
}

describe('variables view: the kernel summarizes top-level names', () => {
  let k: KernelClient;
  before(async () => {
    k = startKernel();
    await k.start();
  });
  after(() => k.close());

  it('lists every kind of top-level declaration, with kind, shape, dtype, bytes and parameter counts', async () => {
    await ok(
      k,
      [
        'const t = tf.zeros([3, 4]);',
        'let w = tf.variable(tf.ones([5], "int32"));',
        'var n = 42;',
        'const s: string = "hello";',
        'const flag = true;',
        'const arr = [1, 2, 3];',
        'const f32 = new Float32Array(10);',
        'const obj = { a: 1 };',
        'function square(x: number) { return x * x; }',
        'class Net {}',
        'const model = tf.sequential({ layers: [tf.layers.dense({ units: 4, inputShape: [3] }), tf.layers.dense({ units: 2 })] });',
        'const ds = tf.data.array([1, 2, 3]);',
        'import * as path from "node:path";',
        '(globalThis as any).addedGlobal = 7;',
      ].join('\n'),
    );
    const v = await byName(k);
    assert.deepEqual(
      { kind: v.get('t')?.kind, type: v.get('t')?.type, shape: v.get('t')?.shape, dtype: v.get('t')?.dtype, bytes: v.get('t')?.bytes },
      { kind: 'tensor', type: 'Tensor', shape: [3, 4], dtype: 'float32', bytes: 48 },
    );
    assert.deepEqual(
      { kind: v.get('w')?.kind, shape: v.get('w')?.shape, dtype: v.get('w')?.dtype, bytes: v.get('w')?.bytes },
      { kind: 'variable', shape: [5], dtype: 'int32', bytes: 20 },
    );
    assert.deepEqual({ kind: v.get('n')?.kind, preview: v.get('n')?.preview }, { kind: 'number', preview: '42' });
    assert.deepEqual({ kind: v.get('s')?.kind, preview: v.get('s')?.preview }, { kind: 'string', preview: '"hello"' });
    assert.equal(v.get('flag')?.kind, 'boolean');
    assert.deepEqual({ kind: v.get('arr')?.kind, shape: v.get('arr')?.shape }, { kind: 'array', shape: [3] });
    assert.deepEqual(
      { kind: v.get('f32')?.kind, type: v.get('f32')?.type, bytes: v.get('f32')?.bytes },
      { kind: 'array', type: 'Float32Array', bytes: 40 },
    );
    assert.equal(v.get('obj')?.kind, 'object');
    assert.deepEqual({ kind: v.get('square')?.kind, preview: v.get('square')?.preview }, { kind: 'function', preview: 'square(x)' });
    assert.deepEqual({ kind: v.get('Net')?.kind, type: v.get('Net')?.type }, { kind: 'function', type: 'class' });
    // dense 3->4: 12 + 4; dense 4->2: 8 + 2.
    assert.deepEqual(
      { kind: v.get('model')?.kind, type: v.get('model')?.type, params: v.get('model')?.params, bytes: v.get('model')?.bytes },
      { kind: 'model', type: 'Sequential', params: 26, bytes: 26 * 4 },
    );
    assert.deepEqual(
      { kind: v.get('ds')?.kind, type: v.get('ds')?.type, preview: v.get('ds')?.preview },
      { kind: 'dataset', type: 'Dataset', preview: '3 elements' },
    );
    assert.equal(v.get('path')?.kind, 'object');
    assert.equal(v.get('addedGlobal')?.kind, 'number');
    // The kernel's own globals and the transpiler's hidden names are not the notebook's.
    for (const hidden of ['tf', 'display', 'tfvis', 'require', 'console', 'setTimeout'])
      assert.equal(v.has(hidden), false, `${hidden} listed`);
    assert.equal(
      [...v.keys()].some((n) => n.startsWith('__tfnb')),
      false,
    );
  });

  it('follows redeclaration, filters by name and marks a disposed tensor', async () => {
    await ok(k, 'const t = tf.ones([2, 2, 2], "int32"); t.dispose(); const tOther = 1;');
    const v = await byName(k, 'T');
    assert.deepEqual([...v.keys()].sort(), ['Net', 'path', 't', 'tOther'], 'case-insensitive substring');
    assert.deepEqual(
      { shape: v.get('t')?.shape, dtype: v.get('t')?.dtype, disposed: v.get('t')?.disposed },
      { shape: [2, 2, 2], dtype: 'int32', disposed: true },
    );
  });

  it('lists a name whose cell failed before its initialization as not initialized', async () => {
    const r = await run(k, 'throw new Error("early");\nlet late = 1;');
    assert.equal(r.outcome.status, 'error');
    const v = await byName(k, 'late');
    assert.equal(v.get('late')?.preview, '(not initialized)');
  });

  it('lists values that cannot be looked at without failing the list', async () => {
    await ok(
      k,
      [
        'const hostile = new Proxy({}, { get() { throw new Error("no get"); }, getPrototypeOf() { throw new Error("no proto"); }, has() { throw new Error("no has"); } });',
        'const { proxy: revoked, revoke } = Proxy.revocable({}, {}); revoke();',
        'const huge = "x".repeat(50_000_000);',
        'const sparse = []; sparse[100_000_000] = 1;',
      ].join('\n'),
    );
    const v = await byName(k);
    assert.equal(v.get('hostile')?.kind, 'object');
    assert.equal(v.get('revoked')?.kind, 'object');
    assert.deepEqual({ kind: v.get('huge')?.kind, shape: v.get('huge')?.shape }, { kind: 'string', shape: [50_000_000] });
    assert.ok((v.get('huge')?.preview?.length ?? 0) <= 100);
    assert.deepEqual(v.get('sparse')?.shape, [100_000_001]);
    const text = await k.inspectVariable('huge');
    assert.ok(String(text['text/plain']).length < 200_000, 'the value shown is bounded');
  });

  it('caps 10,000 names at the limit, sorted, with their total', async () => {
    const names = Array.from({ length: 10_000 }, (_, i) => `many${String(i).padStart(5, '0')}`);
    await ok(k, `let ${names.map((n, i) => `${n} = ${i}`).join(', ')};`);
    const list = await k.listVariables({ filter: 'many', limit: 50 });
    assert.equal(list.total, 10_000);
    assert.deepEqual(
      list.variables.map((v) => v.name),
      names.slice(0, 50),
    );
    const few = await k.listVariables({ filter: 'many0999', limit: 50 });
    assert.equal(few.total, 10);
  });

  it('lists a 1 GB tensor from its metadata, and the kernel goes on', async () => {
    await ok(k, 'const gigabyte = tf.zeros([256, 1024, 1024]);');
    const v = await byName(k, 'gigabyte');
    assert.deepEqual(
      { kind: v.get('gigabyte')?.kind, shape: v.get('gigabyte')?.shape, bytes: v.get('gigabyte')?.bytes },
      { kind: 'tensor', shape: [256, 1024, 1024], bytes: 2 ** 30 },
    );
    await ok(k, 'gigabyte.dispose();');
    assert.equal((await byName(k, 'gigabyte')).get('gigabyte')?.disposed, true);
  });

  it('never reads a tensor while listing it; draws it on request, as display(x) would', async () => {
    await ok(
      k,
      [
        'globalThis.reads = 0;',
        'const big = tf.ones([512, 512]);',
        'for (const m of ["dataSync", "data", "arraySync", "array", "bufferSync", "buffer"]) {',
        '  const original = (big as any)[m].bind(big);',
        '  (big as any)[m] = (...a: unknown[]) => { (globalThis as any).reads++; return original(...a); };',
        '}',
      ].join('\n'),
    );
    const v = await byName(k, 'big');
    assert.deepEqual(v.get('big')?.shape, [512, 512]);
    assert.equal(v.get('big')?.bytes, 512 * 512 * 4);
    const reads = await run(k, '(globalThis as any).reads');
    assert.equal(reads.result?.['text/plain'], '0');

    const bundle = await k.inspectVariable('big');
    assert.ok(bundle[MIME.tensor], `a tensor bundle: ${Object.keys(bundle).join(', ')}`);
    const summary = await k.inspectVariable('model');
    assert.ok(summary[MIME.modelSummary], `a model summary: ${Object.keys(summary).join(', ')}`);
    const text = await k.inspectVariable('n');
    assert.equal(text['text/plain'], '42');
    await assert.rejects(k.inspectVariable('noSuchName'), /noSuchName is not defined/);
  });

  it('answers a request sent while a cell runs once that cell ends, without disturbing its done', async () => {
    const cell = k.execute('await new Promise((r) => setTimeout(r, 300)); const duringCell = 1;', { cellName: 'slow' }, {});
    await new Promise((r) => setTimeout(r, 50));
    const listed = k.listVariables({ filter: 'duringCell', limit: 10 });
    const [outcome, list] = await Promise.all([cell.done, listed]);
    assert.equal(outcome.status, 'ok');
    assert.deepEqual(
      list.variables.map((v) => v.name),
      ['duringCell'],
    );
  });
});

describe('variables view: requests and the kernel ending', () => {
  it('fails a request still waiting when the kernel dies, and the running cell still ends once, died', async () => {
    const k = startKernel();
    try {
      await k.start();
      let ends = 0;
      const cell = k.execute(
        'await new Promise((r) => setTimeout(r, 200)); process.kill(process.pid, "SIGKILL");',
        { cellName: 'dies' },
        {
          onEnd: () => ends++,
        },
      );
      await new Promise((r) => setTimeout(r, 50));
      const listed = k.listVariables({ limit: 10 });
      await assert.rejects(listed, /the kernel exited/);
      assert.equal((await cell.done).status, 'died');
      assert.equal(ends, 1);
      await assert.rejects(k.listVariables({ limit: 10 }), /no kernel is running/);
    } finally {
      await k.close();
    }
  });
});
