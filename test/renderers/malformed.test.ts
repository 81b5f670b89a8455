// Malformed, oversized and hostile payloads in headless Chromium: a readable error box,
// never a blank output, and payload strings never become markup.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { usePage } from './harness';
import { CHART, CONFUSION, MODEL, TENSOR, TRAINING, bigTensor, charts, confusion3, modelSummary, smallTensor } from './fixtures';

interface BadCase {
  name: string;
  mime: string;
  payload?: unknown;
  rawText?: string;
  asObject?: boolean;
  reason: RegExp;
}

const XSS_IMG = '<img src=x onerror="window.__pwned=1">';
const XSS_SCRIPT = '<script>window.__pwned=2</script>';

const bigTable = {
  kind: 'table',
  headers: ['i', 'text'],
  rows: Array.from({ length: 30_000 }, (_, i) => [i, `row number ${i} of a table that is too big`]),
};

const CASES: BadCase[] = [
  { name: 'tensor without shape', mime: TENSOR, payload: { dtype: 'float32' }, reason: /^shape: expected a value \(required\)$/ },
  {
    name: 'tensor dtype of the wrong type',
    mime: TENSOR,
    payload: { shape: [2], dtype: 3 },
    reason: /^dtype: expected a string, got the number 3$/,
  },
  {
    name: 'negative dimension',
    mime: TENSOR,
    payload: { shape: [-1], dtype: 'float32' },
    reason: /^shape\[0\]: expected a whole number ≥ 0, got the number -1$/,
  },
  {
    name: 'size that contradicts the shape',
    mime: TENSOR,
    payload: { shape: [2, 3], dtype: 'float32', size: 7 },
    reason: /^size: expected the product of shape \(6\), got the number 7$/,
  },
  {
    name: 'values nested too shallow',
    mime: TENSOR,
    payload: { shape: [2, 2], dtype: 'float32', values: [1, 2] },
    reason: /^values\[0\]: expected a nested array 1 level\(s\) deep$/,
  },
  {
    name: 'values shorter than the shape',
    mime: TENSOR,
    payload: { shape: [3], dtype: 'float32', values: [1, 2] },
    reason: /^values: expected 3 entries \(the shape says so\), got 2$/,
  },
  {
    name: 'heatmap data of the wrong length',
    mime: TENSOR,
    payload: { ...smallTensor(), heatmap: { rows: 2, cols: 2, data: [1, 2, 3], sourceShape: [2, 2] } },
    reason: /^heatmap\.data: expected rows × cols = 4 values, got an array of 3$/,
  },
  {
    name: 'image that is not a PNG data URL',
    mime: TENSOR,
    payload: { ...smallTensor(), images: { width: 1, height: 1, channels: 1, pngDataUrls: ['javascript:alert(1)'], total: 1 } },
    reason: /^images\.pngDataUrls\[0\]: expected a PNG data URL/,
  },
  {
    name: 'NaN statistic (object with NaN)',
    mime: TENSOR,
    payload: { shape: [2], dtype: 'float32', stats: { min: NaN, max: 1, mean: 0, std: 0, nanCount: 0, infCount: 0 } },
    asObject: true,
    reason: /^stats\.min: expected a finite number, got NaN$/,
  },
  {
    name: 'NaN in JSON text',
    mime: TENSOR,
    rawText: '{"shape":[2],"dtype":"float32","size":NaN}',
    reason: /^The output is not valid JSON/,
  },
  { name: 'not JSON at all', mime: CHART, rawText: '<html>', reason: /^The output is not valid JSON/ },
  { name: 'null payload', mime: MODEL, payload: null, reason: /^payload: expected an object, got null$/ },
  { name: 'epochs not an array', mime: TRAINING, payload: { epochs: {} }, reason: /^epochs: expected an array, got an object$/ },
  {
    name: 'metric that is a string of markup',
    mime: TRAINING,
    payload: { epochs: [{ loss: XSS_IMG }] },
    reason: /^epochs\[0\]\.loss: expected a finite number or null, got a string$/,
  },
  {
    name: 'Infinity in a metric (object)',
    mime: TRAINING,
    payload: { epochs: [{ loss: Infinity }] },
    asObject: true,
    reason: /^epochs\[0\]\.loss: expected a finite number or null, got Infinity$/,
  },
  {
    name: 'progress without done',
    mime: TRAINING,
    payload: { epochs: [], progress: { epoch: 1, batch: 1, elapsedMs: 0 } },
    reason: /^progress\.done: expected a value \(required\)$/,
  },
  {
    name: 'matrix not square',
    mime: CONFUSION,
    payload: { classes: ['a', 'b'], matrix: [[1, 2], [3]] },
    reason: /^matrix\[1\]: expected 2 columns \(one per class\), got an array of 1$/,
  },
  {
    name: 'matrix rows ≠ classes, with markup class names',
    mime: CONFUSION,
    payload: { classes: [XSS_SCRIPT, XSS_IMG, 'c'], matrix: [[1]] },
    reason: /^matrix: expected 3 rows \(one per class\), got an array of 1$/,
  },
  {
    name: 'negative count (object with -Infinity)',
    mime: CONFUSION,
    payload: { classes: ['a'], matrix: [[-Infinity]] },
    asObject: true,
    reason: /^matrix\[0\]\[0\]: expected a finite number ≥ 0, got -Infinity$/,
  },
  { name: 'model summary without totals', mime: MODEL, payload: { layers: [] }, reason: /^totalParams: expected a value \(required\)$/ },
  {
    name: 'layer params as text',
    mime: MODEL,
    payload: { ...modelSummary(), layers: [{ name: 'd', className: 'Dense', outputShape: '[null,1]', params: '10', trainable: true }] },
    reason: /^layers\[0\]\.params: expected a whole number ≥ 0, got a string$/,
  },
  {
    name: 'unknown chart kind',
    mime: CHART,
    payload: { kind: 'pie', slices: [] },
    reason: /^kind: expected one of line, scatter, bar, histogram, heatmap, table, got a string$/,
  },
  {
    name: 'table cell that is an object',
    mime: CHART,
    payload: { kind: 'table', headers: ['a'], rows: [[{ html: XSS_IMG }]] },
    reason: /^rows\[0\]\[0\]: expected a string, a finite number or null, got an object$/,
  },
  {
    name: 'histogram edges ≠ counts + 1',
    mime: CHART,
    payload: { kind: 'histogram', binEdges: [0, 1], counts: [1, 2] },
    reason: /^binEdges: expected counts\.length \+ 1 = 3 edges, got an array of 2$/,
  },
  // Found by fuzz.test.ts: out-of-order edges drew bars at x = Infinity.
  {
    name: 'histogram edges out of order',
    mime: CHART,
    payload: { kind: 'histogram', binEdges: [1.5e-323, 1e308, 0.0208], counts: [190, 5503] },
    reason: /^binEdges\[2\]: expected an edge ≥ the one before \(1e\+308\), got the number 0\.0208$/,
  },
  {
    name: 'tensor histogram edges out of order',
    mime: TENSOR,
    payload: { ...smallTensor(), histogram: { binEdges: [0, 2, 1], counts: [1, 1] } },
    reason: /^histogram\.binEdges\[2\]: expected an edge ≥ the one before \(2\), got the number 1$/,
  },
  {
    name: 'oversized payload (> 1 MB)',
    mime: CHART,
    payload: bigTable,
    reason: /^The output is 1\.\d\d MB of JSON, over the 1\.00 MB limit: summarise it in the kernel\.$/,
  },
  {
    name: 'MIME type tfnb does not draw',
    mime: 'application/vnd.tfnb.unknown+json',
    payload: {},
    reason: /^tfnb does not draw application\/vnd\.tfnb\.unknown\+json$/,
  },
];

