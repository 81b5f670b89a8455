import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createDisplayApi, toMimeBundle } from '../../../src/kernel/display/index';
import { DecimatedSeries } from '../../../src/kernel/display/decimatedSeries';
import { TrainingRecorder } from '../../../src/kernel/display/trainingOutput';
import { MIME, type TrainingPayload } from '../../../src/protocol/mime';
import { RecordingSink, context, jsonBytes, tf, useCpu, type Shown } from './helpers';

before(useCpu);

const SAMPLES = 20,
  BATCH = 4,
  VALIDATION = 0.2; // 16 training samples → 4 batches per epoch
const BATCHES_PER_EPOCH = 4;

function tinyModel(): tf.Sequential {
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 2, activation: 'softmax' })] });
  model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

function tinyData(): { xs: tf.Tensor; ys: tf.Tensor } {
  return tf.tidy(() => ({
    xs: tf.randomNormal([SAMPLES, 3], 0, 1, 'float32', 1),
    ys: tf.oneHot(
      tf.tensor1d(
        Array.from({ length: SAMPLES }, (_, i) => i % 2),
        'int32',
      ),
      2,
    ),
  }));
}

const payloadOf = (s: Shown): TrainingPayload => s.bundle[MIME.training] as TrainingPayload;

describe('tfvis.show.fitCallbacks', () => {
  it('shows one output, updated per batch and epoch when unthrottled, with one epoch entry per epoch', async () => {
    const sink = new RecordingSink();
    const { tfvis } = createDisplayApi(context(sink, { liveUpdateIntervalMs: 0 }));
    const model = tinyModel();
    const { xs, ys } = tinyData();
    const epochs = 3;
    await model.fit(xs, ys, {
      epochs,
      batchSize: BATCH,
      validationSplit: VALIDATION,
      callbacks: tfvis.show.fitCallbacks({ name: 'Training', tab: 'Fit' }, ['loss', 'val_loss', 'acc', 'val_acc']),
    });

    assert.equal(sink.shown.length, 1 + epochs * BATCHES_PER_EPOCH + epochs + 1, 'initial + per batch + per epoch + final');
    const [first, ...updates] = sink.shown;
    assert.ok(first);
    assert.equal(first.options?.update, undefined);
    const displayId = first.options?.displayId;
    assert.ok(displayId);
    for (const u of updates) assert.deepEqual(u.options, { displayId, update: true });

    const final = payloadOf(sink.shown[sink.shown.length - 1]!);
    assert.equal(final.epochs.length, epochs);
    assert.deepEqual(
      final.epochs.map((e) => e.epoch),
      [1, 2, 3],
    );
    for (const e of final.epochs)
      for (const k of ['loss', 'val_loss', 'acc', 'val_acc']) assert.equal(typeof e[k], 'number', `epoch ${e.epoch} has ${k}`);
    assert.equal(final.batches?.length, epochs * BATCHES_PER_EPOCH);
    assert.deepEqual(
      final.batches?.map((b) => b.step),
      Array.from({ length: 12 }, (_, i) => i),
    );
    assert.equal(typeof final.batches?.[0]!.loss, 'number');
    assert.equal(final.title, 'Training');
    assert.deepEqual(final.metrics, ['loss', 'val_loss', 'acc', 'val_acc']);
    assert.ok(final.trainingId);
    assert.deepEqual(
      { ...final.progress, elapsedMs: 0 },
      { epoch: 3, totalEpochs: 3, batch: 4, batchesPerEpoch: 4, elapsedMs: 0, done: true, stopped: false },
    );

    const live = payloadOf(sink.shown[2]!);
    assert.equal(live.progress?.done, false);
    assert.equal(live.progress?.epoch, 1);
    assert.equal(live.progress?.batch, 2);

    const text = sink.shown[sink.shown.length - 1]!.bundle['text/plain'];
    assert.match(text, /^Training\ndone: epoch 3\/3/);
    assert.match(text, /epoch 3: loss \d+\.\d{4} · val_loss \d+\.\d{4} · acc \d+\.\d{4}/);
    assert.ok(String(sink.shown[0]!.bundle['image/svg+xml']).startsWith('<svg'));
    assert.match(String(sink.shown[sink.shown.length - 1]!.bundle['image/svg+xml']), /<path d="M/);
    tf.dispose([xs, ys]);
    model.dispose();
  });

  it('a large interval leaves only the first display and the final update', async () => {
    const sink = new RecordingSink();
    const { tfvis } = createDisplayApi(context(sink, { liveUpdateIntervalMs: 1e12 }));
    const model = tinyModel();
    const { xs, ys } = tinyData();
    await model.fit(xs, ys, { epochs: 3, batchSize: BATCH, callbacks: tfvis.show.fitCallbacks('t', ['loss']) });
    assert.equal(sink.shown.length, 2);
    const final = payloadOf(sink.shown[1]!);
    assert.equal(final.progress?.done, true);
    assert.equal(final.epochs.length, 3);
    tf.dispose([xs, ys]);
    model.dispose();
  });

  it('updates are at least the interval apart on the clock; the final one is always sent', async () => {
    let clock = 0;
    const sink = new RecordingSink(() => clock);
    const interval = 250;
    const { tfvis } = createDisplayApi(context(sink, { liveUpdateIntervalMs: interval, now: () => clock }));
    const model = tinyModel();
    const { xs, ys } = tinyData();
    const ticker = new tf.CustomCallback({
      onBatchEnd: () => {
        clock += 100;
      },
    });
    const epochs = 4;
    await model.fit(xs, ys, {
      epochs,
      batchSize: BATCH,
      callbacks: [ticker, tfvis.show.fitCallbacks('t', ['loss']) as unknown as tf.CustomCallback],
    });
    const batches = epochs * 5;
    assert.equal(clock, batches * 100);
    const times = sink.shown.map((s) => s.at);
    for (let i = 1; i < times.length - 1; i++)
      assert.ok(times[i]! - times[i - 1]! >= interval, `updates ${i - 1} and ${i} at ${times[i - 1]} and ${times[i]}`);
    assert.ok(sink.shown.length <= Math.floor(clock / interval) + 2, `${sink.shown.length} displays`);
    assert.ok(sink.shown.length < batches);
    const final = payloadOf(sink.shown[sink.shown.length - 1]!);
    assert.equal(final.progress?.done, true);
    assert.equal(final.epochs.length, epochs);
    assert.equal(final.progress?.elapsedMs, clock);
    tf.dispose([xs, ys]);
    model.dispose();
  });

  it('stopTraining(trainingId) stops fit after the current batch and marks the run stopped', async () => {
    const stops: boolean[] = [];
    let api: ReturnType<typeof createDisplayApi> | undefined;
    const sink = new RecordingSink(
      () => 0,
      (s) => {
        const id = payloadOf(s).trainingId!;
        // as the kernel would: the stop message arrives on a later turn of the event loop
        if (stops.length === 0) {
          stops.push(false);
          setImmediate(() => stops.push(api!.stopTraining(id)));
        }
      },
    );
    api = createDisplayApi(context(sink, { liveUpdateIntervalMs: 0 }));
    const model = tinyModel();
    const { xs, ys } = tinyData();
    const history = await model.fit(xs, ys, { epochs: 50, batchSize: BATCH, callbacks: api.tfvis.show.fitCallbacks('t', ['loss']) });
    assert.deepEqual(stops, [false, true]);
    // the stop arrived before the first batch ended: fit stops after that batch
    assert.equal(history.epoch.length, 1);
    const final = payloadOf(sink.shown[sink.shown.length - 1]!);
    assert.equal(final.batches?.length, 1);
    assert.equal(final.progress?.done, true);
    assert.equal(final.progress?.stopped, true);
    assert.equal(api.stopTraining(final.trainingId!), false, 'a finished run is not found');
    assert.equal(api.stopTraining('no-such-run'), false);
    tf.dispose([xs, ys]);
    model.dispose();
  });

  it('leaks no tensors', async () => {
    const sink = new RecordingSink();
    const { tfvis } = createDisplayApi(context(sink, { liveUpdateIntervalMs: 0 }));
    const model = tinyModel();
    const { xs, ys } = tinyData();
    await model.fit(xs, ys, { epochs: 1, batchSize: BATCH }); // creates the optimizer's variables
    const before = tf.memory().numTensors;
    await model.fit(xs, ys, {
      epochs: 2,
      batchSize: BATCH,
      validationSplit: VALIDATION,
      callbacks: tfvis.show.fitCallbacks('t', ['loss', 'acc']),
    });
    assert.equal(tf.memory().numTensors, before);
    tf.dispose([xs, ys]);
    model.dispose();
  });

  it('still works when fit wraps it with plain-object callbacks (no params, so no totals)', async () => {
    const sink = new RecordingSink();
    const { tfvis } = createDisplayApi(context(sink, { liveUpdateIntervalMs: 0 }));
    const model = tinyModel();
    const { xs, ys } = tinyData();
    const seen: number[] = [];
    const callbacks = [
      {
        onEpochEnd: async (epoch: number) => {
          seen.push(epoch);
        },
      },
      tfvis.show.fitCallbacks('t', ['loss', 'accuracy']),
    ];
    await model.fit(xs, ys, { epochs: 2, batchSize: BATCH, callbacks });
    assert.deepEqual(seen, [0, 1]);
    const final = payloadOf(sink.shown[sink.shown.length - 1]!);
    assert.equal(final.epochs.length, 2);
    assert.equal(final.progress?.done, true);
    assert.equal(final.progress?.totalEpochs, undefined);
    assert.deepEqual(final.metrics, ['loss', 'acc'], "'accuracy' is matched to the 'acc' tfjs logs");
    tf.dispose([xs, ys]);
    model.dispose();
  });

  it('toMimeBundle(history) shows the finished run', async () => {
    const model = tinyModel();
    const { xs, ys } = tinyData();
    const history = await model.fit(xs, ys, { epochs: 2, batchSize: BATCH, validationSplit: VALIDATION });
    const bundle = toMimeBundle(history, context(new RecordingSink()))!;
    const p = bundle[MIME.training] as TrainingPayload;
    assert.equal(p.epochs.length, 2);
    assert.equal(p.epochs[1]!.loss, history.history.loss![1]);
    assert.equal(p.epochs[1]!.val_acc, history.history.val_acc![1]);
    assert.match(bundle['text/plain'], /epoch 2: loss/);
    assert.ok(String(bundle['image/svg+xml']).startsWith('<svg'));
    tf.dispose([xs, ys]);
    model.dispose();
  });
});

describe('bounded training series', () => {
  it('DecimatedSeries keeps at most its size, spread over the run, always with the latest', () => {
    const s = new DecimatedSeries<number>(1000);
    for (let i = 0; i < 100_000; i++) s.add(i);
    const items = s.items();
    assert.ok(items.length <= 1000, `${items.length} items`);
    assert.ok(items.length >= 500);
    assert.equal(items[0], 0);
    assert.equal(items[items.length - 1], 99_999);
    for (let i = 1; i < items.length; i++) assert.ok(items[i]! > items[i - 1]!);
  });

  it('a very long run keeps its payload bounded', async () => {
    const rec = new TrainingRecorder();
    for (let i = 0; i < 200_000; i++) rec.addBatch({ loss: 1 / (i + 1), acc: i / 200_000 });
    for (let e = 1; e <= 5000; e++) rec.addEpoch(e, { loss: 1 / e, val_loss: 1.1 / e, acc: 0.5, val_acc: 0.4 });
    const { trainingBundle } = await import('../../../src/kernel/display/trainingOutput');
    const bundle = trainingBundle({ epochs: rec.epochs.items(), batches: rec.batches.items() }, 256 * 1024);
    assert.ok(jsonBytes(bundle) <= 256 * 1024, `${jsonBytes(bundle)} bytes`);
    const p = bundle[MIME.training] as TrainingPayload;
    assert.equal(p.epochs[p.epochs.length - 1]!.epoch, 5000);
    assert.equal(p.batches?.[p.batches.length - 1]!.step, 199_999);
  });
});
