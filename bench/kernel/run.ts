/**
 * Kernel benchmarks (issue: kernel), side by side in one run:
 * - cold start to the first result of `1 + 1` with tf loaded, against a plain `node` process
 *   that loads the same tfjs + wasm backend and prints 1 + 1;
 * - per-cell overhead over 100 trivial cells through `tfnb run`;
 * - training throughput of the tutorial MLP inside the kernel against the same code run as a
 *   plain node script on the same backend, alternating the two to share the machine's noise.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { KernelClient } from '../../src/client/kernelClient';
import { median, ms, printTable, type Row } from '../lib';

const ROOT = resolve(__dirname, '..', '..');
const KERNEL = join(ROOT, 'dist', 'kernel.js');
const CLI = join(ROOT, 'dist', 'cli.js');
const work = mkdtempSync(join(tmpdir(), 'tfnb-bench-'));

const MLP = `
const model = tf.sequential({ layers: [
  tf.layers.dense({ units: 128, activation: 'relu', inputShape: [784] }),
  tf.layers.dense({ units: 10, activation: 'softmax' }) ] });
model.compile({ optimizer: tf.train.adam(0.001), loss: 'categoricalCrossentropy' });
const N = 64 * 60;
const xs = tf.randomUniform([N, 784]);
const ys = tf.oneHot(tf.randomUniform([N], 0, 10, 'int32'), 10).toFloat();
await model.fit(xs, ys, { epochs: 1, batchSize: 64, verbose: 0 }); // warm-up
const t0 = performance.now();
await model.fit(xs, ys, { epochs: 2, batchSize: 64, verbose: 0, shuffle: true });
const samplesPerSecond = (2 * N) / ((performance.now() - t0) / 1000);
tf.dispose([xs, ys]); model.dispose();
`;

/** The same code as a plain script, on the same backend: tfjs with tfnb's completed wasm set-up. */
function plainNodeScript(body: string): string {
  return `
import * as tf from '@tensorflow/tfjs';
import { setupWasmBackend } from ${JSON.stringify(join(ROOT, 'src', 'kernel', 'wasm', 'index.ts'))};
(async () => {
  await setupWasmBackend(tf, { wasmDir: ${JSON.stringify(join(ROOT, 'dist'))}, threads: 1, log: () => {} });
  ${body}
  console.log(JSON.stringify({ samplesPerSecond }));
})();`;
}

async function coldStart(): Promise<{ tfnb: number; plain: number }> {
  const t0 = performance.now();
  const k = new KernelClient({ notebookDir: work, kernelScript: KERNEL, backend: 'wasm', wasmThreads: 1 });
  await k.start();
  await k.execute('1 + 1', { cellName: 'cell 1' }, {}).done;
  const tfnb = performance.now() - t0;
  await k.close();
  const script = join(work, 'plain-start.cjs');
  writeFileSync(
    script,
    `const tf = require('@tensorflow/tfjs'); const w = require('@tensorflow/tfjs-backend-wasm'); w.setWasmPaths(${JSON.stringify(join(ROOT, 'dist') + '/')}); tf.setBackend('wasm').then(() => console.log(1 + 1));`,
  );
  const t1 = performance.now();
  spawnSync(process.execPath, [script], { cwd: ROOT, env: { ...process.env, NODE_PATH: join(ROOT, 'node_modules') } });
  return { tfnb, plain: performance.now() - t1 };
}

function perCellOverhead(): { perCell: number; nodeSpawn: number } {
  const cells = (n: number) => ({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'tfnb', language: 'typescript' } },
    cells: Array.from({ length: n }, (_, i) => ({ cell_type: 'code', source: `${i}`, metadata: {}, outputs: [], execution_count: null })),
  });
  const time = (n: number) => {
    const p = join(work, `cells-${n}.ipynb`);
    writeFileSync(p, JSON.stringify(cells(n)));
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [CLI, 'run', p, '--quiet', '--backend', 'wasm'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    return performance.now() - t0;
  };
  const t1 = median([time(1), time(1), time(1)]);
  const t101 = median([time(101), time(101), time(101)]);
  return { perCell: (t101 - t1) / 100, nodeSpawn: t1 };
}

async function trainingRatio(rounds: number): Promise<{ kernel: number[]; plain: number[] }> {
  const kernelRates: number[] = [];
  const plainRates: number[] = [];
  // Inside the repo so that tsx and the packages resolve; removed after.
  const script = join(ROOT, 'bench', 'kernel', `.plain-mlp-${process.pid}.ts`);
  writeFileSync(script, plainNodeScript(MLP));
  const k = new KernelClient({ notebookDir: work, kernelScript: KERNEL, backend: 'wasm', wasmThreads: 1 });
  await k.start();
  for (let i = 0; i < rounds; i++) {
    let text = '';
    await k.execute(
      MLP + '\nsamplesPerSecond',
      { cellName: 'bench' },
      {
        onResult: (d) => {
          text = d['text/plain'];
        },
        onError: (e) => {
          throw new Error(e.traceback.join('\n'));
        },
      },
    ).done;
    kernelRates.push(Number(text));
    const r = spawnSync(process.execPath, ['--import', 'tsx', script], { cwd: ROOT, encoding: 'utf8' });
    plainRates.push(JSON.parse(r.stdout.trim().split('\n').pop()!).samplesPerSecond);
  }
  await k.close();
  rmSync(script, { force: true });
  return { kernel: kernelRates, plain: plainRates };
}

export async function kernelBench(): Promise<Row[]> {
  const starts = [];
  for (let i = 0; i < 3; i++) starts.push(await coldStart());
  const start = { tfnb: median(starts.map((s) => s.tfnb)), plain: median(starts.map((s) => s.plain)) };
  const cells = perCellOverhead();
  const train = await trainingRatio(3);
  const k = median(train.kernel);
  const p = median(train.plain);
  return [
    {
      ratio: k / p,
      target: '≥ 0.98',
      what: 'MLP training samples/s, kernel ÷ plain node (wasm, 1 thread)',
      tfnb: `${k.toFixed(0)}/s`,
      baseline: `${p.toFixed(0)}/s`,
      baselineName: 'same code, plain node script, same wasm set-up',
    },
    {
      ratio: start.tfnb / start.plain,
      target: '≤ 1 s abs',
      what: 'cold start to first result of 1 + 1, tf loaded',
      tfnb: ms(start.tfnb),
      baseline: ms(start.plain),
      baselineName: 'node loading tfjs + wasm, printing 1+1',
    },
    {
      ratio: null,
      target: '≤ 2 ms',
      what: 'per-cell overhead, 100 trivial cells via tfnb run',
      tfnb: ms(cells.perCell),
      baseline: ms(cells.nodeSpawn),
      baselineName: '(tfnb run of 1 cell, whole process)',
    },
  ];
}

if (require.main === module) {
  kernelBench().then(
    (rows) => printTable('Kernel (wasm backend, one thread; medians of 3)', rows),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
