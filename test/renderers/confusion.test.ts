// The confusion-matrix renderer in headless Chromium: cells, toggle, colours, keyboard, report.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { usePage } from './harness';
import { CONFUSION, confusion10, confusion3 } from './fixtures';

describe('confusion matrix renderer', () => {
  const page = usePage('dark');

  const cell = (out: string, row: number, col: number) => page().page.locator(`${out} td[data-row="${row}"][data-col="${col}"]`);
  const reportRow = async (out: string, name: string): Promise<string[]> =>
    page().page.locator(`${out} table.tfnb-report tr[data-class="${name}"] > *`).allTextContents();

  test('shows counts with class names, and details on hover', async () => {
    const r = page();
    const out = await r.render(CONFUSION, confusion3());
    assert.deepEqual(await r.page.locator(`${out} table.tfnb-cm thead th`).allTextContents(), ['true ╲ predicted', 'cat', 'dog', 'bird']);
    assert.deepEqual(await r.page.locator(`${out} table.tfnb-cm tbody th`).allTextContents(), ['cat', 'dog', 'bird']);
    assert.equal(await cell(out, 1, 0).textContent(), '10'); // true dog, predicted cat
    assert.equal(await cell(out, 1, 0).getAttribute('title'), 'true dog, predicted cat: 10 (20.0% of true dog)');
    await cell(out, 2, 2).hover();
    assert.equal(await r.text(`${out} > .tfnb-output > .tfnb-status`), 'true bird, predicted bird: 36 (90.0% of true bird)');
    assert.match(await r.text(`${out} .tfnb-heading`), /150 samples · accuracy 80\.7%/);
    await r.screenshot(out, 'confusion-3');
  });

  test('per-class precision, recall, F1, support and the averages are computed from the matrix', async () => {
    const r = page();
    const out = await r.render(CONFUSION, confusion3());
    // By hand: column sums 60, 47, 43; row sums 60, 50, 40; trace 121 of 150.
    assert.deepEqual(await reportRow(out, 'cat'), ['cat', '0.833', '0.833', '0.833', '60']);
    assert.deepEqual(await reportRow(out, 'dog'), ['dog', '0.745', '0.700', '0.722', '50']); // 35/47, 35/50
    assert.deepEqual(await reportRow(out, 'bird'), ['bird', '0.837', '0.900', '0.867', '40']); // 36/43, 36/40
    assert.deepEqual(await reportRow(out, 'accuracy'), ['accuracy', '', '', '0.807', '150']);
    assert.deepEqual(await reportRow(out, 'macro avg'), ['macro avg', '0.805', '0.811', '0.807', '150']);
    assert.deepEqual(await reportRow(out, 'weighted avg'), ['weighted avg', '0.805', '0.807', '0.805', '150']);
  });

  test('row-normalised toggle shows each row as percentages, and back', async () => {
    const r = page();
    const out = await r.render(CONFUSION, confusion3());
    await r.page.locator(`${out} button`, { hasText: 'Normalised by row' }).click();
    const row = async (i: number) => r.page.locator(`${out} td[data-row="${i}"]`).allTextContents();
    assert.deepEqual(await row(0), ['83%', '13%', '3%']);
    assert.deepEqual(await row(1), ['20%', '70%', '10%']);
    // Colour follows the shown value: the full row share of bird→bird (90%) is the strongest.
    const style = await cell(out, 2, 2).getAttribute('style');
    assert.match(style ?? '', /var\(--tfnb-accent\) 91%/); // 0.08 + 0.92 × 0.9
    assert.equal(await cell(out, 2, 0).getAttribute('style'), null); // zero count: no tint at all
    await r.page.locator(`${out} button`, { hasText: 'Counts' }).click();
    assert.deepEqual(await row(0), ['50', '8', '2']);
  });

  test('arrow keys move through the cells and announce them', async () => {
    const r = page();
    const out = await r.render(CONFUSION, confusion3());
    await cell(out, 0, 0).focus();
    await r.page.keyboard.press('ArrowDown');
    await r.page.keyboard.press('ArrowRight');
    const focused = await r.page.evaluate(() => [
      document.activeElement?.getAttribute('data-row'),
      document.activeElement?.getAttribute('data-col'),
    ]);
    assert.deepEqual(focused, ['1', '1']);
    assert.equal(await cell(out, 1, 1).getAttribute('tabindex'), '0');
    assert.equal(await cell(out, 0, 0).getAttribute('tabindex'), '-1');
    assert.equal(await r.text(`${out} > .tfnb-output > .tfnb-status`), 'true dog, predicted dog: 35 (70.0% of true dog)');
  });

  test('uses per-class metrics from the kernel when present', async () => {
    const r = page();
    const payload = {
      ...confusion3(),
      perClass: [
        { label: 'cat', precision: 0.5, recall: 0.25, f1: 0.3333, support: 60 },
        { label: 'dog', precision: null, recall: 0, f1: null, support: 50 },
        { label: 'bird', precision: 1, recall: 1, f1: 1, support: 40 },
      ],
      accuracy: 0.5,
    };
    const out = await r.render(CONFUSION, payload);
    assert.deepEqual(await reportRow(out, 'cat'), ['cat', '0.500', '0.250', '0.333', '60']);
    assert.deepEqual(await reportRow(out, 'dog'), ['dog', '—', '0.000', '—', '50']);
    assert.deepEqual(await reportRow(out, 'accuracy'), ['accuracy', '', '', '0.500', '150']);
  });

  test('many classes: colour-only cells that keep their details', async () => {
    const r = page();
    const ten = await r.render(CONFUSION, confusion10());
    await r.screenshot(ten, 'confusion-10');
    const n = 40;
    const classes = Array.from({ length: n }, (_, i) => `c${i}`);
    const matrix = classes.map((_, i) => classes.map((_, j) => (i === j ? 50 : (i + j) % 9 === 0 ? 3 : 0)));
    const out = await r.render(CONFUSION, { classes, matrix });
    assert.equal(await cell(out, 5, 5).textContent(), '');
    assert.equal(await cell(out, 5, 5).getAttribute('title'), 'true c5, predicted c5: 50 (80.6% of true c5)'); // 50 / (50 + 4 × 3)
    await r.screenshot(out, 'confusion-40');
  });

  test('more than 100 classes: a canvas heatmap with cell details from the mouse and the keyboard', async () => {
    const r = page();
    const n = 150;
    const classes = Array.from({ length: n }, (_, i) => `c${i}`);
    const matrix = classes.map((_, i) => classes.map((_, j) => (i === j ? 40 : j === (i + 1) % n ? 10 : 0)));
    const out = await r.render(CONFUSION, { classes, matrix });
    assert.equal(await r.page.locator(`${out} td[data-row]`).count(), 0, 'no table cells');
    const canvas = r.page.locator(`${out} canvas.tfnb-heatmap-canvas`);
    assert.deepEqual(await canvas.evaluate((c) => [(c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height]), [n, n]);
    await canvas.focus();
    await canvas.press('ArrowRight');
    assert.equal(
      await r.text(`${out} .tfnb-heatmap + .tfnb-colorbar + .tfnb-status, ${out} figure.tfnb-heatmap .tfnb-status`),
      'true c0, predicted c1: 10 (20.0% of true c0)',
    );
    assert.deepEqual(await r.page.locator(`${out} .tfnb-report tr[data-class="c0"] td`).allTextContents(), [
      '0.800',
      '0.800',
      '0.800',
      '50',
    ]);
    await r.screenshot(out, 'confusion-150');
    await r.page.locator(`${out} button`, { hasText: 'Normalised by row' }).click();
    assert.equal(await r.page.locator(`${out} canvas.tfnb-heatmap-canvas`).count(), 1);
  });
});
