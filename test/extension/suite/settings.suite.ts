/** Settings that shape the kernel a notebook gets. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { closeAllEditors, itemText, openNotebook, outputText, runCells, withSetting } from './notebooks';
import { test } from './registry';

test('tfnb.kernelMaxHeapMB bounds the kernel heap: running out is reported as out of memory, the next run works', async () => {
  const config = vscode.workspace.getConfiguration('tfnb');
  await config.update('kernelMaxHeapMB', 64, vscode.ConfigurationTarget.Global);
  try {
    const editor = await openNotebook('heap.ipynb', [
      "console.log('before')",
      'const hoard: number[][] = [];\nwhile (true) hoard.push(new Array(100_000).fill(1.5));',
      'typeof hoard',
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

test('tfnb.backend: cpu makes the next kernel use the cpu backend', async () => {
  await withSetting('backend', 'cpu', async () => {
    const editor = await openNotebook('backend-setting.ipynb', ['tf.getBackend()']);
    await runCells(editor, [0]);
    assert.deepEqual(outputText(editor.notebook.cellAt(0)), ["text/plain: 'cpu'"]);
    await closeAllEditors();
  });
}, 90_000);

test('tfnb.maxOutputBytes: a cell printing 10 KB under a 1 KB limit shows 1 KB and says what was dropped', async () => {
  await withSetting('maxOutputBytes', 1024, async () => {
    const editor = await openNotebook('output-limit.ipynb', ["for (let i = 0; i < 100; i++) console.log('x'.repeat(99));"]);
    await runCells(editor, [0]);
    const cell = editor.notebook.cellAt(0);
    assert.equal(cell.executionSummary?.success, true);
    // The first 1,024 bytes (ten lines and 24 x of the eleventh), then the notice for the other 8,976.
    const expected = `${`${'x'.repeat(99)}\n`.repeat(10)}${'x'.repeat(24)}\n[tfnb] output limit reached: 8.8 KB more output was dropped (setting tfnb.maxOutputBytes)\n`;
    // Read from the saved file, which VS Code writes from the notebook the user sees. (The
    // extension host's copy of this output shows the notice twice in VS Code 1.100: the output
    // and the items appended to it reached it in one batch, and it applies both to the output's
    // final state. That copy is not what is drawn or saved.)
    await editor.notebook.save();
    const saved = JSON.parse(readFileSync(editor.notebook.uri.fsPath, 'utf8')) as {
      cells: Array<{ outputs: Array<{ output_type: string; name?: string; text?: string | string[] }> }>;
    };
    const outputs = saved.cells[0]!.outputs;
    assert.deepEqual(
      outputs.map((o) => [o.output_type, o.name]),
      [['stream', 'stdout']],
    );
    assert.equal([outputs[0]!.text ?? ''].flat().join(''), expected);
    await closeAllEditors();
  });
}, 90_000);

test('tfnb.liveUpdateIntervalMs: with a long interval a training chart is drawn at the start and the end only', async () => {
  // Ten batches of at least 100 ms each: at the default 250 ms the chart would update several times on the way.
  const fit = [
    'const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] });',
    "model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });",
    'const xs = tf.ones([10, 1]);',
    'const slow = new tf.CustomCallback({ onBatchEnd: () => new Promise((r) => setTimeout(r, 100)) });',
    "await model.fit(xs, xs, { epochs: 1, batchSize: 1, callbacks: [tfvis.show.fitCallbacks({ name: 'fit' }, ['loss']), slow] });",
  ].join('\n');
  const drawn = async (name: string): Promise<string[]> => {
    const editor = await openNotebook(name, [fit]);
    const cell = editor.notebook.cellAt(0);
    const payloads: string[] = [];
    const listener = vscode.workspace.onDidChangeNotebookDocument((e) => {
      for (const change of e.cellChanges) {
        if (change.cell !== cell || !change.outputs) continue;
        const item = change.outputs.flatMap((o) => o.items).find((i) => i.mime === 'application/vnd.tfnb.training+json');
        if (item && itemText(item) !== payloads.at(-1)) payloads.push(itemText(item));
      }
    });
    try {
      await runCells(editor, [0], 90_000);
    } finally {
      listener.dispose();
    }
    assert.equal(cell.executionSummary?.success, true, outputText(cell).join('\n'));
    await closeAllEditors();
    return payloads;
  };
  const progress = (payload: string) => (JSON.parse(payload) as { progress: { batch: number; done: boolean } }).progress;

  const atDefault = await drawn('live-default.ipynb');
  assert.ok(atDefault.length >= 4, `at the default interval the chart updates during training: ${atDefault.length} versions`);

  await withSetting('liveUpdateIntervalMs', 600_000, async () => {
    const atLong = await drawn('live-long.ipynb');
    assert.equal(atLong.length, 2, `the first and the final state only: ${atLong.map((p) => JSON.stringify(progress(p))).join(', ')}`);
    assert.equal(progress(atLong[0]!).done, false);
    assert.deepEqual([progress(atLong[1]!).done, progress(atLong[1]!).batch], [true, 10]);
  });
}, 180_000);

test('tfnb.nodePath pointing at no Node.js: the cell says so and names the setting; clearing it runs again', async () => {
  const editor = await withSetting('nodePath', '/nonexistent/node', async () => {
    const opened = await openNotebook('bad-node.ipynb', ['1 + 1']);
    await runCells(opened, [0]);
    return opened;
  });
  const cell = editor.notebook.cellAt(0);
  assert.equal(cell.executionSummary?.success, false);
  const error = cell.outputs[0]?.items[0];
  assert.equal(error?.mime, 'application/vnd.code.notebook.error');
  const parsed = JSON.parse(itemText(error!)) as { name: string; message: string };
  assert.equal(parsed.name, 'KernelStartError');
  assert.match(
    parsed.message,
    /The setting tfnb\.nodePath is "\/nonexistent\/node", which cannot run the kernel: .*ENOENT.*Point it at Node\.js 20 or newer/,
  );
  // The setting is back to empty (withSetting restored it): the node on PATH runs the kernel.
  await runCells(editor, [0]);
  assert.deepEqual(outputText(editor.notebook.cellAt(0)), ['text/plain: 2']);
  await closeAllEditors();
}, 90_000);
