/**
 * Run All in a real VS Code (code-server + Chromium): the cells are sent to the kernel ahead of
 * their turn (docs/protocol.md, "Cells sent ahead"), yet behave as a one-at-a-time queue — they
 * run in order with their own outputs and numbers, a failing cell stops the ones after it, and
 * an interrupt drops the queued ones. What did not run is checked in the kernel too, not only
 * on screen. A cell edited while it waits runs the code it was queued with (as in JupyterLab).
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import type { BrowserContext } from 'playwright-core';
import { startCodeServer, type RunningCodeServer } from './codeServer';
import { notebookJson } from './notebooks';
import { launchBrowser, Workbench } from './workbench';

const STDOUT = 'application/vnd.code.notebook.stdout';
const ERROR = 'application/vnd.code.notebook.error';

/** Three cells that record their order, one that fails, two behind it, and a check run by hand. */
const ORDER = { first: 0, slow: 1, third: 2, fails: 3, behind: 4, last: 5, check: 6 } as const;
const ORDER_NOTEBOOK = notebookJson([
  { kind: 'code', source: "globalThis.ran = ['first'];\nconsole.log('first cell');\n1" },
  // Slow, so the cells behind it are in the kernel (sent ahead) before it ends.
  { kind: 'code', source: "ran.push('slow');\nawait new Promise((r) => setTimeout(r, 1500));\nconsole.log('slow cell');\n2" },
  { kind: 'code', source: "ran.push('third');\nran.join(',')" },
  { kind: 'code', source: "ran.push('fails');\nthrow new Error('the middle cell fails');" },
  { kind: 'code', source: "ran.push('behind');\nconsole.log('must not run')" },
  { kind: 'code', source: "ran.push('last');\nconsole.log('must not run either')" },
  { kind: 'code', source: "ran.join(',')" },
]);

/** A cell that waits until interrupted, with queued cells behind it, and a check run by hand. */
const WAIT = { first: 0, waits: 1, queued1: 2, queued2: 3, check: 4 } as const;
const INTERRUPT_NOTEBOOK = notebookJson([
  { kind: 'code', source: "globalThis.ran = ['first'];\n'first'" },
  { kind: 'code', source: "ran.push('waits');\nawait new Promise((r) => setTimeout(r, 600_000));" },
  { kind: 'code', source: "ran.push('queued1');\nconsole.log('must not run')" },
  { kind: 'code', source: "ran.push('queued2');\nconsole.log('must not run either')" },
  { kind: 'code', source: "ran.join(',')" },
]);

/** A cell that holds the queue a while, and one behind it to edit while it waits. */
const EDIT = { holds: 0, edited: 1 } as const;
const EDIT_NOTEBOOK = notebookJson([
  { kind: 'code', source: "await new Promise((r) => setTimeout(r, 10_000));\n'held'" },
  { kind: 'code', source: "'as queued'" },
]);

