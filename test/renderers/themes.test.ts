// Every fixture in the light and high-contrast themes (screenshots for people to look at),
// and a live theme switch: CSS-styled parts follow, canvas charts are redrawn.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { usePage, type Theme } from './harness';
import {
  CHART,
  CONFUSION,
  MODEL,
  TENSOR,
  TRAINING,
  bigTensor,
  charts,
  confusion3,
  imageTensor,
  modelSummary,
  trainingRun,
} from './fixtures';

const GALLERY: Array<[string, string, unknown]> = [
  ['tensor-big', TENSOR, bigTensor()],
  ['tensor-images', TENSOR, imageTensor()],
  ['training', TRAINING, trainingRun(5)],
  ['confusion-3', CONFUSION, confusion3()],
  ['model-summary', MODEL, modelSummary()],
  ['chart-line', CHART, charts.line],
  ['chart-heatmap', CHART, charts.heatmap],
  ['chart-bar', CHART, charts.bar],
  ['error-box', MODEL, { layers: 'none' }],
];

describe('themes', () => {
  const page = usePage('dark');

  for (const theme of ['light', 'high-contrast'] as Theme[]) {
    test(`${theme}: renders every kind with the theme foreground`, async () => {
      const r = page();
      await r.setTheme(theme);
      const foreground = theme === 'light' ? 'rgb(59, 59, 59)' : 'rgb(255, 255, 255)';
      for (const [name, mime, payload] of GALLERY) {
        const out = await r.render(mime, payload, { slot: `${theme}-${name}` });
        if (name !== 'error-box') {
          assert.equal(await r.page.locator(`${out} .tfnb-output`).evaluate((el) => getComputedStyle(el).color), foreground, name);
        }
        await r.screenshot(out, name);
      }
      await r.page.evaluate(() => document.querySelectorAll('.output').forEach((el) => el.remove()));
    });
  }

  test('canvas charts are redrawn in the new theme colours, UI state kept', async () => {
    const r = page();
    await r.setTheme('dark');
    const out = await r.render(TRAINING, trainingRun(5));
    await r.page.locator(`${out} select`).selectOption('acc');
    const chart = r.page.locator(`${out} .tfnb-chart`);
    assert.equal(await chart.getAttribute('data-axis-color'), 'rgba(204, 204, 204, 0.750)'); // #cccccc
    await r.setTheme('light');
    assert.equal(await chart.getAttribute('data-axis-color'), 'rgba(59, 59, 59, 0.750)'); // #3b3b3b
    assert.equal(await r.page.locator(`${out} select`).inputValue(), 'acc');
    assert.equal(await r.page.locator(`${out} .tfnb-output`).evaluate((el) => getComputedStyle(el).color), 'rgb(59, 59, 59)');
    await r.setTheme('dark');
    assert.equal(await chart.getAttribute('data-axis-color'), 'rgba(204, 204, 204, 0.750)');
  });
});
