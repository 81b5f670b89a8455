/**
 * Keeps the TypeScript server plugin's picture of tfnb notebooks current (which notebooks, cell
 * order, languages) and re-checks cells when they change: on edits, added, moved or deleted
 * cells, a language change, the tfnb kernel being picked, and notebooks opening or closing. A
 * notebook counts while an editor tab shows it: when its last tab closes, its problems go.
 */
import * as vscode from 'vscode';
import { CellDiagnostics } from './cellDiagnostics';
import { SelectionRecord } from './kernelChoice';
import { isTfnbNotebook, pluginConfig, type KernelSelection } from './tfnbNotebooks';
import type { TypeScriptExtension } from './typescriptExtension';

const DECLARE_GLOBAL = /\bdeclare\s+global\b/;

/** Whether an editor tab shows the notebook: one without is closed to the person (its problems go). */
function hasTab(notebook: vscode.NotebookDocument): boolean {
  const key = notebook.uri.toString();
  return vscode.window.tabGroups.all.some((g) =>
    g.tabs.some((t) => t.input instanceof vscode.TabInputNotebook && t.input.uri.toString() === key),
  );
}

export class NotebookAuthoring implements vscode.Disposable {
  private readonly diagnostics: CellDiagnostics;
  private readonly disposables: vscode.Disposable[] = [];
  /** Notebooks currently given to the plugin, by URI. */
  private tfnbNotebooks = new Map<string, vscode.NotebookDocument>();
  /** What the plugin was last told; it starts knowing no notebook (so nothing is sent, and the TypeScript extension is not woken, until one opens). */
  private sentConfig: string;
  /** Cells whose text declares globals (`declare global`), by URI. */
  private readonly declaresGlobals = new Set<string>();
  /** Whether tfnb's controller is selected for each notebook it said something about. */
  private readonly selections = new SelectionRecord();

  constructor(
    private readonly typesDir: string,
    private readonly typescript: TypeScriptExtension,
    selection: KernelSelection | undefined,
  ) {
    this.sentConfig = JSON.stringify(pluginConfig(typesDir, []));
    this.diagnostics = new CellDiagnostics(typescript);
    this.disposables.push(
      this.diagnostics,
      vscode.workspace.onDidOpenNotebookDocument(() => this.update()),
      // The closing notebook may still be listed in workspace.notebookDocuments while this event runs.
      vscode.workspace.onDidCloseNotebookDocument((nb) => {
        this.selections.forget(nb);
        this.update(undefined, nb);
      }),
      // VS Code keeps a notebook's document open for a while after its last editor tab closed.
      vscode.window.tabGroups.onDidChangeTabs(() => this.update()),
      // The backend setting decides whether the kernel's tf can be tfjs-node(-gpu).
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('tfnb.backend')) this.update(undefined, undefined, true);
      }),
      vscode.workspace.onDidChangeNotebookDocument((e) => {
        // Cells added, removed or moved, or metadata (kernelspec) changed; text edits come below.
        if (e.contentChanges.length || e.metadata) this.update(e.notebook);
      }),
      vscode.workspace.onDidChangeTextDocument((e) => this.textChanged(e)),
      // A cell's language change reopens its document.
      vscode.workspace.onDidOpenTextDocument((d) => {
        if (d.uri.scheme === 'vscode-notebook-cell') this.update(this.notebookOf(d));
      }),
    );
    if (selection) {
      this.disposables.push(
        selection.onDidChangeSelection((nb) => {
          this.selections.record(nb, selection.isTfnbFor(nb));
          this.update(nb);
        }),
      );
    }
    this.update();
  }

  /** Recomputes the tfnb notebooks (without `closed`); sends the plugin a new configuration if it changed, and re-checks. */
  private update(changed?: vscode.NotebookDocument, closed?: vscode.NotebookDocument, recheckAll = false): void {
    const now = new Map<string, vscode.NotebookDocument>();
    for (const nb of vscode.workspace.notebookDocuments) {
      if (nb !== closed && !nb.isClosed && isTfnbNotebook(nb, this.selections) && hasTab(nb)) now.set(nb.uri.toString(), nb);
    }
    for (const [key, nb] of this.tfnbNotebooks) if (!now.has(key)) this.diagnostics.clear(nb);
    const added = [...now.keys()].filter((k) => !this.tfnbNotebooks.has(k));
    this.tfnbNotebooks = now;

    const config = pluginConfig(this.typesDir, [...now.values()]);
    const serialized = JSON.stringify(config);
    if (serialized === this.sentConfig) return;
    this.sentConfig = serialized;
    void this.typescript.configurePlugin(config).then(() => {
      for (const key of added) this.diagnostics.schedule(now.get(key)!);
      if (changed && now.has(changed.uri.toString()) && !added.includes(changed.uri.toString())) this.diagnostics.schedule(changed);
      if (recheckAll) for (const [key, nb] of now) if (!added.includes(key) && nb !== changed) this.diagnostics.schedule(nb);
    });
  }

  private textChanged(e: vscode.TextDocumentChangeEvent): void {
    if (e.document.uri.scheme !== 'vscode-notebook-cell' || e.contentChanges.length === 0) return;
    const notebook = this.notebookOf(e.document);
    if (!notebook || !this.tfnbNotebooks.has(notebook.uri.toString())) return;
    const index = CellDiagnostics.codeIndexOf(notebook, e.document);
    if (index < 0) return;
    // `declare global { … }` reaches every cell, the cells above too: while a cell has (or had) one, re-check from the top.
    const key = e.document.uri.toString();
    const declares = DECLARE_GLOBAL.test(e.document.getText());
    const had = this.declaresGlobals.has(key);
    if (declares) this.declaresGlobals.add(key);
    else this.declaresGlobals.delete(key);
    this.diagnostics.schedule(notebook, declares || had ? 0 : index);
  }

  private notebookOf(document: vscode.TextDocument): vscode.NotebookDocument | undefined {
    for (const nb of this.tfnbNotebooks.values()) if (nb.getCells().some((c) => c.document === document)) return nb;
    return vscode.workspace.notebookDocuments.find((nb) => nb.getCells().some((c) => c.document === document));
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
