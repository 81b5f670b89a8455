/**
 * Types and IntelliSense that know the notebook, in a real VS Code (code-server) driven by
 * Chromium: cells see the model built in the cell above and the kernel's `tf`/`display`, a real
 * type error shows as exactly one problem on its cell and line, edits update problems,
 * completion after `model.` offers the model's methods, and go to definition finds the cell above. Screenshots: .test-artifacts/e2e/.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext, Locator } from 'playwright-core';
import { startCodeServer, type RunningCodeServer } from './codeServer';
import { authoringVsix, type AuthoringVsix } from './intellisense-vsix';
import { notebookJson } from './notebooks';
import { launchBrowser, Workbench } from './workbench';

/** Row indexes in the notebook (the markdown cell counts). */
const CELL = { model: 1, uses: 2, error: 3 } as const;

const NOTEBOOK = notebookJson([
  { kind: 'markdown', source: '# Types across cells' },
  { kind: 'code', source: "const model = tf.sequential();\nmodel.add(tf.layers.dense({ units: 1, inputShape: [1] }));" },
  { kind: 'code', source: "model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });\nconst xs = tf.tensor2d([1, 2, 3, 4], [4, 1]);\nawait model.fit(xs, xs.mul(2), { epochs: 1 });\ndisplay(model);" },
  { kind: 'code', source: 'const epochs = 3;\nconst label: string = epochs;\nconsole.log(label);' },
]);

interface Problem { message: string; line: number; column: number }

