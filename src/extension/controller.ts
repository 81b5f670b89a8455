/**
 * The notebook controller tfnb registers for `jupyter-notebook` documents (VS Code's built-in
 * .ipynb support): it hands cells to the notebook's runner, and interrupts through the kernel's
 * interrupt pipe rather than cancellation tokens, since the kernel stops whatever is running.
 */
import * as vscode from 'vscode';
import { prefersTfnb } from './affinity';
import { watchNotebooks } from './closedNotebooks';
import { CONTROLLER_ID, CONTROLLER_LABEL, NOTEBOOK_TYPE, SUPPORTED_LANGUAGES } from '../vscodeShared/constants';
import type { KernelManager } from './kernelManager';
import { NotebookRunner } from './notebookRunner';
import { isTrusted, refuseUntrusted } from './trust';

export class TfnbController implements vscode.Disposable {
  readonly controller: vscode.NotebookController;
  private readonly runners = new Map<string, NotebookRunner>();
  private readonly selected = new Set<string>();
  private readonly deselected = new Set<string>();
  private readonly selectionChanged = new vscode.EventEmitter<vscode.NotebookDocument>();
  /** Fires when tfnb is selected for a notebook or stops being selected. */
  readonly onDidChangeSelection = this.selectionChanged.event;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly kernels: KernelManager,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.controller = vscode.notebooks.createNotebookController(CONTROLLER_ID, NOTEBOOK_TYPE, CONTROLLER_LABEL);
    this.controller.supportedLanguages = [...SUPPORTED_LANGUAGES];
    this.controller.supportsExecutionOrder = true;
    this.controller.description = 'TensorFlow.js kernel';
    this.controller.detail = 'Runs TypeScript and JavaScript cells in a persistent Node.js kernel with tf preloaded';
    this.controller.executeHandler = (cells, notebook) => this.execute(cells, notebook);
    this.controller.interruptHandler = (notebook) => this.interrupt(notebook);
    this.disposables.push(
      this.controller.onDidChangeSelectedNotebooks(({ notebook, selected }) => {
        const key = notebook.uri.toString();
        if (selected) {
          this.selected.add(key);
          this.deselected.delete(key);
        } else {
          this.selected.delete(key);
          this.deselected.add(key);
        }
        this.selectionChanged.fire(notebook);
      }),
      watchNotebooks({
        isTracked: (uri) => this.runners.has(uri.toString()) || this.kernels.has(uri),
        closed: (uri) => void this.close(uri),
        moved: (from, to) => this.move(from, to),
      }),
    );
  }

  /**
   * Whether the notebook runs on tfnb: selected, or preferred and not switched away from.
   * VS Code selects a suggested controller only at the first run, and the API does not say
   * which controller a notebook shows, so a preferred notebook counts as tfnb's until then.
   */
  isTfnbFor(notebook: vscode.NotebookDocument): boolean {
    const key = notebook.uri.toString();
    return this.selected.has(key) || (!this.deselected.has(key) && prefersTfnb(notebook));
  }

  runnerFor(notebook: vscode.NotebookDocument): NotebookRunner {
    const key = notebook.uri.toString();
    let runner = this.runners.get(key);
    if (!runner) {
      runner = new NotebookRunner(notebook, this.controller, this.kernels, this.log);
      this.runners.set(key, runner);
    }
    return runner;
  }

  interrupt(notebook: vscode.NotebookDocument): void {
    this.runners.get(notebook.uri.toString())?.interrupt();
  }

  private async execute(cells: readonly vscode.NotebookCell[], notebook: vscode.NotebookDocument): Promise<void> {
    if (!isTrusted()) {
      refuseUntrusted(this.controller, cells);
      return;
    }
    await this.runnerFor(notebook).run(cells);
  }

  /**
   * A notebook saved under a new name keeps its kernel. Its runner is dropped: it writes to
   * the old document's cells, and the new document's cells get a new one at their next run.
   */
  private move(from: vscode.Uri, to: vscode.NotebookDocument): void {
    const [oldKey, newKey] = [from.toString(), to.uri.toString()];
    this.runners.get(oldKey)?.dispose();
    this.runners.delete(oldKey);
    if (this.selected.delete(oldKey)) this.selected.add(newKey);
    if (this.deselected.delete(oldKey)) this.deselected.add(newKey);
    this.kernels.move(from, to.uri);
    this.selectionChanged.fire(to);
  }

  /** A closed notebook's kernel ends with it: no orphan processes. */
  private async close(uri: vscode.Uri): Promise<void> {
    const key = uri.toString();
    this.runners.get(key)?.dispose();
    this.runners.delete(key);
    this.selected.delete(key);
    this.deselected.delete(key);
    await this.kernels.shutdown(uri);
    this.kernels.forget(uri);
  }

  dispose(): void {
    for (const runner of this.runners.values()) runner.dispose();
    this.runners.clear();
    this.disposables.forEach((d) => d.dispose());
    this.selectionChanged.dispose();
    this.controller.dispose();
  }
}
