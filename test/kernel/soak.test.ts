/**
 * Soak: 1,000 mixed executions in one kernel (tensors made and disposed, displays, errors,
 * syntax errors, interrupts). Kernel heap after GC and open handles must stay flat after
 * warm-up. The curve is written to .test-artifacts/soak.json (docs/reliability.md has figures).
 */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT, run, startKernel } from '../helpers/kernel';

const MIX = [
  'const t = tf.randomNormal([64, 64]); const s = tf.tidy(() => t.square().sum()); const v = (await s.data())[0]; tf.dispose([t, s]); v > 0',
  'display(tf.tidy(() => tf.ones([8, 8]).mul(2).dataSync().length))',
  'tf.tidy(() => tf.matMul(tf.ones([32, 32]), tf.ones([32, 32])).sum().dataSync()[0])',
  'throw new Error("planned failure")',
  'const broken = ;',
  'console.log("line ".repeat(50)); [1, 2, 3].map((x) => x * 2)',
  'const big = tf.zeros([200, 200]); display(big); big.dispose();',
  'let counter = (globalThis.counterBase ?? 0) + 1; globalThis.counterBase = counter;',
];

describe('soak', () => {
  it('1,000 mixed executions: heap and handles flat after warm-up', { timeout: 600_000 }, async () => {
    const k = startKernel({ nodeArgs: ['--expose-gc'] });
    await k.start();
    const samples: Array<{ n: number; heapMB: number; rssMB: number; handles: number; fds: number; tensors: number }> = [];
    const measure = async (n: number) => {
      const r = await run(
        k,
        'gc(); gc(); const mu = process.memoryUsage(); console.log(JSON.stringify({ heap: mu.heapUsed, rss: mu.rss, handles: process._getActiveHandles().length, tensors: tf.memory().numTensors }))',
      );
      const m = JSON.parse(r.stdout);
      samples.push({
        n,
        heapMB: m.heap / 2 ** 20,
        rssMB: m.rss / 2 ** 20,
        handles: m.handles,
        fds: readdirSync(`/proc/${k.pid}/fd`).length,
        tensors: m.tensors,
      });
    };
    let statuses = { ok: 0, error: 0, interrupted: 0 };
    for (let n = 1; n <= 1000; n++) {
      let code = MIX[n % MIX.length]!;
      let during: (() => void) | undefined;
      if (n % 100 === 50) {
        code = 'while (true) {}';
        during = () => setTimeout(() => k.interrupt(), 50);
      } else if (n % 25 === 0) {
        code = 'await new Promise((r) => setTimeout(r, 10_000))';
        during = () => setTimeout(() => k.interrupt(), 20);
      }
      const r = await run(k, code, { during });
      assert.notEqual(r.outcome.status, 'died', `execution ${n} killed the kernel`);
      statuses = { ...statuses, [r.outcome.status]: statuses[r.outcome.status as keyof typeof statuses] + 1 };
      if (n % 50 === 0) await measure(n);
    }
    await k.close();
    mkdirSync(join(ROOT, '.test-artifacts'), { recursive: true });
    writeFileSync(join(ROOT, '.test-artifacts', 'soak.json'), JSON.stringify({ statuses, samples }, null, 1));
    console.log(JSON.stringify(statuses));
    for (const s of samples)
      console.log(
        `after ${s.n}: heap ${s.heapMB.toFixed(1)} MB, rss ${s.rssMB.toFixed(0)} MB, handles ${s.handles}, fds ${s.fds}, tensors ${s.tensors}`,
      );
    assert.equal(statuses.ok + statuses.error + statuses.interrupted, 1000);
    assert.ok(statuses.interrupted >= 40);
    // Warm-up is the first 200 executions. RSS moves with the allocator and wasm memory from
    // sample to sample, so it is compared as medians of three samples (200–300 vs 900–1000).
    const warm = samples.find((s) => s.n === 200)!;
    const last = samples[samples.length - 1]!;
    const medianRss = (from: number, to: number) =>
      [...samples.filter((s) => s.n >= from && s.n <= to).map((s) => s.rssMB)].sort((a, b) => a - b)[1]!;
    assert.ok(last.heapMB <= warm.heapMB * 1.1, `heap grew from ${warm.heapMB.toFixed(1)} to ${last.heapMB.toFixed(1)} MB`);
    assert.ok(
      medianRss(900, 1000) <= medianRss(200, 300) * 1.1,
      `rss grew from ${medianRss(200, 300).toFixed(0)} to ${medianRss(900, 1000).toFixed(0)} MB`,
    );
    assert.ok(last.handles <= warm.handles, `handles grew from ${warm.handles} to ${last.handles}`);
    assert.ok(last.fds <= warm.fds, `fds grew from ${warm.fds} to ${last.fds}`);
    assert.equal(last.tensors, warm.tensors, 'tensors leaked');
  });
});
