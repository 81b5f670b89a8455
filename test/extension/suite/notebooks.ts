/** Opening, running and reading notebooks through the VS Code API, as the tests need. */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'tfnb.tfnb';
export const CONTROLLER_ID = 'tfnb.kernel';
const TEXT_DECODER = new TextDecoder();

/** The top-level metadata tfnb writes (kernelspec and language_info). */
export const TFNB_METADATA = {
  kernelspec: { name: 'tfnb', display_name: 'TypeScript (tfnb)', language: 'typescript' },
  language_info: { name: 'typescript' },
};

export function workspaceDir(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the tests run with a workspace folder open');
  return folder.uri.fsPath;
}

export interface OpenOptions {
  /** The notebook's top-level metadata (default: tfnb's kernelspec and language_info). */
  metadata?: Record<string, unknown>;
  /** Select tfnb's controller explicitly (default true). */
  selectKernel?: boolean;
}

/** Writes an .ipynb with the given code cells (tfnb's kernelspec unless told otherwise) and opens it in an editor. */
export async function openNotebook(name: string, cells: string[], options: OpenOptions = {}): Promise<vscode.NotebookEditor> {
  const document = await openNotebookDocument(name, cells, options.metadata);
  const editor = await vscode.window.showNotebookDocument(document);
  if (options.selectKernel ?? true)
    await vscode.commands.executeCommand('notebook.selectKernel', { id: CONTROLLER_ID, extension: EXTENSION_ID });
  return editor;
}

/** Writes an .ipynb and opens it as a document (no editor). */
export async function openNotebookDocument(
  name: string,
  cells: string[],
  metadata: Record<string, unknown> = TFNB_METADATA,
): Promise<vscode.NotebookDocument> {
  const path = join(workspaceDir(), name);
  writeFileSync(
    path,
    JSON.stringify({
      cells: cells.map((source) => ({ cell_type: 'code', metadata: {}, execution_count: null, outputs: [], source })),
      metadata,
      nbformat: 4,
      nbformat_minor: 5,
    }),
  );
  return vscode.workspace.openNotebookDocument(vscode.Uri.file(path));
}

/** Asks VS Code to run the cells at `indexes` (as the cell's run button does) without waiting for them. */
export function startCells(editor: vscode.NotebookEditor, indexes: number[]): Thenable<unknown> {
  return vscode.commands.executeCommand('notebook.cell.execute', {
    ranges: indexes.map((i) => ({ start: i, end: i + 1 })),
    document: editor.notebook.uri,
  });
}

/** Runs the cells at `indexes` and waits until each has an execution summary with an end time. */
export async function runCells(editor: vscode.NotebookEditor, indexes: number[], timeoutMs = 60_000): Promise<void> {
  const { notebook } = editor;
  const before = indexes.map((i) => notebook.cellAt(i).executionSummary?.timing?.endTime);
  await startCells(editor, indexes);
  await waitFor(
    () =>
      indexes.every((i, k) => {
        const end = notebook.cellAt(i).executionSummary?.timing?.endTime;
        return end !== undefined && end !== before[k];
      }),
    timeoutMs,
    `cells ${indexes.join(', ')} to finish`,
  );
}

export function outputText(cell: vscode.NotebookCell): string[] {
  return cell.outputs.flatMap((o) => o.items.map((item) => `${item.mime}: ${TEXT_DECODER.decode(item.data)}`));
}

export function itemText(item: vscode.NotebookCellOutputItem): string {
  return TEXT_DECODER.decode(item.data);
}

export async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export async function closeAllEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/** Sets a tfnb.* setting for the body (user settings), then puts the old value back. */
export async function withSetting<T>(key: string, value: unknown, body: () => Promise<T>): Promise<T> {
  const config = vscode.workspace.getConfiguration('tfnb');
  await config.update(key, value, vscode.ConfigurationTarget.Global);
  try {
    return await body();
  } finally {
    await vscode.workspace.getConfiguration('tfnb').update(key, undefined, vscode.ConfigurationTarget.Global);
  }
}

/** Rejects when `p` has not settled within `ms`: says which step hung. */
export function withTimeout<T>(p: Thenable<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
  });
  return Promise.race([Promise.resolve(p), timeout]).finally(() => clearTimeout(timer));
}
