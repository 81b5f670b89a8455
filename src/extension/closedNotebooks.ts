/**
 * Tells when the user has closed a notebook, and when a notebook was saved under a new name.
 *
 * Closed: its document was disposed, or no editor tab shows it any more. VS Code may keep a
 * closed notebook's document alive for a while (no onDidCloseNotebookDocument), and a kernel
 * must not outlive the notebook the user closed.
 *
 * Moved: VS Code 1.100 has no rename event for notebooks. Saving an untitled notebook (its
 * first save) or Save As opens a new document for the target file, copies the cells into it,
 * saves it, swaps the editor's tab over and closes the old document (or just its tab), all
 * within a second (Save As of a file then opens the target's document once more). So a
 * document that is saved just after it was opened, with the same cells as a tracked notebook,
 * is that notebook's new name if the tracked one closes soon after and the new one is shown
 * in an editor: the kernel follows it instead of ending.
 */
import * as vscode from 'vscode';

/** A tab moved between groups closes and reopens in one step: look again after this pause. */
const SETTLE_MS = 1000;
/** How long a new document counts as just opened, and a save as recent. */
const SUCCESSOR_WINDOW_MS = 15_000;

export interface NotebookWatch {
  /** Whether tfnb holds something (a kernel, a runner) for the notebook. */
  isTracked(uri: vscode.Uri): boolean;
  closed(uri: vscode.Uri): void;
  /** The notebook at `from` lives on as `to` (Save As, or the first save of an untitled one). */
  moved(from: vscode.Uri, to: vscode.NotebookDocument): void;
}

export function watchNotebooks(watch: NotebookWatch): vscode.Disposable {
  const timers = new Map<string, NodeJS.Timeout>();
  /** Notebooks whose document VS Code closed (not just their tab), while being decided on. */
  const documentClosed = new Set<string>();
  const opened: Array<{ document: vscode.NotebookDocument; at: number }> = [];
  /**
   * Tracked notebook -> the file a new document with its cells was saved to. Matched when the
   * new one is saved, while the old one still holds the same cells (a dirty file's old
   * document may be reverted to what is on disk afterwards).
   */
  const savedAs = new Map<string, { to: vscode.Uri; at: number }>();
  const recentlyOpened = (document: vscode.NotebookDocument) =>
    opened.some((o) => o.document === document && o.at >= Date.now() - SUCCESSOR_WINDOW_MS);
  const decide = (uri: vscode.Uri) => {
    const key = uri.toString();
    const closed = documentClosed.delete(key);
    if (!watch.isTracked(uri)) return;
    if (!closed && hasTab(uri)) return;
    const paired = savedAs.get(key);
    savedAs.delete(key);
    // By URI: Save As of a file closes the document it saved and opens the file again.
    const pairedNow = paired && paired.at >= Date.now() - SUCCESSOR_WINDOW_MS - SETTLE_MS ? openDocument(paired.to) : undefined;
    if (pairedNow && isSuccessor(pairedNow, uri, watch.isTracked)) watch.moved(uri, pairedNow);
    else watch.closed(uri);
  };
  const check = (uri: vscode.Uri) => {
    const key = uri.toString();
    if (timers.has(key)) return;
    timers.set(
      key,
      setTimeout(() => {
        timers.delete(key);
        decide(uri);
      }, SETTLE_MS),
    );
  };
  return vscode.Disposable.from(
    vscode.workspace.onDidOpenNotebookDocument((document) => {
      const now = Date.now();
      while (opened.length && opened[0]!.at < now - SUCCESSOR_WINDOW_MS) opened.shift();
      opened.push({ document, at: now });
    }),
    vscode.workspace.onWillSaveNotebookDocument(({ notebook }) => {
      if (!recentlyOpened(notebook) || watch.isTracked(notebook.uri)) return;
      for (const [key, pair] of savedAs) if (pair.at < Date.now() - SUCCESSOR_WINDOW_MS) savedAs.delete(key);
      const cells = fingerprint(notebook);
      for (const source of vscode.workspace.notebookDocuments) {
        if (
          source !== notebook &&
          source.notebookType === notebook.notebookType &&
          !source.isClosed &&
          watch.isTracked(source.uri) &&
          fingerprint(source) === cells
        ) {
          savedAs.set(source.uri.toString(), { to: notebook.uri, at: Date.now() });
        }
      }
    }),
    vscode.workspace.onDidCloseNotebookDocument((document) => {
      if (!watch.isTracked(document.uri)) return;
      documentClosed.add(document.uri.toString());
      check(document.uri);
    }),
    vscode.window.tabGroups.onDidChangeTabs((e) => {
      for (const tab of e.closed) {
        const uri = notebookUri(tab);
        if (uri) check(uri);
      }
    }),
    { dispose: () => timers.forEach((t) => clearTimeout(t)) },
  );
}

/**
 * Whether `candidate` could be the notebook at `from` under its new name: another URI, open
 * in an editor (Save As shows the new file where the old one was), nothing of tfnb's on it yet.
 */
function isSuccessor(candidate: vscode.NotebookDocument, from: vscode.Uri, isTracked: (uri: vscode.Uri) => boolean): boolean {
  return !candidate.isClosed && candidate.uri.toString() !== from.toString() && !isTracked(candidate.uri) && hasTab(candidate.uri);
}

function openDocument(uri: vscode.Uri): vscode.NotebookDocument | undefined {
  const key = uri.toString();
  return vscode.workspace.notebookDocuments.find((d) => d.uri.toString() === key);
}

/** What identifies a notebook's content: each cell's kind, language and source. */
function fingerprint(document: vscode.NotebookDocument): string {
  return JSON.stringify(document.getCells().map((cell) => [cell.kind, cell.document.languageId, cell.document.getText()]));
}

function notebookUri(tab: vscode.Tab): vscode.Uri | undefined {
  const input = tab.input;
  if (input instanceof vscode.TabInputNotebook) return input.uri;
  if (input instanceof vscode.TabInputNotebookDiff) return input.modified;
  return undefined;
}

function hasTab(uri: vscode.Uri): boolean {
  const key = uri.toString();
  return vscode.window.tabGroups.all.some((group) => group.tabs.some((tab) => notebookUri(tab)?.toString() === key));
}
