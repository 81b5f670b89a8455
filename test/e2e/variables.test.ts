/**
 * The Variables view in a real VS Code (code-server + Chromium): after cells run, the panel's
 * view lists their top-level names with dtype, shape, memory and a model's parameter count; a
 * later cell's names appear after it runs; the filter narrows the list; a click on a tensor
 * draws its heatmap in a panel with tfnb's renderer, and no cell is added.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext, Frame, Locator } from 'playwright-core';
import { startCodeServer, type RunningCodeServer } from './codeServer';
import { notebookJson } from './notebooks';
import { ACTIVE_NOTEBOOK, launchBrowser, Workbench } from './workbench';

const NOTEBOOK = notebookJson([
  {
    kind: 'code',
    source: [
      'const weights = tf.randomNormal([32, 48]);',
      'const model = tf.sequential({ layers: [tf.layers.dense({ units: 8, inputShape: [4] })] });',
      'let learningRate = 0.01;',
      'const datasetName = "mnist";',
    ].join('\n'),
  },
  { kind: 'code', source: 'const extraTensor = tf.ones([3], "int32");' },
  { kind: 'code', source: `let ${Array.from({ length: 10_000 }, (_, i) => `many${String(i).padStart(5, '0')} = ${i}`).join(', ')};` },
]);

describe('the Variables view (code-server)', { timeout: 600_000 }, () => {
  let server: RunningCodeServer;
  let browser: BrowserContext;
  let wb: Workbench;

  before(async () => {
    server = await startCodeServer({ workspaceFiles: { 'vars.ipynb': NOTEBOOK } });
    browser = await launchBrowser(server);
    wb = await Workbench.open(browser, server);
    await wb.openFromExplorer('vars.ipynb');
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
  });

  // The panel shows one view container at a time; with one view in it, VS Code draws no pane header.
  const view = () => wb.page.locator('.part.panel');
  const row = (name: string): Locator =>
    view()
      .locator('.monaco-list-row')
      .filter({ has: wb.page.locator('.label-name', { hasText: new RegExp(`^${name}$`) }) })
      .first();
  const rowNames = async (): Promise<string[]> =>
    view()
      .locator('.monaco-list-row .label-name')
      .evaluateAll((els) => els.map((e) => (e.textContent ?? '').trim()));
  async function waitForRows(wanted: (names: string[]) => boolean, what: string, timeoutMs = 60_000): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const names = await rowNames().catch(() => []);
      if (wanted(names)) return names;
      if (Date.now() > deadline) throw new Error(`the Variables view shows [${names.join(', ')}], not ${what}`);
      await wb.page.waitForTimeout(200);
    }
  }

  it('lists the names a cell declared, with dtype, shape, memory and parameters', async () => {
    await wb.runCell(0);
    assert.equal(await wb.waitForCellDone(0, 120_000), 'success');
    await wb.command('tfnb: Show Variables');
    const names = await waitForRows((n) => n.includes('weights'), 'weights');
    assert.deepEqual(names, ['datasetName', 'learningRate', 'model', 'weights']);
    assert.equal(await row('weights').locator('.label-description').innerText(), 'float32 [32,48] · 6.0 KB');
    assert.equal(await row('model').locator('.label-description').innerText(), 'Sequential · 40 params · 160 B');
    assert.equal(await row('learningRate').locator('.label-description').innerText(), '0.01');
    assert.equal(await row('datasetName').locator('.label-description').innerText(), '"mnist"');
  });

  it("shows a later cell's names after it runs", async () => {
    await wb.runCell(1);
    assert.equal(await wb.waitForCellDone(1, 60_000), 'success');
    await waitForRows((n) => n.includes('extraTensor'), 'extraTensor');
    assert.equal(await row('extraTensor').locator('.label-description').innerText(), 'int32 [3] · 12 B');
  });

  it('filters by name', async () => {
    await wb.command('tfnb: Filter Variables…');
    const input = wb.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill('TENSOR');
    await wb.page.keyboard.press('Enter');
    await waitForRows((n) => n.join() === 'extraTensor', '[extraTensor]');
    await wb.command('tfnb: Clear Variables Filter');
    await waitForRows((n) => n.length === 5, 'all five names');
  });

  it('a click draws the tensor in a panel with tfnb’s renderer, and adds no cell', async () => {
    const cellsBefore = await wb.page.locator(`${ACTIVE_NOTEBOOK} .code-cell-row`).count();
    await row('weights').click();
    const frame = await variableFrame(wb, 60_000);
    await frame.locator('.tfnb-tensor-summary').first().waitFor({ timeout: 30_000 });
    await frame.locator('.tfnb-tensor-histogram').first().waitFor({ timeout: 10_000 });
    await frame.locator('.tfnb-segmented button[data-value="heatmap"]').click();
    await frame.locator('.tfnb-heatmap-canvas').first().waitFor({ timeout: 10_000 });
    assert.match(await frame.locator('h2').innerText(), /^weights$/);
    assert.match(await frame.locator('.tfnb-output').first().getAttribute('data-mime').then(String), /tensor/);
    await wb.page.locator('.tabs-container .tab.active', { hasText: 'weights' }).waitFor({ timeout: 10_000 });
    assert.equal(await wb.page.locator(`.notebook-editor .code-cell-row`).count(), cellsBefore);

    await wb.screenshot('variables-view'); // README's picture (media/variables-view.png)

    await row('model').click();
    const summary = await variableFrame(wb, 60_000, 'model');
    await summary.locator('.tfnb-output[data-mime*="model-summary"]').first().waitFor({ timeout: 30_000 });
  });

  it('lists 10,000 names capped, says so, and the filter finds any of them', async () => {
    // Run All: the cell is one line of 10,000 declarations, too wide to click into and run.
    await wb.activateTab('vars.ipynb');
    await wb.command('Notebook: Run All');
    assert.equal(await wb.waitForCellDone(2, 120_000), 'success');
    await view().getByText('Showing the first 500 of 10,005 names: filter to find the others.').waitFor({ timeout: 60_000 });
    await wb.command('tfnb: Filter Variables…');
    const input = wb.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill('many09999');
    await wb.page.keyboard.press('Enter');
    await waitForRows((n) => n.join() === 'many09999', '[many09999]');
    assert.equal(await row('many09999').locator('.label-description').innerText(), '9999');
  });
});

/** The frame of the variable panel's webview (page -> iframe.webview -> #active-frame) once it shows `name`'s value. */
async function variableFrame(wb: Workbench, timeoutMs: number, name = 'weights'): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const f of wb.page.frames()) {
      const heading = await f
        .locator('#tfnb-variable-output')
        .count()
        .catch(() => 0);
      if (
        heading &&
        (await f
          .locator('h2')
          .innerText()
          .catch(() => '')) === name
      )
        return f;
    }
    if (Date.now() > deadline) throw new Error(`no variable panel showing ${name} within ${timeoutMs} ms`);
    await wb.page.waitForTimeout(200);
  }
}
