/**
 * Which notebooks count as tfnb's for authoring (src/authoring/kernelChoice.ts): selected for
 * tfnb, or naming tfnb's kernelspec and not switched away from. Notebooks written for Deno or
 * tslab, which tfnb's controller prefers (it suggests itself for any TypeScript notebook), are
 * not tfnb's while they run on their own kernel.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countsAsTfnb, SelectionRecord, type NotebookFacts } from '../../src/authoring/kernelChoice';

let count = 0;
function notebook(metadata: Record<string, unknown> | undefined, notebookType = 'jupyter-notebook'): NotebookFacts {
  const uri = `file:///ws/nb${++count}.ipynb`;
  return { uri: { toString: () => uri }, notebookType, metadata: metadata === undefined ? {} : { metadata } };
}

const TFNB = {
  kernelspec: { name: 'tfnb', display_name: 'TypeScript (tfnb)', language: 'typescript' },
  language_info: { name: 'typescript' },
};
const DENO = {
  kernelspec: { name: 'deno', display_name: 'Deno', language: 'typescript' },
  language_info: { name: 'typescript', file_extension: '.ts' },
};
const TSLAB = { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' }, language_info: { name: 'typescript' } };
const PYTHON = { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' }, language_info: { name: 'python' } };
const BARE_TS = { language_info: { name: 'typescript' } };

/**
 * tfnb's controller's own rule (src/extension/controller.ts isTfnbFor, with affinity.ts's
 * preference for any TypeScript notebook), to feed SelectionRecord the answers it gets.
 */
class ControllerRule {
  private readonly selected = new Set<string>();
  private readonly deselected = new Set<string>();
  select(nb: NotebookFacts, on: boolean): void {
    const key = nb.uri.toString();
    if (on) {
      this.selected.add(key);
      this.deselected.delete(key);
    } else {
      this.selected.delete(key);
      this.deselected.add(key);
    }
  }
  isTfnbFor(nb: NotebookFacts): boolean {
    const key = nb.uri.toString();
    const meta = nb.metadata.metadata as
      { kernelspec?: { name?: string; language?: string }; language_info?: { name?: string } } | undefined;
    const prefers = meta?.kernelspec?.name === 'tfnb' || [meta?.kernelspec?.language, meta?.language_info?.name].includes('typescript');
    return this.selected.has(key) || (!this.deselected.has(key) && prefers);
  }
}

describe("which notebooks authoring counts as tfnb's", () => {
  it("before any kernel is selected, only tfnb's kernelspec counts: not Deno's, tslab's, Python's or a bare TypeScript language", () => {
    assert.equal(countsAsTfnb(notebook(TFNB), undefined), true);
    assert.equal(countsAsTfnb(notebook(DENO), undefined), false);
    assert.equal(countsAsTfnb(notebook(TSLAB), undefined), false);
    assert.equal(countsAsTfnb(notebook(PYTHON), undefined), false);
    assert.equal(countsAsTfnb(notebook(BARE_TS), undefined), false);
    assert.equal(countsAsTfnb(notebook(undefined), undefined), false);
    assert.equal(countsAsTfnb(notebook({ kernelspec: 'tfnb' }), undefined), false);
  });

  it("tfnb selected counts whatever the file says; switched away from does not, even with tfnb's kernelspec", () => {
    for (const meta of [TFNB, DENO, TSLAB, PYTHON, BARE_TS, undefined]) {
      assert.equal(countsAsTfnb(notebook(meta), 'selected'), true);
      assert.equal(countsAsTfnb(notebook(meta), 'deselected'), false);
    }
  });

  it("only .ipynb notebooks (VS Code's jupyter-notebook type)", () => {
    assert.equal(countsAsTfnb(notebook(TFNB, 'interactive'), undefined), false);
    assert.equal(countsAsTfnb(notebook(TFNB, 'interactive'), 'selected'), false);
  });

  it("the record reads the controller's answer right after a selection change as selected or not, for a Deno notebook tfnb prefers too", () => {
    const controller = new ControllerRule();
    const record = new SelectionRecord();
    const deno = notebook(DENO);
    const tfnb = notebook(TFNB);
    // The controller prefers both; the Deno one is nonetheless not tfnb's until tfnb is picked for it.
    assert.equal(controller.isTfnbFor(deno), true);
    assert.equal(countsAsTfnb(deno, record.stateOf(deno)), false);
    assert.equal(countsAsTfnb(tfnb, record.stateOf(tfnb)), true);

    const change = (nb: NotebookFacts, on: boolean) => {
      controller.select(nb, on);
      record.record(nb, controller.isTfnbFor(nb));
    };
    change(deno, true);
    assert.equal(countsAsTfnb(deno, record.stateOf(deno)), true);
    change(deno, false);
    assert.equal(countsAsTfnb(deno, record.stateOf(deno)), false);
    change(tfnb, false); // another kernel picked for a tfnb notebook
    assert.equal(countsAsTfnb(tfnb, record.stateOf(tfnb)), false);
    change(tfnb, true);
    assert.equal(countsAsTfnb(tfnb, record.stateOf(tfnb)), true);

    // Closed and opened again: back to what the file says.
    record.forget(deno);
    record.forget(tfnb);
    assert.equal(countsAsTfnb(deno, record.stateOf(deno)), false);
    assert.equal(countsAsTfnb(tfnb, record.stateOf(tfnb)), true);
  });
});
