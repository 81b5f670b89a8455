/**
 * After the training output's Stop button is clicked, the workbench still takes keys and
 * clicks (code-server + Chromium): the Command Palette, a quick pick and tfnb's status bar
 * menu open and stay open until used, so a command can be typed and run. Each is opened
 * once, without the retries Workbench.command() makes, so a popup that closes by itself fails.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import type { BrowserContext } from 'playwright-core';
import { startCodeServer, type RunningCodeServer } from './codeServer';
import { notebookJson } from './notebooks';
import { launchBrowser, Workbench } from './workbench';

const TRAIN = 0;
const NOTEBOOK = notebookJson([
  {
    kind: 'code',
    source: [
      'const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] });',
      "model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });",
      'const xs = tf.randomNormal([64, 1]);',
      'const history = await model.fit(xs, xs.mul(2), { epochs: 100000, batchSize: 8, callbacks: tfvis.show.fitCallbacks({ name: "fit" }, ["loss"]) });',
      'console.log(`stopped after ${history.epoch.length} epochs`);',
    ].join('\n'),
  },
  { kind: 'code', source: "console.log('second cell')" },
]);

/** How long a popup must stay open by itself: the bug closed them within about 40 ms. */
const STAYS_OPEN_MS = 1500;

describe('after Stop in a training output, the workbench keeps its keys (code-server)', { timeout: 600_000 }, () => {
  let server: RunningCodeServer;
  let browser: BrowserContext;
  let wb: Workbench;

  before(async () => {
    server = await startCodeServer({ workspaceFiles: { 'train.ipynb': NOTEBOOK } });
    browser = await launchBrowser(server);
    wb = await Workbench.open(browser, server);
    await wb.openFromExplorer('train.ipynb');
  });

  let testNumber = 0;
  afterEach(async () => {
    testNumber++;
    await wb?.screenshot(`stop-focus-after-test-${testNumber}`).catch(() => undefined);
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
  });

  const quickInput = () => wb.page.locator('.quick-input-widget');

  /** The quick input is shown and still shown a while later. */
  async function staysOpen(what: string): Promise<void> {
    await quickInput().waitFor({ state: 'visible', timeout: 10_000 });
    await wb.page.waitForTimeout(STAYS_OPEN_MS);
    assert.ok(await quickInput().isVisible(), `${what} closed by itself`);
  }

  it('Stop ends the training', async () => {
    await wb.runCell(TRAIN);
    await wb.rendered('.tfnb-progress-text', 60_000);
    await wb.clickRendered('.tfnb-stop:not([hidden])', TRAIN, 60_000);
    assert.equal(await wb.waitForCellDone(TRAIN, 60_000), 'success');
    await wb.waitForOutputs(TRAIN, (o) => o.texts.some((t) => /stopped after \d+ epochs/.test(t)));
  });

  it('F1 opens the Command Palette, and a command typed there runs', async () => {
    await wb.page.keyboard.press('F1');
    await staysOpen('the Command Palette');
    await wb.page.keyboard.type('tfnb: Show Kernel Log');
    await wb.page.locator('.quick-input-list .monaco-list-row', { hasText: 'tfnb: Show Kernel Log' }).first().waitFor({ timeout: 10_000 });
    await wb.page.keyboard.press('Enter');
    assert.equal((await wb.outputPanel()).channel, 'tfnb');
  });

  it('the command center opens the Command Palette, and a command typed there runs', async () => {
    await wb.page.locator('.command-center .command-center-center').first().click();
    await staysOpen("the command center's quick input");
    await wb.page.keyboard.type('>View: Toggle Panel Visibility');
    const panel = wb.page.locator('[id="workbench.panel.output"]');
    const panelWasVisible = await panel.isVisible();
    await wb.page
      .locator('.quick-input-list .monaco-list-row', { hasText: 'View: Toggle Panel Visibility' })
      .first()
      .waitFor({ timeout: 10_000 });
    await wb.page.keyboard.press('Enter');
    await panel.waitFor({ state: panelWasVisible ? 'hidden' : 'visible', timeout: 10_000 });
  });

  it('the status bar menu opens and stays open, and an item picked there runs', async () => {
    await wb.openKernelMenu();
    await staysOpen('the kernel menu');
    await wb.pickQuickPick('Choose Backend…');
    await staysOpen('the backend quick pick');
    assert.deepEqual(await wb.quickPickLabels(), ['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu']);
    await wb.pickQuickPick('cpu');
    await wb.waitForStatus(/tfnb: cpu · idle$/, 60_000);
  });
});
