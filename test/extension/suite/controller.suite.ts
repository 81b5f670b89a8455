/** The controller in VS Code's extension host: outputs, numbering, errors, queueing, interrupt. */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { closeAllEditors, EXTENSION_ID, openNotebook, outputText, runCells, waitFor } from './notebooks';
import { test } from './registry';

test('the extension activates for .ipynb notebooks', async () => {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is installed`);
  const editor = await openNotebook('activate.ipynb', ['1 + 1']);
  await waitFor(() => extension.isActive, 30_000, 'activation');
  await runCells(editor, [0]);
  assert.deepEqual(outputText(editor.notebook.cellAt(0)), ['text/plain: 2']);
  await closeAllEditors();
});

test('streams, results and execution numbers, in order', async () => {
  const editor = await openNotebook('outputs.ipynb', [
    "const a = 21;\nconsole.log('hello');\na * 2",
    "console.error('careful');\n'done'",
  ]);
  await runCells(editor, [0, 1]);
  const [first, second] = [editor.notebook.cellAt(0), editor.notebook.cellAt(1)];
  assert.deepEqual(outputText(first), ['application/vnd.code.notebook.stdout: hello\n', 'text/plain: 42']);
  assert.deepEqual(outputText(second), ['application/vnd.code.notebook.stderr: careful\n', "text/plain: 'done'"]);
  assert.equal(first.executionSummary?.executionOrder, 1);
  assert.equal(second.executionSummary?.executionOrder, 2);
  assert.equal(first.executionSummary?.success, true);
  // Saved as Jupyter writes them: the result is an execute_result with its number.
  assert.equal(first.outputs[1]?.metadata?.outputType, 'execute_result');
  await closeAllEditors();
}, 90_000);

test('an error names the cell and line, and the cells queued behind it do not run', async () => {
  const editor = await openNotebook('error.ipynb', ['const x = 1;\nconst y = 2;\nnotDefined();', "'after'"]);
  await vscode.commands.executeCommand('notebook.execute', editor.notebook.uri);
  await waitFor(() => editor.notebook.cellAt(0).executionSummary?.success === false, 60_000, 'the error');
  const error = editor.notebook.cellAt(0).outputs[0]?.items[0];
  assert.equal(error?.mime, 'application/vnd.code.notebook.error');
  const parsed = JSON.parse(new TextDecoder().decode(error.data)) as { name: string; message: string; stack: string };
  assert.equal(parsed.name, 'ReferenceError');
  assert.match(parsed.stack, /cell 1, line 3/);
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(editor.notebook.cellAt(1).executionSummary?.executionOrder, undefined);
  assert.equal(editor.notebook.cellAt(1).outputs.length, 0);
  await closeAllEditors();
});

test('display ids replace the output in place', async () => {
  const editor = await openNotebook('display.ipynb', [
    "for (let i = 1; i <= 3; i++) {\n  display(`step ${i}`, { displayId: 'p', update: i > 1 });\n  await new Promise((r) => setTimeout(r, 300));\n}",
  ]);
  await runCells(editor, [0]);
  assert.deepEqual(outputText(editor.notebook.cellAt(0)), ["text/plain: 'step 3'"]);
  await closeAllEditors();
});

test('tfnb: Interrupt Kernel stops while (true) {} and keeps the variables', async () => {
  const editor = await openNotebook('interrupt.ipynb', ['const kept = 7;', 'while (true) {}', 'kept']);
  await runCells(editor, [0]);
  void vscode.commands.executeCommand('notebook.cell.execute', { ranges: [{ start: 1, end: 2 }], document: editor.notebook.uri });
  // The kernel is warm: the loop is spinning well within a second (the summary has no start time until the end).
  await new Promise((r) => setTimeout(r, 1000));
  await vscode.commands.executeCommand('tfnb.interruptKernel', editor.notebook);
  await waitFor(() => editor.notebook.cellAt(1).executionSummary?.success === false, 10_000, 'the interrupt');
  assert.match(outputText(editor.notebook.cellAt(1)).join('\n'), /Interrupted/);
  await runCells(editor, [2]);
  assert.deepEqual(outputText(editor.notebook.cellAt(2)), ['text/plain: 7']);
  await closeAllEditors();
});
