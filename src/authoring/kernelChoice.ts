/**
 * Whether a notebook counts as tfnb's for authoring: only when it runs on tfnb. That is when
 * tfnb's controller is selected for it, or when the file names tfnb's kernelspec and tfnb was
 * not switched away from (VS Code selects a kernel only at the first run or a pick). A notebook written for another TypeScript kernel (Deno, tslab) is not
 * tfnb's, although tfnb is suggested for it (src/extension/affinity.ts): on its own kernel it
 * has `Deno`, `npm:` imports and other globals tfnb's types would flag. No `vscode` import, so
 * the rule is unit-tested as it is.
 */
import { KERNELSPEC, NOTEBOOK_TYPE } from '../vscodeShared/constants';

/** The part of a vscode.NotebookDocument the rule reads. */
export interface NotebookFacts {
  readonly uri: { toString(): string };
  readonly notebookType: string;
  /** The ipynb serializer keeps the file's top-level metadata under `metadata`. */
  readonly metadata: { readonly [key: string]: unknown };
}

export type SelectionState = 'selected' | 'deselected';

/**
 * What tfnb's controller last said about each open notebook. VS Code tells a controller when
 * it is selected for a notebook and when it stops being selected (and nothing before the
 * first selection, which happens at the first run or a pick in the kernel menu).
 */
export class SelectionRecord {
  private readonly states = new Map<string, SelectionState>();

  /**
   * After tfnb's controller signalled a selection change for the notebook: `runsOnTfnb` is
   * the controller's `isTfnbFor` answer at that moment, which is then exactly whether tfnb is
   * selected (a selected notebook answers true, a deselected one false, whatever it prefers).
   */
  record(notebook: NotebookFacts, runsOnTfnb: boolean): void {
    this.states.set(notebook.uri.toString(), runsOnTfnb ? 'selected' : 'deselected');
  }

  /** A closed notebook starts afresh when it is opened again (as tfnb's controller does). */
  forget(notebook: NotebookFacts): void {
    this.states.delete(notebook.uri.toString());
  }

  stateOf(notebook: NotebookFacts): SelectionState | undefined {
    return this.states.get(notebook.uri.toString());
  }
}

/** Selected for tfnb, or naming tfnb's kernelspec and never deselected. */
export function countsAsTfnb(notebook: NotebookFacts, state: SelectionState | undefined): boolean {
  if (notebook.notebookType !== NOTEBOOK_TYPE) return false;
  if (state !== undefined) return state === 'selected';
  return kernelspecName(notebook) === KERNELSPEC.name;
}

function kernelspecName(notebook: NotebookFacts): unknown {
  const meta = notebook.metadata.metadata;
  if (typeof meta !== 'object' || meta === null) return undefined;
  const kernelspec = (meta as { kernelspec?: unknown }).kernelspec;
  return typeof kernelspec === 'object' && kernelspec !== null ? (kernelspec as { name?: unknown }).name : undefined;
}
