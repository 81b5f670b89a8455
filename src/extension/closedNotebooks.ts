/**
 * Tells when the user has closed a notebook: its document was disposed, or no editor tab
 * shows it any more. VS Code may keep a closed notebook's document alive for a while (no
 * onDidCloseNotebookDocument), and a kernel must not outlive the notebook the user closed.
 */
import * as vscode from 'vscode';

/** A tab moved between groups closes and reopens in one step: look again after this pause. */
const SETTLE_MS = 1000;

export function onNotebookClosed(isTracked: (uri: vscode.Uri) => boolean, listener: (uri: vscode.Uri) => void): vscode.Disposable {
  const timers = new Map<string, NodeJS.Timeout>();
  const check = (uri: vscode.Uri) => {
    const key = uri.toString();
    if (timers.has(key)) return;
    timers.set(key, setTimeout(() => {
      timers.delete(key);
      if (isTracked(uri) && !hasTab(uri)) listener(uri);
    }, SETTLE_MS));
  };
  return vscode.Disposable.from(
    vscode.workspace.onDidCloseNotebookDocument((notebook) => { if (isTracked(notebook.uri)) listener(notebook.uri); }),
    vscode.window.tabGroups.onDidChangeTabs((e) => {
      for (const tab of e.closed) {
        const uri = notebookUri(tab);
        if (uri) check(uri);
      }
    }),
    { dispose: () => timers.forEach((t) => clearTimeout(t)) },
  );
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
