// The wasm backend benchmark: training samples/s of the CNN and the tutorial MLP on tfjs wasm
// (one thread and all cores), tfjs cpu, and PyTorch CPU (Debian python3-torch), measured side by
// side in one run, each in its own process, interleaved over rounds; medians are reported.
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { median, type Row } from '../lib';
import type { ModelName } from './models';
import type { StepProfile } from './profile';

/** 'tfjs wasm, tfjs step': wasm with tfnb's fused training step turned off (TFNB_FUSED_TRAIN=off). */
export type Runtime = 'tfjs wasm' | 'tfjs wasm, tfjs step' | 'tfjs cpu' | 'PyTorch';

/**
 * One run's throughput: from its 10th-percentile step time (the steps no other process
 * interrupted: the machine is shared, and a run's mean swings twofold with other work), by
 * the wall clock over the whole run, and per second of CPU time the process used.
 */
export interface Rate {
  p10: number;
  wall: number;
  cpu: number;
}

export interface Measurement {
  model: ModelName;
  runtime: Runtime;
  threads: number;
  runs: Rate[];
}

export interface BenchRow extends Measurement {
  /** Median of the runs' 10th-percentile throughput. */
  median: number;
  /** Median of PyTorch's one-thread runs. */
  baseline?: number;
  /**
   * The median over rounds of (this run / PyTorch's one-thread run of the same model and round,
   * the reference): pairing runs measured seconds apart cancels most
   * of the drift in the machine's load. Undefined without PyTorch.
   */
  ratio?: number;
}

export interface BenchOptions {
  rounds: number;
  secondsPerRun: number;
  log: (line: string) => void;
  /** Thread counts for wasm and PyTorch (default: 1 and all cores). */
  threads?: number[];
  /** Also run the pure-JS cpu backend (default true). */
  cpu?: boolean;
}

const here = __dirname;
const PYTHONS = ['/usr/bin/python3', 'python3'];

function lastJsonLine(stdout: string): Record<string, unknown> {
  const line = stdout
    .trim()
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('{'));
  if (!line) throw new Error(`no result in output:\n${stdout}`);
  return JSON.parse(line) as Record<string, unknown>;
}

function runNode(script: string, args: string[], env: NodeJS.ProcessEnv = process.env): Record<string, unknown> {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(here, script), ...args], { encoding: 'utf8', maxBuffer: 1 << 24, env });
  if (r.status !== 0) throw new Error(`${script} ${args.join(' ')} failed:\n${r.stderr}`);
  return lastJsonLine(r.stdout);
}

function rateOf(result: Record<string, unknown>): Rate {
  return { p10: Number(result.samplesPerSecondP10), wall: Number(result.samplesPerSecond), cpu: Number(result.samplesPerCpuSecond) };
}

/** A python3 with torch importable, if any. */
export function findTorchPython(): string | undefined {
  for (const python of PYTHONS) {
    const r = spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' });
    if (r.status === 0) return python;
  }
  return undefined;
}

/**
 * PyTorch runs with the machine's OpenBLAS tuning variables unset (they slow it here), in its
 * own environment only, and with OpenMP and OpenBLAS held to the thread count asked for
 * (OpenBLAS otherwise starts threads of its own, whatever torch.set_num_threads says).
 */
function runTorch(python: string, model: ModelName, threads: number, seconds: number): Rate {
  const env: NodeJS.ProcessEnv = { ...process.env, OMP_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: String(threads) };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const r = spawnSync(python, [join(here, 'torch_train.py'), model, String(threads), String(seconds)], { encoding: 'utf8', env });
  if (r.status !== 0) throw new Error(`torch_train.py ${model} ${threads} failed:\n${r.stderr}`);
  return rateOf(lastJsonLine(r.stdout));
}

export function runWasmBenchmark({ rounds, secondsPerRun, log, threads: threadsAsked, cpu = true }: BenchOptions): BenchRow[] {
  const cores = availableParallelism();
  const threadCounts = threadsAsked ?? (cores > 1 ? [1, cores] : [1]);
  const python = findTorchPython();
  if (!python) log('PyTorch not found (apt-get install python3-torch): ratios are not computed');
  const measurements: Measurement[] = [];
  const record = (model: ModelName, runtime: Runtime, threads: number, rate: Rate, round: number) => {
    let m = measurements.find((x) => x.model === model && x.runtime === runtime && x.threads === threads);
    if (!m) measurements.push((m = { model, runtime, threads, runs: [] }));
    m.runs.push(rate);
    log(
      `round ${round + 1}: ${model} ${runtime} x${threads}: ${rate.p10.toFixed(0)} samples/s at the 10th-percentile step, ` +
        `${rate.wall.toFixed(0)} over the run, ${rate.cpu.toFixed(0)} per CPU-second`,
    );
  };
  for (let round = 0; round < rounds; round++) {
    for (const model of ['cnn', 'mlp'] as const) {
      for (const threads of threadCounts) {
        record(
          model,
          'tfjs wasm',
          threads,
          rateOf(runNode('tfjsTrain.ts', [model, 'wasm', String(threads), String(secondsPerRun)])),
          round,
        );
        if (python) record(model, 'PyTorch', threads, runTorch(python, model, threads, secondsPerRun), round);
      }
      // The same wasm run with tfjs's own step (the fused one off), for what the fused step gives.
      const unfused = { ...process.env, TFNB_FUSED_TRAIN: 'off' };
      record(
        model,
        'tfjs wasm, tfjs step',
        1,
        rateOf(runNode('tfjsTrain.ts', [model, 'wasm', '1', String(secondsPerRun)], unfused)),
        round,
      );
      // The pure-JS cpu backend is two orders of magnitude slower: one short run is enough.
      if (cpu && round === 0) {
        const seconds = String(model === 'cnn' ? 1 : secondsPerRun);
        record(model, 'tfjs cpu', 1, rateOf(runNode('tfjsTrain.ts', [model, 'cpu', '1', seconds, '1', '2'])), round);
      }
    }
  }
  return measurements.map((m) => {
    const values = m.runs.map((r) => r.p10);
    const med = median(values);
    const torch = measurements.find((x) => x.model === m.model && x.runtime === 'PyTorch' && x.threads === 1);
    if (!torch) return { ...m, median: med };
    const base = torch.runs.map((r) => r.p10);
    const paired = values.length === base.length ? values.map((v, i) => v / base[i]!) : [med / median(base)];
    return { ...m, median: med, baseline: median(base), ratio: median(paired) };
  });
}

