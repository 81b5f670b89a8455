/** The tfnb commands: restart and the new-notebook command. */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { closeAllEditors, openNotebook, outputText, runCells, waitFor } from './notebooks';
import { test } from './registry';

test('tfnb: Restart Kernel loses the variables and numbers from 1 again', async () => {
  const editor = await openNotebook('restart.ipynb', ['const gone = 1;\ngone', 'typeof gone']);
  await runCells(editor, [0, 1]);
  assert.equal(editor.notebook.cellAt(1).executionSummary?.executionOrder, 2);
  await vscode.commands.executeCommand('tfnb.restartKernel', editor.notebook);
  await runCells(editor, [1]);
  assert.deepEqual(outputText(editor.notebook.cellAt(1)), ["text/plain: 'undefined'"]);
  assert.equal(editor.notebook.cellAt(1).executionSummary?.executionOrder, 1);
  await closeAllEditors();
}, 90_000);

test('tfnb: New TypeScript ML Notebook makes a notebook tfnb runs', async () => {
  await vscode.commands.executeCommand('tfnb.newNotebook');
  await waitFor(() => vscode.window.activeNotebookEditor !== undefined, 10_000, 'the new notebook');
  const editor = vscode.window.activeNotebookEditor!;
  const meta = editor.notebook.metadata.metadata as { kernelspec?: { name?: string }; language_info?: { name?: string } };
  assert.equal(meta.kernelspec?.name, 'tfnb');
  assert.equal(meta.language_info?.name, 'typescript');
  assert.equal(editor.notebook.cellAt(0).kind, vscode.NotebookCellKind.Markup);
  assert.equal(editor.notebook.cellAt(1).document.languageId, 'typescript');
  await vscode.commands.executeCommand('notebook.selectKernel', { id: 'tfnb.kernel', extension: 'tfnb.tfnb' });
  await runCells(editor, [1]);
  assert.match(outputText(editor.notebook.cellAt(1)).join('\n'), /TensorFlow\.js 4\.\d+\.\d+ on the \w+ backend/);
  await closeAllEditors();
}, 90_000);
