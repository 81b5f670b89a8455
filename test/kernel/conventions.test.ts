// Conventions that notebooks written elsewhere bring: tslab's module, and the CommonJS globals
// (`__dirname`, `__filename`, `module`, `exports`, `require.cache`, `require.resolve`) of a
// Node.js script pasted into cells. Real kernel processes.
import assert from 'node:assert/strict';
import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { KernelClient } from '../../src/client/kernelClient';
import { commonJsGlobals, NOTEBOOK_PLACEHOLDER } from '../../src/kernel/commonJsGlobals';
import { createModuleLoader } from '../../src/kernel/imports';
import { run, startKernel, tempDir, value, writeTree } from '../helpers/kernel';

describe('conventions: tslab and CommonJS', { timeout: 120_000 }, () => {
  let kernel: KernelClient;
  let dir: string;
  before(async () => {
    dir = realpathSync(tempDir('tfnb-conventions-'));
    writeTree(dir, { 'lib/helper.js': 'exports.twice = (x) => 2 * x;\n' });
    kernel = startKernel({ notebookDir: dir });
    await kernel.start();
  });
  after(async () => {
    await kernel.close();
  });

  it("import * as tslab from 'tslab' gives display, newDisplay and versions", async () => {
    const r = await run(
      kernel,
      "import * as tslab from 'tslab';\ntslab.display.html('<b>hi</b>');\ntslab.display.markdown('# T');\ntslab.display.png(new Uint8Array([137, 80, 78, 71]));\n[tslab.isNode, tslab.isBrowser, typeof tslab.versions.node, tslab.version]",
    );
    assert.equal(r.error, undefined, r.error?.traceback.join('\n'));
    assert.deepEqual(
      r.displays.map((d) => Object.keys(d.data).sort()),
      [
        ['text/html', 'text/plain'],
        ['text/markdown', 'text/plain'],
        ['image/png', 'text/plain'],
      ],
    );
    assert.equal(r.displays[0]!.data['text/html'], '<b>hi</b>');
    assert.equal(r.displays[2]!.data['image/png'], Buffer.from([137, 80, 78, 71]).toString('base64'));
    assert.equal(r.result?.['text/plain'], "[ true, false, 'string', '1.0.22' ]");
  });

  it("tslab's display.raw takes a content type and data; newDisplay replaces its one output", async () => {
    const r = await run(
      kernel,
      "import tslab from 'tslab';\nconst d = tslab.newDisplay();\nd.text('epoch 1');\nd.text('epoch 2');\ntslab.display.raw('text/csv', 'a,b');",
    );
    assert.equal(r.error, undefined, r.error?.traceback.join('\n'));
    assert.equal(r.displays.length, 3);
    const [first, second, csv] = r.displays;
    assert.ok(first!.displayId, 'newDisplay outputs carry a display id');
    assert.equal(second!.displayId, first!.displayId);
    assert.deepEqual([first!.update, second!.update, second!.data['text/plain']], [false, true, 'epoch 2']);
    assert.equal(csv!.data['text/csv'], 'a,b');
    const bad = await run(kernel, "tslab.display.raw({ 'text/html': 'x' })");
    assert.match(bad.error?.evalue ?? '', /content type string/);
  });

  it("require('tslab') works too, and is not 'npm install tslab'", async () => {
    assert.equal(await value(kernel, "typeof require('tslab').display.html"), "'function'");
  });

  it('__dirname is the notebook folder; __filename the notebook, or a placeholder in its folder when the client does not say', async () => {
    assert.equal(await value(kernel, '__dirname'), `'${dir}'`);
    // startKernel's client (KernelClient) does not send notebookPath yet.
    assert.equal(await value(kernel, '__filename'), `'${join(dir, NOTEBOOK_PLACEHOLDER)}'`);
    const notebook = join(dir, 'week1.ipynb');
    const globals = commonJsGlobals(dir, notebook, createModuleLoader(dir, new Map()));
    assert.deepEqual([globals.__filename, globals.__dirname, (globals.module as { filename: string }).filename], [notebook, dir, notebook]);
  });

  it('module.exports = … and exports.x = … work, as in a pasted Node.js script', async () => {
    const r = await run(kernel, 'exports.a = 1;\nmodule.exports.b = 2;\n[module.exports === exports, Object.keys(exports)]');
    assert.equal(r.result?.['text/plain'], "[ true, [ 'a', 'b' ] ]");
    const replaced = await run(kernel, 'function train() { return 3; }\nmodule.exports = { train };\nmodule.exports.train()');
    assert.equal(replaced.error, undefined, replaced.error?.traceback.join('\n'));
    assert.equal(replaced.result?.['text/plain'], '3');
    // A TypeScript cell (through esbuild) that mentions `module`: its declarations stay visible.
    const typed = await run(
      kernel,
      'class Trainer { epochs: number = 2; }\nfunction makeTrainer(): Trainer { return new Trainer(); }\nif (require.main === module) { makeTrainer(); }\nmodule.exports = { makeTrainer };',
    );
    assert.equal(typed.error, undefined, typed.error?.traceback.join('\n'));
    assert.equal(await value(kernel, 'makeTrainer().epochs + (module.exports.makeTrainer === makeTrainer ? 1 : 0)'), '3');
    // As in Node's REPL: a pasted `if (require.main === module) main();` does not run main.
    assert.equal(await value(kernel, 'require.main === module'), 'false');
  });

  it('require.resolve and require.cache are Node’s, from the notebook folder', async () => {
    const helper = join(dir, 'lib', 'helper.js');
    assert.equal(await value(kernel, "require.resolve('./lib/helper')"), `'${helper}'`);
    assert.equal(await value(kernel, "require('./lib/helper').twice(21)"), '42');
    assert.equal(await value(kernel, `require.cache[${JSON.stringify(helper)}] !== undefined`), 'true');
    // Deleting from the cache reloads the file, the usual way to pick up an edited module.
    writeTree(dir, { 'lib/helper.js': 'exports.twice = (x) => 3 * x;\n' });
    assert.equal(await value(kernel, `delete require.cache[require.resolve('./lib/helper')]; require('./lib/helper').twice(1)`), '3');
    assert.ok(Array.isArray(JSON.parse((await value(kernel, "JSON.stringify(require.resolve.paths('x'))"))!.slice(1, -1))));
  });
});
