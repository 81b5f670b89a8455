/** Opening, running and reading notebooks through the VS Code API, as the tests need. */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'tfnb.tfnb';
export const CONTROLLER_ID = 'tfnb.kernel';
const TEXT_DECODER = new TextDecoder();

export function workspaceDir(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the tests run with a workspace folder open');
  return folder.uri.fsPath;
}

/** Writes an .ipynb with tfnb's kernelspec and the given code cells, and opens it in an editor. */
export async function openNotebook(name: string, cells: string[]): Promise<vscode.NotebookEditor> {
  const path = join(workspaceDir(), name);
  writeFileSync(path, JSON.stringify({
    cells: cells.map((source) => ({ cell_type: 'code', metadata: {}, execution_count: null, outputs: [], source })),
    metadata: { kernelspec: { name: 'tfnb', display_name: 'TypeScript (tfnb)', language: 'typescript' }, language_info: { name: 'typescript' } },
    nbformat: 4,
    nbformat_minor: 5,
  }));
  const document = await vscode.workspace.openNotebookDocument(vscode.Uri.file(path));
  const editor = await vscode.window.showNotebookDocument(document);
  await vscode.commands.executeCommand('notebook.selectKernel', { id: CONTROLLER_ID, extension: EXTENSION_ID });
  return editor;
}

/** Runs the cells at `indexes` and waits until each has an execution summary with an end time. */
export async function runCells(editor: vscode.NotebookEditor, indexes: number[], timeoutMs = 60_000): Promise<void> {
  const { notebook } = editor;
  const before = indexes.map((i) => notebook.cellAt(i).executionSummary?.timing?.endTime);
  await vscode.commands.executeCommand('notebook.cell.execute', { ranges: indexes.map((i) => ({ start: i, end: i + 1 })), document: notebook.uri });
  await waitFor(() => indexes.every((i, k) => {
    const end = notebook.cellAt(i).executionSummary?.timing?.endTime;
    return end !== undefined && end !== before[k];
  }), timeoutMs, `cells ${indexes.join(', ')} to finish`);
}

export function outputText(cell: vscode.NotebookCell): string[] {
  return cell.outputs.flatMap((o) => o.items.map((item) => `${item.mime}: ${TEXT_DECODER.decode(item.data)}`));
}

export async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function closeAllEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}
