import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KernelClient } from '../../../src/client/kernelClient';
import { RULE_BACKENDS, run, startKernel, tempDir, writeTree, type CellRun } from '../../helpers/kernel';

function ok(r: CellRun): string | undefined {
  assert.equal(r.error, undefined, r.error?.traceback.join('\n'));
  return r.result?.['text/plain'];
}

/** The user's own files beside the notebook, as people write them for tfjs-node. */
const USER_FILES: Record<string, string> = {
  'model.js': [
    "const tf = require('@tensorflow/tfjs');",
    "const tfnode = require('@tensorflow/tfjs-node');",
    "const core = require('@tensorflow/tfjs-core');",
    "const layers = require('@tensorflow/tfjs-layers');",
    "exports.modules = { tf, tfnode, core, layers, gpu: require('@tensorflow/tfjs-node-gpu') };",
    "exports.build = () => tf.sequential({ layers: [layers.layers.dense({ units: 1, inputShape: [2], kernelInitializer: 'ones' })] });",
  ].join('\n'),
  'data.mjs': [
    "import * as tf from '@tensorflow/tfjs';",
    "import tfDefault, { tensor2d } from '@tensorflow/tfjs';",
    "import * as tfdata from '@tensorflow/tfjs-data';",
    "import * as wasm from '@tensorflow/tfjs-backend-wasm';",
    "import { build } from './model.js';",
    'export const modules = { tf, tfDefault, tfdata, wasm };',
    'export const batch = () => tensor2d([[1, 2], [3, 4]]);',
    'export { build };',
  ].join('\n'),
  'lib/package.json': JSON.stringify({ type: 'module' }),
  'lib/esm.js': "export { node } from '@tensorflow/tfjs-node';\nexport * as tf from '@tensorflow/tfjs-core';",
  // A library the user installed that uses TensorFlow.js (a peer dependency) and a copy of tfjs
  // installed beside the notebook: the library and the user's files still get the kernel's.
  'node_modules/tf-helper/package.json': JSON.stringify({ name: 'tf-helper', main: 'index.js' }),
  'node_modules/tf-helper/index.js': "const tf = require('@tensorflow/tfjs-core'); exports.tf = tf;",
  'node_modules/tf-helper-esm/package.json': JSON.stringify({ name: 'tf-helper-esm', type: 'module', exports: './index.js' }),
  'node_modules/tf-helper-esm/index.js': "import * as tf from '@tensorflow/tfjs'; export { tf };",
  'node_modules/@tensorflow/tfjs/package.json': JSON.stringify({ name: '@tensorflow/tfjs', version: '0.0.0-local', main: 'index.js' }),
  'node_modules/@tensorflow/tfjs/index.js': "exports.localCopy = true; exports.sibling = require('@tensorflow/tfjs-core').localCore;",
  'node_modules/@tensorflow/tfjs-core/package.json': JSON.stringify({
    name: '@tensorflow/tfjs-core',
    version: '0.0.0-local',
    main: 'index.js',
  }),
  'node_modules/@tensorflow/tfjs-core/index.js': 'exports.localCore = true;',
  // A backend package the user installed (as @tensorflow/tfjs-backend-webgpu would be): it registers into the kernel's tf.
  'node_modules/@tensorflow/tfjs-backend-extra/package.json': JSON.stringify({ name: '@tensorflow/tfjs-backend-extra', main: 'index.js' }),
  'node_modules/@tensorflow/tfjs-backend-extra/index.js':
    "const tf = require('@tensorflow/tfjs-core'); exports.registered = tf.registerBackend('extra', () => tf.findBackend('cpu') ?? tf.engine().registryFactory.cpu.factory());",
  'node_modules/@tensorflow/tfjs-backend-extra-esm/package.json': JSON.stringify({
    name: '@tensorflow/tfjs-backend-extra-esm',
    type: 'module',
    exports: './index.js',
  }),
  'node_modules/@tensorflow/tfjs-backend-extra-esm/index.js':
    "import * as tf from '@tensorflow/tfjs-core'; export const engine = tf.engine();",
};

