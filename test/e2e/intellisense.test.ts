/**
 * Types and IntelliSense that know the notebook, in a real VS Code (code-server) driven by
 * Chromium: cells see the model built in the cell above and the kernel's `tf`/`display`, a real
 * type error shows as exactly one problem on its cell and line, an import of tfjs-node-gpu
 * (not installed) has tfjs's types, edits update problems, completion after `model.` offers the
 * model's methods, a hover shows a name's type from the cell above, go to definition lands on
 * the declaring cell and line; adding, moving and deleting cells re-checks the cells they
 * affect; a Deno notebook open beside gets no tfnb problems, and its names do not satisfy a
 * tfnb cell; a new untitled notebook's cells see the cells above before it is saved. Screenshots: .test-artifacts/e2e/.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext, Locator } from 'playwright-core';
import { ARTIFACTS, startCodeServer, type RunningCodeServer } from './codeServer';
import { authoringVsix, type AuthoringVsix } from './intellisenseVsix';
import { notebookJson } from './notebooks';
import { ACTIVE_NOTEBOOK, launchBrowser, Workbench } from './workbench';

/** Row indexes in the notebook (the markdown cell counts). */
const CELL = { model: 1, uses: 2, error: 3, gpu: 4 } as const;

const NOTEBOOK = notebookJson([
  { kind: 'markdown', source: '# Types across cells' },
  { kind: 'code', source: '// the model\nconst model = tf.sequential();\nmodel.add(tf.layers.dense({ units: 1, inputShape: [1] }));' },
  {
    kind: 'code',
    source:
      "model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });\nconst xs = tf.tensor2d([1, 2, 3, 4], [4, 1]);\nawait model.fit(xs, xs.mul(2), { epochs: 1 });\ndisplay(model);",
  },
  { kind: 'code', source: 'const epochs = 3;\nconst label: string = epochs;\nconsole.log(label);' },
  // tfjs-node-gpu is not installed in the workspace: as in the kernel, it is tfjs.
  { kind: 'code', source: "import * as g from '@tensorflow/tfjs-node-gpu';\ng.tensor([1]).fooBar();" },
]);

const LABEL_ERROR = { message: "Type 'number' is not assignable to type 'string'.", line: 2, column: 7 };
const GPU_ERROR = { message: "Property 'fooBar' does not exist on type 'Tensor<Rank>'.", line: 2, column: 15 };

/** A notebook for the Deno kernel (as Deno's Jupyter kernel writes it): tfnb's types must leave it alone. */
const DENO_NOTEBOOK = JSON.stringify(
  {
    cells: [
      {
        cell_type: 'code',
        metadata: {},
        execution_count: null,
        outputs: [],
        source: 'const total = 1;\nconst fromDeno: string = 1;\nconsole.log(Deno.version, fromDeno);',
      },
    ],
    metadata: {
      kernelspec: { name: 'deno', display_name: 'Deno', language: 'typescript' },
      language_info: {
        name: 'typescript',
        file_extension: '.ts',
        mimetype: 'text/x.typescript',
        codemirror_mode: 'typescript',
        nbconvert_exporter: 'script',
        pygments_lexer: 'typescript',
        version: '5.6.2',
      },
    },
    nbformat: 4,
    nbformat_minor: 5,
  },
  null,
  1,
);

/** Row indexes in order.ipynb, as written (cells are added, moved and deleted by the tests). */
const ORDER = { uses: 1 } as const;
const ORDER_NOTEBOOK = notebookJson([
  { kind: 'markdown', source: '# Order' },
  { kind: 'code', source: 'const doubled: number = total * 2;\nconsole.log(doubled);' },
]);

interface Problem {
  message: string;
  line: number;
  column: number;
}

/** What tfnb says of a name only another notebook declares (src/tsplugin/foreignGlobals.ts). */
const TOTAL_ELSEWHERE =
  "Cannot find name 'total'. It is declared outside this notebook (another notebook or script); a tfnb cell sees only the cells above it and the kernel's globals.";
/** The added cell's own error. */
const OOPS = { message: "Type 'number' is not assignable to type 'string'.", line: 2, column: 7 };

