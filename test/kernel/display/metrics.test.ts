import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createDisplayApi } from '../../../src/kernel/display/index';
import { RecordingSink, context, tf, useCpu } from './helpers';
import { MIME, type ConfusionMatrixPayload } from '../../../src/protocol/mime';

before(useCpu);

const close = (a: number, b: number, what: string): void => assert.ok(Math.abs(a - b) < 1e-9, `${what}: ${a} vs ${b}`);

describe('tfvis.metrics', () => {
  const { tfvis } = createDisplayApi(context(new RecordingSink()));

  it('confusionMatrix counts (label, prediction) pairs, rows = labels', async () => {
    const labels = tf.tensor1d([0, 0, 1, 2, 2, 2], 'int32');
    const preds = tf.tensor1d([0, 1, 1, 2, 0, 1], 'int32');
    assert.deepEqual(await tfvis.metrics.confusionMatrix(labels, preds), [
      [1, 1, 0],
      [0, 1, 0],
      [1, 1, 1],
    ]);
    assert.deepEqual(await tfvis.metrics.confusionMatrix(labels, preds, 4), [
      [1, 1, 0, 0],
      [0, 1, 0, 0],
      [1, 1, 1, 0],
      [0, 0, 0, 0],
    ]);
    const weights = tf.tensor1d([1, 2, 3, 4, 5, 6]);
    assert.deepEqual(await tfvis.metrics.confusionMatrix(labels, preds, 3, weights), [
      [1, 2, 0],
      [0, 3, 0],
      [5, 6, 4],
    ]);
    tf.dispose([labels, preds, weights]);
  });

  it('reads float ids, [n,1] ids and [n,k] scores (argmax)', async () => {
    const labels = tf.tensor2d([[0], [1], [1]]);
    const scores = tf.tensor2d([
      [0.9, 0.1],
      [0.2, 0.8],
      [0.6, 0.4],
    ]);
    assert.deepEqual(await tfvis.metrics.confusionMatrix(labels, scores), [
      [1, 0],
      [1, 1],
    ]);
    assert.deepEqual(await tfvis.metrics.confusionMatrix([0, 1, 1], [0, 1, 0]), [
      [1, 0],
      [1, 1],
    ]);
    tf.dispose([labels, scores]);
  });

  it('rejects ids outside 0..numClasses-1 and mismatched lengths', async () => {
    await assert.rejects(tfvis.metrics.confusionMatrix([0, 3], [0, 1], 2), RangeError);
    await assert.rejects(tfvis.metrics.confusionMatrix([0, 1, 1], [0, 1]), /same length/);
  });

  it('accuracy is the fraction of equal elements, as in tfjs-vis', async () => {
    const labels = tf.tensor1d([0, 0, 1, 2, 2, 2]);
    const preds = tf.tensor1d([0, 0, 0, 2, 1, 1]);
    close(await tfvis.metrics.accuracy(labels, preds), 3 / 6, 'accuracy');
    const short = tf.tensor1d([1, 2]);
    await assert.rejects(tfvis.metrics.accuracy(labels, short), /Shapes/);
    tf.dispose([labels, preds, short]);
  });

  it('perClassAccuracy gives accuracy and count per class (0 for a class without samples)', async () => {
    const result = await tfvis.metrics.perClassAccuracy(tf.tensor1d([0, 0, 1, 2, 2, 2]), tf.tensor1d([0, 0, 0, 2, 1, 1]), 4);
    assert.deepEqual(
      result.map((r) => r.count),
      [2, 1, 3, 0],
    );
    close(result[0]!.accuracy, 1, 'class 0');
    close(result[1]!.accuracy, 0, 'class 1');
    close(result[2]!.accuracy, 1 / 3, 'class 2');
    assert.equal(result[3]!.accuracy, 0);
  });

  it('precisionRecallF1 matches hand-computed values, 0 (not NaN) for a class never predicted', async () => {
    // labels:      0 0 0 1 1 2 2 2
    // predictions: 0 0 1 1 0 0 0 1   → class 2 is never predicted
    const r = await tfvis.metrics.precisionRecallF1([0, 0, 0, 1, 1, 2, 2, 2], [0, 0, 1, 1, 0, 0, 0, 1]);
    assert.deepEqual(r.confusionMatrix, [
      [2, 1, 0],
      [1, 1, 0],
      [2, 1, 0],
    ]);
    // class 0: tp 2, predicted 5, support 3 → p 0.4, r 2/3, f1 0.5
    close(r.perClass[0]!.precision, 0.4, 'p0');
    close(r.perClass[0]!.recall, 2 / 3, 'r0');
    close(r.perClass[0]!.f1, 0.5, 'f0');
    // class 1: tp 1, predicted 3, support 2 → p 1/3, r 0.5, f1 0.4
    close(r.perClass[1]!.precision, 1 / 3, 'p1');
    close(r.perClass[1]!.recall, 0.5, 'r1');
    close(r.perClass[1]!.f1, 0.4, 'f1');
    // class 2: never predicted → precision 0, recall 0, f1 0
    assert.deepEqual(r.perClass[2], { precision: 0, recall: 0, f1: 0, support: 3 });
    assert.deepEqual(
      r.perClass.map((c) => c.support),
      [3, 2, 3],
    );
    close(r.accuracy, 3 / 8, 'accuracy');
    close(r.macro.precision, (0.4 + 1 / 3 + 0) / 3, 'macro p');
    close(r.macro.recall, (2 / 3 + 0.5 + 0) / 3, 'macro r');
    close(r.macro.f1, (0.5 + 0.4 + 0) / 3, 'macro f1');
    close(r.weighted.precision, (0.4 * 3 + (1 / 3) * 2) / 8, 'weighted p');
    close(r.weighted.recall, ((2 / 3) * 3 + 0.5 * 2) / 8, 'weighted r');
    close(r.weighted.f1, (0.5 * 3 + 0.4 * 2) / 8, 'weighted f1');
    assert.equal(r.support, 8);
    assert.ok(!JSON.stringify(r).includes('null'), 'no NaN anywhere');
  });

  it('precisionRecallF1 leaves classes absent from labels and predictions out of the macro average', async () => {
    const r = await tfvis.metrics.precisionRecallF1([0, 0, 2], [0, 0, 2], 4);
    assert.equal(r.perClass.length, 4);
    close(r.macro.f1, 1, 'macro f1 over classes 0 and 2');
    close(r.accuracy, 1, 'accuracy');
  });

  it('creates no tensors', async () => {
    const labels = tf.tensor1d([0, 1, 2, 1]);
    const preds = tf.tensor1d([0, 2, 2, 1]);
    const before = tf.memory().numTensors;
    await tfvis.metrics.confusionMatrix(labels, preds);
    await tfvis.metrics.accuracy(labels, preds);
    await tfvis.metrics.perClassAccuracy(labels, preds);
    await tfvis.metrics.precisionRecallF1(labels, preds);
    assert.equal(tf.memory().numTensors, before);
    tf.dispose([labels, preds]);
  });
});

