import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { KernelClient } from '../../../src/client/kernelClient';
import { ROOT, run, startKernel, tempDir, writeTree, type CellRun } from '../../helpers/kernel';

function ok(r: CellRun): string | undefined {
  assert.equal(r.error, undefined, r.error?.traceback.join('\n'));
  return r.result?.['text/plain'];
}

/**
 * A stand-in for a real @tensorflow/tfjs-node (the real one's install downloads libtensorflow):
 * tfnb's own tfjs with the cpu backend registered as 'tensorflow' (as test/kernel/lifecycle's),
 * plus its own `tf.node`, `tf.io.fileSystem` and `file://` router, each marked as its own.
 */
function standInTfjsNode(): Record<string, string> {
  const tfjs = JSON.stringify(join(ROOT, 'node_modules', '@tensorflow', 'tfjs'));
  return {
    'node_modules/@tensorflow/tfjs-node/package.json': JSON.stringify({
      name: '@tensorflow/tfjs-node',
      version: '4.22.0',
      main: 'index.js',
    }),
    'node_modules/@tensorflow/tfjs-node/index.js': [
      `const tf = require(${tfjs});`,
      'const Cpu = tf.findBackend("cpu").constructor;',
      'tf.registerBackend("tensorflow", () => { const b = new Cpu(); b.firstUse = false; return b; }, 3);',
      'for (const kernel of tf.getKernelsForBackend("cpu")) tf.registerKernel({ ...kernel, backendName: "tensorflow" });',
      'tf.setBackend("tensorflow");',
      'const fs = require("node:fs");',
      'const router = (url) => typeof url === "string" && url.startsWith("file://") ? { save: async () => { fs.writeFileSync("saved-by-tfjs-node.txt", url); return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } }; } } : null;',
      'tf.io.registerSaveRouter(router);',
      'module.exports = { ...tf, io: { ...tf.io, fileSystem: () => "tfjs-node\'s fileSystem" }, node: { decodePng: () => "tfjs-node\'s decodePng" } };',
    ].join('\n'),
  };
}

describe('with a real @tensorflow/tfjs-node beside the notebook, its tf.node and file:// are used', () => {
  let k: KernelClient;
  const dir = tempDir('tfnb-tfnode-delegate-');
  before(async () => {
    writeTree(dir, { ...standInTfjsNode(), 'user.js': "exports.tf = require('@tensorflow/tfjs');" });
    k = startKernel({ notebookDir: dir, backend: 'tensorflow' });
    const info = await k.start();
    assert.equal(info.name, 'tensorflow');
  });
  after(() => k.close());

  it("tf.node and tf.io.fileSystem are tfjs-node's, in cells and in the user's files", async () => {
    assert.equal(
      ok(
        await run(
          k,
          "[tf.node.decodePng(), tf.io.fileSystem(), require('./user.js').tf.node === tf.node, typeof tf.node.summaryFileWriter]",
        ),
      ),
      `[ "tfjs-node's decodePng", "tfjs-node's fileSystem", true, 'undefined' ]`,
    );
  });

  it("model.save('file://…') goes to tfjs-node's handler alone (tfnb registers no second one)", async () => {
    ok(await run(k, "await tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] }).save('file://m')"));
    assert.equal(readFileSync(join(dir, 'saved-by-tfjs-node.txt'), 'utf8'), 'file://m');
    assert.equal(existsSync(join(dir, 'm')), false);
  });
});
