// One GPU-bench measurement in its own process: trains a bench/wasm model on random batches on
// one backend for about `seconds` after a warm-up, and prints a JSON line last. Usage:
//   node --import tsx bench/gpu/train.ts <cnn|mlp> <webgpu|wasm|tensorflow-gpu> <batch> <seconds>
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import * as bundledTf from '@tensorflow/tfjs';
import { findInstalledPackage } from '../../src/kernel/packages';
import { setupWasmBackend } from '../../src/kernel/wasm/index';
import { setupWebgpuBackend } from '../../src/kernel/webgpu/index';
import { buildModel, randomBatch, type ModelName } from '../wasm/models';

export interface GpuTrainResult {
  samplesPerSecond: number;
  steps: number;
  seconds: number;
  device: string;
  firstStepSeconds: number;
}

const ROOT = resolve(__dirname, '..', '..');

async function main(): Promise<void> {
  const [model = 'mlp', backend = 'webgpu', batchArg = '64', secondsArg = '15'] = process.argv.slice(2);
  const batch = Number(batchArg);
  let tf: typeof bundledTf = bundledTf;
  let device: string;
  if (backend === 'webgpu') {
    const report = await setupWebgpuBackend(tf, { notebookDir: process.cwd(), tfnbRoot: ROOT, allowSoftware: true, log: () => {} });
    device = report.label;
  } else if (backend === 'wasm') {
    const wasmDir = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
    const report = await setupWasmBackend(tf, { wasmDir, threads: 'auto', log: () => {} });
    device = `${report.threads} thread(s)`;
  } else if (backend === 'tensorflow-gpu') {
    const dir = findInstalledPackage('@tensorflow/tfjs-node-gpu', process.cwd());
    if (!dir) throw new Error('@tensorflow/tfjs-node-gpu is not installed');
    tf = createRequire(join(dir, 'package.json'))(dir) as typeof bundledTf;
    await tf.ready();
    const binding = (tf.backend() as unknown as { binding?: { isUsingGpuDevice?: () => boolean } }).binding;
    device = binding?.isUsingGpuDevice?.() ? 'CUDA GPU' : 'CPU (no GPU device found)';
  } else throw new Error(`unknown backend ${backend}`);

  const net = buildModel(tf, model as ModelName);
  const batches = [0, 1, 2, 3].map((i) => randomBatch(tf, model as ModelName, 100 + i, batch));
  const t0 = performance.now();
  await net.trainOnBatch(batches[0]!.xs, batches[0]!.ys); // shader compilation / kernel set-up
  const firstStepSeconds = (performance.now() - t0) / 1000;
  for (let i = 1; i < 3; i++) await net.trainOnBatch(batches[i]!.xs, batches[i]!.ys);
  const budget = Number(secondsArg) * 1000;
  const start = performance.now();
  let steps = 0;
  while (steps < 3 || performance.now() - start < budget) {
    const b = batches[steps % 4]!;
    await net.trainOnBatch(b.xs, b.ys); // returns the loss: one GPU->CPU read per step, as model.fit does
    steps++;
  }
  const seconds = (performance.now() - start) / 1000;
  const result: GpuTrainResult = { samplesPerSecond: (steps * batch) / seconds, steps, seconds, device, firstStepSeconds };
  console.log(JSON.stringify(result));
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  },
);
