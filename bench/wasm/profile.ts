// Where a training step's time goes on wasm (batch 64): time per kernel (tf.profile), kernels
// per step, and the per-operation overhead, estimated from the same step at batch 1, where
// the arithmetic is negligible and what is left is tfjs's fixed cost per op (tape, engine,
// layers, optimizer bookkeeping, JS <-> wasm calls).
// Usage: node --import tsx bench/wasm/profile.ts <cnn|mlp> [threads] [steps]; prints JSON.
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { stepProfile } from '../../src/kernel/fused/trainStep/stepProfile';
import { setupWasmBackend } from '../../src/kernel/wasm/index';
import { BATCH, buildModel, randomBatch, type ModelName } from './models';

export interface KernelShare {
  kernel: string;
  callsPerStep: number;
  msPerStep: number;
  share: number;
}
export interface StepProfile {
  model: ModelName;
  threads: number;
  stepMs: number;
  stepMsBatch1: number;
  kernelsPerStep: number;
  /** stepMsBatch1 / kernelsPerStep */
  overheadMsPerKernel: number;
  /** stepMsBatch1 / stepMs: the share of a batch-64 step that is per-operation overhead. */
  overheadShare: number;
  kernels: KernelShare[];
  /**
   * With the fused training step: its SIMD products and loops (tf.profile sees no kernel in it),
   * per batch-64 step, best of the blocks timed.
   */
  fusedPhases: Array<{ phase: string; msPerStep: number; share: number }>;
}

/** Best of several blocks of steps: the minimum is the figure least disturbed by other load. */
async function timeSteps(net: tf.Sequential, xs: tf.Tensor, ys: tf.Tensor, steps: number, blocks = 4, warmUp = 3): Promise<number> {
  for (let i = 0; i < warmUp; i++) await net.trainOnBatch(xs, ys);
  let best = Infinity;
  for (let b = 0; b < blocks; b++) {
    const start = performance.now();
    for (let i = 0; i < steps; i++) await net.trainOnBatch(xs, ys);
    best = Math.min(best, (performance.now() - start) / steps);
  }
  return best;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export async function profileStep(name: ModelName, threads: number | 'auto', steps: number): Promise<StepProfile> {
  const report = await setupWasmBackend(tf, {
    wasmDir: join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist'),
    threads,
    log: () => {},
  });
  // The fused step's trainer is made on the first batch: timed from then on (a performance.now() per call).
  stepProfile.times = new Map();
  const net = buildModel(tf, name);
  const full = randomBatch(tf, name, 7, BATCH);
  const single = randomBatch(tf, name, 8, 1);
  const stepMs = await timeSteps(net, full.xs, full.ys, steps);
  stepProfile.times.clear();
  const fusedStepMs = await timeSteps(net, full.xs, full.ys, steps, 1, 0);
  const fusedPhases = [...stepProfile.times.entries()]
    .map(([phase, ms]) => ({ phase, msPerStep: ms / steps, share: ms / steps / fusedStepMs }))
    .sort((a, b) => b.msPerStep - a.msPerStep);
  stepProfile.times = undefined;
  const stepMsBatch1 = await timeSteps(net, single.xs, single.ys, steps);
  // Per kernel: its time within each profiled step, then the median over steps.
  const perStep = new Map<string, { calls: number; ms: number[] }>();
  let kernelCount = 0;
  for (let i = 0; i < steps; i++) {
    const info = await tf.profile(async () => {
      await net.trainOnBatch(full.xs, full.ys);
    });
    const thisStep = new Map<string, number>();
    for (const k of info.kernels) {
      thisStep.set(k.name, (thisStep.get(k.name) ?? 0) + Number(k.kernelTimeMs));
      const entry = perStep.get(k.name) ?? { calls: 0, ms: [] };
      entry.calls++;
      perStep.set(k.name, entry);
      kernelCount++;
    }
    for (const [kernel, ms] of thisStep) perStep.get(kernel)?.ms.push(ms);
  }
  const kernelsPerStep = kernelCount / steps;
  const kernels = [...perStep.entries()]
    .map(([kernel, v]) => ({ kernel, callsPerStep: v.calls / steps, msPerStep: median(v.ms), share: median(v.ms) / stepMs }))
    .sort((a, b) => b.msPerStep - a.msPerStep);
  return {
    model: name,
    threads: report.threads,
    stepMs,
    stepMsBatch1,
    kernelsPerStep,
    overheadMsPerKernel: stepMsBatch1 / kernelsPerStep,
    overheadShare: stepMsBatch1 / stepMs,
    kernels,
    fusedPhases,
  };
}

async function main(): Promise<void> {
  const [model = 'cnn', threadsArg = '1', stepsArg = '10'] = process.argv.slice(2);
  const profile = await profileStep(model as ModelName, threadsArg === 'auto' ? 'auto' : Number(threadsArg), Number(stepsArg));
  console.log(JSON.stringify(profile));
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack : String(e));
  process.exit(1);
});
