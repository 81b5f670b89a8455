// tfnb's SIMD matrix product (src/kernel/wasm/simdMatrixProduct.ts through kernels/simdMatMul.ts): the
// products it takes, checked against the cpu backend; the ones it leaves to XNNPACK; and a dense
// layer that trains the same with it.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { simdProduct } from '../../../src/kernel/wasm/kernels/simdMatMul';
import { checkAgainstCpu, randomHost, startWasm, tf } from './helpers';

before(async () => {
  await startWasm({ threads: 1 });
  assert.ok(await tf.setBackend('wasm'));
});

/** Whether the SIMD path takes this product (it returns null for what it leaves to the wrapped kernel). */
function taken(aShape: number[], bShape: number[], attrs: object, biasShape?: number[]): boolean {
  return tf.tidy(() => {
    const inputs: Record<string, tf.TensorInfo> = { a: tf.ones(aShape), b: tf.ones(bShape) };
    if (biasShape) inputs.bias = tf.ones(biasShape);
    const backend = tf.backend() as BackendWasm;
    const out = simdProduct({ inputs, backend, attrs: attrs as tf.NamedAttrMap });
    if (out) backend.disposeData(out.dataId);
    return out !== null;
  });
}

describe('SIMD matrix product on wasm', () => {
  it('takes dense-layer products: plain, xᵀ·dy, with bias and ReLU, batch 1 of rank 3', () => {
    assert.equal(taken([1, 64, 784], [1, 784, 128], {}), true);
    assert.equal(taken([1, 784, 64], [1, 784, 128], { transposeA: true }), true);
    assert.equal(taken([1, 64, 784], [1, 784, 128], { activation: 'relu' }, [128]), true);
    assert.equal(taken([1, 4, 1], [1, 1, 8], { activation: 'linear' }, [1, 8]), true);
  });

  it('leaves the rest to the wrapped kernel: ragged shapes, Bᵀ, batches, other activations, per-row bias', () => {
    assert.equal(taken([1, 64, 128], [1, 128, 10], {}), false, 'n not a multiple of 8');
    assert.equal(taken([1, 63, 128], [1, 128, 16], {}), false, 'm not a multiple of 4');
    assert.equal(taken([1, 64, 16], [1, 8, 16], { transposeB: true }), false, 'transposed B');
    assert.equal(taken([2, 4, 8], [2, 8, 8], {}), false, 'a batch of two');
    assert.equal(taken([1, 4, 8], [1, 8, 8], { activation: 'sigmoid' }), false, 'sigmoid');
    assert.equal(taken([1, 8, 8], [1, 8, 8], { activation: 'relu' }, [8, 1]), false, 'a bias per row');
    assert.equal(taken([1, 4, 8], [1, 9, 8], {}), false, 'mismatched inner sizes: the wrapped kernel reports them');
  });

  it('matches the cpu backend: every path, odd k, negative values under ReLU, bias of rank 2', async () => {
    await checkAgainstCpu(
      'BatchMatMul',
      { a: randomHost([1, 12, 7]), b: randomHost([1, 7, 24]) },
      { transposeA: false, transposeB: false },
      'nn, k = 7',
    );
    await checkAgainstCpu(
      'BatchMatMul',
      { a: randomHost([1, 5, 16]), b: randomHost([1, 5, 32]) },
      { transposeA: true, transposeB: false },
      'tn, k = 5',
    );
    await checkAgainstCpu(
      'BatchMatMul',
      { a: randomHost([1, 64, 784]), b: randomHost([1, 784, 128], 0.05) },
      { transposeA: false, transposeB: false },
      'the MLP forward product',
    );
    await checkAgainstCpu(
      'BatchMatMul',
      { a: randomHost([1, 64, 784]), b: randomHost([1, 64, 128]) },
      { transposeA: true, transposeB: false },
      'the MLP weight gradient',
    );
    await checkAgainstCpu(
      '_FusedMatMul',
      { a: randomHost([1, 8, 20]), b: randomHost([1, 20, 16]), bias: randomHost([16]) },
      { transposeA: false, transposeB: false, activation: 'relu' },
      'bias and ReLU',
    );
    await checkAgainstCpu(
      '_FusedMatMul',
      { a: randomHost([1, 20, 8]), b: randomHost([1, 20, 16]), bias: randomHost([1, 16]) },
      { transposeA: true, transposeB: false, activation: 'linear' },
      'transposed A, bias of shape [1, n]',
    );
  });

  it('trains a dense layer the same as the cpu backend', async () => {
    const losses: Record<string, number[]> = {};
    const initial = [randomHost([16, 32], 0.3), randomHost([32], 0.1), randomHost([32, 8], 0.3), randomHost([8], 0.1)];
    const inputs = randomHost([64, 16]);
    for (const backend of ['wasm', 'cpu']) {
      assert.ok(await tf.setBackend(backend));
      const model = tf.sequential({
        layers: [
          tf.layers.dense({ inputShape: [16], units: 32, activation: 'relu' }),
          tf.layers.dense({ units: 8, activation: 'softmax' }),
        ],
      });
      // The same starting weights on both backends.
      model.setWeights(initial.map((h) => tf.tensor(h.values as Float32Array, h.shape)));
      model.compile({ optimizer: tf.train.adam(0.01), loss: 'sparseCategoricalCrossentropy' });
      const xs = tf.tensor2d(inputs.values as Float32Array, [64, 16]);
      const ys = tf.tensor1d(
        Array.from({ length: 64 }, (_, i) => i % 8),
        'float32',
      );
      const history = await model.fit(xs, ys, { epochs: 20, batchSize: 32, shuffle: false, verbose: 0 });
      losses[backend] = history.history.loss as number[];
      tf.dispose([xs, ys]);
      model.dispose();
    }
    assert.ok(await tf.setBackend('wasm'));
    const [wasm, cpu] = [losses.wasm!, losses.cpu!];
    assert.ok(wasm[wasm.length - 1]! < wasm[0]! * 0.7, `loss falls on wasm: ${wasm[0]} -> ${wasm[wasm.length - 1]}`);
    for (let i = 0; i < wasm.length; i++)
      assert.ok(Math.abs(wasm[i]! - cpu[i]!) < 1e-3 * Math.max(1, cpu[i]!), `epoch ${i}: wasm ${wasm[i]} vs cpu ${cpu[i]}`);
  });
});
