// `tfnb run --backend webgpu` end to end: the tutorial's MLP on the bundled MNIST digits, on
// whatever adapter Dawn finds (llvmpipe in CI), trained with model.fit and evaluated with an
// asynchronous read (webgpu has no synchronous GPU read in Node.js: docs/gpu.md).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { writeFileSync } from 'node:fs';
import { gpuDeviceNodes } from '../../src/kernel/webgpu/probe';
import { CLI_SCRIPT, tempDir } from '../helpers/kernel';
import { offlineEnv, readExecuted, runSample } from '../helpers/samples';
import { webgpuUnavailable } from '../kernel/webgpu/helpers';

const cells = [
  `import { mnist } from 'tfnb/datasets';
const { train, test } = await mnist.load({ subset: 1000 });`,
  `const model = tf.sequential({ layers: [
  tf.layers.flatten({ inputShape: [28, 28, 1] }),
  tf.layers.dense({ units: 128, activation: 'relu' }),
  tf.layers.dense({ units: 10, activation: 'softmax' }),
] });
model.compile({ optimizer: tf.train.adam(0.001), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
await model.fit(train.images, train.labels, { epochs: 2, batchSize: 64, verbose: 0 });`,
  `const predictions = model.predict(test.images).argMax(-1);
const correct = predictions.equal(test.labels).sum();
console.log('accuracy', (await correct.data())[0] / test.images.shape[0]);
tf.getBackend()`,
];

describe('tfnb run --backend webgpu', { skip: webgpuUnavailable() }, () => {
  it('trains the tutorial MLP on MNIST digits and says which adapter it ran on', async () => {
    const dir = tempDir('tfnb-webgpu-');
    const input = join(dir, 'mlp.ipynb');
    writeFileSync(
      input,
      JSON.stringify({
        nbformat: 4,
        nbformat_minor: 5,
        metadata: {},
        cells: cells.map((source) => ({ cell_type: 'code', source, metadata: {}, outputs: [], execution_count: null })),
      }),
    );
    const output = join(dir, 'out.ipynb');
    const r = spawnSync(process.execPath, [CLI_SCRIPT, 'run', input, '--output', output, '--backend', 'webgpu'], {
      encoding: 'utf8',
      env: await offlineEnv(),
      timeout: 600_000,
    });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /kernel ready: backend webgpu on .+ \((Vulkan|OpenGL ES|Metal|D3D12|WebGPU)(, software)?\)/);
    if (gpuDeviceNodes().length === 0) assert.match(r.stderr, /kernel ready: backend webgpu on llvmpipe \(OpenGL ES, software\)/);
    const { stdout, cells: executed } = readExecuted(output);
    const accuracy = Number(/accuracy (\S+)/.exec(stdout)?.[1]);
    // Two epochs on 1,000 digits: about 0.8 on wasm; 0.6 leaves room and still fails an untrained model (0.1).
    assert.ok(accuracy > 0.6, `accuracy ${accuracy}`);
    const result = executed[2]?.outputs?.find((o) => o.output_type === 'execute_result') as { data?: Record<string, unknown> } | undefined;
    const text = result?.data?.['text/plain'];
    assert.equal(Array.isArray(text) ? text.join('') : text, "'webgpu'");
  });

  it('runs samples/01-tensors, whose small tensors are read with dataSync()/arraySync(), with the same outputs as on wasm', async () => {
    const env = await offlineEnv();
    const gpu = runSample('01-tensors.ipynb', [], env, ['--backend', 'webgpu']);
    assert.equal(gpu.code, 0, gpu.stderr.slice(-3000));
    const wasm = runSample('01-tensors.ipynb', [], env, ['--backend', 'wasm']);
    assert.equal(wasm.code, 0, wasm.stderr.slice(-3000));
    assert.ok(gpu.stdout.length > 500, gpu.stdout);
    assert.equal(gpu.stdout, wasm.stdout);
  });

  it('runs samples/02-mnist (1 epoch on 2,000 digits): training, accuracy, confusion matrix, misclassified digits', async () => {
    const r = runSample('02-mnist.ipynb', ['epochs=1', 'subset=2000'], await offlineEnv(), ['--backend', 'webgpu']);
    assert.equal(r.code, 0, r.stderr.slice(-3000));
    assert.match(r.stderr, /kernel ready: backend webgpu on /);
    const accuracy = Number(/Accuracy of the network on the \d+ test images: ([\d.]+) %/.exec(r.stdout)?.[1]);
    // 80.8 % measured on llvmpipe; wasm's CI floor for this run is in test/samples/samplesMnist.test.ts.
    assert.ok(accuracy > 60, `accuracy ${accuracy}`);
    assert.match(r.stdout, /macro average: precision/);
    assert.match(r.stdout, /test images misclassified/);
  });

  it('runs samples/03-cnn (2 epochs on 2,000 digits): the MLP and the CNN both learn', async () => {
    const r = runSample('03-cnn.ipynb', ['epochs=2', 'subset=2000'], await offlineEnv(), ['--backend', 'webgpu']);
    assert.equal(r.code, 0, r.stderr.slice(-3000));
    const mlp = Number(/MLP test accuracy: ([\d.]+) %/.exec(r.stdout)?.[1]);
    const cnn = Number(/CNN test accuracy: ([\d.]+) %/.exec(r.stdout)?.[1]);
    // 85.8 % and 79.0 % measured on llvmpipe; an untrained model scores about 10 %.
    assert.ok(mlp > 60, `MLP accuracy ${mlp}`);
    assert.ok(cnn > 50, `CNN accuracy ${cnn}`);
  });
});
