/**
 * tfnb's TypeScript server plugin in a real TypeScript server, fed notebook cells the way VS
 * Code's TypeScript extension feeds them. One server for the file; each test opens its own
 * notebook in the same folder (one inferred project, as in VS Code).
 */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { server } from 'typescript';
import type { PluginNotebook } from '../../src/authoring/pluginProtocol';
import { notebookCells, pluginConfig, preparePlugin, ROOT, scratchDir, TsServer, type TestCell } from './tsserver';

type Diagnostic = server.protocol.Diagnostic;

describe('the TypeScript server plugin', { timeout: 180_000 }, () => {
  const scratch = scratchDir('tfnb-plugin-test-');
  const ws = join(scratch.dir, 'ws');
  let tss: TsServer;
  let typesDir: string;
  /** Notebooks the plugin is told are tfnb's (all tests' notebooks live side by side, as open editors would). */
  const tfnb = new Map<string, PluginNotebook>();

  before(async () => {
    mkdirSync(ws);
    const prepared = await preparePlugin(scratch.dir);
    typesDir = prepared.typesDir;
    tss = await TsServer.start(prepared.probeDir, ws);
  });
  after(async () => {
    await tss?.stop();
    scratch.dispose();
  });

  /** Opens a notebook; unless `foreign`, tells the plugin it is tfnb's. */
  async function open(
    name: string,
    sources: string[],
    options: { foreign?: boolean; language?: 'typescript' | 'javascript'; dir?: string } = {},
  ): Promise<TestCell[]> {
    const dir = options.dir ?? ws;
    const cells = notebookCells(join(dir, name), sources, options.language);
    await tss.request('updateOpen', {
      openFiles: cells.map((c) => ({
        file: c.serverFile,
        fileContent: c.text,
        projectRootPath: ws,
        scriptKindName: c.language === 'javascript' ? 'JS' : 'TS',
      })),
    });
    if (!options.foreign) await setOrder(name, cells, dir);
    return cells;
  }

  async function setOrder(name: string, cells: readonly TestCell[], dir = ws): Promise<void> {
    tfnb.set(name, pluginConfig(typesDir, dir, cells).notebooks[0]!);
    await tss.configure({ typesDir, notebooks: [...tfnb.values()] });
  }

  const problems = async (cell: TestCell): Promise<Diagnostic[]> => tss.semanticDiagnostics(cell);
  const summary = (ds: Diagnostic[]) => ds.map((d) => `${d.start.line}:${d.start.offset} TS${d.code} ${d.text}`);
  /** 1-based line and offset of the first occurrence of `needle` in the cell (offset at its start, plus `shift`). */
  const at = (cell: TestCell, needle: string, shift = 0) => {
    const index = cell.text.indexOf(needle);
    assert.ok(index >= 0, `${needle} is in the cell`);
    const before = cell.text.slice(0, index + shift).split('\n');
    return { file: cell.serverFile, line: before.length, offset: before[before.length - 1]!.length + 1 };
  };

  it('a cell that uses a model from the cell above, tf, display and top-level await has no problems', async () => {
    const cells = await open('clean.ipynb', [
      "const model = tf.sequential();\nmodel.add(tf.layers.dense({ units: 1, inputShape: [1] }));\nmodel.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });",
      'const xs = tf.tensor2d([1, 2, 3, 4], [4, 1]);\nconst history = await model.fit(xs, xs.mul(2), { epochs: 2 });\ndisplay(model);\ndisplay(history, { displayId: "h", update: true });\nconst fitCallbacks = tfvis.show.fitCallbacks({ name: "Training" }, ["loss"]);\nconst pred: tf.Tensor = model.predict(xs) as tf.Tensor;\nconst fs = require("fs");\nconsole.log(process.memoryUsage().heapUsed, fs, fitCallbacks, pred);',
    ]);
    for (const cell of cells) assert.deepEqual(summary(await problems(cell)), []);
  });

  it('a genuine type error is reported once, on its cell and line', async () => {
    const cells = await open('error.ipynb', [
      'const model = tf.sequential();',
      'model.summary();\nconst name: string = model.countParams();\nconsole.log(name);',
    ]);
    assert.deepEqual(summary(await problems(cells[0]!)), []);
    assert.deepEqual(summary(await problems(cells[1]!)), ["2:7 TS2322 Type 'number' is not assignable to type 'string'."]);
  });

  it('redeclaring a name in a later cell is not flagged, and the later declaration wins below it', async () => {
    const cells = await open('redeclare.ipynb', [
      'const model = tf.sequential();\nlet step = 0;\nfunction train() { return 1; }',
      'const model = "now a string";\nstep = step + 1;\ntrain = () => 2;',
      'const upper: string = model.toUpperCase();\nconsole.log(upper, step);\nmodel = "x";',
    ]);
    assert.deepEqual(summary(await problems(cells[0]!)), []);
    assert.deepEqual(summary(await problems(cells[1]!)), []);
    // Assigning to a const of an earlier cell is still an error, said as TypeScript says it for a const.
    assert.deepEqual(summary(await problems(cells[2]!)), ["3:1 TS2588 Cannot assign to 'model' because it is a constant."]);
  });

  it("completion after `model.` lists the model's methods; names of cells above are offered before they are used", async () => {
    const cells = await open('complete.ipynb', ['const model = tf.sequential();\nconst learningRate = 0.01;', 'model.', 'const rate = ']);
    const members = await tss.request<server.protocol.CompletionInfo>('completionInfo', { ...at(cells[1]!, 'model.', 6) });
    const names = members.entries.map((e) => e.name);
    for (const method of ['fit', 'predict', 'compile', 'summary']) assert.ok(names.includes(method), method);
    assert.ok(!names.includes('learningRate'), 'a member list has no global names');

    const end = at(cells[2]!, 'const rate = ', 'const rate = '.length);
    const globals = await tss.request<server.protocol.CompletionInfo>('completionInfo', end);
    const learningRate = globals.entries.find((e) => e.name === 'learningRate');
    assert.equal(learningRate?.kind, 'const');
    for (const name of ['model', 'tf', 'display', 'tfvis'])
      assert.ok(
        globals.entries.some((e) => e.name === name),
        name,
      );
    const [details] = await tss.request<server.protocol.CompletionEntryDetails[]>('completionEntryDetails', {
      ...end,
      entryNames: ['learningRate'],
    });
    assert.equal(details!.displayParts.map((p) => p.text).join(''), 'const learningRate: 0.01');
  });

  it("completion after `tf.` lists the ops first and tfjs-core's kernel-name constants (`Abs`, `Conv2D`) last", async () => {
    const cells = await open('tf-members.ipynb', ['tf.']);
    const { entries } = await tss.request<server.protocol.CompletionInfo>('completionInfo', { ...at(cells[0]!, 'tf.', 3) });
    // As VS Code orders them before anything is typed (defaultComparator in its completionModel.ts): by sort text, then
    // by name, comparing code units: every capitalised name (`Abs`) before every lower-case one (`abs`).
    const byCodeUnits = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
    const order = [...entries]
      .sort((a, b) => byCodeUnits(a.sortText.toLowerCase(), b.sortText.toLowerCase()) || byCodeUnits(a.name, b.name))
      .map((e) => e.name);
    for (const kernelName of ['Abs', 'Acos', 'Conv2D', 'FusedConv2D', '_FusedMatMul']) {
      assert.ok(order.includes(kernelName), `${kernelName} is still offered`);
      for (const op of ['abs', 'acos', 'conv2d', 'tensor', 'sequential', 'zeros', 'Tensor', 'train', 'layers'])
        assert.ok(order.indexOf(op) < order.indexOf(kernelName), `${op} comes before ${kernelName}`);
    }
    const firstKernelName = order.indexOf('_FusedMatMul');
    assert.ok(firstKernelName > 300, `the kernel names come after the ${firstKernelName} other members`);
  });

  it("hover shows a name's type from its cell; the kernel's globals read as globals", async () => {
    const cells = await open('hover.ipynb', ['const model = tf.sequential();', 'display(model);']);
    const model = await tss.request<server.protocol.QuickInfoResponseBody>('quickinfo', at(cells[1]!, 'model'));
    assert.equal(model.displayString, 'const model: tf.Sequential');
    const display = await tss.request<server.protocol.QuickInfoResponseBody>('quickinfo', at(cells[1]!, 'display'));
    assert.equal(display.displayString, 'function display(value: unknown, options?: DisplayOptions): void');
    assert.match(display.documentation as string, /output of the running cell/);
    const tf = await tss.request<server.protocol.QuickInfoResponseBody>('quickinfo', at(cells[0]!, 'tf'));
    assert.equal(tf.displayString, 'namespace tf');
    assert.match(tf.documentation as string, /as the kernel loads it/);
  });

  it('hovers over the cell-facing API (src/api/) show its documentation with a runnable example', async () => {
    const cells = await open('api-hover.ipynb', [
      "display.markdown('**done**');\nawait tfvis.render.barchart('Counts', [{ index: 'a', value: 1 }]);",
      "import { mnist } from 'tfnb/datasets';\nconst digits = await mnist.load({ subset: 100 });",
    ]);
    const example = (info: server.protocol.QuickInfoResponseBody): string =>
      info.tags
        .filter((t) => t.name === 'example')
        .map((t) => (typeof t.text === 'string' ? t.text : (t.text ?? []).map((p) => p.text).join('')))
        .join('\n');
    const markdown = await tss.request<server.protocol.QuickInfoResponseBody>('quickinfo', at(cells[0]!, 'markdown'));
    assert.equal(markdown.displayString, '(method) RichDisplay.markdown(markdown: string, options?: DisplayOptions): void');
    assert.match(markdown.documentation as string, /Markdown/);
    assert.match(example(markdown), /display\.markdown\(/);
    const barchart = await tss.request<server.protocol.QuickInfoResponseBody>('quickinfo', at(cells[0]!, 'barchart'));
    assert.match(example(barchart), /tfvis\.render\.barchart\(/);
    const load = await tss.request<server.protocol.QuickInfoResponseBody>('quickinfo', at(cells[1]!, 'load'));
    assert.match(load.displayString, /MnistLoader\.load\(options\?: MnistLoadOptions\): Promise<MnistData>/);
    assert.match(load.documentation as string, /Real MNIST/);
    assert.match(example(load), /mnist\.load\(/);
    assert.deepEqual(summary(await problems(cells[0]!)), []);
  });

  it('the `tfnb` global (src/api/runs.ts): `tfnb.log` is typed and documented in cells', async () => {
    const cells = await open('api-tfnb.ipynb', [
      "tfnb.log('test_acc', 0.93);\ntfnb.log('loss', tf.scalar(0.1), 2);",
      "tfnb.log('x', 'text');",
    ]);
    const log = await tss.request<server.protocol.QuickInfoResponseBody>('quickinfo', at(cells[0]!, 'log'));
    assert.equal(log.displayString, '(method) Tfnb.log(name: string, value: LoggedValue, step?: number): void');
    assert.match(log.documentation as string, /Records a scalar in the run/);
    assert.deepEqual(summary(await problems(cells[0]!)), []);
    assert.match(summary(await problems(cells[1]!)).join('\n'), /TS2345/);
  });

  it('go to definition lands on the declaring cell and line', async () => {
    const cells = await open('definition.ipynb', [
      '// data\nconst data = [1, 2];\n\nfunction double(x: number) { return 2 * x; }',
      'double(data[0]!);',
    ]);
    const [definition] = await tss.request<server.protocol.FileSpanWithContext[]>('definition', at(cells[1]!, 'double'));
    assert.equal(definition!.file, cells[0]!.serverFile);
    assert.deepEqual(definition!.start, { line: 4, offset: 10 });
    const references = await tss.request<server.protocol.ReferencesResponseBody>('references', at(cells[0]!, 'const data', 7));
    // Only places a person can see: the declaration and the use, nothing in generated code.
    assert.deepEqual(
      references.refs.map((r) => [r.file === cells[0]!.serverFile ? 0 : 1, r.start.line, r.lineText]),
      [
        [0, 2, 'const data = [1, 2];'],
        [1, 1, 'double(data[0]!);'],
      ],
    );
  });

  it('order follows the notebook, and updates when cells move, are added or deleted', async () => {
    const cells = await open('order.ipynb', ['const later = total * 2;', 'const total = 21;']);
    assert.deepEqual(
      summary(await problems(cells[0]!)).map((s) => s.replace(/ TS\d+ .*/, '')),
      ['1:15'],
    );
    assert.match(summary(await problems(cells[0]!))[0]!, /Cannot find name 'total'/);
    // Move the second cell up.
    await setOrder('order.ipynb', [cells[1]!, cells[0]!]);
    assert.deepEqual(summary(await problems(cells[0]!)), []);
    // Edit: the cell above changes type; the cell below sees it.
    await tss.setText(cells[1]!, 'const total = "21";');
    assert.match(summary(await problems(cells[0]!))[0] ?? '', /TS2362/);
    // Delete the cell above: VS Code closes its document.
    await tss.request('updateOpen', { closedFiles: [cells[1]!.serverFile] });
    await setOrder('order.ipynb', [cells[0]!]);
    assert.match(summary(await problems(cells[0]!))[0] ?? '', /Cannot find name 'total'/);
    // Add a cell: VS Code opens its document, then the extension sends the new order.
    const added = notebookCells(join(ws, 'order.ipynb'), ['', '', 'const total = 5;'])[2]!;
    await tss.request('updateOpen', {
      openFiles: [{ file: added.serverFile, fileContent: added.text, projectRootPath: ws, scriptKindName: 'TS' }],
    });
    await setOrder('order.ipynb', [cells[0]!, added]);
    assert.match(summary(await problems(cells[0]!))[0] ?? '', /Cannot find name 'total'/, 'a cell added below does not count');
    await setOrder('order.ipynb', [added, cells[0]!]);
    assert.deepEqual(summary(await problems(cells[0]!)), [], 'a cell added above does');
  });

  /** Writes a package into `<dir>/node_modules/<name>` with index.d.ts as its types. */
  const fakePackage = (dir: string, name: string, dts: string) => {
    const pkg = join(dir, 'node_modules', name);
    mkdirSync(pkg, { recursive: true });
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name, version: '4.22.0', types: 'index.d.ts' }));
    writeFileSync(join(pkg, 'index.d.ts'), dts);
  };

  it('`declare global` in a later cell reaches the cells above (the extension then re-checks them)', async () => {
    const cells = await open('global.ipynb', [
      'const n: number = sharedCount;',
      'declare global { var sharedCount: number }\nsharedCount = 1;',
    ]);
    assert.deepEqual(summary(await problems(cells[0]!)), []);
    assert.deepEqual(summary(await problems(cells[1]!)), []);
    await tss.setText(cells[1]!, 'const nothing = 0;');
    assert.match(summary(await problems(cells[0]!)).join('\n'), /TS2304 Cannot find name 'sharedCount'/);
  });

  it("imports resolve as the kernel resolves them: its own modules, the notebook's folder, then tfnb's packages", async () => {
    const dir = join(ws, 'with-deps');
    fakePackage(dir, 'local-lib', 'export declare function localHelper(): number;\n');
    // The kernel always answers tfjs-vis itself, even when a copy is installed.
    fakePackage(dir, '@tensorflow/tfjs-vis', 'export declare const notWhatTheKernelGives: number;\n');
    // A copy of tfjs beside the notebook is not what the kernel gives for the name either: that is its tf.
    fakePackage(dir, '@tensorflow/tfjs', 'export declare const installedCopy: true;\n');
    const withDeps = await open(
      'deps.ipynb',
      [
        "import { localHelper } from 'local-lib';\nimport * as vis from '@tensorflow/tfjs-vis';\nimport * as tfjs from '@tensorflow/tfjs';",
        "const n: number = localHelper();\nvis.render.barchart({ name: 'b' }, [{ index: 0, value: n }]);\nconst t: tf.Tensor = tfjs.tensor([n]);",
      ],
      { dir },
    );
    assert.deepEqual(summary(await problems(withDeps[0]!)), []);
    assert.deepEqual(summary(await problems(withDeps[1]!)), []);

    const cells = await open('bundled.ipynb', [
      "import * as tfn from '@tensorflow/tfjs-node-gpu';\nimport * as vis from '@tensorflow/tfjs-vis';\nimport { readFileSync } from 'node:fs';\nimport { mnist } from 'tfnb/datasets';",
      "const t: tfn.Tensor = tfn.tensor([1]);\nvis.show.modelSummary({ name: 'm' }, tfn.sequential());\nconsole.log(t, readFileSync);\nconst data = await mnist.load({ subset: 100 });\nconst labels: tf.Tensor1D = data.train.labels;",
      "import { nothing } from 'not-installed-anywhere';",
      // Not installed: tfjs-node-gpu is tfjs, so a misuse is still one error.
      "import * as g from '@tensorflow/tfjs-node-gpu';\ng.tensor([1]).fooBar();",
    ]);
    assert.deepEqual(summary(await problems(cells[0]!)), []);
    assert.deepEqual(summary(await problems(cells[1]!)), []);
    assert.match(summary(await problems(cells[2]!))[0] ?? '', /TS2307 Cannot find module 'not-installed-anywhere'/);
    assert.deepEqual(summary(await problems(cells[3]!)), ["2:15 TS2339 Property 'fooBar' does not exist on type 'Tensor<Rank>'."]);

    // tslab's module (built into the kernel) and a CommonJS script's globals are typed.
    const tslabCells = await open('tslab.ipynb', [
      "import * as tslab from 'tslab';\ntslab.display.html('<b>hi</b>');\nconst d = tslab.newDisplay();\nd.text('1');\nconst node: string = tslab.versions.node;\nconsole.log(node, __dirname, __filename, require.resolve('x'), require.cache);\nmodule.exports = { node };",
      "tslab.display.nope('x');",
    ]);
    assert.deepEqual(summary(await problems(tslabCells[0]!)), []);
    assert.match(summary(await problems(tslabCells[1]!))[0] ?? '', /TS2339 Property 'nope' does not exist on type 'TslabDisplay'/);
  });

  it("`tf` and every TensorFlow.js package are what the kernel loads: tfjs-node-gpu, then tfjs-node, from the notebook's folder upward, else tfjs", async () => {
    // tfjs-node as installed: its types re-export tfjs (its dependency, installed beside it) and add `node`.
    const nativeNode = join(ws, 'native-node');
    const tfjsNodeTypes = [
      "import * as tf from '@tensorflow/tfjs';",
      "export * from '@tensorflow/tfjs';",
      'export declare const node: {',
      '  decodeImage(contents: Uint8Array, channels?: number): tf.Tensor3D | tf.Tensor4D;',
      '  tensorBoard(logdir?: string): tf.CustomCallbackArgs;',
      '};',
    ].join('\n');
    fakePackage(nativeNode, '@tensorflow/tfjs-node', tfjsNodeTypes);
    mkdirSync(join(nativeNode, 'node_modules/@tensorflow'), { recursive: true });
    symlinkSync(join(typesDir, 'node_modules/@tensorflow/tfjs'), join(nativeNode, 'node_modules/@tensorflow/tfjs'), 'dir');
    const sub = join(nativeNode, 'notebooks', 'week1');
    mkdirSync(sub, { recursive: true });
    const cells = await open(
      'native.ipynb',
      [
        "const image = tf.node.decodeImage(new Uint8Array(4), 3);\nconst board = tf.node.tensorBoard('/tmp/logs');\nconst t: tf.Tensor = tf.zeros([1]);\ntfvis.render.heatmap({ name: 'h' }, { values: tf.tensor2d([[1]]) });\ndisplay(image);",
        "import * as gpu from '@tensorflow/tfjs-node-gpu';\nimport * as core from '@tensorflow/tfjs-core';\nimport * as plain from '@tensorflow/tfjs';\nconst decode = [gpu.node.decodeImage, core.node.decodeImage, plain.node.tensorBoard];\nconst s: tf.Tensor = gpu.tensor([1]);\nconsole.log(decode, s, board, t);",
        'tf.node.nope();',
      ],
      { dir: sub },
    );
    assert.deepEqual(summary(await problems(cells[0]!)), []);
    assert.deepEqual(summary(await problems(cells[1]!)), []);
    assert.deepEqual(
      summary(await problems(cells[2]!)).map((p) => p.replace(/ on type .*/, '')),
      ["1:9 TS2339 Property 'nope' does not exist"],
    );
    const hover = await tss.request<server.protocol.QuickInfoResponseBody>('quickinfo', at(cells[0]!, 'image'));
    assert.equal(hover.displayString, 'const image: tf.Tensor3D | tf.Tensor4D');

    // With tfnb.backend set to wasm or cpu the kernel does not try the native packages: tf is tfjs.
    const native = tfnb.get('native.ipynb')!;
    tfnb.set('native.ipynb', { ...native, nativeBackends: false });
    await tss.configure({ typesDir, notebooks: [...tfnb.values()] });
    assert.match(summary(await problems(cells[2]!)).join('\n'), /^1:4 TS2339 Property 'node' does not exist/);
    tfnb.set('native.ipynb', native);
    await tss.configure({ typesDir, notebooks: [...tfnb.values()] });
    assert.deepEqual(
      summary(await problems(cells[2]!)).map((p) => p.replace(/ on type .*/, '')),
      ["1:9 TS2339 Property 'nope' does not exist"],
    );

    // With tfjs-node-gpu installed too, the kernel loads that one first.
    const both = join(ws, 'native-both');
    fakePackage(both, '@tensorflow/tfjs-node', "export * from '@tensorflow/tfjs';\nexport declare const cpuOnly: true;\n");
    fakePackage(both, '@tensorflow/tfjs-node-gpu', "export * from '@tensorflow/tfjs';\nexport declare const gpuOnly: true;\n");
    symlinkSync(join(typesDir, 'node_modules/@tensorflow/tfjs'), join(both, 'node_modules/@tensorflow/tfjs'), 'dir');
    const gpuCells = await open(
      'gpu.ipynb',
      ["const g: true = tf.gpuOnly;\nimport * as n from '@tensorflow/tfjs-node';\nconst alsoG: true = n.gpuOnly;", 'tf.cpuOnly;'],
      { dir: both },
    );
    assert.deepEqual(summary(await problems(gpuCells[0]!)), []);
    assert.match(summary(await problems(gpuCells[1]!)).join('\n'), /TS(2339|2551) Property 'cpuOnly' does not exist/);

    // Without either, tf is tfnb's tfjs: no `node`.
    const plainCells = await open('plain-tf.ipynb', ['tf.node.decodeImage;']);
    assert.match(summary(await problems(plainCells[0]!)).join('\n'), /^1:4 TS2339 Property 'node' does not exist/);
  });

  it('an untitled notebook (its cells in no folder: one inferred project each) sees the cells above', async () => {
    // VS Code names an untitled notebook's cells `vscode-notebook-cell:Untitled-1.ipynb#W0sdW50aXRsZWQ=` and opens them
    // with no projectRootPath, so the server puts each cell in an inferred project of its own.
    const cells = [
      'const t = tf.tensor1d([1, 2]);\nconst lr = 0.01;',
      'const doubled = t.mul(2);\nconsole.log(lr);',
      'doubled.print();\nt.',
    ].map((text, i) => {
      const uri = { path: 'Untitled-1.ipynb', fragment: `W${i}sdW50aXRsZWQ=` };
      return {
        uri,
        text,
        language: 'typescript' as const,
        serverFile: `^/vscode-notebook-cell/ts-nul-authority/${uri.path}#${uri.fragment}`,
      };
    });
    await tss.request('updateOpen', { openFiles: cells.map((c) => ({ file: c.serverFile, fileContent: c.text, scriptKindName: 'TS' })) });
    await setOrder('Untitled-1.ipynb', cells);
    assert.deepEqual(summary(await problems(cells[0]!)), []);
    assert.deepEqual(summary(await problems(cells[1]!)), []);
    assert.deepEqual(
      summary(await problems(cells[2]!)).filter((p) => !p.includes('TS1003')),
      [],
    );
    const info = await tss.request<server.protocol.QuickInfoResponseBody>('quickinfo', at(cells[2]!, 'doubled'));
    assert.match(info.displayString, /doubled: tf\.Tensor/);
    const members = await tss.request<server.protocol.CompletionInfo>('completionInfo', { ...at(cells[2]!, 't.', 2) });
    assert.ok(members.entries.some((e) => e.name === 'mul'));
    // A cell typed later (its own new project) sees them too; editing a cell above reaches the cells below.
    const added = {
      uri: { path: 'Untitled-1.ipynb', fragment: 'W3sdW50aXRsZWQ=' },
      text: 'const n: number = lr;',
      language: 'typescript' as const,
      serverFile: '^/vscode-notebook-cell/ts-nul-authority/Untitled-1.ipynb#W3sdW50aXRsZWQ=',
    };
    await tss.request('updateOpen', { openFiles: [{ file: added.serverFile, fileContent: added.text, scriptKindName: 'TS' }] });
    await setOrder('Untitled-1.ipynb', [...cells, added]);
    assert.deepEqual(summary(await problems(added)), []);
    await tss.setText(cells[0]!, "const t = tf.tensor1d([1, 2]);\nconst lr = 'fast';");
    assert.deepEqual(summary(await problems(added)), ["1:7 TS2322 Type 'string' is not assignable to type 'number'."]);
  });

  it('JavaScript cells see the cells above too', async () => {
    const ts = await open('mixed.ipynb', ['const model = tf.sequential();']);
    const jsCells = notebookCells(join(ws, 'mixed.ipynb'), ['', 'model.'], 'javascript').slice(1);
    jsCells[0]!.uri.fragment = 'W1sZmlsZQ==';
    jsCells[0]!.serverFile = ts[0]!.serverFile.replace('W0sZmlsZQ==', 'W1sZmlsZQ==');
    await tss.request('updateOpen', {
      openFiles: [{ file: jsCells[0]!.serverFile, fileContent: jsCells[0]!.text, projectRootPath: ws, scriptKindName: 'JS' }],
    });
    await setOrder('mixed.ipynb', [...ts, ...jsCells]);
    const members = await tss.request<server.protocol.CompletionInfo>('completionInfo', { ...at(jsCells[0]!, 'model.', 6) });
    assert.ok(members.entries.some((e) => e.name === 'fit'));
  });

  it("tfnb's sample notebooks have no problems (no false errors on real notebooks)", async () => {
    const samples = join(ROOT, 'samples');
    const found: string[] = [];
    let checked = 0;
    for (const name of readdirSync(samples)
      .filter((f) => f.endsWith('.ipynb'))
      .sort()) {
      const nb = JSON.parse(readFileSync(join(samples, name), 'utf8')) as {
        cells: Array<{ cell_type: string; source: string | string[] }>;
      };
      const sources = nb.cells.filter((c) => c.cell_type === 'code').map((c) => (Array.isArray(c.source) ? c.source.join('') : c.source));
      const cells = await open(name, sources, { dir: samples });
      for (const [i, cell] of cells.entries()) {
        found.push(...summary(await problems(cell)).map((p) => `${name} code cell ${i + 1} ${p}`));
        checked++;
      }
    }
    assert.ok(checked >= 20, `only ${checked} cells found in samples/`);
    assert.deepEqual(found, []);
  });

  it('leaves other notebooks as VS Code has them', async () => {
    const cells = await open('foreign.ipynb', ['const y: number = tf.zeros([1]);', 'y;'], { foreign: true });
    const first = summary(await problems(cells[0]!));
    assert.match(first.join('\n'), /Cannot find name 'tf'/);
    // Its cells are plain scripts in the shared project: no tfnb module around them.
    const info = await tss.request<server.protocol.QuickInfoResponseBody>('quickinfo', at(cells[1]!, 'y'));
    assert.equal(info.displayString, 'const y: number');
  });

  it("a tfnb cell does not see other notebooks' names nor the browser's DOM, as the kernel does not; Node's globals stay", async () => {
    await open('other.ipynb', ['const leaked = 5;\ninterface LeakedShape { n: number }\nfunction leakedFn() { return 1; }'], {
      foreign: true,
    });
    const cells = await open('sees.ipynb', [
      'const z: number = leaked;\nconst shape: LeakedShape = { n: leakedFn() };\nconst o = { leaked };',
      "document.body.innerHTML = 'x';\nconst w = window.innerWidth;\nconst el: HTMLElement | undefined = undefined;\nconsole.log(w, el);\nsetTimeout(() => {}, 1);\nconst u = new URL('http://x');\nconst enc = new TextEncoder();\nperformance.now();\nconsole.log(u, enc, process.env.HOME, Buffer.from('x'), structuredClone({}), typeof fetch);",
      "const leaked = 'mine';\nconst document = { title: 't' };\nconsole.log(leaked.length, document.title, z.toFixed(), o.leaked);",
      'const again: string = leaked + document.title;\n',
    ]);
    const cannotFind = (ds: Diagnostic[]) => ds.map((d) => `${d.start.line}:${d.start.offset} TS${d.code} ${d.text.replace(/\. .*/, '.')}`);
    assert.deepEqual(cannotFind(await problems(cells[0]!)), [
      "1:19 TS2304 Cannot find name 'leaked'.",
      "2:14 TS2304 Cannot find name 'LeakedShape'.",
      "2:33 TS2304 Cannot find name 'leakedFn'.",
      "3:13 TS2304 Cannot find name 'leaked'.",
    ]);
    assert.match((await problems(cells[0]!))[0]!.text, /declared outside this notebook/);
    assert.deepEqual(cannotFind(await problems(cells[1]!)), [
      "1:1 TS2304 Cannot find name 'document'.",
      "2:11 TS2304 Cannot find name 'window'.",
      "3:11 TS2304 Cannot find name 'HTMLElement'.",
    ]);
    assert.match((await problems(cells[1]!))[0]!.text, /runs in Node\.js, which has no browser DOM/);
    // A cell's own declarations, and those of the cells above, are the ones used.
    assert.deepEqual(summary(await problems(cells[2]!)), []);
    assert.deepEqual(summary(await problems(cells[3]!)), []);

    // Completions leave them out too, and keep Node's and the notebook's own.
    const fresh = await open('completes.ipynb', ['const mine = 1;', '']);
    const listed = (
      await tss.request<server.protocol.CompletionInfo>('completionInfo', { file: fresh[1]!.serverFile, line: 1, offset: 1 })
    ).entries.map((e) => e.name);
    for (const name of ['leaked', 'leakedFn', 'document', 'window', 'HTMLElement'])
      assert.ok(!listed.includes(name), `${name} is not offered`);
    for (const name of ['mine', 'tf', 'console', 'setTimeout', 'process', 'URL']) assert.ok(listed.includes(name), `${name} is offered`);
  });

  it('never offers another cell as a module to import from, and keeps generated code out of edits', async () => {
    const cells = await open('fixes.ipynb', ['const a = laterName;', 'export const laterName = 1;']);
    const [missing] = await problems(cells[0]!);
    assert.equal(missing?.code, 2304);
    const fixes = await tss.request<server.protocol.CodeFixAction[]>('getCodeFixes', {
      file: cells[0]!.serverFile,
      startLine: 1,
      startOffset: 11,
      endLine: 1,
      endOffset: 20,
      errorCodes: [2304],
    });
    assert.deepEqual(
      fixes.filter((f) => /import/i.test(f.description)).map((f) => f.description),
      [],
    );
    const edits = await tss.request<server.protocol.CodeEdit[]>('format', {
      file: cells[1]!.serverFile,
      line: 1,
      offset: 1,
      endLine: 1,
      endOffset: 30,
    });
    for (const e of edits) assert.equal(e.start.line, 1);
  });
});
