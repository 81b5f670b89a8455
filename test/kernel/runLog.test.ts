// The kernel's run metrics (src/kernel/runLog.ts): every fit's epochs reach the client as
// `run-metric` messages whatever callbacks the user passed (none, a plain object, an array of
// tf callbacks, tfvis's fitCallbacks), and those callbacks still run; `tfnb.log` checks its input.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KernelClient } from '../../src/client/kernelClient';
import type { RunMetricMessage } from '../../src/protocol/messages';
import { run, startKernel, type CellRun } from '../helpers/kernel';

function ok(r: CellRun): void {
  assert.equal(r.error, undefined, r.error?.traceback.join('\n'));
}

describe('run metrics from the kernel', () => {
  let k: KernelClient;
  const metrics: RunMetricMessage[] = [];
  before(async () => {
    k = startKernel({ backend: 'cpu' });
    k.on('metric', (m) => metrics.push(m));
    await k.start();
    ok(
      await run(
        k,
        `const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
         model.compile({ optimizer: 'sgd', loss: 'meanSquaredError', metrics: ['mae'] });
         const xs = tf.randomNormal([8, 2]); const ys = tf.randomNormal([8, 1]);`,
      ),
    );
  });
  after(async () => {
    await k?.close();
  });

  const epochsOf = (from: number) =>
    metrics
      .slice(from)
      .flatMap((m) => (m.metric.kind === 'epoch' ? [{ fitId: m.metric.fitId, epoch: m.metric.epoch, logs: m.metric.logs }] : []));

  it('sends each epoch of a fit, owned by the cell, with numeric logs', async () => {
    const from = metrics.length;
    const r = await run(k, 'await model.fit(xs, ys, { epochs: 2, validationSplit: 0.25 });');
    ok(r);
    const epochs = epochsOf(from);
    assert.deepEqual(
      epochs.map((e) => e.epoch),
      [1, 2],
    );
    assert.equal(new Set(epochs.map((e) => e.fitId)).size, 1);
    for (const e of epochs) assert.deepEqual(Object.keys(e.logs).sort(), ['loss', 'mae', 'val_loss', 'val_mae']);
    assert.ok(metrics.slice(from).every((m) => m.executionId === metrics[from]!.executionId && m.executionId !== null));
  });

  it("keeps the user's callbacks: a plain object, an array of tf callbacks, tfvis.show.fitCallbacks", async () => {
    for (const callbacks of [
      '{ onEpochEnd: async (e) => { seen.push(e); } }',
      '[{ onEpochEnd: async (e) => { seen.push(e); } }]',
      "[new (class extends tf.Callback { async onEpochEnd(e) { seen.push(e); } })(), tf.callbacks.earlyStopping({ monitor: 'loss', patience: 99 })]",
      "[tfvis.show.fitCallbacks({ name: 'fit' }, ['loss']), new (class extends tf.Callback { async onEpochEnd(e) { seen.push(e); } })()]",
    ]) {
      const from = metrics.length;
      const r = await run(
        k,
        `await (async () => { const seen: number[] = []; await model.fit(xs, ys, { epochs: 3, callbacks: ${callbacks} }); return seen.join(','); })()`,
      );
      ok(r);
      assert.equal(r.result?.['text/plain'], "'0,1,2'", callbacks);
      assert.deepEqual(
        epochsOf(from).map((e) => e.epoch),
        [1, 2, 3],
        callbacks,
      );
    }
  });

  it('tfnb.log sends a scalar (a number or a one-value tensor, a step if given) and refuses what is not one', async () => {
    const from = metrics.length;
    ok(await run(k, "tfnb.log('test_acc', 0.5); tfnb.log('test_acc', tf.scalar(0.75), 3);"));
    assert.deepEqual(
      metrics.slice(from).map((m) => m.metric),
      [
        { kind: 'scalar', name: 'test_acc', value: 0.5 },
        { kind: 'scalar', name: 'test_acc', value: 0.75, step: 3 },
      ],
    );
    for (const bad of [
      "tfnb.log('', 1)",
      "tfnb.log('x', NaN)",
      "tfnb.log('x', tf.ones([2]))",
      "tfnb.log('x', 1, -1)",
      "tfnb.log('x', '1' as never)",
    ]) {
      const r = await run(k, bad);
      assert.equal(r.error?.ename, 'TypeError', bad);
      assert.match(r.error!.evalue, /^tfnb\.log/, bad);
    }
  });
});