for (const backend of RULE_BACKENDS)
  describe(`files beside the notebook that import TensorFlow.js get the kernel's instance (${backend})`, () => {
    let k: KernelClient;
    const dir = tempDir('tfnb-tfnode-user-');
    before(async () => {
      writeTree(dir, USER_FILES);
      k = startKernel({ notebookDir: dir, backend });
      await k.start();
    });
    after(() => k.close());

    it('CommonJS: require of @tensorflow/tfjs, -node, -node-gpu, -core and -layers', async () => {
      const r = await run(
        k,
        [
          "const { modules, build } = require('./model.js');",
          'const same = Object.values(modules).every((m) => m.tensor === tf.tensor && m.getBackend() === tf.getBackend());',
          'const before = tf.memory().numTensors;',
          'const y = tf.tidy(() => build().predict(tf.tensor2d([[1, 2]])).dataSync()[0]);',
          '[same, modules.tfnode.node === tf.node, typeof modules.tfnode.node.decodePng, y]',
        ].join('\n'),
      );
      assert.equal(ok(r), "[ true, true, 'function', 3 ]");
    });

    it('ES modules: named, default and namespace imports; a .mjs, a .js under "type": "module", and one importing a CommonJS file', async () => {
      const r = await run(
        k,
        [
          "const data = await import('./data.mjs');",
          'const m = data.modules;',
          'const t = data.batch();',
          'const out = [m.tf.tensor === tf.tensor, m.tfDefault.getBackend() === tf.getBackend(), m.tfdata.data === tf.data, t.shape.join("x"), tf.sum(t).dataSync()[0]];',
          't.dispose();',
          "const lib = await import('./lib/esm.js');",
          '[...out, lib.node === tf.node, lib.tf.zeros === tf.zeros, typeof data.build().predict]',
        ].join('\n'),
      );
      assert.equal(ok(r), "[ true, true, true, '2x2', 10, true, true, 'function' ]");
    });

    it("tfjs-backend-wasm's getThreadsCount() from a user module and from a cell", async () => {
      const fromModule = await run(k, "(await import('./data.mjs')).modules.wasm.getThreadsCount()");
      const fromCell = await run(k, "import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';\ngetThreadsCount()");
      if (backend === 'wasm') {
        assert.equal(ok(fromModule), '1');
        assert.equal(ok(fromCell), '1');
      } else {
        for (const r of [fromModule, fromCell])
          assert.match(r.error?.evalue ?? '', new RegExp(`WASM backend not initialized: this kernel runs on the '${backend}' backend`));
      }
    });

    it("a library in the notebook's node_modules and a local copy of @tensorflow/tfjs do not split the instance; that copy's own files are left alone", async () => {
      const r = await run(
        k,
        [
          "const helper = require('tf-helper');",
          "const helperEsm = await import('tf-helper-esm');",
          "const local = require(require.resolve('./node_modules/@tensorflow/tfjs/index.js'));",
          "[helper.tf.tensor === tf.tensor, helperEsm.tf.tensor === tf.tensor, require('./model.js').modules.tf.localCopy, local.localCopy, local.sibling]",
        ].join('\n'),
      );
      assert.equal(ok(r), '[ true, true, undefined, true, true ]');
    });

    it("a backend package installed under node_modules/@tensorflow registers into the kernel's engine", async () => {
      const r = await run(
        k,
        [
          "const extra = require('@tensorflow/tfjs-backend-extra');",
          "const extraEsm = await import('@tensorflow/tfjs-backend-extra-esm');",
          "[extra.registered, Object.keys(tf.engine().registryFactory).includes('extra'), extraEsm.engine === tf.engine()]",
        ].join('\n'),
      );
      assert.equal(ok(r), '[ true, true, true ]');
    });
  });

describe('ES hooks are in place before user code first loads', () => {
  let k: KernelClient;
  const dir = tempDir('tfnb-tfnode-first-');
  before(async () => {
    // A CommonJS file that touches no TensorFlow.js itself, then import()s an ES module that does.
    writeTree(dir, {
      'start.js': "module.exports = import('./esm/model.mjs');",
      'esm/model.mjs': "import * as tf from '@tensorflow/tfjs';\nexport const backend = tf.getBackend();",
    });
    k = startKernel({ notebookDir: dir });
    await k.start();
  });
  after(() => k.close());

  it("a fresh kernel's first cell require()s a file whose ES import of @tensorflow/tfjs resolves", async () => {
    assert.equal(ok(await run(k, "(await require('./start.js')).backend")), "'wasm'");
  });
});

describe("getThreadsCount() of the kernel's multi-threaded wasm backend", () => {
  let k: KernelClient;
  const dir = tempDir('tfnb-tfnode-threads-');
  before(async () => {
    writeTree(dir, {
      'threads.mjs': "import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';\nexport const threads = getThreadsCount();",
    });
    k = startKernel({ notebookDir: dir, backend: 'wasm', wasmThreads: 2 });
    await k.start();
  });
  after(() => k.close());

  it('is the pool the kernel started, not "WASM backend not initialized"', async () => {
    assert.equal(ok(await run(k, "(await import('./threads.mjs')).threads")), '2');
  });
});
