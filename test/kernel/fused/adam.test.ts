// The fused Adam update (src/kernel/fused/adam.ts) against tfjs's own AdamOptimizer code, on the
// wasm backend (SIMD over the wasm heap, a JavaScript tail) and on cpu.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { FUSED_ADAM_KERNEL, installFusedAdam } from '../../../src/kernel/fused/adam';
import { startWasm, tf } from '../wasm/helpers';

before(async () => {
  await startWasm({ threads: 1 });
});

/** Runs `body` with tfjs's own applyGradients (the fused kernel unregistered for the backend). */
function withTfjsAdam<T>(body: () => T): T {
  const backend = tf.getBackend();
  tf.unregisterKernel(FUSED_ADAM_KERNEL, backend);
  try {
    return body();
  } finally {
    installFusedAdam(tf, [backend]);
  }
}

function maxRelativeDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => {
    const diff = a.sub(b).abs().max().dataSync()[0]!;
    const scale = Math.max(1e-6, b.abs().max().dataSync()[0]!);
    return diff / scale;
  });
}

for (const backend of ['wasm', 'cpu']) {
  describe(`fused Adam on ${backend}`, () => {
    before(async () => {
      assert.ok(await tf.setBackend(backend));
    });

    it("matches tfjs's Adam step for step: weights, both moments, iterations, weight names", async () => {
      // 7021 elements: not a multiple of 4, so the SIMD part and the scalar tail both run.
      const init = tf.randomNormal([1003, 7], 0, 1, 'float32', 3);
      const fusedVar = tf.variable(init.clone());
      const tfjsVar = tf.variable(init.clone());
      const fused = tf.train.adam(0.01, 0.8, 0.95, 1e-6);
      const reference = tf.train.adam(0.01, 0.8, 0.95, 1e-6);
      for (let step = 0; step < 25; step++) {
        const g = tf.randomNormal([1003, 7], 0, step % 2 ? 1 : 1e-3, 'float32', 100 + step);
        const kernels = (await tf.profile(() => fused.applyGradients([{ name: fusedVar.name, tensor: g }]))).kernelNames;
        const tfjsKernels = (await tf.profile(() => withTfjsAdam(() => reference.applyGradients([{ name: tfjsVar.name, tensor: g }]))))
          .kernelNames;
        if (step === 0) {
          // The two paths really differ: one kernel per variable against tfjs's element-wise ops.
          assert.ok(kernels.includes(FUSED_ADAM_KERNEL), kernels.join(' '));
          assert.ok(!tfjsKernels.includes(FUSED_ADAM_KERNEL) && tfjsKernels.includes('Sqrt'), tfjsKernels.join(' '));
        }
        g.dispose();
      }
      assert.ok(maxRelativeDiff(fusedVar, tfjsVar) < 1e-5, `weights differ by ${maxRelativeDiff(fusedVar, tfjsVar)}`);
      const [fw, rw] = [await fused.getWeights(), await reference.getWeights()];
      assert.deepEqual(
        fw.map((w) => w.name.replace(/^\d+\//, '')),
        rw.map((w) => w.name.replace(/^\d+\//, '')),
      );
      assert.deepEqual(
        fw.map((w) => w.name),
        ['iter', `${fusedVar.name}/m`, `${fusedVar.name}/v`],
      );
      for (let i = 1; i < fw.length; i++) {
        assert.ok(maxRelativeDiff(fw[i]!.tensor, rw[i]!.tensor) < 1e-5, `${fw[i]!.name} differs`);
      }
      assert.equal(fused.iterations, 25);
      assert.equal(fw[0]!.tensor.dataSync()[0], 25);
      tf.dispose([init, fusedVar, tfjsVar]);
      fused.dispose();
      reference.dispose();
    });

    it('moments of a weight whose gradient stays 0 decay to exactly 0, never into float32 subnormals', () => {
      // 9 elements: two SIMD lanes of four and a tail of one. The first gets one real gradient, then zeros.
      const w = tf.variable(tf.ones([9]));
      const opt = tf.train.adam(0.01);
      const one = tf.fill([9], 1);
      const zero = tf.zeros([9]);
      opt.applyGradients([{ name: w.name, tensor: one }]);
      // m = 0.1 · 0.9^k passes 1e-30 after about 630 steps and float32's subnormal range (< 1.2e-38)
      // after about 810; unflushed it would still be about 6e-43 (a subnormal) after 900.
      for (let step = 0; step < 900; step++) opt.applyGradients([{ name: w.name, tensor: zero }]);
      const m = opt.getWeights().then((ws) => ws[1]!.tensor.dataSync());
      return m.then((values) => {
        assert.deepEqual(Array.from(values), new Array(9).fill(0));
        tf.dispose([w, one, zero]);
        opt.dispose();
      });
    });

    it('skips a variable without a gradient (it keeps its value) and leaks no tensor', () => {
      const a = tf.variable(tf.ones([5]));
      const b = tf.variable(tf.ones([3]));
      const opt = tf.train.adam(0.1);
      const g = tf.fill([5], 2);
      opt.applyGradients({ [a.name]: g as tf.Variable });
      const before = tf.memory().numTensors;
      for (let i = 0; i < 5; i++)
        opt.applyGradients([
          { name: a.name, tensor: g },
          { name: b.name, tensor: null as unknown as tf.Tensor },
        ]);
      assert.equal(tf.memory().numTensors, before + 2, 'only the moments of b are new');
      assert.deepEqual(Array.from(b.dataSync()), [1, 1, 1]);
      assert.ok(
        a.dataSync().every((v) => v < 1),
        'a moved against its gradient',
      );
      tf.dispose([a, b, g]);
      opt.dispose();
    });

    it('an optimizer restored with setWeights continues exactly like the one it was saved from', async () => {
      const v1 = tf.variable(tf.randomNormal([10, 3], 0, 1, 'float32', 5));
      const v2 = tf.variable(v1.clone());
      const first = tf.train.adam(0.05);
      const grads = Array.from({ length: 6 }, (_, i) => tf.randomNormal([10, 3], 0, 1, 'float32', 40 + i));
      for (const g of grads.slice(0, 3)) first.applyGradients([{ name: v1.name, tensor: g }]);
      v2.assign(v1);
      const second = tf.train.adam(0.05);
      const saved = await first.getWeights();
      await second.setWeights(
        saved.map((w, i) => ({ name: i === 0 ? w.name : w.name.replace(v1.name, v2.name), tensor: w.tensor.clone() })),
      );
      for (const g of grads.slice(3)) {
        first.applyGradients([{ name: v1.name, tensor: g }]);
        second.applyGradients([{ name: v2.name, tensor: g }]);
      }
      assert.ok(maxRelativeDiff(v1, v2) < 1e-6);
      tf.dispose([v1, v2, ...grads]);
      first.dispose();
      second.dispose();
    });

    it("model.fit with Adam trains as with tfjs's Adam, and nothing accumulates from epoch to epoch", async () => {
      const build = () => {
        const model = tf.sequential({
          layers: [
            tf.layers.dense({
              inputShape: [6],
              units: 16,
              activation: 'relu',
              kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
            }),
            tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
          ],
        });
        model.compile({ optimizer: tf.train.adam(0.02), loss: 'sparseCategoricalCrossentropy' });
        return model;
      };
      const xs = tf.randomNormal([96, 6], 0, 1, 'float32', 9);
      const ys = tf.tidy(() => xs.slice([0, 0], [96, 3]).argMax(1).toFloat());
      const counts: number[] = [];
      const fusedModel = build();
      const fusedLoss = (
        await fusedModel.fit(xs, ys, {
          epochs: 8,
          batchSize: 16,
          shuffle: false,
          verbose: 0,
          callbacks: {
            onEpochEnd: async () => {
              counts.push(tf.memory().numTensors);
            },
          },
        })
      ).history.loss as number[];
      const tfjsModel = build();
      tf.unregisterKernel(FUSED_ADAM_KERNEL, backend);
      let tfjsLoss: number[];
      try {
        tfjsLoss = (await tfjsModel.fit(xs, ys, { epochs: 8, batchSize: 16, shuffle: false, verbose: 0 })).history.loss as number[];
      } finally {
        installFusedAdam(tf, [backend]);
      }
      assert.ok(fusedLoss.at(-1)! < 0.7 * fusedLoss[0]!, `loss ${fusedLoss.join(' ')}`);
      fusedLoss.forEach((l, i) =>
        assert.ok(Math.abs(l - tfjsLoss[i]!) < 1e-4 * Math.max(1, tfjsLoss[i]!), `epoch ${i + 1}: ${l} vs ${tfjsLoss[i]}`),
      );
      assert.equal(counts.at(-1), counts[1], `tensors after each epoch: ${counts.join(' ')}`);
      tf.dispose([xs, ys]);
      fusedModel.dispose();
      tfjsModel.dispose();
    });
  });
}
