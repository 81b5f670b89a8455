// Training curve series and min/max decimation (pure; no browser).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decimateMinMax } from '../../renderers/decimate';
import { baseMetrics, buildCurve } from '../../renderers/trainingData';
import type { TrainingView } from '../../renderers/payloads';

test('metric names drop val_ and counters, loss first', () => {
  const payload: TrainingView = { epochs: [{ epoch: 1, acc: 0.5, loss: 1, val_acc: 0.4, val_loss: 1.2 }] };
  assert.deepEqual(baseMetrics(payload), ['loss', 'acc']);
  assert.deepEqual(baseMetrics({ ...payload, metrics: ['val_mse', 'mse'] }), ['mse']);
});

test('epoch points at their 1-based epoch merge with batch points at (step + 1) / batchesPerEpoch', () => {
  const payload: TrainingView = {
    epochs: [
      { epoch: 1, loss: 0.9, val_loss: 1 },
      { epoch: 2, loss: 0.5, val_loss: 0.7 },
    ],
    batches: [0, 1, 2, 3].map((step) => ({ step, loss: 1 - step / 10 })),
    progress: { epoch: 2, batch: 2, batchesPerEpoch: 2, elapsedMs: 1, done: false },
  };
  const curve = buildCurve(payload, 'loss', { logY: false, showBatches: true, maxBatchPoints: 100 });
  assert.deepEqual(curve.series, ['batch', 'train', 'val']);
  assert.deepEqual(curve.data, [
    [0.5, 1, 1.5, 2],
    [1, 0.9, 0.8, 0.7],
    [null, 0.9, null, 0.5],
    [null, 1, null, 0.7],
  ]);
  const log = buildCurve({ epochs: [{ loss: 0 }, { loss: 2 }] }, 'loss', { logY: true, showBatches: true, maxBatchPoints: 100 });
  assert.deepEqual(
    log.data,
    [
      [1, 2],
      [null, 2],
    ],
    'log scale drops values ≤ 0',
  );
});

test('min/max decimation keeps the extremes of every bucket, in order', () => {
  const n = 100_000;
  const x = Array.from({ length: n }, (_, i) => i);
  const y = x.map((i) => Math.sin(i / 1000));
  y[54_321] = 10; // a spike
  const d = decimateMinMax(
    n,
    (i) => x[i]!,
    (i) => y[i]!,
    2000,
  );
  assert.ok(d.x.length <= 2000 && d.x.length >= 1000, `${d.x.length} points`);
  assert.ok(d.y.includes(10), 'the spike survives');
  assert.ok(
    d.x.every((v, i) => i === 0 || v > d.x[i - 1]!),
    'x stays ascending',
  );
  assert.equal(Math.min(...(d.y as number[])), Math.min(...y));
  const short = decimateMinMax(
    2,
    (i) => [1, 2][i]!,
    (i) => [3, null][i]!,
    10,
  );
  assert.deepEqual(short, { x: [1, 2], y: [3, null] });
});
