/** The folder a notebook's kernel runs in, read by the extension (kernels) and authoring (imports). */
import { homedir } from 'node:os';
import { dirname } from 'node:path';
import * as vscode from 'vscode';

/** Where the kernel runs: the notebook's folder, or for an untitled one the workspace (or home). */
export function notebookDir(notebook: vscode.NotebookDocument): string {
  if (notebook.uri.scheme === 'file') return dirname(notebook.uri.fsPath);
  const folder = vscode.workspace.getWorkspaceFolder(notebook.uri) ?? vscode.workspace.workspaceFolders?.[0];
  return folder?.uri.scheme === 'file' ? folder.uri.fsPath : homedir();
}