describe('authoring in VS Code (code-server)', { timeout: 600_000 }, () => {
  let vsix: AuthoringVsix;
  let server: RunningCodeServer;
  let browser: BrowserContext;
  let wb: Workbench;

  before(async () => {
    vsix = await authoringVsix();
    process.env.TFNB_E2E_VSIX = vsix.vsix;
    server = await startCodeServer({
      workspaceFiles: { 'types.ipynb': NOTEBOOK, 'deno.ipynb': DENO_NOTEBOOK, 'order.ipynb': ORDER_NOTEBOOK },
    });
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
    const labels = await wb.page
      .locator('.markers-panel .monaco-list-row')
      .evaluateAll((rows) => rows.map((r) => (r as HTMLElement).innerText));
    return labels.flatMap((text) => {
      const m = /^(.*)\n[\s\S]*\[Ln (\d+), Col (\d+)\]$/.exec(text.trim());
      return m ? [{ message: m[1]!.trim(), line: Number(m[2]), column: Number(m[3]) }] : [];
    });
  }

  const byMessage = (p: Problem[]): Problem[] => [...p].sort((a, b) => a.message.localeCompare(b.message) || a.line - b.line);

  /** Waits until the Problems view shows exactly `wanted` (in any order) and keeps showing it for 2 s. */
  async function waitForExactly(wanted: Problem[], what: string, timeoutMs = 60_000): Promise<void> {
    const expected = JSON.stringify(byMessage(wanted));
    let since = 0;
    await waitForProblems(
      (p) => {
        if (JSON.stringify(byMessage(p)) !== expected) {
          since = 0;
          return false;
        }
        since ||= Date.now();
        return Date.now() - since > 2000;
      },
      what,
      timeoutMs,
    );
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

  it("uses of the model from the cell above and of tf pass; a real type error is exactly one problem, on its cell and line; tfjs-node-gpu has tfjs's types", async () => {
    const found = await waitForProblems(
      (p) => p.some((x) => /not assignable/.test(x.message)) && p.some((x) => /fooBar/.test(x.message)),
      'the two type errors',
    );
    // Settle: later passes must not add problems for the cells that use the model and tf.
    await wb.page.waitForTimeout(3000);
    assert.deepEqual(await problems(), found);
    assert.deepEqual(byMessage(found), byMessage([LABEL_ERROR, GPU_ERROR]));
    assert.equal(await squiggles(CELL.error).count(), 1);
    assert.equal(await squiggles(CELL.gpu).count(), 1);
    assert.equal(await squiggles(CELL.model).count(), 0);
    assert.equal(await squiggles(CELL.uses).count(), 0);
    await wb.screenshot('intellisense-problems');
  });

  it('fixing the error in the editor clears the problem', async () => {
    await clickLineEnd(CELL.error, 'const label: string = ');
    // `const label: string = epochs;` -> `const label: string = String(epochs);`
    for (let i = 0; i < 'epochs;'.length; i++) await wb.page.keyboard.press('Backspace');
    await wb.page.keyboard.type('String(epochs);');
    // Intermediate keystrokes have their own problems: wait until only the other cell's problem has stayed a while.
    await waitForExactly([GPU_ERROR], "only the tfjs-node-gpu cell's problem after the fix");
    assert.equal(await squiggles(CELL.error).count(), 0);
  });

  it("completion after `model.` in a later cell lists the model's methods, fit among them", async () => {
    await clickLineEnd(CELL.uses, 'display(model);');
    await wb.page.keyboard.press('Enter');
    await wb.page.keyboard.type('model.');
    await wb.page.keyboard.press('Control+Space');
    const widget = wb.page.locator('.editor-widget.suggest-widget.visible');
    await widget.waitFor({ timeout: 30_000 });
    const names = async () =>
      widget.locator('.monaco-list-row .label-name').evaluateAll((els) => els.map((e) => (e as HTMLElement).innerText.trim()));
    const waitForName = async (name: string): Promise<string[]> => {
      const deadline = Date.now() + 30_000;
      let listed = await names();
      while (!listed.includes(name) && Date.now() < deadline) {
        await wb.page.waitForTimeout(200);
        listed = await names();
      }
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

  it('a hover on a name from the cell above shows its type', async () => {
    await wb.page.keyboard.press('Escape');
    const row = wb.cell(CELL.uses);
    await row.scrollIntoViewIfNeeded();
    const word = row.locator('.view-lines .view-line').filter({ hasText: 'model.compile' }).first().locator('span span').first();
    assert.equal((await word.innerText()).trim(), 'model');
    const hover = wb.page.locator('.monaco-hover-content', { hasText: 'const model: tf.Sequential' });
    for (let attempt = 1; ; attempt++) {
      // Hovers appear after a short delay and go when the mouse leaves: move onto the word each try.
      await wb.page.mouse.move(0, 0);
      await word.hover();
      try {
        await hover.first().waitFor({ state: 'visible', timeout: 10_000 });
        break;
      } catch (e) {
        if (attempt === 3) throw e;
      }
    }
    // With the hover on screen (wb.screenshot moves the mouse away first).
    await wb.page.screenshot({ path: join(ARTIFACTS, 'intellisense-hover.png') });
    await wb.page.mouse.move(0, 0);
  });

  it('go to definition on `model` in a later cell moves to the cell and line that declare it', async () => {
    await wb.page.keyboard.press('Escape');
    const row = wb.cell(CELL.uses);
    await row.scrollIntoViewIfNeeded();
    // Click inside the word `model` at the start of the cell's first line.
    await row.locator('.view-lines .view-line').filter({ hasText: 'model.compile' }).first().locator('span span').first().click();
    await wb.page.keyboard.press('F12');
    const focused = wb.page.locator('.notebook-editor .monaco-list-row.focused');
    const deadline = Date.now() + 30_000;
    while ((await focused.getAttribute('data-index').catch(() => null)) !== String(CELL.model) && Date.now() < deadline)
      await wb.page.waitForTimeout(200);
    await wb.screenshot('intellisense-definition');
    assert.equal(await focused.getAttribute('data-index'), String(CELL.model));
    // The declaration `const model` is on the cell's second line (its first is a comment).
    assert.deepEqual(await cursorLine(CELL.model), { line: 2, text: 'const model = tf.sequential();' });
  });

  it('a Deno notebook open beside gets no tfnb problems, and its names do not satisfy a tfnb cell', async () => {
    // Leave types.ipynb: closing a tfnb notebook's editor takes its problems away.
    await wb.activateTab('types.ipynb');
    await wb.closeActiveEditorWithoutSaving();
    await waitForExactly([], 'no problems once types.ipynb is closed');
    await wb.openFromExplorer('deno.ipynb');
    await wb.openFromExplorer('order.ipynb');
    // The Deno notebook's cell would have two problems under tfnb's types (`Deno`, the string);
    // its `total` is a global in VS Code's shared project, which tfnb's kernel does not have.
    await waitForExactly([{ message: TOTAL_ELSEWHERE, line: 1, column: 25 }], "the order notebook's one problem");
    await wb.screenshot('intellisense-deno-beside');
  });

  it('a cell added above that declares a name clears the error below; moved below, the error returns; moved back, it goes', async () => {
    await clickLineEnd(ORDER.uses, 'const doubled');
    await wb.command('Notebook: Insert Code Cell Above');
    // The new cell (row 1) has the focus, in its editor.
    await wb.page.locator(`${ACTIVE_NOTEBOOK} .monaco-list-row[data-index="1"] .monaco-editor.focused`).waitFor({ timeout: 10_000 });
    await wb.page.keyboard.type('const total = 21;\nconst oops: string = total;');
    await waitForExactly([OOPS], "only the new cell's own problem (`total` now comes from the cell above)");
    await wb.screenshot('intellisense-added');

    await wb.page.keyboard.press('Escape'); // leave the editor; the cell stays selected
    await wb.command('Notebook: Move Cell Down');
    await waitForExactly(
      [OOPS, { message: TOTAL_ELSEWHERE, line: 1, column: 25 }],
      "the use's problem back, with the declaring cell below it",
    );
    await wb.command('Notebook: Move Cell Up');
    await waitForExactly([OOPS], 'the declaring cell above again');
  });

  it("deleting the declaring cell brings the error back and takes the deleted cell's problem away", async () => {
    await wb.command('Notebook: Delete Cell');
    await waitForExactly([{ message: TOTAL_ELSEWHERE, line: 1, column: 25 }], "the use's problem, and no problem of the deleted cell");
    assert.equal(await wb.page.locator(`${ACTIVE_NOTEBOOK} .code-cell-row`).count(), 1);
    await wb.screenshot('intellisense-deleted');
  });

  it('typing `declare global` in a cell re-checks the cells above it', async () => {
    await clickLineEnd(ORDER.uses, 'console.log(doubled);');
    await wb.page.keyboard.press('Enter');
    await wb.page.keyboard.type('console.log(shared);');
    const sharedMissing = { message: "Cannot find name 'shared'.", line: 3, column: 13 };
    await waitForExactly([{ message: TOTAL_ELSEWHERE, line: 1, column: 25 }, sharedMissing], 'the use of `shared` flagged');
    await wb.command('Notebook: Insert Code Cell Below');
    await wb.page.locator(`${ACTIVE_NOTEBOOK} .monaco-list-row[data-index="2"] .monaco-editor.focused`).waitFor({ timeout: 10_000 });
    // Let the re-check that adding a cell starts finish, so only the typing's own re-checks remain.
    await wb.page.waitForTimeout(2000);
    await wb.page.keyboard.type('declare global { var shared: number }');
    await waitForExactly([{ message: TOTAL_ELSEWHERE, line: 1, column: 25 }], 'the cell above re-checked: `shared` is declared now');
    await wb.screenshot('intellisense-declare-global');
  });

  it("a new untitled notebook's cells see the names of the cells above before its first save (no false `Cannot find name`)", async () => {
    // Its cells reach the TypeScript server with no project folder: each in an inferred project of its own.
    await wb.command('tfnb: New TypeScript ML Notebook');
    await wb.page.locator('.tabs-container .tab.active', { hasText: 'Untitled-1.ipynb' }).waitFor({ timeout: 30_000 });
    await clickLineEnd(1, 'console.log(');
    await wb.page.keyboard.press('Enter');
    await wb.page.keyboard.type('const t = tf.tensor1d([1, 2]);');
    await wb.command('Notebook: Insert Code Cell Below');
    await wb.page.locator(`${ACTIVE_NOTEBOOK} .monaco-list-row[data-index="2"] .monaco-editor.focused`).waitFor({ timeout: 10_000 });
    await wb.page.keyboard.type('const doubled = t.mul(2);\nconst wrong: string = doubled.size;');
    // Only the cell's own real error (and order.ipynb's, still open), not "Cannot find name 't'".
    await waitForExactly([{ message: TOTAL_ELSEWHERE, line: 1, column: 25 }, OOPS], "the untitled notebook's one real problem");
    await wb.screenshot('intellisense-untitled');
    await wb.closeEditor('Untitled-1.ipynb');
  });

  /**
   * The line of a cell's editor the cursor is on: its number and text. (VS Code's status bar
   * shows "Cell 2 of 5" in a notebook, not the line, so this reads the editor's drawing: the
   * cursor and the lines are laid out at the same `top`.)
   */
  async function cursorLine(cell: number): Promise<{ line: number; text: string }> {
    return wb.cell(cell).evaluate((row) => {
      const cursor = row.querySelector<HTMLElement>('.cursors-layer .cursor');
      const lines = Array.from(row.querySelectorAll<HTMLElement>('.view-lines .view-line')).sort(
        (a, b) => parseFloat(a.style.top) - parseFloat(b.style.top),
      );
      const at = lines.findIndex((l) => cursor !== null && l.style.top === cursor.style.top);
      return { line: at + 1, text: (at >= 0 ? (lines[at]!.textContent ?? '') : '').replace(/\u00a0/g, ' ') };
    });
  }

  /** Puts the cursor at the end of the line of a cell's editor that shows `lineText`. */
  async function clickLineEnd(cell: number, lineText: string): Promise<void> {
    const row = wb.cell(cell);
    await row.scrollIntoViewIfNeeded();
    await row.locator('.view-lines .view-line').filter({ hasText: lineText }).first().click();
    await wb.page.keyboard.press('End');
  }
});
