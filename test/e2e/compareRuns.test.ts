/**
 * Recorded runs in a real VS Code (code-server + Chromium): Run All records a run in tfnb-runs/
 * beside the notebook (setting tfnb.recordRuns, on by default), and **tfnb: Compare Runs** picks
 * the runs and opens a panel with their curves overlaid and the table of final metrics.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext, Frame } from 'playwright-core';
import type { RunRecord } from '../../src/runs/runRecord';
import { startCodeServer, type RunningCodeServer } from './codeServer';
import { notebookJson } from './notebooks';
import { launchBrowser, Workbench } from './workbench';

const NOTEBOOK = notebookJson([
  {
    kind: 'code',
    source: [
      'const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });',
      "model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });",
      'const h = await model.fit(tf.randomNormal([16, 2]), tf.randomNormal([16, 1]), { epochs: 3, validationSplit: 0.25 });',
    ].join('\n'),
  },
  { kind: 'code', source: "tfnb.log('score', 1 / (1 + (h.history.loss[2] as number)));" },
]);

describe('Run All is recorded; tfnb: Compare Runs shows the runs (code-server)', { timeout: 600_000 }, () => {
  let server: RunningCodeServer;
  let browser: BrowserContext;
  let wb: Workbench;

  before(async () => {
    server = await startCodeServer({ workspaceFiles: { 'nb.ipynb': NOTEBOOK } });
    browser = await launchBrowser(server);
    wb = await Workbench.open(browser, server);
  });

  after(async () => {
    await wb?.screenshot('compare-runs-end').catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await server?.stop();
  });

  const runs = (): RunRecord[] => {
    const dir = join(server.workspace, 'tfnb-runs');
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((name) => existsSync(join(dir, name, 'run.json')))
      .map((name) => JSON.parse(readFileSync(join(dir, name, 'run.json'), 'utf8')) as RunRecord);
  };

  async function until<T>(value: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = value();
      if (v !== undefined) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await wb.page.waitForTimeout(200);
    }
  }

  it('records two Run Alls and compares them in a panel', async () => {
    await wb.openFromExplorer('nb.ipynb');
    for (const n of [1, 2]) {
      await wb.runAllFromToolbar();
      assert.equal(await wb.waitForCellDone(1, 180_000), 'success');
      await until(() => (runs().filter((r) => r.status === 'ok').length === n ? true : undefined), 30_000, `run ${n} to be recorded`);
    }
    const recorded = runs();
    for (const run of recorded) {
      assert.equal(run.source, 'vscode');
      assert.equal(run.notebook, join(server.workspace, 'nb.ipynb'));
      assert.deepEqual(
        run.series.loss?.map(([step]) => step),
        [1, 2, 3],
      );
      assert.equal(typeof run.metrics.score, 'number');
      assert.equal(typeof run.backend, 'string');
    }

    await wb.command('tfnb: Compare Runs');
    const labels = await wb.quickPickLabels();
    assert.deepEqual(labels, ['nb', 'nb']);
    await wb.page.keyboard.press('Enter');

    const table = await wb.rendered('.tfnb-compare-table tbody tr', 60_000);
    const owner = await frameOf(table);
    assert.equal(await owner.locator('.tfnb-compare-table tbody tr').count(), 2);
    await owner.locator('.tfnb-compare-chart canvas').first().waitFor({ timeout: 30_000 });
    const legend = await owner.locator('.tfnb-compare-chart .u-legend .u-series:not(:first-child) .u-label').allTextContents();
    // Two runs of one notebook share its name: each label adds its start time.
    assert.equal(legend.length, 2);
    for (const label of legend) assert.match(label, /^nb \d\d:\d\d:\d\d$/);
    assert.deepEqual(await owner.locator('select.tfnb-compare-metric option').allTextContents(), ['val_loss', 'loss', 'score']);
    await wb.screenshot('compare-runs-panel');
  });

  async function frameOf(locator: Awaited<ReturnType<Workbench['rendered']>>): Promise<Frame> {
    const handle = await locator.elementHandle();
    const frame = await handle?.ownerFrame();
    if (!frame) throw new Error('no frame for the panel');
    return frame;
  }
});

describe('tfnb.recordRuns: false records nothing (code-server)', { timeout: 600_000 }, () => {
  let server: RunningCodeServer;
  let browser: BrowserContext;
  let wb: Workbench;

  before(async () => {
    server = await startCodeServer({ workspaceFiles: { 'nb.ipynb': NOTEBOOK }, settings: { 'tfnb.recordRuns': false } });
    browser = await launchBrowser(server);
    wb = await Workbench.open(browser, server);
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
  });

  it('Run All runs every cell and writes no tfnb-runs folder', async () => {
    await wb.openFromExplorer('nb.ipynb');
    await wb.runAllFromToolbar();
    assert.equal(await wb.waitForCellDone(1, 180_000), 'success');
    // A recorder writes its folder when the run starts, long before the last cell ends.
    await wb.page.waitForTimeout(2_000);
    assert.equal(existsSync(join(server.workspace, 'tfnb-runs')), false);
  });
});
