// The webgpu backend in real kernels, on whatever adapter Dawn finds here (in CI: Mesa's llvmpipe
// through OpenGL ES, a software adapter): forced with --backend webgpu it starts, says which
// adapter it got, trains, reports GPU memory and leaks; `auto` refuses a software adapter.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KernelClient } from '../../../src/client/kernelClient';
import type { BackendInfo } from '../../../src/protocol/messages';
import { gpuDeviceNodes } from '../../../src/kernel/webgpu/probe';
import { run, startKernel, value } from '../../helpers/kernel';
import { webgpuUnavailable } from './helpers';

const skip = webgpuUnavailable();

describe('--backend webgpu', { skip }, () => {
  let k: KernelClient;
  let info: BackendInfo;
  before(async () => {
    k = startKernel({ backend: 'webgpu', startTimeoutMs: 120_000 });
    info = await k.start();
  });
  after(async () => {
    await k?.close();
  });

  it('starts the webgpu backend and says which adapter it got', async () => {
    assert.equal(info.name, 'webgpu');
    assert.equal(info.tfBackend, 'webgpu');
    assert.deepEqual(
      info.attempts.map((a) => `${a.backend}:${a.ok}`),
      ['webgpu:true'],
    );
    assert.match(info.attempts[0]!.detail, /through Dawn 0\.6\.\d+ from /);
    assert.ok(info.adapter);
    if (gpuDeviceNodes().length === 0) {
      assert.equal(info.adapter, 'llvmpipe (OpenGL ES, software)');
      assert.equal(info.gpu, false);
      assert.match(info.attempts[0]!.detail, /software adapter: runs on the CPU/);
    }
    assert.equal(await value(k, 'tf.getBackend()'), "'webgpu'");
  });

  it('a dense model trains with model.fit: the loss falls', async () => {
    const r = await run(
      k,
      `
      let seed = 1;
      const init = () => tf.initializers.glorotUniform({ seed: seed++ });
      const model = tf.sequential({ layers: [
        tf.layers.dense({ inputShape: [16], units: 32, activation: 'relu', kernelInitializer: init() }),
        tf.layers.dense({ units: 4, activation: 'softmax', kernelInitializer: init() }),
      ] });
      model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
      const xs = tf.tidy(() => tf.randomUniform([128, 16], 0, 1, 'float32', 3));
      const ys = tf.tidy(() => tf.oneHot(xs.slice([0, 0], [128, 4]).argMax(1), 4).toFloat());
      const history = await model.fit(xs, ys, { epochs: 15, batchSize: 32, shuffle: false, verbose: 0 });
      const losses = history.history.loss as number[];
      console.log(JSON.stringify([losses[0], losses[losses.length - 1]]));
    `,
      { timeoutMs: 300_000 },
    );
    assert.equal(r.error, undefined, r.error?.traceback.join('\n'));
    // stdout also has the kernel's notice about the model's variables: the cell's own line is the JSON one.
    const [first, last] = JSON.parse(r.stdout.split('\n').find((line) => line.startsWith('['))!) as [number, number];
    assert.ok(Number.isFinite(first) && Number.isFinite(last), r.stdout);
    assert.ok(last < first * 0.8, `loss ${first} -> ${last}`);
  });

  it('reads a big GPU tensor with await data(); dataSync() on it fails with what to do instead', async () => {
    // 2,000 elements: over WEBGPU_CPU_HANDOFF_SIZE_THRESHOLD (1,000), so computed on the GPU.
    const sync = await run(k, 'const onGpu = tf.tidy(() => tf.range(0, 2000).square().add(1)); onGpu.dataSync()');
    assert.ok(sync.error);
    assert.match(sync.error.evalue, /cannot read a tensor that lives on the GPU on the webgpu backend in Node\.js.*await t\.data\(\)/);
    assert.equal(await value(k, 'Array.from(await onGpu.data()).slice(0, 3).join(",")'), "'1,2,5'");
    // Once read, its values are on the CPU too: dataSync() works on that tensor.
    assert.equal(await value(k, 'Array.from(onGpu.dataSync()).slice(0, 3).join(",")'), "'1,2,5'");
  });

  it('small tensors stay readable with dataSync(): computed on the CPU, and kept there after a GPU kernel used them', async () => {
    assert.equal(
      await value(k, 'const small = tf.tensor2d([[1, 2], [3, 4]]); Array.from(small.matMul(small).dataSync()).join(",")'),
      "'7,10,15,22'",
    );
    // tile makes 4,000 elements (on the GPU); `small` was uploaded for it and still reads synchronously.
    assert.equal(await value(k, 'const tiled = tf.tile(small, [1000, 1]).mul(2); tiled.shape.join("x")'), "'2000x2'");
    assert.equal(await value(k, 'Array.from(small.dataSync()).join(",")'), "'1,2,3,4'");
    assert.equal(await value(k, 'Array.from(await tiled.data()).slice(0, 4).join(",")'), "'2,4,6,8'");
  });

  it("shows a cell's result tensor that lives on the GPU (read before rendering)", async () => {
    // [40, 40] @ [40, 40]: 1,600 elements, computed on the GPU.
    const r = await run(k, 'const ones = tf.ones([40, 40]); const threes = tf.fill([40, 40], 3); ones.matMul(threes)');
    assert.equal(r.error, undefined, r.error?.traceback.join('\n'));
    const text = String(r.result?.['text/plain'] ?? '');
    assert.match(text, /Tensor float32 \[40,40\]/);
    assert.match(text, /all 1,600 values are 120/);
  });

  it('display() of a GPU tensor shows a placeholder in place, then the tensor read with data(); the cell may dispose it at once', async () => {
    const r = await run(
      k,
      'const big = tf.tidy(() => tf.ones([64, 64]).mul(2)); display(big); big.dispose(); console.log("after display")',
    );
    assert.equal(r.error, undefined, r.error?.traceback.join('\n'));
    assert.equal(r.stdout, 'after display\n');
    assert.equal(r.displays.length, 2, JSON.stringify(r.displays.map((d) => d.data['text/plain'])));
    const [placeholder, final] = r.displays as [(typeof r.displays)[0], (typeof r.displays)[0]];
    assert.match(String(placeholder.data['text/plain']), /^Tensor float32 \[64,64\] · reading it from the GPU…$/);
    assert.equal(placeholder.update, false);
    assert.equal(final.displayId, placeholder.displayId);
    assert.equal(final.update, true);
    assert.ok(final.data['application/vnd.tfnb.tensor+json']);
    assert.match(String(final.data['text/plain']), /all 4,096 values are 2/);
    assert.doesNotMatch(r.stderr, /not disposed/); // the clone read for the display is gone when the cell ends
    assert.equal(await value(k, 'big.isDisposed'), 'true');
  });

  it('display.images() of a GPU batch draws the grid after reading it', async () => {
    const r = await run(
      k,
      'const batch = tf.tidy(() => tf.ones([2, 28, 28]).mul(0.5)); display.images(batch, { captions: ["a", "b"] }); batch.dispose()',
    );
    assert.equal(r.error, undefined, r.error?.traceback.join('\n'));
    const last = r.displays[r.displays.length - 1]!;
    assert.equal(last.update, true);
    assert.doesNotMatch(JSON.stringify(last.data), /could not be shown|cannot read/);
    assert.ok(
      Object.keys(last.data).some((m) => m !== 'text/plain'),
      JSON.stringify(Object.keys(last.data)),
    );
  });

  it('tf.memory() reports GPU bytes, and a cell that leaks tensors gets the leak notice', async () => {
    const bytes = Number(await value(k, 'tf.memory().numBytesInGPU'));
    assert.ok(bytes > 0, `numBytesInGPU ${bytes}`);
    const r = await run(k, 'const leaked = tf.ones([256, 256]).mul(2); undefined');
    assert.match(r.stderr + r.stdout, /\+1 tensors?, 256\.0 KB not disposed|\+\d+ tensors?, [\d.]+ (KB|MB) not disposed/);
  });
});

