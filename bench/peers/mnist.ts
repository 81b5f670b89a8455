/**
 * The MNIST workflow, side by side: tfnb's tutorial (samples/02-mnist.ipynb) through `tfnb run`
 * against the reference PyTorch script (bench/peers/mnist_torch.py) on the same IDX files (the
 * 10,000 real digits tfnb bundles: 8,000 train / 2,000 test), same model, optimiser and batch.
 * PyTorch runs with OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE unset in its own command only (this
 * machine sets them; they slow OpenBLAS ~4x). Peak memory from GNU time (largest process).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { median, type Row } from '../lib';

const ROOT = resolve(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const SUBSET = join(ROOT, 'dist', 'data', 'mnist-subset');

interface Measured { samplesPerSecond: number; trainSeconds: number; accuracy: number; peakMB: number; wallSeconds: number; detail?: string }

function timed(command: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): { stdout: string; stderr: string; peakMB: number; wallSeconds: number } {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', 'TFNB_MAXRSS_KB=%M', command, ...args], { encoding: 'utf8', env, cwd, maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${command} failed:\n${r.stderr.slice(-3000)}`);
  const kb = Number(/TFNB_MAXRSS_KB=(\d+)/.exec(r.stderr)?.[1] ?? NaN);
  return { stdout: r.stdout, stderr: r.stderr, peakMB: kb / 1024, wallSeconds: (performance.now() - t0) / 1000 };
}

function runTfnb(work: string, epochs: number): Measured {
  const nb = join(work, 'mnist.ipynb');
  const out = join(work, 'mnist.out.ipynb');
  const r = timed(process.execPath, [CLI, 'run', nb, '--output', out, '--quiet', '-p', `epochs=${epochs}`], process.env, work);
  // The training cell is the one that runs model.fit; its time comes from the runner's progress line.
  const cells = JSON.parse(readFileSync(out, 'utf8')).cells as Array<{ cell_type: string; source: string | string[]; outputs?: Array<{ text?: string[] }> }>;
  const fitIndex = cells.findIndex((c) => c.cell_type === 'code' && (Array.isArray(c.source) ? c.source.join('') : c.source).includes('model.fit('));
  const timing = new RegExp(`cell ${fitIndex + 1} ok in ([\\d.]+) (ms|s)`).exec(r.stderr);
  if (!timing) throw new Error(`no timing for the training cell (cell ${fitIndex + 1}) in the runner's progress`);
  const trainSeconds = Number(timing[1]) / (timing[2] === 'ms' ? 1000 : 1);
  const text = cells.flatMap((c) => c.outputs ?? []).flatMap((o) => o.text ?? []).join('');
  const m = /Accuracy of the network on the (\d+) test images: ([\d.]+) %/.exec(text);
  if (!m) throw new Error('no accuracy line in the executed tutorial');
  return { samplesPerSecond: (epochs * 8000) / trainSeconds, trainSeconds, accuracy: Number(m[2]) / 100, peakMB: r.peakMB, wallSeconds: r.wallSeconds };
}

function runTorch(data: string, epochs: number, threads: number): Measured {
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const r = timed('/usr/bin/python3', [join(__dirname, 'mnist_torch.py'), '--data', data, '--epochs', String(epochs), '--threads', String(threads)], env, data);
  const j = JSON.parse(r.stdout.trim().split('\n').pop()!) as { samples_per_second: number; train_seconds: number; accuracy: number; blas: string; torch: string };
  return { samplesPerSecond: j.samples_per_second, trainSeconds: j.train_seconds, accuracy: j.accuracy, peakMB: r.peakMB, wallSeconds: r.wallSeconds, detail: `torch ${j.torch}, BLAS ${j.blas}` };
}

export function mnistBench(epochs = 3, rounds = 2): { rows: Row[]; notes: string[] } {
  const work = mkdtempSync(join(tmpdir(), 'tfnb-mnist-bench-'));
  const data = join(work, 'data', 'mnist');
  mkdirSync(data, { recursive: true });
  for (const f of readdirSync(SUBSET).filter((n) => n.includes('idx'))) copyFileSync(join(SUBSET, f), join(data, f));
  copyFileSync(join(ROOT, 'samples', '02-mnist.ipynb'), join(work, 'mnist.ipynb'));
  const tfnb: Measured[] = [];
  const torch1: Measured[] = [];
  const torchAll: Measured[] = [];
  for (let i = 0; i < rounds; i++) {
    tfnb.push(runTfnb(work, epochs));
    torch1.push(runTorch(data, epochs, 1));
    torchAll.push(runTorch(data, epochs, 2));
  }
  const med = (xs: Measured[], k: keyof Measured) => median(xs.map((x) => x[k] as number));
  const tf = med(tfnb, 'samplesPerSecond');
  const t1 = med(torch1, 'samplesPerSecond');
  const t2 = med(torchAll, 'samplesPerSecond');
  const rows: Row[] = [
    { ratio: tf / t1, target: '≥ 0.5', what: `MNIST MLP training samples/s (${epochs} epochs, 8,000 digits), tfnb wasm vs PyTorch 1 thread`, tfnb: `${tf.toFixed(0)}/s`, baseline: `${t1.toFixed(0)}/s`, baselineName: 'PyTorch CPU, 1 thread' },
    { ratio: tf / t2, target: '—', what: 'same, vs PyTorch on all cores', tfnb: `${tf.toFixed(0)}/s`, baseline: `${t2.toFixed(0)}/s`, baselineName: 'PyTorch CPU, 2 threads' },
    { ratio: med(tfnb, 'wallSeconds') / med(torch1, 'wallSeconds'), target: '—', what: `whole workflow wall time to a test accuracy (tfnb ${(100 * med(tfnb, 'accuracy')).toFixed(1)} %, PyTorch ${(100 * med(torch1, 'accuracy')).toFixed(1)} %)`, tfnb: `${med(tfnb, 'wallSeconds').toFixed(1)} s`, baseline: `${med(torch1, 'wallSeconds').toFixed(1)} s`, baselineName: 'python script, 1 thread' },
    { ratio: med(tfnb, 'peakMB') / med(torch1, 'peakMB'), target: '—', what: 'peak memory (largest process)', tfnb: `${med(tfnb, 'peakMB').toFixed(0)} MB`, baseline: `${med(torch1, 'peakMB').toFixed(0)} MB`, baselineName: 'python script, 1 thread' },
  ];
  return { rows, notes: [torch1[0]?.detail ?? ''] };
}
