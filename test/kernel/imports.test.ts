import assert from 'node:assert/strict';
import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { KernelClient } from '../../src/client/kernelClient';
import { RULE_BACKENDS, run, startKernel, tempDir, value, writeTree } from '../helpers/kernel';

for (const backend of RULE_BACKENDS)
  describe(`imports resolve from the notebook folder, then tfnb (${backend})`, () => {
    let k: KernelClient;
    // The notebook lives two folders below `root`: packages in root/node_modules are found upward.
    const root = tempDir('tfnb-imports-');
    const dir = join(root, 'project', 'notebooks');
    before(async () => {
      writeTree(root, {
        'node_modules/up-cjs/package.json': JSON.stringify({ name: 'up-cjs', main: 'index.js' }),
        'node_modules/up-cjs/index.js': 'exports.up = "from the grandparent";',
        'node_modules/up-esm/package.json': JSON.stringify({ name: 'up-esm', type: 'module', exports: './index.js' }),
        'node_modules/up-esm/index.js': 'export const upEsm = "esm from the grandparent";',
        // Also in the notebook folder: the nearer copy must win.
        'node_modules/local-cjs/package.json': JSON.stringify({ name: 'local-cjs', main: 'index.js' }),
        'node_modules/local-cjs/index.js': 'exports.version = "0.0.1 (grandparent, shadowed)";',
      });
      writeTree(dir, {
        'data.txt': 'read relative to the notebook',
        // A CommonJS package in the user's own node_modules.
        'node_modules/local-cjs/package.json': JSON.stringify({ name: 'local-cjs', main: 'index.js' }),
        'node_modules/local-cjs/index.js': 'exports.greet = (n) => `hello ${n}`; exports.version = "1.0.0";',
        // An ESM-only package: no "require" condition, so require() of it fails with ERR_REQUIRE_ESM/ERR_PACKAGE_PATH_NOT_EXPORTED.
        'node_modules/esm-only/package.json': JSON.stringify({
          name: 'esm-only',
          type: 'module',
          exports: { '.': { import: './index.js' }, './sub': './sub.js' },
        }),
        'node_modules/esm-only/index.js': 'export const kind = "esm"; export default function answer() { return 42 }',
        'node_modules/esm-only/sub.js': 'export const sub = "sub-path";',
        'lib/helper.ts.js': 'module.exports = { twice: (x) => x * 2 };',
        'data/local.mjs': 'export const fromFile = "relative";',
      });
      k = startKernel({ notebookDir: dir, backend });
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
      const r = await run(
        k,
        'import answer, { kind } from "esm-only";\nimport { sub } from "esm-only/sub";\nconst dyn = await import("esm-only");\n[answer(), kind, sub, dyn.kind].join(" ")',
      );
      assert.equal(r.error, undefined, r.error?.traceback.join('\n'));
      assert.equal(r.result?.['text/plain'], "'42 esm sub-path esm'");
    });

    it("runs with the notebook's folder as its working directory", async () => {
      assert.equal(await value(k, 'process.cwd()'), `'${realpathSync(dir)}'`);
      assert.equal(await value(k, 'require("node:fs").readFileSync("data.txt", "utf8")'), "'read relative to the notebook'");
      assert.equal(
        await value(k, 'import { readFile } from "node:fs/promises";\nawait readFile("./data.txt", "utf8")'),
        "'read relative to the notebook'",
      );
    });

    it("resolves packages upward from the notebook folder (a grandparent's node_modules); the nearest copy wins", async () => {
      const r = await run(
        k,
        'import { up } from "up-cjs";\nimport { upEsm } from "up-esm";\n[up, require("up-cjs").up, upEsm, (await import("up-esm")).upEsm].join(" | ")',
      );
      assert.equal(r.error, undefined, r.error?.traceback.join('\n'));
      assert.equal(
        r.result?.['text/plain'],
        "'from the grandparent | from the grandparent | esm from the grandparent | esm from the grandparent'",
      );
      assert.equal(await value(k, 'require.resolve("up-cjs")'), `'${join(realpathSync(root), 'node_modules', 'up-cjs', 'index.js')}'`);
      assert.equal(
        await value(k, 'import { version as nearest } from "local-cjs";\nnearest + " " + require("local-cjs").version'),
        "'1.0.0 1.0.0'",
      );
    });

    it('explains that an ESM-only package needs import when a cell require()s it', async () => {
      const r = await run(k, 'require("esm-only")');
      assert.equal(r.outcome.status, 'error');
      assert.match(
        r.error!.evalue,
        /'esm-only' is an ES module package with no entry for require\(\).*Use import instead: `import \* as m from "esm-only"`/,
      );
      // A CommonJS package's missing subpath is not blamed on ESM.
      const sub = await run(k, 'require("local-cjs/nope")');
      assert.doesNotMatch(sub.error!.evalue, /ES module/);
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
      const r = await run(
        k,
        [
          'import * as tfjs from "@tensorflow/tfjs";',
          'import tfnode from "@tensorflow/tfjs-node";',
          'import * as gpu from "@tensorflow/tfjs-node-gpu";',
          'const core = require("@tensorflow/tfjs-core");',
          '[tfjs.engine() === tf.engine(), tfnode === tf, gpu.getBackend() === tf.getBackend(), core.tensor === tf.tensor].join(",")',
        ].join('\n'),
      );
      assert.equal(r.result?.['text/plain'], "'true,true,true,true'");
    });

    it('explains a missing module clearly', async () => {
      const r = await run(k, 'import nope from "definitely-not-installed-pkg";');
      assert.equal(r.outcome.status, 'error');
      assert.match(r.error!.evalue, /Cannot find module 'definitely-not-installed-pkg'.*npm install definitely-not-installed-pkg/);
    });
  });