describe('Run All sends cells ahead and keeps their semantics (code-server)', { timeout: 600_000 }, () => {
  let server: RunningCodeServer;
  let browser: BrowserContext;
  let wb: Workbench;

  before(async () => {
    server = await startCodeServer({
      workspaceFiles: { 'order.ipynb': ORDER_NOTEBOOK, 'interrupt.ipynb': INTERRUPT_NOTEBOOK, 'edit.ipynb': EDIT_NOTEBOOK },
      settings: { 'tfnb.recordRuns': false },
    });
    browser = await launchBrowser(server);
    wb = await Workbench.open(browser, server);
  });

  let testNumber = 0;
  afterEach(async () => {
    testNumber++;
    await wb?.screenshot(`run-all-after-test-${testNumber}`).catch(() => undefined);
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
  });

  it('runs the queued cells in order with their own outputs and numbers, and stops at a failing cell', async () => {
    await wb.openFromExplorer('order.ipynb');
    await wb.runAllFromToolbar();
    assert.equal(await wb.waitForCellDone(ORDER.fails, 180_000), 'error');

    const first = await wb.waitForOutputs(ORDER.first, (o) => o.texts.length === 2);
    assert.deepEqual(first.mimes, [STDOUT, 'text/plain']);
    assert.deepEqual(first.texts, ['first cell', '1']);
    const slow = await wb.waitForOutputs(ORDER.slow, (o) => o.texts.length === 2);
    assert.deepEqual(slow.texts, ['slow cell', '2']);
    // The third cell saw the two before it had run, in order.
    const third = await wb.waitForOutputs(ORDER.third, (o) => o.texts.length === 1);
    assert.deepEqual(third.texts, ["'first,slow,third'"]);
    const fails = await wb.waitForOutputs(ORDER.fails, (o) => o.texts.length === 1);
    assert.deepEqual(fails.mimes, [ERROR]);
    assert.match(fails.texts[0] ?? '', /the middle cell fails/);

    for (const [cell, order] of [
      [ORDER.first, '[1]'],
      [ORDER.slow, '[2]'],
      [ORDER.third, '[3]'],
      [ORDER.fails, '[4]'],
    ] as const) {
      assert.equal(await wb.executionOrder(cell), order, `cell ${cell + 1}'s execution number`);
    }
    for (const cell of [ORDER.first, ORDER.slow, ORDER.third]) assert.equal(await wb.cellState(cell), 'success');

    // Behind the failure: not run, shown as never run (no number, no state, no output).
    for (const cell of [ORDER.behind, ORDER.last, ORDER.check]) {
      assert.equal(await wb.cellState(cell), 'none', `cell ${cell + 1} did not run`);
      assert.equal(await wb.executionOrder(cell), '', `cell ${cell + 1} has no number`);
      assert.deepEqual((await wb.outputs(cell)).texts, [], `cell ${cell + 1} has no output`);
    }
    // And in the kernel: they were sent ahead, yet none of them ran.
    await wb.runCell(ORDER.check);
    assert.equal(await wb.waitForCellDone(ORDER.check), 'success');
    const check = await wb.waitForOutputs(ORDER.check, (o) => o.texts.length === 1);
    assert.deepEqual(check.texts, ["'first,slow,third,fails'"]);
    assert.equal(await wb.executionOrder(ORDER.check), '[5]');
    await wb.closeActiveEditorWithoutSaving();
  });

  it('an interrupt during Run All ends the running cell and drops the queued ones', async () => {
    await wb.openFromExplorer('interrupt.ipynb');
    await wb.runAllFromToolbar();
    await wb.waitForCellState(WAIT.waits, 'executing', 180_000);
    // The cells behind it wait their turn, shown as pending.
    for (const cell of [WAIT.queued1, WAIT.queued2, WAIT.check]) assert.equal(await wb.cellState(cell), 'pending');
    await wb.page.waitForTimeout(500);
    await wb.interruptFromToolbar();
    assert.equal(await wb.waitForCellDone(WAIT.waits, 30_000), 'error');
    const waits = await wb.waitForOutputs(WAIT.waits, (o) => o.texts.length > 0);
    assert.match(waits.texts.join('\n'), /Interrupted/);
    assert.equal(await wb.executionOrder(WAIT.waits), '[2]');

    // The queued cells were dropped: no longer pending, never run.
    for (const cell of [WAIT.queued1, WAIT.queued2, WAIT.check]) {
      await wb.waitForCellState(cell, 'none', 15_000);
      assert.equal(await wb.executionOrder(cell), '', `cell ${cell + 1} has no number`);
    }
    // The kernel kept its state and ran none of them; the next cell gets the next number.
    await wb.runCell(WAIT.check);
    assert.equal(await wb.waitForCellDone(WAIT.check), 'success');
    const check = await wb.waitForOutputs(WAIT.check, (o) => o.texts.length === 1);
    assert.deepEqual(check.texts, ["'first,waits'"]);
    assert.equal(await wb.executionOrder(WAIT.check), '[3]');
    await wb.closeActiveEditorWithoutSaving();
  });

  it('a cell edited while it waits in the queue runs the code it was queued with; the edit runs next time', async () => {
    await wb.openFromExplorer('edit.ipynb');
    await wb.runAllFromToolbar();
    await wb.waitForCellState(EDIT.holds, 'executing', 180_000);
    assert.equal(await wb.cellState(EDIT.edited), 'pending');
    // Typed over while it waits (it is in the kernel already, sent ahead).
    const row = await wb.revealCell(EDIT.edited);
    await row.locator('.cell-editor-container').first().click();
    await wb.page.keyboard.press('Control+a');
    await wb.page.keyboard.press('Delete');
    await wb.page.keyboard.type("'as edited'");
    await row.locator('.view-lines', { hasText: "'as edited'" }).waitFor({ timeout: 10_000 });
    assert.equal(await wb.cellState(EDIT.holds), 'executing', 'the edit was made while the cell was still queued');

    assert.equal(await wb.waitForCellDone(EDIT.edited, 60_000), 'success');
    const queued = await wb.waitForOutputs(EDIT.edited, (o) => o.texts.length === 1);
    assert.deepEqual(queued.texts, ["'as queued'"]);
    await wb.runCell(EDIT.edited);
    await wb.waitForOutputs(EDIT.edited, (o) => o.texts[0] === "'as edited'", 60_000);
    assert.equal(await wb.executionOrder(EDIT.edited), '[3]');
  });
});
