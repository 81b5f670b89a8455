// The two benchmark models of docs/wasm-backend.md, built with tfjs-layers, and random data of
// MNIST's shapes (28x28x1 images, 10 classes). bench/wasm/torch_train.py builds the same ones.
import type * as tfType from '@tensorflow/tfjs';

export type ModelName = 'cnn' | 'mlp';
export const BATCH = 64;

/** conv 3x3x16 -> maxpool 2 -> conv 3x3x32 -> maxpool 2 -> dense 10 (relu, valid padding). */
function cnn(tf: typeof tfType): tfType.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 16, kernelSize: 3, activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
}

/** The tutorial MLP: 784 -> 128 (relu) -> 10. */
function mlp(tf: typeof tfType): tfType.Sequential {
  return tf.sequential({
    layers: [tf.layers.dense({ inputShape: [784], units: 128, activation: 'relu' }), tf.layers.dense({ units: 10, activation: 'softmax' })],
  });
}

export function buildModel(tf: typeof tfType, name: ModelName): tfType.Sequential {
  const model = name === 'cnn' ? cnn(tf) : mlp(tf);
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  return model;
}

/** One batch of uniform random pixels and random one-hot labels. */
export function randomBatch(tf: typeof tfType, name: ModelName, seed: number, batch = BATCH): { xs: tfType.Tensor; ys: tfType.Tensor } {
  return tf.tidy(() => {
    const xs =
      name === 'cnn' ? tf.randomUniform([batch, 28, 28, 1], 0, 1, 'float32', seed) : tf.randomUniform([batch, 784], 0, 1, 'float32', seed);
    const labels = tf.randomUniform([batch], 0, 10, 'int32', seed + 1);
    return { xs, ys: tf.oneHot(labels, 10).toFloat() };
  });
}
