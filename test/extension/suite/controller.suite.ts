/** The controller in VS Code's extension host: outputs, numbering, errors, queueing, interrupt. */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import {
  closeAllEditors,
  EXTENSION_ID,
  itemText,
  openNotebook,
  outputText,
  runCells,
  sleep,
  startCells,
  waitFor,
  withTimeout,
} from './notebooks';
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
  const editor = await openNotebook('outputs.ipynb', ["const a = 21;\nconsole.log('hello');\na * 2", "console.error('careful');\n'done'"]);
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

test('a JavaScript cell runs as JavaScript: `a < b > (c)` compares, where TypeScript reads a generic call', async () => {
  const code = 'const a = 1, b = 2, c = 3;\na < b > (c)';
  const editor = await openNotebook('javascript.ipynb', [code, code, 'print("python")']);
  const [js, ts, python] = [0, 1, 2].map((i) => editor.notebook.cellAt(i));
  await vscode.languages.setTextDocumentLanguage(js!.document, 'javascript');
  await vscode.languages.setTextDocumentLanguage(python!.document, 'python');
  assert.equal(editor.notebook.cellAt(0).document.languageId, 'javascript');
  await runCells(editor, [0]);
  assert.deepEqual(outputText(editor.notebook.cellAt(0)), ['text/plain: false']);
  assert.equal(editor.notebook.cellAt(0).executionSummary?.success, true);
  // The same text as TypeScript is a call of a with type argument b: the language reached the kernel.
  await runCells(editor, [1]);
  assert.equal(ts!.executionSummary?.success, false);
  assert.match(outputText(editor.notebook.cellAt(1)).join('\n'), /TypeError: a is not a function/);
  // tfnb offers only TypeScript and JavaScript: VS Code does not hand it a Python cell at all.
  void startCells(editor, [2]);
  await sleep(1500);
  assert.equal(python!.executionSummary?.executionOrder, undefined);
  assert.deepEqual(outputText(editor.notebook.cellAt(2)), []);
  await closeAllEditors();
});

test('a cell run while another runs waits in the queue and runs after it, with the next number', async () => {
  const editor = await openNotebook('queue.ipynb', [
    "console.log('A started');\nawait new Promise((r) => setTimeout(r, 1500));\n'A'",
    "'B'",
  ]);
  const [a, b] = [editor.notebook.cellAt(0), editor.notebook.cellAt(1)];
  void startCells(editor, [0]);
  await waitFor(() => outputText(editor.notebook.cellAt(0)).length > 0, 60_000, 'cell A to start');
  await startCells(editor, [1]);
  // B is queued behind A: no number, no output yet, while A still runs.
  await sleep(300);
  assert.equal(a.executionSummary?.timing?.endTime, undefined, 'A still runs');
  assert.equal(b.executionSummary?.executionOrder, undefined);
  assert.equal(b.outputs.length, 0);
  await waitFor(() => b.executionSummary?.timing?.endTime !== undefined, 30_000, 'cell B to finish');
  assert.deepEqual(outputText(a), ['application/vnd.code.notebook.stdout: A started\n', "text/plain: 'A'"]);
  assert.deepEqual(outputText(b), ["text/plain: 'B'"]);
  assert.equal(b.executionSummary?.executionOrder, a.executionSummary!.executionOrder! + 1);
  assert.ok(b.executionSummary!.timing!.startTime >= a.executionSummary!.timing!.endTime, 'B started after A ended');
  await closeAllEditors();
});

test('interrupting cancels the cells queued behind the running one; they run when asked again', async () => {
  const editor = await openNotebook('cancel-queue.ipynb', [
    "console.log('waiting');\nawait new Promise((r) => setTimeout(r, 600_000));",
    "console.log('queued 1')",
    "console.log('queued 2')",
  ]);
  const cells = [0, 1, 2].map((i) => editor.notebook.cellAt(i));
  void startCells(editor, [0]);
  await waitFor(() => outputText(cells[0]!).length > 0, 30_000, 'the waiting cell to start');
  await withTimeout(startCells(editor, [1, 2]), 10_000, 'queueing cells 2 and 3');
  await sleep(300);
  await withTimeout(vscode.commands.executeCommand('tfnb.interruptKernel', editor.notebook), 10_000, 'the interrupt command');
  await waitFor(() => cells[0]!.executionSummary?.success === false, 15_000, 'the interrupt');
  assert.match(outputText(cells[0]!).join('\n'), /Interrupted/);
  await sleep(500);
  for (const cell of [cells[1]!, cells[2]!]) {
    assert.equal(cell.executionSummary?.executionOrder, undefined, `cell ${cell.index + 1} did not run`);
    assert.equal(cell.outputs.length, 0, `cell ${cell.index + 1} has no output`);
  }
  await runCells(editor, [1, 2], 20_000);
  assert.deepEqual(outputText(cells[1]!), ['application/vnd.code.notebook.stdout: queued 1\n']);
  assert.equal(cells[2]!.executionSummary?.executionOrder, cells[1]!.executionSummary!.executionOrder! + 1);
  await closeAllEditors();
});

