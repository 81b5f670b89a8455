import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { KernelClient } from '../../../src/client/kernelClient';
import { RULE_BACKENDS, run, startKernel, tempDir, type CellRun } from '../../helpers/kernel';
import { tfjsNodeModelJson, type Artifacts } from './tfjsNodeFormat';

const FIXTURES = join(__dirname, 'fixtures');

function ok(r: CellRun): string | undefined {
  assert.equal(r.error, undefined, r.error?.traceback.join('\n'));
  return r.result?.['text/plain'];
}

for (const backend of RULE_BACKENDS)
  describe(`file:// model IO, as tfjs-node's (${backend})`, () => {
    let k: KernelClient;
    const dir = tempDir('tfnb-tfnode-io-');
    before(async () => {
      cpSync(join(FIXTURES, 'layers-model'), join(dir, 'from-tfjs-node'), { recursive: true });
      cpSync(join(FIXTURES, 'graph-model'), join(dir, 'graph'), { recursive: true });
      k = startKernel({ notebookDir: dir, backend });
      await k.start();
    });
    after(() => k.close());

    it("model.save('file://…') writes the model.json and weights.bin tfjs-node writes, relative to the notebook's folder", async () => {
      ok(
        await run(
          k,
          [
            "const model = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [4], activation: 'relu' }), tf.layers.dense({ units: 2, activation: 'softmax' })] });",
            "model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });",
            // The artifacts tfjs hands every save handler: what tfjs-node's writer would serialise.
            'let captured;',
            'await model.save(tf.io.withSaveHandler(async (a) => { captured = a; return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(a) }; }), { includeOptimizer: true });',
            "require('node:fs').writeFileSync('captured.json', JSON.stringify({ ...captured, weightData: undefined }));",
            "require('node:fs').writeFileSync('captured.bin', new Uint8Array(tf.io.CompositeArrayBuffer.join(captured.weightData)));",
            "const saved = await model.save('file://models/mlp', { includeOptimizer: true });",
            'saved.modelArtifactsInfo.weightDataBytes',
          ].join('\n'),
        ),
      );
      const artifacts = JSON.parse(readFileSync(join(dir, 'captured.json'), 'utf8')) as Artifacts;
      assert.ok(artifacts.trainingConfig, 'includeOptimizer saves the training config');
      assert.equal(readFileSync(join(dir, 'models', 'mlp', 'model.json'), 'utf8'), tfjsNodeModelJson(artifacts));
      const weights = readFileSync(join(dir, 'models', 'mlp', 'weights.bin'));
      assert.ok(weights.length >= (4 * 3 + 3 + 3 * 2 + 2) * 4);
      assert.deepEqual(weights, readFileSync(join(dir, 'captured.bin')));
    });

    it('loads what it saved: same predictions, same training config', async () => {
      const r = await run(
        k,
        [
          "const back = await tf.loadLayersModel('file://models/mlp/model.json');",
          'const probe = tf.tensor2d([[1, 2, 3, 4], [-1, 0.5, 2, 0]]);',
          'const same = tf.tidy(() => tf.max(tf.abs(tf.sub(back.predict(probe), model.predict(probe)))).dataSync()[0]);',
          'probe.dispose();',
          "[same, back.layers.length, require('node:fs').existsSync('models/mlp/weights.bin')]",
        ].join('\n'),
      );
      assert.equal(ok(r), '[ 0, 2, true ]');
    });

    it('loads a model saved by tfjs-node (fixture), predicts with its weights, and saves it back byte for byte', async () => {
      const r = await run(
        k,
        [
          "const fromNode = await tf.loadLayersModel('file://from-tfjs-node/model.json');",
          'const y = tf.tidy(() => Array.from(fromNode.predict(tf.tensor2d([[1, 1], [2, 3]])).dataSync()));',
          "await fromNode.save('file://resaved');",
          'y',
        ].join('\n'),
      );
      assert.equal(ok(r), '[ 3.5, 8.5 ]');
      for (const f of ['model.json', 'weights.bin']) {
        assert.deepEqual(readFileSync(join(dir, 'resaved', f)), readFileSync(join(FIXTURES, 'layers-model', f)), f);
      }
    });

    it("tf.loadGraphModel('file://…') loads a converted graph model (relative and absolute URLs)", async () => {
      const r = await run(
        k,
        [
          "const graph = await tf.loadGraphModel('file://graph/model.json');",
          `const graphAbs = await tf.loadGraphModel('file://${join(dir, 'graph', 'model.json')}');`,
          'tf.tidy(() => [...graph.predict(tf.tensor2d([[1, 1], [2, 3]])).dataSync(), ...graphAbs.predict(tf.tensor2d([[0, 0]])).dataSync()])',
        ].join('\n'),
      );
      assert.equal(ok(r), '[ 3.5, 8.5, 0.5 ]');
    });

    it('tf.io.fileSystem(path) is a save and load handler', async () => {
      const r = await run(
        k,
        [
          "await model.save(tf.io.fileSystem('fs-handler'));",
          "const viaHandler = await tf.loadLayersModel(tf.io.fileSystem('fs-handler/model.json'));",
          "[typeof tf.io.fileSystem, viaHandler.countParams() === model.countParams(), require('node:fs').readdirSync('fs-handler').sort().join(',')]",
        ].join('\n'),
      );
      assert.equal(ok(r), "[ 'function', true, 'model.json,weights.bin' ]");
    });

    it('tf.io.fileSystem([topology.pb, manifest.json]) loads a binary topology with its weights', async () => {
      writeFileSync(join(dir, 'graph.pb'), Buffer.from([8, 1, 18, 3, 97, 98, 99]));
      writeFileSync(
        join(dir, 'manifest.json'),
        JSON.stringify([
          {
            paths: ['graph/group1-shard1of1.bin'],
            weights: [
              { name: 'W', shape: [2, 1], dtype: 'float32' },
              { name: 'b', shape: [1], dtype: 'float32' },
            ],
          },
        ]),
      );
      const r = await run(
        k,
        [
          "const a = await tf.io.fileSystem(['graph.pb', 'manifest.json']).load();",
          'JSON.stringify([Array.from(new Uint8Array(a.modelTopology)), a.weightSpecs.map((w) => w.name), Array.from(new Float32Array(a.weightData))])',
        ].join('\n'),
      );
      assert.equal(ok(r), `'[[8,1,18,3,97,98,99],["W","b"],[1,2,0.5]]'`);
      const two = await run(k, "await model.save(tf.io.fileSystem(['a', 'b']))");
      assert.match(two.error?.evalue ?? '', /Cannot save a model to two paths/);
    });

    it('says what is wrong with a missing file, a folder given to load, or a file in the way of a save', async () => {
      const missing = await run(k, "await tf.loadLayersModel('file://nope/model.json')");
      assert.match(missing.error?.evalue ?? '', /Path .*nope\/model\.json does not exist: loading failed/);
      const folder = await run(k, "await tf.loadLayersModel('file://models/mlp')");
      assert.match(folder.error?.evalue ?? '', /must be a model\.json file.*is a folder: use 'file:\/\/.*models\/mlp\/model\.json'/);
      writeFileSync(join(dir, 'a-file'), 'x');
      const blocked = await run(k, "await model.save('file://a-file')");
      assert.match(blocked.error?.evalue ?? '', /a-file exists as a file/);
      const noWeights = await run(
        k,
        "require('node:fs').rmSync('resaved/weights.bin'); await tf.loadLayersModel('file://resaved/model.json')",
      );
      assert.match(noWeights.error?.evalue ?? '', /Weight file .*resaved\/weights\.bin does not exist/);
      writeFileSync(join(dir, 'broken.json'), '{"modelTopology": ');
      const broken = await run(k, "await tf.loadLayersModel('file://broken.json')");
      assert.match(broken.error?.evalue ?? '', /broken\.json is not valid JSON/);
      assert.equal(readFileSync(join(dir, 'a-file'), 'utf8'), 'x', 'the file in the way is left as it was');
    });
  });
