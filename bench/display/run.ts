/**
 * Cost of live training curves: the tutorial MLP trained inside a kernel with
 * `tfvis.show.fitCallbacks` attached, divided by the same training without, alternating rounds
 * in one kernel (target ≥ 0.97). The live output is throttled (≤ 4 updates/s by default).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { KernelClient } from '../../src/client/kernelClient';
import { median, printTable } from '../lib';

const ROOT = resolve(__dirname, '..', '..');

const SETUP = `
const N = 64 * 80;
const xs = tf.randomUniform([N, 784]);
const ys = tf.oneHot(tf.randomUniform([N], 0, 10, 'int32'), 10).toFloat();
function makeModel() {
  const m = tf.sequential({ layers: [tf.layers.dense({ units: 128, activation: 'relu', inputShape: [784] }), tf.layers.dense({ units: 10, activation: 'softmax' })] });
  m.compile({ optimizer: tf.train.adam(0.001), loss: 'categoricalCrossentropy', metrics: ['acc'] });
  return m;
}
async function rate(withCurves) {
  const m = makeModel();
  const callbacks = withCurves ? [tfvis.show.fitCallbacks({ name: 'bench' }, ['loss', 'acc'])] : [];
  const t0 = performance.now();
  await m.fit(xs, ys, { epochs: 2, batchSize: 64, verbose: 0, callbacks });
  const r = (2 * N) / ((performance.now() - t0) / 1000);
  m.dispose();
  return r;
}
await rate(false);
`;

async function main(): Promise<void> {
  const k = new KernelClient({
    notebookDir: mkdtempSync(join(tmpdir(), 'tfnb-bench-')),
    kernelScript: join(ROOT, 'dist', 'kernel.js'),
    backend: 'wasm',
    wasmThreads: 1,
  });
  await k.start();
  const value = async (code: string) => {
    let text = '';
    await k.execute(
      code,
      { language: 'javascript', cellName: 'bench' },
      {
        onResult: (d) => {
          text = d['text/plain'];
        },
        onError: (e) => {
          throw new Error(e.traceback.join('\n'));
        },
      },
    ).done;
    return Number(text);
  };
  await value(SETUP + '\n0');
  const ratios: number[] = [];
  const withRates: number[] = [];
  const withoutRates: number[] = [];
  for (let i = 0; i < 5; i++) {
    const without = await value('await rate(false)');
    const withCurves = await value('await rate(true)');
    withoutRates.push(without);
    withRates.push(withCurves);
    ratios.push(withCurves / without);
  }
  await k.close();
  printTable('Live training curves: fit with tfvis.show.fitCallbacks ÷ without (MLP, wasm, 1 thread; median of 5 paired rounds)', [
    {
      ratio: median(ratios),
      target: '≥ 0.97',
      what: 'training samples/s with live curves attached',
      tfnb: `${median(withRates).toFixed(0)}/s`,
      baseline: `${median(withoutRates).toFixed(0)}/s`,
      baselineName: 'same fit, no callbacks',
    },
  ]);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
