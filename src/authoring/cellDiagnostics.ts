/**
 * Type-check problems of tfnb notebook cells, shown in the editor and the Problems view. After an
 * edit the edited cell is checked first, then the cells below it (their types can depend on it);
 * a newer edit of the same notebook stops an older pass. Cells above an edit are not affected,
 * except by `declare global` (NotebookAuthoring then checks from the first cell).
 */
import * as vscode from 'vscode';
import { codeCells } from './tfnbNotebooks';
import type { ServerDiagnostic, TypeScriptExtension } from './typescriptExtension';

/** Quiet time after a keystroke before asking the server (VS Code's own TypeScript waits similarly). */
const TYPING_DELAY_MS = 120;

interface Pass {
  timer?: NodeJS.Timeout;
  from: number;
  generation: number;
  cancel: vscode.CancellationTokenSource;
}

export class CellDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('tfnb');
  private readonly passes = new Map<string, Pass>();
  /** Cells that have diagnostics published, per notebook. */
  private readonly published = new Map<string, Set<string>>();
  private generation = 0;

  constructor(private readonly typescript: TypeScriptExtension) {}

  /** Checks the notebook's code cells from index `from` (in code-cell order) to the end, after a short delay. */
  schedule(notebook: vscode.NotebookDocument, from = 0): void {
    const key = notebook.uri.toString();
    const previous = this.passes.get(key);
    if (previous) {
      clearTimeout(previous.timer);
      previous.cancel.cancel();
      from = Math.min(from, previous.from);
    }
    const pass: Pass = { from, generation: ++this.generation, cancel: new vscode.CancellationTokenSource() };
    pass.timer = setTimeout(() => void this.run(notebook, pass), TYPING_DELAY_MS);
    this.passes.set(key, pass);
  }

  /** The cell's index among the notebook's code cells, or -1. */
  static codeIndexOf(notebook: vscode.NotebookDocument, document: vscode.TextDocument): number {
    return codeCells(notebook).findIndex((c) => c.document === document);
  }

  clear(notebook: vscode.NotebookDocument): void {
    const key = notebook.uri.toString();
    const pass = this.passes.get(key);
    if (pass) {
      clearTimeout(pass.timer);
      pass.cancel.cancel();
      this.passes.delete(key);
    }
    for (const cell of this.published.get(key) ?? []) this.collection.delete(vscode.Uri.parse(cell));
    this.published.delete(key);
  }

  private async run(notebook: vscode.NotebookDocument, pass: Pass): Promise<void> {
    const key = notebook.uri.toString();
    const cells = codeCells(notebook);
    this.forgetRemovedCells(key, cells);
    const published = this.published.get(key) ?? new Set<string>();
    this.published.set(key, published);
    for (const cell of cells.slice(pass.from)) {
      if (this.passes.get(key) !== pass || pass.cancel.token.isCancellationRequested) return;
      const found = await this.typescript.semanticDiagnostics(cell.document.uri, pass.cancel.token).catch(() => undefined);
      if (this.passes.get(key) !== pass || pass.cancel.token.isCancellationRequested) return;
      if (found === undefined) continue;
      this.collection.set(cell.document.uri, found.map(toDiagnostic));
      published.add(cell.document.uri.toString());
    }
    if (this.passes.get(key) === pass) this.passes.delete(key);
  }

  /** Deleted cells, and cells now markdown or in another language, lose their problems. */
  private forgetRemovedCells(key: string, cells: readonly vscode.NotebookCell[]): void {
    const published = this.published.get(key);
    if (!published) return;
    const present = new Set(cells.map((c) => c.document.uri.toString()));
    for (const uri of [...published]) {
      if (present.has(uri)) continue;
      this.collection.delete(vscode.Uri.parse(uri));
      published.delete(uri);
    }
  }

  dispose(): void {
    for (const pass of this.passes.values()) {
      clearTimeout(pass.timer);
      pass.cancel.cancel();
    }
    this.passes.clear();
    this.collection.dispose();
  }
}

function toDiagnostic(d: ServerDiagnostic): vscode.Diagnostic {
  const range = new vscode.Range(d.start.line - 1, d.start.offset - 1, d.end.line - 1, d.end.offset - 1);
  const diagnostic = new vscode.Diagnostic(range, d.text, severity(d.category));
  diagnostic.source = d.source ?? 'ts';
  if (d.code !== undefined) diagnostic.code = d.code;
  const tags: vscode.DiagnosticTag[] = [];
  if (d.reportsUnnecessary) tags.push(vscode.DiagnosticTag.Unnecessary);
  if (d.reportsDeprecated) tags.push(vscode.DiagnosticTag.Deprecated);
  if (tags.length) diagnostic.tags = tags;
  return diagnostic;
}

function severity(category: string): vscode.DiagnosticSeverity {
  switch (category) {
    case 'error':
      return vscode.DiagnosticSeverity.Error;
    case 'warning':
      return vscode.DiagnosticSeverity.Warning;
    case 'suggestion':
      return vscode.DiagnosticSeverity.Hint;
    default:
      return vscode.DiagnosticSeverity.Information;
  }
}
