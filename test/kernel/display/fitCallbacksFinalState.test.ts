// A live training chart saved by `tfnb run` shows the end of training, not the last throttled
// update: the cell's end sends the latest state before the cell's 'done' (and the kernel may be
// shut down right after the last cell). The update interval is set to a minute, so without that
// the saved chart would be the first epoch's, every time.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CLI_SCRIPT, tempDir } from '../../helpers/kernel';

interface TrainingPayload {
  epochs: Array<{ epoch: number }>;
  progress: { epoch: number; done: boolean; stopped?: boolean };
}
interface SavedCell {
  outputs: Array<{ output_type: string; data?: Record<string, unknown> }>;
}

const MODEL = `const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] });
model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
const xs = tf.randomNormal([64, 1]); const ys = xs.mul(2);`;

function runNotebook(sources: string[]): SavedCell[] {
  const dir = tempDir('tfnb-live-final-');
  const input = join(dir, 'nb.ipynb'),
    output = join(dir, 'out.ipynb');
  const cells = sources.map((source) => ({ cell_type: 'code', source, metadata: {}, outputs: [], execution_count: null }));
  writeFileSync(input, JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells }));
  const r = spawnSync(process.execPath, [CLI_SCRIPT, 'run', input, '--output', output, '--backend', 'wasm', '--quiet'], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.equal(r.status, 0, r.stderr);
  return (JSON.parse(readFileSync(output, 'utf8')) as { cells: SavedCell[] }).cells;
}

function chart(cell: SavedCell): TrainingPayload {
  const charts = cell.outputs
    .filter((o) => o.output_type === 'display_data')
    .map((o) => o.data?.['application/vnd.tfnb.training+json'])
    .filter((d) => d !== undefined);
  assert.equal(charts.length, 1, 'one chart output, updated in place');
  return charts[0] as TrainingPayload;
}

describe('a live training chart keeps its final state in the saved notebook', { timeout: 180_000 }, () => {
  it('callbacks given only onEpochEnd, in the last cell: all 20 epochs, marked done', () => {
    const cells = runNotebook([
      MODEL,
      `const cb = tfvis.show.fitCallbacks({ name: 'loss' }, ['loss'], { callbacks: ['onEpochEnd'], updateIntervalMs: 60_000 });
await model.fit(xs, ys, { epochs: 20, batchSize: 16, callbacks: { onEpochEnd: cb.onEpochEnd } });
undefined;`,
    ]);
    const payload = chart(cells[1]!);
    assert.deepEqual(
      payload.epochs.map((e) => e.epoch),
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    assert.equal(payload.progress.done, true);
    assert.equal(payload.progress.epoch, 20);
  });

  it('the full callbacks object in a middle cell: the chart ends at the last epoch, not stopped', () => {
    const cells = runNotebook([
      MODEL,
      `await model.fit(xs, ys, { epochs: 12, batchSize: 16, callbacks: tfvis.show.fitCallbacks({ name: 'loss' }, ['loss'], { updateIntervalMs: 60_000 }) });`,
      '1 + 1',
    ]);
    const payload = chart(cells[1]!);
    assert.equal(payload.epochs.length, 12);
    assert.deepEqual([payload.progress.done, payload.progress.stopped], [true, false]);
  });

  it('a fit its cell did not await: the cell that awaits it ends the chart, at the last epoch', () => {
    const cells = runNotebook([
      MODEL,
      `const cb = tfvis.show.fitCallbacks({ name: 'loss' }, ['loss'], { callbacks: ['onEpochEnd'], updateIntervalMs: 60_000 });
globalThis.training = model.fit(xs, ys, { epochs: 30, batchSize: 16, callbacks: { onEpochEnd: cb.onEpochEnd } });`,
      'await training; "trained"',
    ]);
    const payload = chart(cells[1]!);
    assert.equal(payload.epochs.length, 30);
    assert.equal(payload.progress.done, true);
  });
});