describe('confusion matrix outputs', () => {
  it('show.confusionMatrix displays the matrix, per-class metrics, a text table and an SVG heatmap', async () => {
    const sink = new RecordingSink();
    const { tfvis } = createDisplayApi(context(sink));
    await tfvis.show.confusionMatrix({ name: 'Eval <test>' }, [0, 0, 0, 1, 1, 2, 2, 2], [0, 0, 1, 1, 0, 0, 0, 1], ['cat', 'dog', 'mouse']);
    assert.equal(sink.shown.length, 1);
    const b = sink.shown[0]!.bundle;
    const p = b[MIME.confusionMatrix] as ConfusionMatrixPayload;
    assert.deepEqual(p.classes, ['cat', 'dog', 'mouse']);
    assert.deepEqual(p.matrix, [
      [2, 1, 0],
      [1, 1, 0],
      [2, 1, 0],
    ]);
    assert.equal(p.perClass?.[2]!.precision, 0);
    assert.equal(p.accuracy, 0.375);
    assert.match(b['text/plain'], /cat\s+2\s+1\s+0/);
    const svg = String(b['image/svg+xml']);
    assert.ok(svg.startsWith('<svg') && svg.includes('Eval &lt;test&gt;') && !svg.includes('<test>'));
  });

  it('a matrix with very many classes stays under the payload bound', async () => {
    const sink = new RecordingSink();
    const { tfvis } = createDisplayApi(context(sink, { maxPayloadBytes: 64 * 1024 }));
    const n = 300;
    const values = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 50 + i : (i * j) % 7)));
    await tfvis.render.confusionMatrix('big', { values });
    const b = sink.shown[0]!.bundle;
    assert.ok(Buffer.byteLength(JSON.stringify(b)) <= 64 * 1024);
    const p = b[MIME.confusionMatrix] as ConfusionMatrixPayload;
    assert.ok(p.classes.length < n && p.matrix.length === p.classes.length);
    assert.match(p.title ?? '', /of 300 classes/);
  });
});