test('Run Above runs the cells above, Run Cell and Below the cell and those below, in order', async () => {
  const editor = await openNotebook('above-below.ipynb', ["'zero'", "'one'", "'two'", "'three'"]);
  const { notebook } = editor;
  const order = () => [0, 1, 2, 3].map((i) => notebook.cellAt(i).executionSummary?.executionOrder);
  await vscode.commands.executeCommand('notebook.cell.executeCellsAbove', { ranges: [{ start: 2, end: 3 }], document: notebook.uri });
  await waitFor(() => notebook.cellAt(1).executionSummary?.timing?.endTime !== undefined, 60_000, 'the cells above cell 3');
  await sleep(500);
  assert.deepEqual(order(), [1, 2, undefined, undefined]);
  assert.deepEqual(outputText(notebook.cellAt(1)), ["text/plain: 'one'"]);

  await vscode.commands.executeCommand('notebook.cell.executeCellAndBelow', { ranges: [{ start: 1, end: 2 }], document: notebook.uri });
  await waitFor(() => notebook.cellAt(3).executionSummary?.timing?.endTime !== undefined, 60_000, 'cell 2 and below');
  await sleep(300);
  assert.deepEqual(order(), [1, 3, 4, 5]);
  assert.deepEqual(outputText(notebook.cellAt(3)), ["text/plain: 'three'"]);
  await closeAllEditors();
});

test('streamed output grows in place while the cell runs: one output, each chunk added to it as it comes', async () => {
  const editor = await openNotebook('append.ipynb', [
    "for (let i = 0; i < 4; i++) {\n  console.log(`tick ${i}`);\n  await new Promise((r) => setTimeout(r, 300));\n}\n'end'",
  ]);
  const cell = editor.notebook.cellAt(0);
  // What the notebook holds after each change VS Code reports while the cell runs.
  const seen: Array<{ running: boolean; outputs: Array<{ output: vscode.NotebookCellOutput; text: string }> }> = [];
  const listener = vscode.workspace.onDidChangeNotebookDocument((e) => {
    if (e.notebook !== editor.notebook) return;
    for (const change of e.cellChanges) {
      if (change.cell !== cell || change.outputs === undefined) continue;
      seen.push({
        running: cell.executionSummary?.timing?.endTime === undefined,
        outputs: change.outputs.map((o) => ({ output: o, text: o.items.map(itemText).join('') })),
      });
    }
  });
  try {
    await runCells(editor, [0]);
  } finally {
    listener.dispose();
  }
  const streams = seen.filter((s) => s.running && s.outputs.length === 1);
  const texts = streams.map((s) => s.outputs[0]!.text);
  assert.deepEqual(
    texts,
    ['tick 0\n', 'tick 0\ntick 1\n', 'tick 0\ntick 1\ntick 2\n', 'tick 0\ntick 1\ntick 2\ntick 3\n'],
    'one change per chunk, while the cell runs',
  );
  assert.equal(
    new Set(streams.map((s) => s.outputs[0]!.output)).size,
    1,
    'every chunk went into the same output object (not a new output each time)',
  );
  assert.deepEqual(outputText(cell), ['application/vnd.code.notebook.stdout: tick 0\ntick 1\ntick 2\ntick 3\n', "text/plain: 'end'"]);
  await closeAllEditors();
});

test('display ids across cells: an update replaces every output with that id in place, among the other outputs', async () => {
  const editor = await openNotebook('display-ids.ipynb', [
    "display('first', { displayId: 'x' });\nconsole.log('mid');\ndisplay('last');",
    "display('updated', { displayId: 'x', update: true });",
    "display('x again', { displayId: 'x' });",
    "display('both', { displayId: 'x', update: true });",
  ]);
  const cell = (i: number) => editor.notebook.cellAt(i);
  await runCells(editor, [0, 1]);
  await waitFor(
    () => outputText(cell(0))[0] === "text/plain: 'updated'",
    10_000,
    `the update to reach cell 1: ${JSON.stringify(outputText(cell(0)))}`,
  );
  assert.deepEqual(outputText(cell(0)), ["text/plain: 'updated'", 'application/vnd.code.notebook.stdout: mid\n', "text/plain: 'last'"]);
  assert.deepEqual(outputText(cell(1)), [], 'the updating cell shows nothing itself');
  await sleep(600);
  assert.equal(cell(0).executionSummary?.executionOrder, 1, 'cell 1 keeps its number after the update');
  assert.equal(cell(0).executionSummary?.success, true);

  // The same id shown again without update is a new output; an update then reaches both.
  await runCells(editor, [2]);
  assert.deepEqual(outputText(cell(2)), ["text/plain: 'x again'"]);
  assert.equal(outputText(cell(0))[0], "text/plain: 'updated'", 'showing the id again does not touch the first output');
  await runCells(editor, [3]);
  await waitFor(
    () => outputText(cell(0))[0] === "text/plain: 'both'" && outputText(cell(2))[0] === "text/plain: 'both'",
    10_000,
    `the update to reach both outputs: ${JSON.stringify([outputText(cell(0)), outputText(cell(2))])}`,
  );
  assert.deepEqual(outputText(cell(0)), ["text/plain: 'both'", 'application/vnd.code.notebook.stdout: mid\n', "text/plain: 'last'"]);
  assert.deepEqual(outputText(cell(3)), []);
  await closeAllEditors();
});
