/**
 * Workspace Trust in a real VS Code (code-server with trust on, the folder untrusted): tfnb runs
 * nothing. VS Code itself asks whether to trust the folder when a cell is run; declined, no
 * kernel starts and the cell's code never runs, and tfnb's status bar says it is restricted.
 * Screenshot: .test-artifacts/e2e/untrusted.png.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext } from 'playwright-core';
import { startCodeServer, type RunningCodeServer } from './codeServer';
import { notebookJson } from './notebooks';
import { kernelPids } from './processes';
import { launchBrowser, Workbench } from './workbench';

const NOTEBOOK = notebookJson([
  { kind: 'markdown', source: '# Untrusted' },
  { kind: 'code', source: 'require("fs").writeFileSync("ran.txt", "this should never run"); console.log("ran")' },
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

  it('runs nothing: declining trust starts no kernel and runs no code; the status bar says restricted', async () => {
    await wb.waitForStatus(/tfnb: restricted/);
    await wb.runCell(1);
    const dialog = wb.page.locator('.monaco-dialog-box', { hasText: 'Do you trust the authors' });
    await dialog.waitFor({ timeout: 30_000 });
    await wb.screenshot('untrusted');
    await dialog.locator('.monaco-button', { hasText: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached', timeout: 10_000 });
    await wb.page.waitForTimeout(3000);
    assert.deepEqual(kernelPids(server.runDir), []);
    const { existsSync } = await import('node:fs');
    const { join } = await import('node:path');
    assert.equal(existsSync(join(server.workspace, 'ran.txt')), false, 'the cell did not run');
    assert.match(await wb.statusText(), /tfnb: restricted/);
  });
});
