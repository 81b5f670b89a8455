// One benchmark measurement in its own process (a backend and its thread count are per
// process): trains a model on random batches for about `seconds` after a warm-up and prints
// {"samplesPerSecond": ...} as the last line. Usage:
//   node --import tsx bench/wasm/tfjsTrain.ts <cnn|mlp> <wasm|cpu> [threads] [seconds] [warm-up steps] [min steps]
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { setupWasmBackend } from '../../src/kernel/wasm/index';
import { BATCH, buildModel, randomBatch, type ModelName } from './models';

export interface TrainResult {
  samplesPerSecond: number;
  /** From the 10th-percentile step time: the steps no other process interrupted. */
  samplesPerSecondP10: number;
  /** Samples per second of CPU time used by the process: on a busy machine, what a free core would give. */
  samplesPerCpuSecond: number;
  steps: number;
  seconds: number;
  cpuSeconds: number;
  threads?: number;
}

async function main(): Promise<void> {
  const [model = 'cnn', backend = 'wasm', threadsArg = '1', secondsArg = '4', warmupArg = '2', minStepsArg = '3'] = process.argv.slice(2);
  const name = model as ModelName;
  let threads: number | undefined;
  if (backend === 'wasm') {
    const wasmDir = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
    const report = await setupWasmBackend(tf, { wasmDir, threads: threadsArg === 'auto' ? 'auto' : Number(threadsArg), log: () => {} });
    threads = report.threads;
  } else if (!(await tf.setBackend(backend))) {
    throw new Error(`backend ${backend} did not start`);
  }
  const net = buildModel(tf, name);
  const batches = [0, 1, 2, 3].map((i) => randomBatch(tf, name, 100 + i));
  // Warm-up: kernel set-up, XNNPACK operator creation, JIT.
  for (let i = 0; i < Number(warmupArg); i++) await net.trainOnBatch(batches[i % 4]!.xs, batches[i % 4]!.ys);
  const budget = Number(secondsArg) * 1000;
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  let steps = 0;
  const stepMs: number[] = [];
  while (steps < Number(minStepsArg) || performance.now() - start < budget) {
    const b = batches[steps % 4]!;
    const t = performance.now();
    await net.trainOnBatch(b.xs, b.ys);
    stepMs.push(performance.now() - t);
    steps++;
  }
  stepMs.sort((a, b) => a - b);
  const p10 = stepMs[Math.floor(0.1 * (stepMs.length - 1))]!;
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const result: TrainResult = {
    samplesPerSecond: (steps * BATCH) / seconds,
    samplesPerSecondP10: (BATCH * 1000) / p10,
    samplesPerCpuSecond: (steps * BATCH) / cpuSeconds,
    steps,
    seconds,
    cpuSeconds,
    ...(threads ? { threads } : {}),
  };
  console.log(JSON.stringify(result));
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack : String(e));
  process.exit(1);
});
