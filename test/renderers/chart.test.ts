// The generic chart renderer in headless Chromium: line, scatter, bar, histogram, heatmap, table.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { usePage } from './harness';
import { CHART, charts } from './fixtures';

describe('chart renderer', () => {
  const page = usePage('dark');

  const legend = (out: string): Promise<string[]> =>
    page().page.locator(`${out} .u-legend .u-series:not(:first-child) .u-label`).allTextContents();

  test('line chart: one uPlot series per payload series on a shared x', async () => {
    const r = page();
    const out = await r.render(CHART, charts.line);
    assert.deepEqual(await legend(out), ['cosine', 'step']);
    assert.equal(await r.page.locator(`${out} .tfnb-chart`).getAttribute('data-points'), '50'); // same x values merged
    assert.equal(await r.page.locator(`${out} .tfnb-chart canvas`).count(), 1);
    await r.screenshot(out, 'chart-line');
  });

  test('scatter: every point keeps its own row, and logY gives a log scale', async () => {
    const r = page();
    const out = await r.render(CHART, charts.scatter);
    assert.deepEqual(await legend(out), ['class A', 'class B']);
    assert.equal(await r.page.locator(`${out} .tfnb-chart`).getAttribute('data-points'), '120');
    await r.screenshot(out, 'chart-scatter');
    const log = await r.render(CHART, {
      kind: 'line',
      logY: true,
      series: [
        {
          name: 'loss',
          points: [
            { x: 1, y: 1 },
            { x: 2, y: 0.1 },
            { x: 3, y: 0.01 },
          ],
        },
      ],
    });
    assert.equal(await r.page.locator(`${log} .tfnb-chart`).getAttribute('data-y-scale'), 'log');
  });

  test('string x values become categories', async () => {
    const r = page();
    const out = await r.render(CHART, {
      kind: 'line',
      series: [
        {
          name: 'acc',
          points: [
            { x: 'mlp', y: 0.9 },
            { x: 'cnn', y: 0.95 },
            { x: 'rnn', y: 0.93 },
          ],
        },
      ],
    });
    assert.equal(await r.page.locator(`${out} .tfnb-chart`).getAttribute('data-points'), '3');
  });

  test('bar chart: labels, values and bar lengths in proportion', async () => {
    const r = page();
    const out = await r.render(CHART, charts.bar);
    assert.deepEqual(await r.page.locator(`${out} .tfnb-bar-label`).allTextContents(), [
      'cat',
      'dog',
      'bird',
      'a label that is rather long',
    ]);
    assert.deepEqual(await r.page.locator(`${out} .tfnb-bar-value`).allTextContents(), ['0.83', '0.7', '0.9', '0.42']);
    const widths = await r.page.locator(`${out} .tfnb-bar-fill`).evaluateAll((els) => els.map((e) => e.getBoundingClientRect().width));
    assert.ok(Math.abs(widths[0]! / widths[2]! - 0.83 / 0.9) < 0.01, `bar widths ${widths.join(', ')}`);
    await r.screenshot(out, 'chart-bar');
    const negative = await r.render(CHART, {
      kind: 'bar',
      bars: [
        { label: 'up', value: 2 },
        { label: 'down', value: -1 },
      ],
    });
    const boxes = await r.page
      .locator(`${negative} .tfnb-bar-fill`)
      .evaluateAll((els) => els.map((e) => e.getBoundingClientRect()).map((b) => [b.left, b.right]));
    assert.ok(Math.abs(boxes[1]![1]! - boxes[0]![0]!) < 0.5, 'the negative bar ends where the positive one starts (at zero)');
  });

  test('histogram: one bar per bin', async () => {
    const r = page();
    const out = await r.render(CHART, charts.histogram);
    assert.equal(await r.page.locator(`${out} rect.tfnb-bar`).count(), 20);
    const firstTitle = await r.page.locator(`${out} rect.tfnb-bar title`).first().textContent();
    assert.equal(
      firstTitle,
      `[${Number(charts.histogram.binEdges[0]!.toPrecision(4))}, ${Number(charts.histogram.binEdges[1]!.toPrecision(4))}): ${charts.histogram.counts[0]}`,
    );
    await r.screenshot(out, 'chart-histogram');
  });

  test('heatmap: tick labels and cell details', async () => {
    const r = page();
    const out = await r.render(CHART, charts.heatmap);
    assert.deepEqual(await r.page.locator(`${out} .tfnb-heatmap-ticks-x .tfnb-tick`).allTextContents(), charts.heatmap.xTickLabels);
    assert.deepEqual(await r.page.locator(`${out} .tfnb-heatmap-ticks-y .tfnb-tick`).allTextContents(), charts.heatmap.yTickLabels);
    await r.page.locator(`${out} canvas.tfnb-heatmap-canvas`).focus();
    await r.page.keyboard.press('ArrowDown');
    assert.equal(await r.text(`${out} .tfnb-status`), `target chat, source the: ${Number(charts.heatmap.data[8]!.toPrecision(4))}`);
    // Ticks line up with the cells: the 3rd x label is centred over the 3rd column.
    const [tick, canvas] = await Promise.all([
      r.page.locator(`${out} .tfnb-heatmap-ticks-x .tfnb-tick`).nth(2).boundingBox(),
      r.page.locator(`${out} canvas.tfnb-heatmap-canvas`).boundingBox(),
    ]);
    const column = canvas!.width / charts.heatmap.cols;
    assert.ok(Math.abs(tick!.x + tick!.width / 2 - (canvas!.x + column * 2.5)) < 1, 'x tick centred on its column');
    await r.screenshot(out, 'chart-heatmap');
  });

  test("heatmap of a 129 × 61 spectrogram (05-speech): fills the output's width, and keeps thinned, non-overlapping tick labels", async () => {
    const r = page();
    const rows = 129;
    const cols = 61;
    const xTickLabels = Array.from({ length: cols }, (_, f) => `${((f * 128) / 8000).toFixed(2)} s`);
    const yTickLabels = Array.from({ length: rows }, (_, k) => `${Math.round(((rows - 1 - k) * 8000) / (2 * (rows - 1)))} Hz`);
    const data = Array.from({ length: rows * cols }, (_, i) => Math.sin(i / 7));
    const spectrogram = {
      kind: 'heatmap',
      title: 'Spectrogram',
      rows,
      cols,
      data,
      xTickLabels,
      yTickLabels,
      xLabel: 'time',
      yLabel: 'frequency',
    };
    const out = await r.render(CHART, spectrogram);
    const canvasBox = (await r.page.locator(`${out} canvas.tfnb-heatmap-canvas`).boundingBox())!;
    const outputWidth = (await r.page.locator(out).boundingBox())!.width;
    assert.ok(canvasBox.width > 0.7 * outputWidth, `the plot is ${canvasBox.width} px wide in an output of ${outputWidth} px`);
    assert.ok(Math.abs(canvasBox.height - 420) < 1, `the plot is ${canvasBox.height} px tall`);

    /** The labels shown on an axis, their centres, and whether any two overlap. */
    const ticks = async (axis: 'x' | 'y') => {
      const boxes = await r.page
        .locator(`${out} .tfnb-heatmap-ticks-${axis} .tfnb-tick`)
        .evaluateAll((els) => els.map((e) => ({ text: e.textContent ?? '', box: e.getBoundingClientRect().toJSON() as DOMRect })));
      const along = (b: DOMRect) => (axis === 'x' ? [b.left, b.right] : [b.top, b.bottom]);
      const overlaps = boxes.slice(1).some((t, i) => along(t.box)[0]! < along(boxes[i]!.box)[1]! - 0.5);
      return {
        texts: boxes.map((b) => b.text),
        centres: boxes.map((b) => (axis === 'x' ? b.box.x + b.box.width / 2 : b.box.y + b.box.height / 2)),
        overlaps,
      };
    };
    const x = await ticks('x');
    const y = await ticks('y');
    assert.equal(x.overlaps, false, `x labels overlap: ${x.texts.join(' ')}`);
    assert.equal(y.overlaps, false, `y labels overlap: ${y.texts.join(' ')}`);
    assert.ok(x.texts.length >= 10 && x.texts.length <= cols, `${x.texts.length} time labels`);
    assert.ok(y.texts.length >= 10, `${y.texts.length} frequency labels`);
    assert.equal(x.texts[0], '0.00 s');
    assert.equal(y.texts[0], '4000 Hz');
    // Each label is its own column's or row's: the label shown k-th is centred on its cell.
    const xStep = xTickLabels.indexOf(x.texts[1]!);
    assert.ok(Math.abs(x.centres[1]! - (canvasBox.x + ((xStep + 0.5) * canvasBox.width) / cols)) < 1, 'a time label sits on its column');
    const yStep = yTickLabels.indexOf(y.texts[1]!);
    assert.ok(Math.abs(y.centres[1]! - (canvasBox.y + ((yStep + 0.5) * canvasBox.height) / rows)) < 1, 'a frequency label sits on its row');
    await r.screenshot(out, 'chart-heatmap-spectrogram');

    // A narrower output: the plot narrows, and its time labels thin out to stay apart.
    await r.page.locator(out).evaluate((el) => {
      (el as HTMLElement).style.width = '420px';
    });
    await r.page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => done(null)))));
    const narrow = await ticks('x');
    assert.equal(narrow.overlaps, false, `x labels overlap when narrow: ${narrow.texts.join(' ')}`);
    assert.ok(narrow.texts.length < x.texts.length && narrow.texts.length >= 5, `${narrow.texts.length} time labels when narrow`);
  });

  test('heatmap: a given domain fixes the colour scale, null cells stay empty', async () => {
    const r = page();
    const out = await r.render(CHART, { kind: 'heatmap', rows: 1, cols: 3, data: [0.5, null, 2], domain: [0, 1], colorMap: 'greyscale' });
    const pixels = await r.page.locator(`${out} canvas.tfnb-heatmap-canvas`).evaluate((c) => {
      const ctx = (c as HTMLCanvasElement).getContext('2d')!;
      return [0, 1, 2].map((x) => Array.from(ctx.getImageData(x, 0, 1, 1).data));
    });
    assert.deepEqual(pixels, [
      [128, 128, 128, 255],
      [0, 0, 0, 0],
      [255, 255, 255, 255],
    ]); // 0.5 mid grey, null clear, 2 clamped to white
    assert.deepEqual(await r.page.locator(`${out} .tfnb-colorbar span`).allTextContents(), ['0', '1']);
  });

  test('histogram of one bin (a constant): one bar at its value with room on both sides, not a solid block', async () => {
    const r = page();
    const out = await r.render(CHART, { kind: 'histogram', binEdges: [-0.5, 0.5], counts: [16] });
    const svg = r.page.locator(`${out} svg.tfnb-histogram`);
    assert.match((await svg.getAttribute('aria-label')) ?? '', /: 1 bin from -0\.5 to 0\.5;/);
    const [bar, plot] = await svg.evaluate((el) => {
      const rect = el.querySelector('rect.tfnb-bar')!.getBoundingClientRect();
      const axis = el.querySelector('line.tfnb-axis-line')!.getBoundingClientRect();
      return [
        { left: rect.left, right: rect.right },
        { left: axis.left, right: axis.right },
      ];
    });
    const middle = (plot!.left + plot!.right) / 2;
    assert.ok(bar!.right - bar!.left < (plot!.right - plot!.left) / 3, `bar ${JSON.stringify(bar)} in plot ${JSON.stringify(plot)}`);
    assert.ok(bar!.left < middle && bar!.right > middle, 'centred on its value');
  });

  test('table: headers and cells, null as a dash', async () => {
    const r = page();
    const out = await r.render(CHART, charts.table);
    assert.deepEqual(await r.page.locator(`${out} thead th`).allTextContents(), ['model', 'accuracy', 'params', 'notes']);
    assert.deepEqual(await r.page.locator(`${out} tbody tr:first-child td`).allTextContents(), ['mlp', '0.9712', '101,770', '—']);
    await r.screenshot(out, 'chart-table');
  });
});