describe('malformed and hostile payloads', () => {
  const page = usePage('dark');

  /** Tags of every element inside the output element. */
  const tags = (out: string): Promise<string[]> =>
    page()
      .page.locator(`${out} *`)
      .evaluateAll((els) => els.map((e) => e.tagName.toLowerCase()));

  for (const c of CASES) {
    test(`${c.name}: error box with the reason`, async () => {
      const r = page();
      const out = await r.render(c.mime, c.payload, {
        ...(c.rawText !== undefined ? { rawText: c.rawText } : {}),
        ...(c.asObject ? { asObject: true } : {}),
      });
      const box = r.page.locator(`${out} .tfnb-error[role="alert"]`);
      assert.equal(await box.count(), 1);
      assert.match(await r.text(`${out} .tfnb-error-reason`), c.reason);
      assert.equal(await r.text(`${out} .tfnb-error-mime`), c.mime);
      assert.ok(((await box.boundingBox())?.height ?? 0) > 20, 'the box is visible, not a blank output');
      assert.deepEqual(await tags(out), ['div', 'div', 'div', 'div'], 'nothing but the error box');
    });
  }

  test('error box screenshot', async () => {
    const r = page();
    const out = await r.render(CONFUSION, { classes: ['a', 'b'], matrix: [[1, 2], [3]] });
    await r.screenshot(out, 'error-box');
  });

  test('markup in valid payloads is shown as text in every renderer', async () => {
    const r = page();
    const outs = [
      await r.render(MODEL, {
        ...modelSummary(),
        title: XSS_SCRIPT,
        layers: [{ name: XSS_IMG, className: XSS_SCRIPT, outputShape: '<b>x</b>', params: 1, trainable: true }],
        totalParams: 1,
        trainableParams: 1,
      }),
      await r.render(CONFUSION, { ...confusion3(), classes: [XSS_IMG, XSS_SCRIPT, '<b>bird</b>'] }),
      await r.render(TENSOR, { shape: [2], dtype: 'string', values: [XSS_IMG, 'ok'], title: XSS_SCRIPT }),
      await r.render(TRAINING, { epochs: [{ [XSS_IMG]: 1 }], title: XSS_SCRIPT, trainingId: XSS_IMG }),
      await r.render(CHART, {
        ...charts.table,
        headers: [XSS_IMG, 'b'],
        rows: [[XSS_SCRIPT, '<iframe src="javascript:parent.__pwned=3">']],
      }),
      await r.render(CHART, { ...charts.heatmap, xTickLabels: charts.heatmap.xTickLabels.map(() => XSS_IMG), title: XSS_SCRIPT }),
      await r.render(CHART, { ...charts.bar, bars: [{ label: XSS_IMG, value: 1 }] }),
      await r.render(CHART, { ...charts.line, series: [{ name: XSS_IMG, points: [{ x: XSS_SCRIPT, y: 1 }] }] }),
    ];
    for (const out of outs) {
      assert.equal(await r.page.locator(`${out} .tfnb-error`).count(), 0, `${out} rendered`);
      const injected = (await tags(out)).filter((t) => ['script', 'img', 'iframe', 'b'].includes(t));
      assert.deepEqual(injected, [], `${out}: no element made from payload text`);
    }
    assert.equal(await r.text(`${outs[0]} .tfnb-title`), XSS_SCRIPT);
    assert.equal(await r.text(`${outs[0]} tbody th`), `${XSS_IMG} (${XSS_SCRIPT})`);
    assert.equal(await r.text(`${outs[1]} table.tfnb-cm tbody th`), XSS_IMG);
    assert.equal(await r.text(`${outs[2]} td`), `'${XSS_IMG}'`);
    assert.equal(await r.text(`${outs[3]} select option`), XSS_IMG);
    assert.equal(await r.text(`${outs[4]} tbody td:last-child`), '<iframe src="javascript:parent.__pwned=3">');
    await r.page.waitForTimeout(50); // give any injected handler a chance to run
  });

  test('an exception while drawing becomes the error box, also from a toggle', async () => {
    const r = page();
    // A real browser failure inside drawing: the 2-D canvas refuses to paint.
    await r.page.evaluate(() => {
      const original = CanvasRenderingContext2D.prototype.putImageData;
      (window as unknown as { __restore: () => void }).__restore = () => (CanvasRenderingContext2D.prototype.putImageData = original);
      CanvasRenderingContext2D.prototype.putImageData = () => {
        throw new Error('canvas unavailable');
      };
    });
    try {
      const direct = await r.render(CHART, charts.heatmap);
      assert.equal(await r.text(`${direct} .tfnb-error-title`), 'tfnb: drawing this output failed');
      assert.equal(await r.text(`${direct} .tfnb-error-reason`), 'Error: canvas unavailable');

      const toggled = await r.render(TENSOR, bigTensor());
      await r.page.locator(`${toggled} button`, { hasText: 'Heatmap' }).click();
      assert.equal(await r.text(`${toggled} .tfnb-error-reason`), 'Error: canvas unavailable');
      assert.deepEqual(await tags(toggled), ['div', 'div', 'div', 'div']);
    } finally {
      await r.page.evaluate(() => (window as unknown as { __restore: () => void }).__restore());
    }
  });

  test('no injected script ran in any of them', async () => {
    assert.equal(await page().page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
  });
});
