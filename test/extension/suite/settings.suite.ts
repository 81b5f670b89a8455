/** Settings that shape the kernel a notebook gets. */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { closeAllEditors, openNotebook, outputText, runCells } from './notebooks';
import { test } from './registry';

test('tfnb.kernelMaxHeapMB bounds the kernel heap: running out is reported as out of memory, the next run works', async () => {
  const config = vscode.workspace.getConfiguration('tfnb');
  await config.update('kernelMaxHeapMB', 64, vscode.ConfigurationTarget.Global);
  try {
    const editor = await openNotebook('heap.ipynb', [
      "console.log('before')",
      'const hoard: number[][] = [];\nwhile (true) hoard.push(new Array(100_000).fill(1.5));',
      "typeof hoard",
    ]);
    await runCells(editor, [0]);
    await runCells(editor, [1], 90_000);
    const cell = editor.notebook.cellAt(1);
    assert.equal(cell.executionSummary?.success, false);
    assert.match(outputText(cell).join('\n'), /out of memory/);
    assert.deepEqual(outputText(editor.notebook.cellAt(0)), ['application/vnd.code.notebook.stdout: before\n'], 'earlier outputs stay');
    // A fresh kernel: the binding from the cell that died is gone, and the cell runs.
    await runCells(editor, [2]);
    assert.deepEqual(outputText(editor.notebook.cellAt(2)), ["text/plain: 'undefined'"]);
    await closeAllEditors();
  } finally {
    await config.update('kernelMaxHeapMB', undefined, vscode.ConfigurationTarget.Global);
  }
}, 150_000);
