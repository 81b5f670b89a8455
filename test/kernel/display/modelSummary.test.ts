import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createDisplayApi, toMimeBundle } from '../../../src/kernel/display/index';
import { MIME, type ModelSummaryPayload } from '../../../src/protocol/mime';
import { RecordingSink, context, jsonBytes, tf, useCpu } from './helpers';

before(useCpu);

const ctx = context(new RecordingSink());
const summaryOf = (
  model: tf.LayersModel,
  maxPayloadBytes?: number,
): { text: string; payload: ModelSummaryPayload; bytes: number; svg: unknown } => {
  const bundle = toMimeBundle(model, maxPayloadBytes ? { ...ctx, maxPayloadBytes } : ctx)!;
  return {
    text: bundle['text/plain'],
    payload: bundle[MIME.modelSummary] as ModelSummaryPayload,
    bytes: jsonBytes(bundle),
    svg: bundle['image/svg+xml'],
  };
};

describe('model summary', () => {
  it('totals match model.countParams(), split into trainable and non-trainable', () => {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [3], units: 8, activation: 'relu' }),
        tf.layers.batchNormalization(),
        tf.layers.dense({ units: 2, activation: 'softmax' }),
      ],
    });
    const { payload, text, svg } = summaryOf(model);
    assert.equal(payload.totalParams, model.countParams());
    assert.equal(payload.totalParams, 32 + 32 + 18);
    assert.equal(payload.nonTrainableParams, 16, 'batch norm moving mean and variance');
    assert.equal(payload.trainableParams, 66);
    assert.deepEqual(
      payload.layers.map((l) => [l.className, l.outputShape, l.params]),
      [
        ['Dense', '[null,8]', 32],
        ['BatchNormalization', '[null,8]', 32],
        ['Dense', '[null,2]', 18],
      ],
    );
    assert.equal(
      payload.layers.reduce((n, l) => n + l.params, 0),
      model.countParams(),
    );
    assert.equal(payload.name, model.name);
    assert.match(text, /Layer \(type\)\s+Output shape\s+Param #/);
    assert.match(text, /Total params: 82\nTrainable params: 66\nNon-trainable params: 16/);
    assert.ok(String(svg).startsWith('<svg') && String(svg).includes('Total params: 82'));

    model.layers[0]!.trainable = false;
    const frozen = summaryOf(model).payload;
    assert.equal(frozen.totalParams, model.countParams());
    assert.equal(frozen.trainableParams, 66 - 32);
    assert.equal(frozen.layers[0]!.trainable, false);
    model.dispose();
  });

  it('a functional model with two outputs', () => {
    const input = tf.input({ shape: [4] });
    const hidden = tf.layers.dense({ units: 5, name: 'hidden' }).apply(input) as tf.SymbolicTensor;
    const a = tf.layers.dense({ units: 1, name: 'a' }).apply(hidden) as tf.SymbolicTensor;
    const b = tf.layers.dense({ units: 3, name: 'b' }).apply(hidden) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: [a, b] });
    const { payload } = summaryOf(model);
    assert.equal(payload.totalParams, model.countParams());
    assert.deepEqual(
      payload.layers.map((l) => l.name),
      [model.layers[0]!.name, 'hidden', 'a', 'b'],
    );
    assert.equal(payload.layers[0]!.className, 'InputLayer');
    assert.equal(payload.layers[0]!.outputShape, '[null,4]');
    model.dispose();
  });

  it('a deep model stays under the bound, its totals intact', () => {
    const layers = [tf.layers.dense({ inputShape: [2], units: 2 }), ...Array.from({ length: 150 }, () => tf.layers.dense({ units: 2 }))];
    const model = tf.sequential({ layers });
    const { payload, bytes } = summaryOf(model, 12 * 1024);
    assert.ok(bytes <= 12 * 1024, `${bytes} bytes`);
    assert.ok(payload.layers.length < 151);
    assert.match(payload.layers.find((l) => l.name.includes('more layers'))?.name ?? '', /… \d+ more layers/);
    assert.equal(payload.totalParams, model.countParams());
    assert.equal(
      payload.layers.reduce((n, l) => n + l.params, 0),
      model.countParams(),
      'the gap row carries the omitted params',
    );
    model.dispose();
  });

  it('tfvis.show.modelSummary displays it with the surface name as title', async () => {
    const sink = new RecordingSink();
    const { tfvis } = createDisplayApi(context(sink));
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [1], units: 1 })] });
    await tfvis.show.modelSummary({ name: 'Model Summary', tab: 'Model Inspection' }, model);
    const p = sink.shown[0]!.bundle[MIME.modelSummary] as ModelSummaryPayload;
    assert.equal(p.title, 'Model Summary');
    assert.equal(p.totalParams, 2);
    await assert.rejects(tfvis.show.modelSummary('x', {} as tf.LayersModel), TypeError);
    model.dispose();
  });
});
