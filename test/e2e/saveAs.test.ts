/**
 * A notebook's kernel follows it when it is saved under a new name, in a real VS Code
 * (code-server + Chromium): the first save of an untitled notebook and Save As of a file
 * notebook both give the notebook a new URI, and VS Code closes the old document and opens
 * a new one. Variables, the execution numbering and the kernel process must carry over.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import type { BrowserContext } from 'playwright-core';
import { startCodeServer, type RunningCodeServer } from './codeServer';
import { notebookJson } from './notebooks';
import { kernelPids } from './processes';
import { launchBrowser, Workbench } from './workbench';

const STDOUT = 'application/vnd.code.notebook.stdout';

describe('the kernel follows its notebook to a new name (code-server)', { timeout: 600_000 }, () => {
  let server: RunningCodeServer;
  let browser: BrowserContext;
  let wb: Workbench;

  before(async () => {
    server = await startCodeServer({
      workspaceFiles: {
        'file.ipynb': notebookJson([
          { kind: 'code', source: "const fromFile = 'kept across Save As';\nconsole.log(process.pid)" },
          { kind: 'code', source: 'console.log(fromFile, tf.getBackend())' },
        ]),
      },
    });
    browser = await launchBrowser(server);
    wb = await Workbench.open(browser, server);
  });

  let testNumber = 0;
  afterEach(async () => {
    testNumber++;
    await wb?.screenshot(`save-as-after-test-${testNumber}`).catch(() => undefined);
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
  });

  /** Replaces the text of the cell's editor with `text`, typed. */
  async function setCellText(index: number, text: string): Promise<void> {
    const row = await wb.revealCell(index);
    await row.locator('.cell-editor-container').first().click();
    await wb.page.keyboard.press('Control+a');
    await wb.page.keyboard.press('Delete');
    await wb.page.keyboard.type(text);
    await row.locator('.view-lines', { hasText: text.split('\n').at(-1)! }).waitFor({ timeout: 10_000 });
  }

  async function runAndRead(index: number): Promise<{ order: string; texts: string[] }> {
    await wb.runCell(index);
    assert.equal(await wb.waitForCellDone(index, 90_000), 'success');
    const out = await wb.waitForOutputs(index, (o) => o.mimes.includes(STDOUT) && o.texts.length === o.mimes.length);
    return { order: await wb.executionOrder(index), texts: out.texts };
  }

  /** Answers VS Code's save dialog (the simple one code-server shows) with `path`. */
  async function answerSaveDialog(path: string): Promise<void> {
    const input = wb.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    // The dialog shows once it has put the current path in (a palette that ran Save As may still be closing).
    await waitForAsync(async () => /\.ipynb$/.test(await input.inputValue().catch(() => '')), 10_000, 'the save dialog to offer a path');
    await input.fill(path);
    await wb.page.keyboard.press('Enter');
    await waitFor(() => existsSync(path), 30_000, `${path} to be written`);
    await wb.page.locator('.tabs-container .tab.active', { hasText: path.split('/').at(-1)! }).waitFor({ timeout: 30_000 });
  }

  it('the first save of an untitled notebook keeps its kernel, variables and numbering', async () => {
    await wb.command('tfnb: New TypeScript ML Notebook');
    await wb.page.locator('.notebook-editor .code-cell-row').first().waitFor({ timeout: 30_000 });
    await wb.waitForStatus(/tfnb/);
    await setCellText(1, "const kept = 'defined before the save';\nconsole.log(process.pid)");
    const first = await runAndRead(1);
    assert.equal(first.order, '[1]');
    const pid = Number(first.texts[0]);
    assert.deepEqual(kernelPids(server.runDir), [pid]);

    await setCellText(1, 'console.log(kept, process.pid)');
    await wb.page.keyboard.press('Control+s');
    const saved = join(server.workspace, 'saved.ipynb');
    await answerSaveDialog(saved);
    await wb.page.waitForTimeout(3000); // past the close check's settling pause

    const after = await runAndRead(1);
    assert.deepEqual(after.texts, [`defined before the save ${pid}`]);
    assert.equal(after.order, '[2]', 'numbering goes on');
    assert.deepEqual(kernelPids(server.runDir), [pid], 'the same kernel process, and no other');
    assert.match(tfnbLog(server), /Untitled-1\.ipynb was saved as \S+\/saved\.ipynb: its kernel goes on/);
    await wb.waitForStatus(/tfnb: wasm · idle/);
    await wb.closeActiveEditorWithoutSaving();
    await waitFor(() => kernelPids(server.runDir).length === 0, 20_000, 'the kernel to end with its notebook');
  });

  it('saving an untitled notebook while a cell runs: the cell runs to its end in the kernel, which goes on', async () => {
    await wb.command('tfnb: New TypeScript ML Notebook');
    await wb.page.locator('.notebook-editor .code-cell-row').first().waitFor({ timeout: 30_000 });
    await setCellText(
      1,
      "for (let i = 0; i < 8; i++) { console.log('tick', i); await new Promise((r) => setTimeout(r, 500)); }\nconst finished = process.pid;",
    );
    await wb.runCell(1);
    await wb.waitForOutputs(1, (o) => o.texts.some((t) => t.includes('tick 1')), 90_000);
    await wb.page.keyboard.press('Escape');
    await wb.page.keyboard.press('Control+s');
    await answerSaveDialog(join(server.workspace, 'while-running.ipynb'));
    await wb.page.waitForTimeout(5000); // the loop ends meanwhile

    await setCellText(1, 'console.log(finished === process.pid)');
    const after = await runAndRead(1);
    assert.deepEqual(after.texts, ['true'], 'the cell that ran across the save finished in the same kernel');
    assert.equal(after.order, '[2]');
    assert.equal(kernelPids(server.runDir).length, 1);
    await wb.closeActiveEditorWithoutSaving();
    await waitFor(() => kernelPids(server.runDir).length === 0, 20_000, 'the kernel to end with its notebook');
  });

  it('Save As of a file notebook keeps its kernel and the backend chosen for it; closing the new one ends it', async () => {
    await wb.openFromExplorer('file.ipynb');
    await wb.waitForStatus(/tfnb/);
    await wb.openKernelMenu();
    await wb.pickQuickPick('Choose Backend…');
    await wb.pickQuickPick('cpu');
    await wb.waitForStatus(/tfnb: cpu · idle$/, 60_000);
    const first = await runAndRead(0);
    assert.equal(first.order, '[1]');
    const pid = Number(first.texts[0]);
    await wb.command('File: Save As...');
    const renamed = join(server.workspace, 'renamed.ipynb');
    await answerSaveDialog(renamed);
    await wb.page.waitForTimeout(3000);

    const after = await runAndRead(1);
    assert.deepEqual(after.texts, ['kept across Save As cpu']);
    assert.equal(after.order, '[2]');
    assert.deepEqual(kernelPids(server.runDir), [pid]);
    // The status bar speaks of the renamed notebook's kernel, still on the backend chosen before.
    await wb.waitForStatus(/tfnb: cpu · idle/);
    await wb.openKernelMenu();
    await wb.pickQuickPick('Restart Kernel');
    await waitFor(
      () => {
        const now = kernelPids(server.runDir);
        return now.length === 1 && now[0] !== pid;
      },
      60_000,
      'a new kernel process',
    );
    await wb.waitForStatus(/tfnb: cpu · idle$/, 60_000);
    await wb.closeActiveEditorWithoutSaving();
    await waitFor(() => kernelPids(server.runDir).length === 0, 20_000, 'the kernel to end with its notebook');
  });
});

function tfnbLog(server: RunningCodeServer): string {
  const found: string[] = [];
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/tfnb\.log$/.test(name)) found.push(readFileSync(p, 'utf8'));
    }
  };
  walk(join(server.userDataDir, 'logs'));
  return found.join('\n');
}

async function waitForAsync(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