describe('auto and software adapters', { skip }, () => {
  it('auto never takes a software adapter: it says why and goes on to wasm', async (t) => {
    if (gpuDeviceNodes().length > 0) {
      t.skip('this machine has a GPU: its adapter may be hardware');
      return;
    }
    // Probe even without a GPU device node, so Dawn's real llvmpipe adapter is found and refused.
    const k = startKernel({ backend: 'auto', startTimeoutMs: 120_000, env: { ...process.env, TFNB_WEBGPU_PROBE: 'always' } });
    try {
      const info = await k.start();
      assert.equal(info.name, 'wasm');
      const webgpu = info.attempts.find((a) => a.backend === 'webgpu');
      assert.ok(webgpu && !webgpu.ok);
      assert.match(webgpu.detail, /llvmpipe \(OpenGL ES, software\) is a software adapter/);
      assert.equal(info.adapter, undefined);
    } finally {
      await k.close();
    }
  });

  it('auto without a GPU device node does not load Dawn at all', async (t) => {
    if (gpuDeviceNodes().length > 0) {
      t.skip('this machine has a GPU device node');
      return;
    }
    const k = startKernel({ backend: 'auto' });
    try {
      const info = await k.start();
      const webgpu = info.attempts.find((a) => a.backend === 'webgpu');
      assert.ok(webgpu && !webgpu.ok);
      assert.match(webgpu.detail, /no GPU device node/);
    } finally {
      await k.close();
    }
  });
});
