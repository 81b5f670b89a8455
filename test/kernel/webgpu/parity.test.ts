// Op parity: the ops training needs give the same numbers on webgpu (Dawn, whatever adapter it
// finds: llvmpipe in CI) as on the cpu backend. Tolerance: |webgpu - cpu| <= 1e-4 * (1 + |cpu|)
// per element (float32; shaders may sum in another order, and llvmpipe may fuse multiply-adds).
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { setupWebgpuBackend } from '../../../src/kernel/webgpu/index';
import { webgpuUnavailable } from './helpers';

const TOLERANCE = 1e-4;
const skip = webgpuUnavailable();

/** Deterministic values in [-1, 1). */
function values(n: number, seed: number): number[] {
  let s = seed;
  return Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return (s / 2147483648) * 2 - 1;
  });
}

/** Runs `f` on a backend and reads every output asynchronously (webgpu has no sync reads in Node). */
async function on(backend: 'cpu' | 'webgpu', f: () => tf.Tensor[]): Promise<Float32Array[]> {
  assert.ok(await tf.setBackend(backend));
  const outs = tf.tidy(f);
  const data = await Promise.all(outs.map(async (t) => Float32Array.from(await t.data())));
  tf.dispose(outs);
  return data;
}

async function assertParity(f: () => tf.Tensor[]): Promise<void> {
  const cpu = await on('cpu', f);
  const gpu = await on('webgpu', f);
  assert.equal(gpu.length, cpu.length);
  for (let o = 0; o < cpu.length; o++) {
    assert.equal(gpu[o]!.length, cpu[o]!.length, `output ${o}: length`);
    let worst = 0;
    for (let i = 0; i < cpu[o]!.length; i++) {
      const c = cpu[o]![i]!,
        g = gpu[o]![i]!;
      assert.ok(Number.isFinite(g), `output ${o}[${i}] is ${g} on webgpu`);
      worst = Math.max(worst, Math.abs(g - c) / (1 + Math.abs(c)));
    }
    assert.ok(worst <= TOLERANCE, `output ${o}: worst relative difference ${worst}`);
  }
}

describe('webgpu against cpu', { skip }, () => {
  before(async () => {
    // Small tensors whose values are on the CPU would otherwise run tfjs' CPU implementations
    // on webgpu too (WEBGPU_CPU_FORWARD): compare the shaders, not cpu with itself.
    await setupWebgpuBackend(tf, {
      notebookDir: process.cwd(),
      tfnbRoot: resolve(__dirname, '..', '..', '..'),
      allowSoftware: true,
      log: () => {},
    });
    tf.env().set('WEBGPU_CPU_FORWARD', false); // registered by tfjs-backend-webgpu, loaded above
  });

  it('dense: matMul + bias + relu, and its gradients', async () => {
    await assertParity(() => {
      const x = tf.tensor2d(values(8 * 16, 1), [8, 16]);
      const w = tf.tensor2d(values(16 * 4, 2), [16, 4]);
      const b = tf.tensor1d(values(4, 3));
      const layer = (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) =>
        tf.relu(tf.add(tf.matMul(xx as tf.Tensor2D, ww as tf.Tensor2D), bb)).sum();
      return [tf.relu(x.matMul(w).add(b)), ...tf.grads(layer)([x, w, b])];
    });
  });

  it('conv2d forward (same and strided valid) and backward (input and filter gradients)', async () => {
    await assertParity(() => {
      const x = tf.tensor4d(values(2 * 9 * 9 * 3, 4), [2, 9, 9, 3]);
      const f = tf.tensor4d(values(3 * 3 * 3 * 4, 5), [3, 3, 3, 4]);
      const same = tf.conv2d(x, f, 1, 'same');
      const strided = tf.conv2d(x, f, 2, 'valid');
      const weights = tf.tensor4d(values(same.size, 6), same.shape);
      const [dx, df] = tf.grads((xx: tf.Tensor, ff: tf.Tensor) =>
        tf
          .conv2d(xx as tf.Tensor4D, ff as tf.Tensor4D, 1, 'same')
          .mul(weights)
          .sum(),
      )([x, f]);
      const [dx2, df2] = tf.grads((xx: tf.Tensor, ff: tf.Tensor) =>
        tf
          .conv2d(xx as tf.Tensor4D, ff as tf.Tensor4D, 2, 'valid')
          .square()
          .sum(),
      )([x, f]);
      return [same, strided, dx!, df!, dx2!, df2!];
    });
  });

  it('max and average pooling, forward and backward', async () => {
    await assertParity(() => {
      const x = tf.tensor4d(values(2 * 8 * 8 * 3, 7), [2, 8, 8, 3]);
      const w = tf.tensor4d(values(2 * 4 * 4 * 3, 8), [2, 4, 4, 3]);
      const [dMax] = tf.grads((xx: tf.Tensor) =>
        tf
          .maxPool(xx as tf.Tensor4D, 2, 2, 'valid')
          .mul(w)
          .sum(),
      )([x]);
      const [dAvg] = tf.grads((xx: tf.Tensor) =>
        tf
          .avgPool(xx as tf.Tensor4D, 2, 2, 'valid')
          .mul(w)
          .sum(),
      )([x]);
      return [tf.maxPool(x, 2, 2, 'valid'), tf.avgPool(x, 2, 2, 'valid'), tf.maxPool(x, 3, 1, 'same'), dMax!, dAvg!];
    });
  });

  it('softmax cross-entropy and its gradient with respect to the logits', async () => {
    await assertParity(() => {
      const logits = tf.tensor2d(
        values(16 * 10, 9).map((v) => v * 5),
        [16, 10],
      );
      const labels = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5], 'int32'), 10).toFloat();
      const loss = (l: tf.Tensor) => tf.losses.softmaxCrossEntropy(labels, l);
      return [tf.softmax(logits), loss(logits), tf.grad(loss)(logits)];
    });
  });

  it('Adam: ten steps on a small least-squares problem end at the same weights', async () => {
    const run = async (backend: 'cpu' | 'webgpu') => {
      assert.ok(await tf.setBackend(backend));
      const x = tf.tensor2d(values(32 * 6, 10), [32, 6]);
      const y = tf.tensor2d(values(32 * 2, 11), [32, 2]);
      const w = tf.variable(tf.tensor2d(values(6 * 2, 12), [6, 2]));
      const optimizer = tf.train.adam(0.05);
      for (let i = 0; i < 10; i++) optimizer.minimize(() => tf.losses.meanSquaredError(y, x.matMul(w)) as tf.Scalar);
      const out = Float32Array.from(await w.data());
      optimizer.dispose();
      tf.dispose([x, y, w]);
      return out;
    };
    const cpu = await run('cpu');
    const gpu = await run('webgpu');
    for (let i = 0; i < cpu.length; i++)
      assert.ok(Math.abs(gpu[i]! - cpu[i]!) <= TOLERANCE * (1 + Math.abs(cpu[i]!)), `w[${i}]: ${gpu[i]} vs ${cpu[i]}`);
  });
});
