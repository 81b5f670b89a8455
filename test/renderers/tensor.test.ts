// The tensor renderer in headless Chromium: stats, NumPy-style values grid, heatmap, images, histogram.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { usePage } from './harness';
import { TENSOR, bigTensor, imageTensor, nonFiniteTensor, pngDataUrl, smallTensor } from './fixtures';

describe('tensor renderer', () => {
  const page = usePage('dark');

  const stat = (out: string, name: string): Promise<string> => page().text(`${out} [data-stat="${name}"] dd`);

  test('shows shape, dtype, size and the statistics the kernel computed', async () => {
    const r = page();
    const payload = smallTensor();
    const out = await r.render(TENSOR, payload);
    assert.equal(await stat(out, 'shape'), '[3, 4]');
    assert.equal(await stat(out, 'dtype'), 'float32');
    assert.equal(await stat(out, 'size'), '12');
    assert.equal(await stat(out, 'min'), '-2');
    assert.equal(await stat(out, 'max'), '4.25');
    assert.equal(await stat(out, 'mean'), String(Number(payload.stats!.mean!.toPrecision(4))));
    assert.equal(await stat(out, 'std'), String(Number(payload.stats!.std!.toPrecision(4))));
    assert.equal(await stat(out, 'non-finite'), 'no NaN or ±Inf');
    assert.equal(await r.page.locator(`${out} [data-stat="NaN"]`).count(), 0);
    // A full (not summarised) 3×4 grid: 12 value cells, uniform 2 decimals like NumPy.
    const cells = await r.page.locator(`${out} table.tfnb-values tbody td`).allTextContents();
    assert.deepEqual(cells, ['0.50', '-1.25', '2.00', '3.50', '0.00', '1.00', '-2.00', '4.25', '1.50', '2.50', '-0.50', '3.00']);
    await r.screenshot(out, 'tensor-small');
  });

  test('summarises a 1000×1000 tensor with real edge indices and elision marks', async () => {
    const r = page();
    const payload = bigTensor();
    const out = await r.render(TENSOR, payload);
    assert.equal(await stat(out, 'size'), '1,000,000');
    const columnHeads = await r.page.locator(`${out} table.tfnb-values thead th`).allTextContents();
    assert.deepEqual(columnHeads, ['', '0', '1', '2', '…', '997', '998', '999']);
    const rowHeads = await r.page.locator(`${out} table.tfnb-values tbody th`).allTextContents();
    assert.deepEqual(rowHeads, ['0', '1', '2', '…', '997', '998', '999']);
    assert.equal(await r.page.locator(`${out} tr.tfnb-elided-row`).count(), 1);
    // Bottom-right cell is element [999, 999] of the tensor.
    const corner = r.page.locator(`${out} table.tfnb-values tbody tr:last-child td:last-child`);
    const last = ((payload.values as unknown[][])[6] as number[])[6]!;
    assert.equal(await corner.getAttribute('title'), `[999, 999] = ${last.toFixed(4)}`);
    await r.screenshot(out, 'tensor-big');
  });

  test('a payload holding every value of a big tensor is summarised by the renderer too', async () => {
    const r = page();
    // Valid, but not what the kernel sends: 50 × 50 = 2,500 values in full. Drawn like the
    // kernel's summary (thousands of cells froze the webview), with a note saying so.
    const values = Array.from({ length: 50 }, (_, i) => Array.from({ length: 50 }, (_, j) => i * 100 + j));
    const out = await r.render(TENSOR, { shape: [50, 50], dtype: 'int32', values });
    assert.deepEqual(await r.page.locator(`${out} table.tfnb-values thead th`).allTextContents(), [
      '',
      '0',
      '1',
      '2',
      '…',
      '47',
      '48',
      '49',
    ]);
    assert.deepEqual(await r.page.locator(`${out} table.tfnb-values tbody th`).allTextContents(), ['0', '1', '2', '…', '47', '48', '49']);
    assert.equal(
      await r.page.locator(`${out} table.tfnb-values tbody tr:last-child td:last-child`).getAttribute('title'),
      '[49, 49] = 4949',
    );
    assert.match(await r.text(`${out} .tfnb-panel .tfnb-note`), /^Only the edge values of long axes are shown/);
    // At 1,000 values or fewer, everything is shown.
    const small = await r.render(TENSOR, { shape: [1000], dtype: 'int32', values: Array.from({ length: 1000 }, (_, i) => i) });
    assert.equal(await r.page.locator(`${small} table.tfnb-values td`).count(), 1000);
  });

  test('heatmap toggle draws the downsampled grid with the colour scale', async () => {
    const r = page();
    const payload = bigTensor();
    const out = await r.render(TENSOR, payload);
    await r.page.locator(`${out} button`, { hasText: 'Heatmap' }).click();
    assert.equal(await r.page.locator(`${out} button[aria-pressed="true"]`).textContent(), 'Heatmap');
    const data = payload.heatmap!.data as number[]; // the fixture has no NaN blocks
    const minAt = data.indexOf(Math.min(...data));
    const maxAt = data.indexOf(Math.max(...data));
    const pixels = await r.page.evaluate(
      ([sel, a, b]) => {
        const canvas = document.querySelector<HTMLCanvasElement>(`${sel} canvas.tfnb-heatmap-canvas`)!;
        const ctx = canvas.getContext('2d')!;
        const at = (i: number) => Array.from(ctx.getImageData(i % canvas.width, Math.floor(i / canvas.width), 1, 1).data);
        return { width: canvas.width, height: canvas.height, min: at(a), max: at(b) };
      },
      [out, minAt, maxAt] as const,
    );
    assert.equal(pixels.width, 64);
    assert.equal(pixels.height, 64);
    assert.deepEqual(pixels.min, [68, 1, 84, 255]); // viridis, low end
    assert.deepEqual(pixels.max, [253, 231, 37, 255]); // viridis, high end
    // Keyboard: focus the heatmap, move right, read the cell's source range and value.
    await r.page.locator(`${out} canvas.tfnb-heatmap-canvas`).focus();
    await r.page.keyboard.press('ArrowRight');
    const status = await r.text(`${out} .tfnb-heatmap .tfnb-status`);
    assert.match(status, /^rows 0–14, cols 15–30: ≈ /);
    assert.ok(status.endsWith(String(Number(data[1]!.toPrecision(4)))), status);
    await r.screenshot(out, 'tensor-heatmap');
    // Back to the values grid.
    await r.page.locator(`${out} button`, { hasText: 'Values' }).click();
    assert.equal(await r.page.locator(`${out} canvas.tfnb-heatmap-canvas`).count(), 0);
    assert.equal(await r.page.locator(`${out} table.tfnb-values`).count(), 1);
  });

  test('image-like tensors open on the image grid, with a toggle to the values', async () => {
    const r = page();
    const out = await r.render(TENSOR, imageTensor());
    const images = r.page.locator(`${out} .tfnb-images img`);
    assert.equal(await images.count(), 4);
    const decoded = await images.evaluateAll((imgs) =>
      Promise.all((imgs as HTMLImageElement[]).map((img) => img.decode().then(() => [img.naturalWidth, img.naturalHeight, img.alt]))),
    );
    assert.deepEqual(decoded[0], [28, 28, 'image 1 of 4']);
    await r.screenshot(out, 'tensor-images');
    await r.page.locator(`${out} button`, { hasText: 'Values' }).click();
    assert.equal(await images.count(), 0);
    assert.deepEqual(await r.page.locator(`${out} .tfnb-slice-label`).allTextContents(), [
      '[0, 0, :, :]',
      '[0, 1, :, :]',
      '[0, 2, :, :]',
      '[0, 25, :, :]',
      '[0, 26, :, :]',
      '[0, 27, :, :]',
      '[1, 0, :, :]',
      '[1, 1, :, :]',
      '[1, 2, :, :]',
      '[1, 25, :, :]',
      '[1, 26, :, :]',
      '[1, 27, :, :]',
      '[2, 0, :, :]',
      '[2, 1, :, :]',
      '[2, 2, :, :]',
      '[2, 25, :, :]',
      '[2, 26, :, :]',
      '[2, 27, :, :]',
      '[3, 0, :, :]',
      '[3, 1, :, :]',
      '[3, 2, :, :]',
      '[3, 25, :, :]',
      '[3, 26, :, :]',
      '[3, 27, :, :]',
    ]);
    assert.equal(await r.page.locator(`${out} .tfnb-elided-slices`).first().textContent(), '⋮ 22 more along axis 1');
    await r.page.locator(`${out} button`, { hasText: 'Images' }).click();
    assert.equal(await images.count(), 4);
  });

  test('downscaled or dropped images: the note gives the real shape and says why', async () => {
    const r = page();
    // As the kernel sends a [10, 129, 61, 1] batch over budget: 2 PNGs, each halved to 65 × 31.
    const url = pngDataUrl(31, 65, 1, new Uint8Array(31 * 65).fill(128));
    const out = await r.render(TENSOR, {
      shape: [10, 129, 61, 1],
      dtype: 'float32',
      images: { width: 31, height: 65, channels: 1, pngDataUrls: [url, url], total: 10 },
    });
    assert.equal(
      await r.text(`${out} .tfnb-panel .tfnb-note`),
      "10 grayscale images, 129 × 61; showing the first 2: the rest do not fit the output's size budget; stored at 65 × 31 to fit the output's size budget",
    );
    const images = r.page.locator(`${out} .tfnb-images img`);
    assert.equal(await images.count(), 2);
    assert.deepEqual(await r.page.locator(`${out} .tfnb-images figcaption`).allTextContents(), ['0', '1'], 'one caption per image shown');
    // Drawn at the tensor's size (61 wide, 129 high), not the stored PNG's.
    assert.deepEqual(
      await images.first().evaluate((img) => [(img as HTMLImageElement).width, (img as HTMLImageElement).height]),
      [61, 129],
    );
    // 40 images where the kernel's view sends at most 32: the note names that limit, not the size budget.
    const capped = await r.render(TENSOR, {
      shape: [40, 129, 61, 1],
      dtype: 'float32',
      images: { width: 61, height: 129, channels: 1, pngDataUrls: Array.from({ length: 32 }, () => url), total: 40, limit: 32 },
    });
    assert.equal(
      await r.text(`${capped} .tfnb-panel .tfnb-note`),
      "40 grayscale images, 129 × 61; showing the first 32: a tensor's view holds at most 32 (display.images shows up to 200, with captions)",
    );
    const whole = await r.render(TENSOR, imageTensor());
    assert.equal(await r.text(`${whole} .tfnb-panel .tfnb-note`), '4 grayscale images, 28 × 28');
  });

  test('NaN and Infinity show as nan/inf and their counts are flagged', async () => {
    const r = page();
    const out = await r.render(TENSOR, nonFiniteTensor());
    assert.equal(await stat(out, 'NaN'), '1 value');
    assert.equal(await stat(out, '±Inf'), '2 values');
    assert.equal(await r.page.locator(`${out} [data-stat="NaN"].tfnb-warn`).count(), 1);
    const flagged = await r.page.locator(`${out} td.tfnb-nonfinite`).allTextContents();
    assert.deepEqual(flagged, ['nan', 'inf', '-inf']);
    assert.deepEqual(await r.page.locator(`${out} .tfnb-slice-label`).allTextContents(), ['[0, :, :]', '[1, :, :]']);
    await r.screenshot(out, 'tensor-nonfinite');
  });

  test('a constant tensor says its value in words instead of a histogram block', async () => {
    const r = page();
    const zeros = Array.from({ length: 4 }, () => [0, 0, 0, 0]);
    const stats = { min: 0, max: 0, mean: 0, std: 0, nanCount: 0, infCount: 0 };
    const out = await r.render(TENSOR, {
      shape: [4, 4],
      dtype: 'float32',
      values: zeros,
      stats,
      histogram: { binEdges: [-0.5, 0.5], counts: [16] },
    });
    assert.equal(await r.page.locator(`${out} svg.tfnb-histogram`).count(), 0);
    assert.equal(await r.text(`${out} .tfnb-tensor-constant`), 'all 16 values are 0');
    const withNaN = await r.render(TENSOR, {
      shape: [4],
      dtype: 'float32',
      values: [2.5, 'NaN', 2.5, 2.5],
      stats: { ...stats, min: 2.5, max: 2.5, mean: 2.5, nanCount: 1 },
      histogram: { binEdges: [2, 3], counts: [3] },
    });
    assert.equal(await r.text(`${withNaN} .tfnb-tensor-constant`), 'all 3 finite values are 2.5');
    assert.equal(await stat(withNaN, 'NaN'), '1 value');
  });

  test('histogram has one bar per bin, each with its range and count', async () => {
    const r = page();
    const payload = smallTensor();
    const out = await r.render(TENSOR, payload);
    const bars = r.page.locator(`${out} svg.tfnb-histogram rect.tfnb-bar`);
    assert.equal(await bars.count(), payload.histogram!.counts.length);
    const i = payload.histogram!.counts.findIndex((c) => c > 0);
    const title = await bars.nth(i).locator('title').textContent();
    assert.match(title ?? '', new RegExp(`: ${payload.histogram!.counts[i]}$`));
  });

  test('scalars and an update in place keep the chosen view', async () => {
    const r = page();
    const scalar = await r.render(TENSOR, { shape: [], dtype: 'int32', size: 1, values: 42 });
    assert.equal(await r.text(`${scalar} .tfnb-scalar`), '42');
    const out = await r.render(TENSOR, bigTensor(), { slot: 'kept' });
    await r.page.locator(`${out} button`, { hasText: 'Heatmap' }).click();
    await r.render(TENSOR, { ...bigTensor(), title: 'updated' }, { slot: 'kept' });
    assert.equal(await r.text(`${out} .tfnb-title`), 'updated');
    assert.equal(await r.page.locator(`${out} button[aria-pressed="true"]`).textContent(), 'Heatmap');
  });
});
