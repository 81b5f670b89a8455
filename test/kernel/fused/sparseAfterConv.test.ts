// The zero-skipping first dense layer behind image stages (src/kernel/fused/trainStep/denseStep.ts):
// a convolution whose ReLU output is mostly zeros feeds the dense layer, with a flattened width
// that is large (the lists' scratch is sized from it, not from the image) and one that is not a
// multiple of 4 (rows read in groups of four must not run into the next row). Fused against
// tfjs's own step, weights within 1e-5 relative.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { fusedTrainStep } from '../../../src/kernel/fused/trainStep/install';
import { logged, startWasm, tf } from '../wasm/helpers';
import { relativeDiff } from './denseCases';

before(async () => {
  await startWasm({ threads: 1 });
});

async function train(side: number, filters: number, bias: number, fused: boolean): Promise<Float32Array[]> {
  fusedTrainStep.enabled = fused;
  try {
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({
          inputShape: [side, side, 1],
          filters,
          kernelSize: 3,
          activation: 'relu',
          kernelInitializer: tf.initializers.randomNormal({ seed: 1, stddev: 0.5 }),
          // Mostly negative pre-activations: the ReLU output is mostly zeros.
          biasInitializer: tf.initializers.constant({ value: bias }),
        }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
      ],
    });
    model.compile({ optimizer: tf.train.sgd(0.05), loss: 'sparseCategoricalCrossentropy' });
    const x = tf.randomUniform([16, side, side, 1], 0, 1, 'float32', 3);
    const y = tf.randomUniform([16], 0, 10, 'int32', 4).cast('float32');
    for (let step = 0; step < 3; step++) await model.trainOnBatch(x, y);
    const weights = model.getWeights().map((w) => w.dataSync() as Float32Array);
    tf.dispose([x, y]);
    model.dispose();
    return weights;
  } finally {
    fusedTrainStep.enabled = true;
  }
}

describe('the zero-skipping dense layer behind convolutions', () => {
  for (const [side, filters, bias] of [
    [34, 16, -1.5], // 32·32·16 = 16,384 inputs to the dense layer (its nonzeros' list is larger than the image)
    [19, 3, -0.9], // 17·17·3 = 867: not a multiple of 4
  ] as const) {
    it(`conv ${side}x${side} → ${filters} filters, relu, flatten, dense: fused trains as tfjs does`, async () => {
      logged.length = 0;
      const fused = await train(side, filters, bias, true);
      assert.ok(
        logged.some((l) => /^fused training step: model .*conv/.test(l)),
        logged.join('\n'),
      );
      const reference = await train(side, filters, bias, false);
      fused.forEach((w, i) => {
        const diff = relativeDiff(w, reference[i]!);
        assert.ok(diff < 1e-5, `weight ${i}: ${diff}`);
      });
    });
  }
});
