import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KernelClient } from '../../src/client/kernelClient';
import { RULE_BACKENDS, run, startKernel, value } from '../helpers/kernel';

for (const backend of RULE_BACKENDS)
  describe(`interrupt (${backend})`, () => {
    let k: KernelClient;
    before(async () => {
      k = startKernel({ backend });
      await k.start();
      await run(k, 'const before = "kept"; let spins = 0;');
    });
    after(() => k.close());

    it('stops a synchronous infinite loop and keeps all earlier state', async () => {
      const pid = k.pid;
      let interruptedAt = 0;
      const r = await run(k, 'while (true) { spins++ }', {
        during: () =>
          setTimeout(() => {
            interruptedAt = performance.now();
            k.interrupt();
          }, 300),
      });
      const tookMs = performance.now() - interruptedAt;
      assert.equal(r.outcome.status, 'interrupted');
      assert.equal(r.error?.ename, 'Interrupted');
      assert.equal(k.pid, pid, 'same kernel process');
      assert.equal(await value(k, 'before + " " + (spins > 0)'), "'kept true'");
      // Generous bound for a loaded CI machine; the design is 300 ms of grace.
      assert.ok(tookMs < 5000, `interrupt took ${tookMs} ms`);
    });

    it('stops a busy loop that runs after an await (in a promise continuation) without the kernel dying', async () => {
      // Node 20 aborted (SIGABRT, async-id stack CHECK) when such a loop was terminated.
      const pid = k.pid;
      for (const code of [
        'await 0; while (true) { spins++ }',
        'await new Promise((r) => setTimeout(r, 5)); while (true) { spins++ }',
        'const tfx = tf.ones([2, 2]); await tfx.data(); tfx.dispose(); for (;;) { spins++ }',
      ]) {
        const r = await run(k, code, { during: () => setTimeout(() => k.interrupt(), 300) });
        assert.equal(
          r.outcome.status,
          'interrupted',
          `${code}: ${r.outcome.status} ${r.outcome.status === 'died' ? r.outcome.deathReason : ''}`,
        );
        assert.equal(k.pid, pid, `${code}: same kernel process`);
        assert.equal(await value(k, 'before'), "'kept'");
      }
      // Output of work a later cell starts still reaches that cell (async context tracking works on).
      const timer = await run(k, 'setTimeout(() => console.log("late line"), 20); await new Promise((r) => setTimeout(r, 60));');
      assert.match(timer.stdout, /late line/);
    });

    it('abandons an awaited long operation and ends the cell as interrupted', async () => {
      const r = await run(k, 'await new Promise((r) => setTimeout(r, 60_000));', { during: () => setTimeout(() => k.interrupt(), 300) });
      assert.equal(r.outcome.status, 'interrupted');
      assert.equal(await value(k, 'before'), "'kept'");
    });

    it('stops a running model.fit at its next batch', async () => {
      await run(
        k,
        [
          'const m = tf.sequential({ layers: [tf.layers.dense({ units: 8, inputShape: [4], activation: "relu" }), tf.layers.dense({ units: 1 })] });',
          'm.compile({ optimizer: "adam", loss: "meanSquaredError" });',
          'const fx = tf.randomNormal([256, 4]); const fy = tf.randomNormal([256, 1]);',
          'let batchesSeen = 0;',
        ].join('\n'),
      );
      const r = await run(
        k,
        'await m.fit(fx, fy, { epochs: 100000, batchSize: 8, verbose: 0, callbacks: { onBatchEnd: async () => { batchesSeen++; } } });',
        {
          // webgpu compiles a shader for each new kernel in the first batch: seconds on llvmpipe.
          during: () => setTimeout(() => k.interrupt(), backend === 'webgpu' ? 8000 : 800),
        },
      );
      assert.equal(r.outcome.status, 'interrupted');
      const seen = Number(await value(k, 'batchesSeen'));
      await new Promise((res) => setTimeout(res, 300));
      const later = Number(await value(k, 'batchesSeen'));
      assert.ok(seen > 0, 'training had started');
      assert.ok(later - seen <= 1, `training went on after the interrupt: ${seen} -> ${later}`);
      assert.equal(await value(k, 'm.predict(tf.zeros([1, 4])).shape.join("x")'), "'1x1'");
    });

    it('cancels queued cells when interrupting', async () => {
      const first = k.execute('while (true) {}', { cellName: 'c1' }, {});
      const second = k.execute('globalThis.secondRan = true', { cellName: 'c2' }, {});
      setTimeout(() => k.interrupt(), 300);
      assert.equal((await first.done).status, 'interrupted');
      assert.equal((await second.done).status, 'cancelled');
      assert.equal(await value(k, 'typeof globalThis.secondRan'), "'undefined'");
    });
  });
