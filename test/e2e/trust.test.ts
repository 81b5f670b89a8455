/**
 * Workspace Trust in a real VS Code (code-server with trust on, the folder untrusted): tfnb runs
 * nothing. tfnb's status bar item says it is restricted and, in its tooltip, how to trust. Running
 * a cell brings VS Code's own question whether to trust the folder (VS Code asks before it hands
 * any cell to a kernel): declined, no kernel starts and the cell's code never runs; accepted, the
 * folder is trusted and the cell runs.
 * Screenshots: .test-artifacts/e2e/untrusted*.png.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext } from 'playwright-core';
import { startCodeServer, type RunningCodeServer } from './codeServer';
import { notebookJson } from './notebooks';
import { kernelPids } from './processes';
import { launchBrowser, Workbench } from './workbench';

const NOTEBOOK = notebookJson([
  { kind: 'markdown', source: '# Untrusted' },
  { kind: 'code', source: 'require("fs").writeFileSync("ran.txt", "ran once trusted"); console.log("ran")' },
]);

describe('tfnb in an untrusted workspace (code-server, Workspace Trust on)', { timeout: 300_000 }, () => {
  let server: RunningCodeServer;
  let browser: BrowserContext;
  let wb: Workbench;

  before(async () => {
    server = await startCodeServer({ workspaceFiles: { 'untrusted.ipynb': NOTEBOOK }, untrusted: true });
    browser = await launchBrowser(server);
    wb = await Workbench.open(browser, server);
    await wb.openFromExplorer('untrusted.ipynb');
  });

  after(async () => {
    if (wb) await wb.screenshot('untrusted-last').catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await server?.stop();
  });

  it('the status bar says restricted, and its tooltip says why and how to trust', async () => {
    await wb.waitForStatus(/tfnb: restricted/);
    await wb.statusItem().hover();
    const hover = wb.page.locator('.workbench-hover, .monaco-hover').filter({ hasText: 'not trusted' }).first();
    await hover.waitFor({ timeout: 10_000 });
    assert.equal(
      (await hover.innerText()).trim(),
      'This workspace is not trusted, so tfnb runs nothing. Trust it with "Workspaces: Manage Workspace Trust".',
    );
    await wb.screenshot('untrusted-tooltip');
    await wb.page.mouse.move(700, 400);
  });

  it('runs nothing: declining trust starts no kernel and runs no code', async () => {
    await wb.runCell(1);
    const dialog = wb.page.locator('.monaco-dialog-box', { hasText: 'Do you trust the authors' });
    await dialog.waitFor({ timeout: 30_000 });
    await wb.screenshot('untrusted');
    await dialog.locator('.monaco-button', { hasText: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached', timeout: 10_000 });
    await wb.page.waitForTimeout(3000);
    assert.deepEqual(kernelPids(server.runDir), []);
    assert.equal(existsSync(join(server.workspace, 'ran.txt')), false, 'the cell did not run');
    assert.equal(await wb.executionOrder(1), '');
    assert.match(await wb.statusText(), /tfnb: restricted/);
  });

  it('trusting the folder from that question runs the cell, and tfnb leaves restricted mode', async () => {
    await wb.runCell(1);
    const dialog = wb.page.locator('.monaco-dialog-box', { hasText: 'Do you trust the authors' });
    await dialog.waitFor({ timeout: 30_000 });
    await dialog.locator('.monaco-button', { hasText: 'Trust Folder & Continue' }).click();
    assert.equal(await wb.waitForCellDone(1, 60_000), 'success');
    assert.deepEqual((await wb.waitForOutputs(1, (o) => o.texts.length > 0)).texts, ['ran']);
    assert.equal(readFileSync(join(server.workspace, 'ran.txt'), 'utf8'), 'ran once trusted');
    await wb.waitForStatus(/tfnb: wasm · idle/);
    await wb.screenshot('untrusted-then-trusted');
  });
});
