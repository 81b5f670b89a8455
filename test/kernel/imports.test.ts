import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KernelClient } from '../../src/client/kernelClient';
import { run, startKernel, tempDir, value, writeTree } from '../helpers/kernel';

describe('imports resolve from the notebook folder, then tfnb', () => {
  let k: KernelClient;
  const dir = tempDir('tfnb-imports-');
  before(async () => {
    writeTree(dir, {
      // A CommonJS package in the user's own node_modules.
      'node_modules/local-cjs/package.json': JSON.stringify({ name: 'local-cjs', main: 'index.js' }),
      'node_modules/local-cjs/index.js': 'exports.greet = (n) => `hello ${n}`; exports.version = "1.0.0";',
      // An ESM-only package: no "require" condition, so require() of it fails with ERR_REQUIRE_ESM/ERR_PACKAGE_PATH_NOT_EXPORTED.
      'node_modules/esm-only/package.json': JSON.stringify({ name: 'esm-only', type: 'module', exports: { '.': { import: './index.js' }, './sub': './sub.js' } }),
      'node_modules/esm-only/index.js': 'export const kind = "esm"; export default function answer() { return 42 }',
      'node_modules/esm-only/sub.js': 'export const sub = "sub-path";',
      'lib/helper.ts.js': 'module.exports = { twice: (x) => x * 2 };',
      'data/local.mjs': 'export const fromFile = "relative";',
    });
    k = startKernel({ notebookDir: dir });
    await k.start();
  });
  after(() => k.close());

  it('imports Node built-ins with and without the node: prefix', async () => {
    await run(k, 'import * as os from "os";\nimport { join } from "node:path";\nconst fs = require("fs");');
    assert.equal(await value(k, 'typeof os.cpus === "function" && join("a", "b") === "a/b" && typeof fs.readFileSync'), "'function'");
  });

  it("imports a package from the notebook folder's node_modules (default and named)", async () => {
    await run(k, 'import lib, { greet } from "local-cjs";');
    assert.equal(await value(k, 'greet("tfnb") + " " + lib.version'), "'hello tfnb 1.0.0'");
    assert.equal(await value(k, 'require("local-cjs").greet("req")'), "'hello req'");
    assert.match(String(await value(k, 'require.resolve("local-cjs")')), /tfnb-imports-.*node_modules\/local-cjs\/index\.js/);
  });

  it('imports an ESM-only package without ERR_REQUIRE_ESM, including a subpath and dynamic import()', async () => {
    const r = await run(k, 'import answer, { kind } from "esm-only";\nimport { sub } from "esm-only/sub";\nconst dyn = await import("esm-only");\n[answer(), kind, sub, dyn.kind].join(" ")');
    assert.equal(r.error, undefined, r.error?.traceback.join('\n'));
    assert.equal(r.result?.['text/plain'], "'42 esm sub-path esm'");
  });

  it('resolves relative paths from the notebook folder', async () => {
    assert.equal(await value(k, 'const { fromFile } = await import("./data/local.mjs"); fromFile'), "'relative'");
    assert.equal(await value(k, 'require("./lib/helper.ts.js").twice(21)'), '42');
  });

  it('falls back to packages bundled with tfnb', async () => {
    // acorn is one of tfnb's own dependencies, not in the notebook folder.
    assert.equal(await value(k, 'import * as acorn from "acorn"; typeof acorn.parse'), "'function'");
  });

  it("returns the kernel's one tf for every TensorFlow.js package name", async () => {
    const r = await run(k, [
      'import * as tfjs from "@tensorflow/tfjs";',
      'import tfnode from "@tensorflow/tfjs-node";',
      'import * as gpu from "@tensorflow/tfjs-node-gpu";',
      'const core = require("@tensorflow/tfjs-core");',
      '[tfjs.engine() === tf.engine(), tfnode === tf, gpu.getBackend() === tf.getBackend(), core.tensor === tf.tensor].join(",")',
    ].join('\n'));
    assert.equal(r.result?.['text/plain'], "'true,true,true,true'");
  });

  it('explains a missing module clearly', async () => {
    const r = await run(k, 'import nope from "definitely-not-installed-pkg";');
    assert.equal(r.outcome.status, 'error');
    assert.match(r.error!.evalue, /Cannot find module 'definitely-not-installed-pkg'.*npm install definitely-not-installed-pkg/);
  });
});
