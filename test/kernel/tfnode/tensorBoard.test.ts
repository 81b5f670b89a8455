import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { KernelClient } from '../../../src/client/kernelClient';
import { crc32c, maskedCrc32c } from '../../../src/kernel/tfnode/tfrecord';
import { RULE_BACKENDS, run, startKernel, tempDir, type CellRun } from '../../helpers/kernel';
import { readEventFile, type DecodedEvent } from './eventFile';

function ok(r: CellRun): string | undefined {
  assert.equal(r.error, undefined, r.error?.traceback.join('\n'));
  return r.result?.['text/plain'];
}

/** The one event file in a folder (TensorFlow's name), decoded. */
function events(dir: string): { name: string; events: DecodedEvent[] } {
  const files = readdirSync(dir);
  assert.equal(files.length, 1, `one event file in ${dir}: ${files.join(', ')}`);
  return { name: files[0]!, events: readEventFile(readFileSync(join(dir, files[0]!))) };
}

const scalars = (evs: DecodedEvent[], tag: string) =>
  evs.flatMap((e) => (e.summary?.value ?? []).filter((v) => v.tag === tag).map((v) => [e.step, v.simpleValue!] as const));

describe('TFRecord CRC-32C', () => {
  it('matches the standard check values (CRC-32C of "123456789", of 32 zero bytes) and TensorFlow\'s masking', () => {
    assert.equal(crc32c(new TextEncoder().encode('123456789')), 0xe3069283);
    assert.equal(crc32c(new Uint8Array(32)), 0x8a9136aa);
    const crc = 0xe3069283;
    assert.equal(maskedCrc32c(new TextEncoder().encode('123456789')), ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0);
  });
});

for (const backend of RULE_BACKENDS)
  describe(`tf.node TensorBoard writers (${backend})`, () => {
    let k: KernelClient;
    const dir = tempDir('tfnb-tfnode-tb-');
    before(async () => {
      k = startKernel({ notebookDir: dir, backend });
      await k.start();
    });
    after(() => k.close());

    it('summaryFileWriter writes scalars and histograms TensorBoard reads, in a file named as TensorFlow names it', async () => {
      const before = Date.now() / 1000;
      const r = await run(
        k,
        [
          "const writer = tf.node.summaryFileWriter('tb/run1');",
          "for (let step = 1; step <= 3; step++) writer.scalar('loss', 1 / step, step);",
          "writer.scalar('acc', tf.scalar(0.75), 3);",
          'const values = tf.tensor1d([0, 1, 1, 2, 2, 2, 3, 10]);',
          "writer.histogram('weights', values, 4, 4);",
          'values.dispose();',
          'writer.flush();',
          "writer === tf.node.summaryFileWriter('tb/run1')",
        ].join('\n'),
      );
      assert.equal(ok(r), 'true');
      const { name, events: evs } = events(join(dir, 'tb', 'run1'));
      assert.match(name, new RegExp(`^events\\.out\\.tfevents\\.\\d{10}\\.${hostname().replace(/\./g, '\\.')}\\.\\d+\\.\\d+\\.v2$`));
      assert.equal(evs[0]!.fileVersion, 'brain.Event:2');
      assert.ok(
        evs[0]!.wallTime >= Math.floor(before) && evs[0]!.wallTime <= Date.now() / 1000 + 1,
        `wall_time in seconds: ${evs[0]!.wallTime}`,
      );
      assert.deepEqual(scalars(evs, 'loss'), [
        [1, 1],
        [2, 0.5],
        [3, Math.fround(1 / 3)],
      ]);
      assert.deepEqual(scalars(evs, 'acc'), [[3, 0.75]]);
      const histEvent = evs.find((e) => e.summary?.value[0]?.tag === 'weights')!;
      assert.equal(histEvent.step, 4);
      const h = histEvent.summary!.value[0]!.histo!;
      assert.deepEqual(
        { min: h.min, max: h.max, num: h.num, sum: h.sum, sumSquares: h.sumSquares },
        { min: 0, max: 10, num: 8, sum: 21, sumSquares: 123 },
      );
      assert.deepEqual(h.bucketLimit, [2.5, 5, 7.5, 10]);
      assert.deepEqual(h.bucket, [6, 1, 0, 1]);
    });

    it('appends queued events when maxQueue are waiting, not before', async () => {
      ok(await run(k, "const q = tf.node.summaryFileWriter('tb/queued', 3); q.scalar('x', 1, 1); q.scalar('x', 2, 2);"));
      assert.deepEqual(scalars(events(join(dir, 'tb', 'queued')).events, 'x'), []);
      ok(await run(k, "q.scalar('x', 3, 3);"));
      assert.deepEqual(scalars(events(join(dir, 'tb', 'queued')).events, 'x'), [
        [1, 1],
        [2, 2],
        [3, 3],
      ]);
    });

    it("tensorBoard(logdir) logs fit's loss and metrics to train/ and val/ per epoch, and per batch with updateFreq 'batch'", async () => {
      const r = await run(
        k,
        [
          'const m = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });',
          "m.compile({ optimizer: 'sgd', loss: 'meanSquaredError', metrics: ['mae'] });",
          'const xs = tf.randomNormal([8, 2]), ys = tf.randomNormal([8, 1]);',
          "const h = await m.fit(xs, ys, { epochs: 2, batchSize: 4, validationData: [xs, ys], callbacks: tf.node.tensorBoard('tb/fit', { updateFreq: 'batch' }) });",
          'tf.dispose([xs, ys]);',
          'h.history.loss.length',
        ].join('\n'),
      );
      assert.equal(ok(r), '2');
      const train = events(join(dir, 'tb', 'fit', 'train')).events;
      const val = events(join(dir, 'tb', 'fit', 'val')).events;
      assert.deepEqual(
        scalars(train, 'epoch_loss').map(([step]) => step),
        [1, 2],
      );
      assert.deepEqual(
        scalars(train, 'epoch_mae').map(([step]) => step),
        [1, 2],
      );
      assert.deepEqual(
        scalars(train, 'batch_loss').map(([step]) => step),
        [1, 2, 3, 4],
      );
      assert.deepEqual(
        scalars(val, 'epoch_loss').map(([step]) => step),
        [1, 2],
      );
      assert.deepEqual(
        scalars(val, 'epoch_mae').map(([step]) => step),
        [1, 2],
      );
      assert.ok(scalars(train, 'epoch_loss').every(([, v]) => Number.isFinite(v) && v > 0));
    });

    it('writes what is still queued when the kernel shuts down, for every writer (a sweep of many runs warns of nothing)', async () => {
      const sweep = await run(
        k,
        "for (let i = 0; i < 15; i++) tf.node.summaryFileWriter(`tb/sweep/run${i}`).scalar('lr', i, 1);\nawait new Promise((r) => setTimeout(r, 50));",
      );
      ok(sweep);
      assert.equal(sweep.stderr, '');
      ok(await run(k, "tf.node.summaryFileWriter('tb/at-exit').scalar('last', 42, 7);"));
      assert.deepEqual(scalars(events(join(dir, 'tb', 'at-exit')).events, 'last'), []);
      await k.close();
      assert.deepEqual(scalars(events(join(dir, 'tb', 'at-exit')).events, 'last'), [[7, 42]]);
      assert.deepEqual(scalars(events(join(dir, 'tb', 'sweep', 'run14')).events, 'lr'), [[1, 14]]);
    });
  });
