// The model-summary renderer in headless Chromium: the Keras-like layer table and totals.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { usePage } from './harness';
import { MODEL, modelSummary } from './fixtures';

describe('model summary renderer', () => {
  const page = usePage('dark');

  test('lists every layer with type, output shape, parameters and trainability', async () => {
    const r = page();
    const out = await r.render(MODEL, modelSummary());
    assert.equal(await r.text(`${out} .tfnb-model-name`), '"sequential_1"');
    const rows = await r.page
      .locator(`${out} table.tfnb-summary tbody tr`)
      .evaluateAll((trs) => trs.map((tr) => Array.from(tr.children, (c) => c.textContent)));
    assert.equal(rows.length, 6);
    assert.deepEqual(rows[2], ['conv2d_Conv2D2 (Conv2D)', '[null,11,11,16]', '1,168', 'yes']);
    assert.deepEqual(rows[4], ['dense_Dense1 (Dense)', '[null,64]', '123,968', 'no']);
    assert.equal(await r.page.locator(`${out} tr.tfnb-frozen`).count(), 1);
    await r.screenshot(out, 'model-summary');
  });

  test('shows total, trainable and non-trainable parameters with their float32 size', async () => {
    const r = page();
    const out = await r.render(MODEL, modelSummary());
    assert.equal(await r.text(`${out} [data-total="total"]`), 'Total params:125,866 (491.66 KB)');
    assert.equal(await r.text(`${out} [data-total="trainable"]`), 'Trainable params:1,898 (7.41 KB)');
    assert.equal(await r.text(`${out} [data-total="non-trainable"]`), 'Non-trainable params:123,968 (484.25 KB)');
  });

  test('a placeholder row stands for layers the kernel left out', async () => {
    const r = page();
    const model = modelSummary();
    const layers = [
      model.layers[0]!,
      { name: '… 40 more layers', className: '', outputShape: '', params: 5000, trainable: true },
      model.layers[5]!,
    ];
    const out = await r.render(MODEL, { ...model, layers, omittedLayers: 40 });
    const placeholder = await r.page.locator(`${out} tr.tfnb-placeholder > *`).allTextContents();
    assert.deepEqual(placeholder, ['… 40 more layers', '', '5,000', '']);
    assert.equal(await r.text(`${out} .tfnb-note`), '40 layers are not listed; the totals include them.');
  });

  test('an empty model says so', async () => {
    const r = page();
    const out = await r.render(MODEL, { layers: [], totalParams: 0, trainableParams: 0, nonTrainableParams: 0, title: 'empty' });
    assert.equal(await r.text(`${out} table.tfnb-summary tbody`), 'No layers.');
    assert.equal(await r.text(`${out} [data-total="total"] dd`), '0 (0 B)');
  });
});