describe('authoring in VS Code (code-server)', { timeout: 600_000 }, () => {
  let vsix: AuthoringVsix;
  let server: RunningCodeServer;
  let browser: BrowserContext;
  let wb: Workbench;

  before(async () => {
    vsix = await authoringVsix();
    process.env.TFNB_E2E_VSIX = vsix.vsix;
    server = await startCodeServer({ workspaceFiles: { 'types.ipynb': NOTEBOOK } });
    browser = await launchBrowser(server);
    wb = await Workbench.open(browser, server);
    await wb.openFromExplorer('types.ipynb');
    await showProblems();
  });

  /** Opens the Problems view (retrying: a palette opened while the notebook editor settles can close again). */
  async function showProblems(): Promise<void> {
    const panel = wb.page.locator('.markers-panel');
    for (let attempt = 1; ; attempt++) {
      try {
        await wb.command('View: Focus Problems (Errors, Warnings, Infos)');
        await panel.waitFor({ state: 'visible', timeout: 10_000 });
        return;
      } catch (e) {
        if (attempt === 3) throw e;
        await wb.page.waitForTimeout(1000);
      }
    }
  }

  after(async () => {
    if (wb) await wb.screenshot('intellisense-last').catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await server?.stop();
    vsix?.dispose();
    delete process.env.TFNB_E2E_VSIX;
  });

  /** The Problems view's markers, read from the rows' own labels. */
  async function problems(): Promise<Problem[]> {
    const labels = await wb.page.locator('.markers-panel .monaco-list-row').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).innerText));
    return labels.flatMap((text) => {
      const m = /^(.*)\n[\s\S]*\[Ln (\d+), Col (\d+)\]$/.exec(text.trim());
      return m ? [{ message: m[1]!.trim(), line: Number(m[2]), column: Number(m[3]) }] : [];
    });
  }

  async function waitForProblems(done: (p: Problem[]) => boolean, what: string, timeoutMs = 120_000): Promise<Problem[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = await problems();
      if (done(found)) return found;
      if (Date.now() > deadline) throw new Error(`Problems view: ${what} not seen in ${timeoutMs} ms; it shows ${JSON.stringify(found)}`);
      await wb.page.waitForTimeout(250);
    }
  }

  const squiggles = (cell: number): Locator => wb.cell(cell).locator('.squiggly-error');

  it('uses of the model from the cell above and of tf pass; a real type error is exactly one problem, on its cell and line', async () => {
    const found = await waitForProblems((p) => p.some((x) => /not assignable/.test(x.message)), 'the type error');
    // Settle: later passes must not add problems for the cells that use the model and tf.
    await wb.page.waitForTimeout(3000);
    assert.deepEqual(await problems(), found);
    assert.deepEqual(found, [{ message: "Type 'number' is not assignable to type 'string'.", line: 2, column: 7 }]);
    assert.equal(await squiggles(CELL.error).count(), 1);
    assert.equal(await squiggles(CELL.model).count(), 0);
    assert.equal(await squiggles(CELL.uses).count(), 0);
    await wb.screenshot('intellisense-problems');
  });

  it('fixing the error in the editor clears the problem', async () => {
    await clickLineEnd(CELL.error, 'const label: string = ');
    // `const label: string = epochs;` -> `const label: string = String(epochs);`
    for (let i = 0; i < 'epochs;'.length; i++) await wb.page.keyboard.press('Backspace');
    await wb.page.keyboard.type('String(epochs);');
    // Intermediate keystrokes have their own problems: wait until the view has been empty for a while.
    let emptySince = 0;
    await waitForProblems((p) => {
      if (p.length > 0) { emptySince = 0; return false; }
      emptySince ||= Date.now();
      return Date.now() - emptySince > 2000;
    }, 'no problems after the fix', 60_000);
    assert.equal(await squiggles(CELL.error).count(), 0);
  });

  it('completion after `model.` in a later cell lists the model\'s methods, fit among them', async () => {
    await clickLineEnd(CELL.uses, 'display(model);');
    await wb.page.keyboard.press('Enter');
    await wb.page.keyboard.type('model.');
    await wb.page.keyboard.press('Control+Space');
    const widget = wb.page.locator('.editor-widget.suggest-widget.visible');
    await widget.waitFor({ timeout: 30_000 });
    const names = async () => widget.locator('.monaco-list-row .label-name').evaluateAll((els) => els.map((e) => (e as HTMLElement).innerText.trim()));
    const waitForName = async (name: string): Promise<string[]> => {
      const deadline = Date.now() + 30_000;
      let listed = await names();
      while (!listed.includes(name) && Date.now() < deadline) { await wb.page.waitForTimeout(200); listed = await names(); }
      return listed;
    };
    // The list is the model's members (only the rows in view are drawn)...
    const members = await waitForName('compile');
    assert.ok(members.includes('add') && members.includes('compile'), `suggestions: ${members.join(', ')}`);
    // ...and narrowing it as a person types shows fit and fitDataset.
    await wb.page.keyboard.type('fi');
    const narrowed = await waitForName('fit');
    await wb.screenshot('intellisense-completion');
    assert.ok(narrowed.includes('fit'), `suggestions: ${narrowed.join(', ')}`);
    assert.ok(narrowed.includes('fitDataset'), `suggestions: ${narrowed.join(', ')}`);
    await wb.page.keyboard.press('Escape');
  });

  it('go to definition on `model` in a later cell moves to the cell that declares it', async () => {
    await wb.page.keyboard.press('Escape');
    const row = wb.cell(CELL.uses);
    await row.scrollIntoViewIfNeeded();
    // Click inside the word `model` at the start of the cell's first line.
    await row.locator('.view-lines .view-line').filter({ hasText: 'model.compile' }).first().locator('span span').first().click();
    await wb.page.keyboard.press('F12');
    const focused = wb.page.locator('.notebook-editor .monaco-list-row.focused');
    const deadline = Date.now() + 30_000;
    while ((await focused.getAttribute('data-index').catch(() => null)) !== String(CELL.model) && Date.now() < deadline) await wb.page.waitForTimeout(200);
    await wb.screenshot('intellisense-definition');
    assert.equal(await focused.getAttribute('data-index'), String(CELL.model));
  });

  /** Puts the cursor at the end of the line of a cell's editor that shows `lineText`. */
  async function clickLineEnd(cell: number, lineText: string): Promise<void> {
    const row = wb.cell(cell);
    await row.scrollIntoViewIfNeeded();
    await row.locator('.view-lines .view-line').filter({ hasText: lineText }).first().click();
    await wb.page.keyboard.press('End');
  }
});
