// The fused 'sparseCategoricalCrossentropy' (src/kernel/fused/sparseCrossEntropy.ts) against
// tfjs-layers' own loss: values and gradients on edge cases, and training histories, on the wasm
// and cpu backends.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { SPARSE_CE_GRAD_KERNEL, SPARSE_CE_KERNEL, installFusedSparseCrossEntropy } from '../../../src/kernel/fused/sparseCrossEntropy';
import { randomHost, startWasm, tf } from '../wasm/helpers';

before(async () => {
  await startWasm({ threads: 1 });
});

/** Runs `body` with the fused kernels unregistered, so compiled models fall back to tfjs-layers' loss. */
async function withTfjsLoss<T>(body: () => Promise<T>): Promise<T> {
  const backend = tf.getBackend();
  tf.unregisterKernel(SPARSE_CE_KERNEL, backend);
  tf.unregisterKernel(SPARSE_CE_GRAD_KERNEL, backend);
  try {
    return await body();
  } finally {
    installFusedSparseCrossEntropy(tf, [backend]);
  }
}

/** A one-output model whose output is its input: the loss and its gradient, seen through evaluate and a gradient of the compiled loss. */
function lossAndGradient(probabilities: tf.Tensor2D, labels: tf.Tensor): { loss: number[]; grad: number[] } {
  const input = tf.input({ shape: [probabilities.shape[1]] });
  const model = tf.model({ inputs: input, outputs: tf.layers.activation({ activation: 'linear' }).apply(input) as tf.SymbolicTensor });
  model.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
  const lossFn = (model as unknown as { lossFunctions: Array<(y: tf.Tensor, p: tf.Tensor) => tf.Tensor> }).lossFunctions[0]!;
  const result = tf.tidy(() => {
    const loss = lossFn(labels, probabilities);
    const grad = tf.grad((p: tf.Tensor) =>
      lossFn(labels, p)
        .mul(tf.range(1, probabilities.shape[0] + 1))
        .sum(),
    )(probabilities);
    return { loss: Array.from(loss.dataSync()), grad: Array.from(grad.dataSync()) };
  });
  model.dispose();
  return result;
}

function assertClose(got: number[], want: number[], label: string): void {
  assert.equal(got.length, want.length, label);
  for (let i = 0; i < got.length; i++) {
    if (Number.isNaN(want[i]!)) {
      assert.ok(Number.isNaN(got[i]!), `${label}[${i}]: want NaN, got ${got[i]}`);
      continue;
    }
    assert.ok(Math.abs(got[i]! - want[i]!) <= 1e-5 * Math.max(1, Math.abs(want[i]!)), `${label}[${i}]: got ${got[i]}, want ${want[i]}`);
  }
}

for (const backend of ['wasm', 'cpu']) {
  describe(`fused sparse categorical cross-entropy on ${backend}`, () => {
    before(async () => {
      assert.ok(await tf.setBackend(backend));
    });

    it('matches tfjs-layers: values and gradients, with clipped probabilities, unnormalised rows, float and out-of-range labels', async () => {
      const rows = [
        [0.7, 0.2, 0.1, 0],
        [1, 0, 0, 0],
        [0.25, 0.25, 0.25, 0.25],
        [1e-9, 0.5, 0.5, 1e-9],
        [2, 1, 1, 0.5],
        [0.1, 0.2, 0.3, 0.4],
        [0.3, 0.3, 0.3, 0.1],
        [0.9, 0.05, 0.05, 1e-8],
      ];
      const labels = [0, 0, 3, 0, 1, 3.7, -1, 9];
      for (const labelShape of [[8], [8, 1]]) {
        const p = tf.tensor2d(rows);
        const y = tf.tensor(labels, labelShape);
        const fused = lossAndGradient(p, y);
        const reference = await withTfjsLoss(async () => lossAndGradient(p, y));
        assertClose(fused.loss, reference.loss, `loss, labels ${labelShape}`);
        assertClose(fused.grad, reference.grad, `gradient, labels ${labelShape}`);
        tf.dispose([p, y]);
      }
    });

    it("trains a softmax classifier with the same losses and accuracies as tfjs-layers' loss", async () => {
      const histories: Array<Record<string, number[]>> = [];
      const initial = [randomHost([12, 16], 0.4), randomHost([16], 0.1), randomHost([16, 5], 0.4), randomHost([5], 0.1)];
      const inputs = randomHost([48, 12]);
      for (const fused of [true, false]) {
        const train = async () => {
          const model = tf.sequential({
            layers: [
              tf.layers.dense({ inputShape: [12], units: 16, activation: 'relu' }),
              tf.layers.dense({ units: 5, activation: 'softmax' }),
            ],
          });
          model.setWeights(initial.map((h) => tf.tensor(h.values as Float32Array, h.shape)));
          model.compile({ optimizer: tf.train.adam(0.02), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
          assert.equal(model.loss, 'sparseCategoricalCrossentropy', 'the model keeps the loss name (saved models unchanged)');
          const xs = tf.tensor2d(inputs.values as Float32Array, [48, 12]);
          const ys = tf.tensor1d(
            Array.from({ length: 48 }, (_, i) => (i * 7) % 5),
            'float32',
          );
          const h = await model.fit(xs, ys, { epochs: 15, batchSize: 16, shuffle: false, verbose: 0 });
          tf.dispose([xs, ys]);
          model.dispose();
          return h.history as Record<string, number[]>;
        };
        histories.push(fused ? await train() : await withTfjsLoss(train));
      }
      const [fused, reference] = histories as [Record<string, number[]>, Record<string, number[]>];
      assert.ok(fused.loss![14]! < fused.loss![0]! * 0.8, `the loss falls: ${fused.loss![0]} -> ${fused.loss![14]}`);
      for (const key of ['loss', 'acc']) {
        for (let i = 0; i < 15; i++) {
          assert.ok(
            Math.abs(fused[key]![i]! - reference[key]![i]!) < 1e-4,
            `${key} epoch ${i}: fused ${fused[key]![i]}, tfjs ${reference[key]![i]}`,
          );
        }
      }
    });

    it('falls back to tfjs-layers where it does not apply: a label count that does not fit the output', async () => {
      const p = tf.tensor2d([
        [0.5, 0.5],
        [0.2, 0.8],
      ]);
      const y = tf.tensor1d([0, 1, 1]);
      assert.throws(() => lossAndGradient(p, y));
      tf.dispose([p, y]);
    });
  });
}