export function profileWasm(model: ModelName, threads: number, steps: number): StepProfile {
  return runNode('profile.ts', [model, String(threads), String(steps)]) as unknown as StepProfile;
}

// Issue 17's targets (the earlier ones were 0.3 and 0.5).
const TARGETS: Record<ModelName, string> = { cnn: '>= 0.7', mlp: '>= 1.2' };
const MODEL_NAMES: Record<ModelName, string> = { cnn: 'CNN', mlp: 'MLP' };

/** Rows for bench/lib's printTable, every one against PyTorch on one thread (PyTorch's own multi-thread run included). */
export function tableRows(rows: BenchRow[]): Row[] {
  const order: Runtime[] = ['tfjs wasm', 'tfjs wasm, tfjs step', 'tfjs cpu', 'PyTorch'];
  return rows
    .filter((r) => !(r.runtime === 'PyTorch' && r.threads === 1))
    .sort((a, b) => a.model.localeCompare(b.model) || order.indexOf(a.runtime) - order.indexOf(b.runtime) || a.threads - b.threads)
    .map((r) => {
      const rate = (v: number) => `${v.toFixed(v < 100 ? 1 : 0)} samples/s`;
      return {
        ratio: r.ratio ?? null,
        target: r.runtime === 'tfjs wasm' && r.threads === 1 ? TARGETS[r.model] : '—',
        what: `${MODEL_NAMES[r.model]} trainOnBatch, ${r.runtime === 'PyTorch' ? 'PyTorch CPU' : r.runtime} x${r.threads}`,
        tfnb: rate(r.median),
        baseline: r.baseline === undefined ? 'not run' : rate(r.baseline),
        baselineName: 'PyTorch CPU x1 (python3-torch)',
      };
    });
}

export function formatProfile(p: StepProfile, top = 8): string {
  const fused = p.fusedPhases.length > 0 && p.kernelsPerStep < 5;
  const lines = [
    fused
      ? `${p.model} on wasm x${p.threads}: ${p.stepMs.toFixed(1)} ms per batch-64 step through the fused training step ` +
        `(${p.kernelsPerStep} tfjs kernels per step); the same step at batch 1 takes ${p.stepMsBatch1.toFixed(1)} ms.`
      : `${p.model} on wasm x${p.threads}: ${p.stepMs.toFixed(1)} ms per batch-64 step, ${p.kernelsPerStep} kernels per step; ` +
        `the same step at batch 1 takes ${p.stepMsBatch1.toFixed(1)} ms (${(p.overheadMsPerKernel * 1000).toFixed(0)} us per kernel), ` +
        `so about ${(p.overheadShare * 100).toFixed(0)}% of a batch-64 step is per-operation overhead.`,
    ...(p.kernels.length > 0 ? ['| kernel | calls/step | ms/step | share of step |', '| --- | ---: | ---: | ---: |'] : []),
  ];
  for (const k of p.kernels.slice(0, top)) {
    lines.push(`| ${k.kernel} | ${k.callsPerStep} | ${k.msPerStep.toFixed(2)} | ${(k.share * 100).toFixed(1)}% |`);
  }
  if (p.fusedPhases.length > 0) {
    const inPhases = p.fusedPhases.reduce((sum, f) => sum + f.share, 0);
    lines.push(
      '',
      `The fused training step's SIMD products (gemm m×n×k) and loops, ${(inPhases * 100).toFixed(0)}% of the step ` +
        '(the rest: JavaScript — loss, small activations, weight transposes, zeroing — and trainOnBatch itself):',
      '| phase | ms/step | share of step |',
      '| --- | ---: | ---: |',
      ...p.fusedPhases.slice(0, 2 * top).map((f) => `| ${f.phase} | ${f.msPerStep.toFixed(2)} | ${(f.share * 100).toFixed(1)}% |`),
    );
  }
  return lines.join('\n');
}
