// The fused training step on tfjs-backend-wasm's multi-threaded build (its heap is a shared
// memory, which tfnb's hand-made modules import as such): an MNIST-shaped MLP with sparse
// inputs (the zero-skipping products) trains as tfjs's own step does, and the step really is
// the fused one (the kernel log says so).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { fusedTrainStep } from '../../../src/kernel/fused/trainStep/install';
import { logged, startWasm, tf } from '../wasm/helpers';
import { relativeDiff } from './denseCases';

before(async () => {
  const report = await startWasm({ threads: 2 });
  assert.equal(report.threads, 2, `the threaded build started (${report.threadsReason ?? ''})`);
});

async function train(fused: boolean): Promise<Float32Array[]> {
  fusedTrainStep.enabled = fused;
  try {
    const model = tf.sequential({
      layers: [
        tf.layers.flatten({ inputShape: [28, 28, 1] }),
        tf.layers.dense({ units: 32, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
        tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
      ],
    });
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    // Mostly zeros, as images' background.
    const x = tf.tidy(() =>
      tf.randomUniform([64, 28, 28, 1], 0, 1, 'float32', 3).mul(tf.randomUniform([64, 28, 28, 1], 0, 1, 'float32', 4).greater(0.8)),
    );
    const y = tf.randomUniform([64], 0, 10, 'int32', 5).cast('float32');
    for (let step = 0; step < 3; step++) await model.trainOnBatch(x, y);
    const weights = model.getWeights().map((w) => w.dataSync() as Float32Array);
    tf.dispose([x, y]);
    model.dispose();
    return weights;
  } finally {
    fusedTrainStep.enabled = true;
  }
}

describe('the fused step on the threaded wasm build', () => {
  it('trains as tfjs does (1e-5 relative), through the fused step', async () => {
    const fused = await train(true);
    assert.ok(
      logged.some((line) => line.startsWith('fused training step: model')),
      `the kernel log names the fused step: ${logged.join(' | ')}`,
    );
    const reference = await train(false);
    fused.forEach((w, i) => {
      const diff = relativeDiff(w, reference[i]!);
      assert.ok(diff < 1e-5, `weight ${i}: ${diff}`);
    });
  });
});
