/**
 * Workspace Trust: in an untrusted workspace tfnb runs nothing. VS Code itself asks whether to
 * trust the folder before it hands a cell to any kernel (test/e2e/trust.test.ts), so users see
 * that question and tfnb's "restricted" status item. refuseUntrusted is the guard behind it:
 * should a host ever call the controller in an untrusted workspace, the cells say why and the
 * message offers the command that trusts the folder.
 */
import * as vscode from 'vscode';
import { messageOutput } from './outputs';

export const UNTRUSTED_MESSAGE =
  'tfnb runs notebook code only in a trusted workspace, because cells can do anything your user account can. To run this notebook, trust its folder: run "Workspaces: Manage Workspace Trust" and choose "Trust".';

export function isTrusted(): boolean {
  return vscode.workspace.isTrusted;
}

/** Ends each cell's execution with an explanation instead of running it. */
export function refuseUntrusted(controller: vscode.NotebookController, cells: readonly vscode.NotebookCell[]): void {
  for (const cell of cells) {
    if (cell.kind !== vscode.NotebookCellKind.Code) continue;
    const execution = controller.createNotebookCellExecution(cell);
    execution.start(Date.now());
    void execution.replaceOutput(messageOutput('WorkspaceNotTrusted', UNTRUSTED_MESSAGE));
    execution.end(false, Date.now());
  }
  void vscode.window.showWarningMessage(UNTRUSTED_MESSAGE, 'Manage Workspace Trust').then((choice) => {
    if (choice) void vscode.commands.executeCommand('workbench.trust.manage');
  });
}
