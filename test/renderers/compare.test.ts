// The Compare Runs panel's script (renderers/compareEntry.ts, dist/renderers/compare.js) in real
// headless Chromium, under a CSP as strict as the panel's: two runs' curves overlaid in the
// chart view, the metric picker, the table of parameters and final metrics, no error.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as esbuild from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { ComparePayload } from '../../renderers/compare';
import { ARTIFACTS, THEMES, type Theme } from './harness';

const ROOT = join(__dirname, '../..');
const ORIGIN = 'http://tfnb.test';
const CSP = "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; img-src data:";

const RUNS: ComparePayload = {
  runs: [
    {
      id: '2026-12-07T10-00-00-lr=0.01',
      name: 'lr=0.01',
      status: 'ok',
      parameters: { lr: 0.01, optimizer: 'adam' },
      metrics: { loss: 0.31, val_loss: 0.42, score: 0.91 },
      series: {
        loss: [
          [1, 0.9],
          [2, 0.5],
          [3, 0.31],
        ],
        val_loss: [
          [1, 1.0],
          [2, 0.6],
          [3, 0.42],
        ],
        score: [[0, 0.91]],
      },
    },
    {
      id: '2026-12-07T10-05-00-lr=0.1',
      name: 'lr=0.1 <b>bold</b>',
      status: 'failed',
      parameters: { lr: 0.1 },
      metrics: { loss: 0.7, val_loss: 0.8 },
      series: {
        loss: [
          [1, 1.2],
          [2, 0.7],
        ],
        val_loss: [
          [1, 1.3],
          [2, 0.8],
        ],
      },
    },
  ],
};

async function bundle(): Promise<string> {
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: ['renderers/compareEntry.ts'],
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    format: 'esm',
    loader: { '.css': 'text' },
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

function page(theme: Theme, payload: ComparePayload): string {
  const vars = Object.entries({ '--vscode-font-family': 'DejaVu Sans, sans-serif', '--vscode-font-size': '13px', ...THEMES[theme].vars })
    .map(([k, v]) => `${k}: ${v}`)
    .join('; ');
  const json = JSON.stringify(payload).replace(/</g, '\\u003c');
  return `<!doctype html><html style="${vars}"><head><meta charset="utf-8"><title>compare</title>
<style>body { margin: 0; padding: 12px; width: 860px; background: var(--vscode-editor-background); }</style></head>
<body class="${THEMES[theme].bodyClass}"><div id="tfnb-compare"></div>
<script type="application/json" id="tfnb-compare-data">${json}</script>
<script type="module" src="/compare.js"></script></body></html>`;
}

describe('Compare Runs view (Chromium)', () => {
  let browser: Browser;
  let script: string;
  before(async () => {
    script = await bundle();
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  });
  after(async () => {
    await browser?.close();
  });

  async function open(theme: Theme, payload: ComparePayload): Promise<{ page: Page; errors: string[] }> {
    const p = await browser.newPage({ viewport: { width: 900, height: 900 } });
    const errors: string[] = [];
    p.on('pageerror', (e) => errors.push(e.message));
    p.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await p.route(`${ORIGIN}/**`, (route) => {
      const path = new URL(route.request().url()).pathname;
      if (path === '/compare.js') return route.fulfill({ contentType: 'text/javascript', body: script });
      if (path === '/')
        return route.fulfill({ contentType: 'text/html', headers: { 'Content-Security-Policy': CSP }, body: page(theme, payload) });
      return route.fulfill({ status: 404, body: '' });
    });
    await p.goto(`${ORIGIN}/`);
    await p.waitForSelector('.tfnb-compare-chart canvas', { timeout: 15_000 });
    return { page: p, errors };
  }

  for (const theme of ['dark', 'light'] as const) {
    it(`overlays the runs' curves and tabulates parameters and final metrics (${theme})`, async () => {
      const { page: p, errors } = await open(theme, RUNS);
      const legend = () => p.locator('.tfnb-compare-chart .u-legend .u-series:not(:first-child) .u-label').allTextContents();
      // One curve per run, named as the run (text, never markup).
      assert.deepEqual(await legend(), ['lr=0.01', 'lr=0.1 <b>bold</b>']);
      assert.equal(await p.locator('b').count(), 0);
      // val_loss first, then loss, then the logged scalar.
      assert.deepEqual(await p.locator('select.tfnb-compare-metric option').allTextContents(), ['val_loss', 'loss', 'score']);
      assert.match((await p.locator('.tfnb-compare-chart .tfnb-title').textContent()) ?? '', /val_loss/);
      // The canvas has drawn something other than the background.
      const drawn = await p.evaluate(() => {
        const canvas = document.querySelector('.tfnb-compare-chart canvas') as HTMLCanvasElement;
        const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        const colours = new Set<number>();
        for (let i = 0; i < data.length; i += 4 * 97) colours.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
        return colours.size;
      });
      assert.ok(drawn > 3, `colours on the canvas: ${drawn}`);

      const headers = await p.locator('.tfnb-compare-table th').allTextContents();
      assert.deepEqual(headers, ['run', 'status', 'lr', 'optimizer', 'val_loss', 'loss', 'score']);
      const rows = await p
        .locator('.tfnb-compare-table tbody tr')
        .evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent)));
      assert.equal(rows.length, 2);
      assert.deepEqual(rows[0]!.slice(0, 4), ['lr=0.01', 'ok', '0.01', 'adam']);
      assert.deepEqual(rows[1]!.slice(0, 4), ['lr=0.1 <b>bold</b>', 'failed', '0.1', '—']);
      assert.equal(rows[1]![6], '—', 'a run without the metric shows a dash');

      // Another metric: only the run that logged it.
      await p.selectOption('select.tfnb-compare-metric', 'score');
      await p.waitForFunction(() => document.querySelector('.tfnb-compare-chart .tfnb-title')?.textContent?.includes('score'));
      await p.waitForSelector('.tfnb-compare-chart .u-legend');
      assert.deepEqual(await legend(), ['lr=0.01']);
      assert.deepEqual(errors, []);
      mkdirSync(ARTIFACTS, { recursive: true });
      await p.selectOption('select.tfnb-compare-metric', 'val_loss');
      await p.waitForSelector('.tfnb-compare-chart canvas');
      await p.locator('#tfnb-compare').screenshot({ path: join(ARTIFACTS, `compare-runs-${theme}.png`), animations: 'disabled' });
      await p.close();
    });
  }

  it('says so when the runs recorded no metric', async () => {
    const p = await browser.newPage();
    const errors: string[] = [];
    p.on('pageerror', (e) => errors.push(e.message));
    await p.route(`${ORIGIN}/**`, (route) => {
      const path = new URL(route.request().url()).pathname;
      if (path === '/compare.js') return route.fulfill({ contentType: 'text/javascript', body: script });
      const empty = { runs: [{ id: 'a', name: 'a', status: 'ok', parameters: {}, metrics: {}, series: {} }] } as ComparePayload;
      return route.fulfill({ contentType: 'text/html', headers: { 'Content-Security-Policy': CSP }, body: page('dark', empty) });
    });
    await p.goto(`${ORIGIN}/`);
    await p.waitForSelector('.tfnb-compare-table tbody tr');
    assert.match((await p.textContent('body')) ?? '', /These runs recorded no metrics/);
    assert.deepEqual(errors, []);
    await p.close();
  });
});
