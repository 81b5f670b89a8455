// `npm run bench -- gpu`: the tutorial MLP and the bench/wasm CNN trained on webgpu (Dawn, the
// adapter it finds), on wasm (all cores) and on tfjs-node-gpu where it is installed, side by
// side; each run in its own process. Under 10 minutes with the defaults. Figures go into
// docs/performance.md with the GPU's name. Usage:
//   node --import tsx bench/gpu/run.ts [--seconds S] [--batches 64,512]
import { spawnSync } from 'node:child_process';
import { availableParallelism, cpus } from 'node:os';
import { join } from 'node:path';
import { findInstalledPackage } from '../../src/kernel/packages';
import { printTable } from '../lib';
import type { GpuTrainResult } from './train';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}

function measure(model: string, backend: string, batch: number, seconds: number): GpuTrainResult | string {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, 'train.ts'), model, backend, String(batch), String(seconds)], {
    encoding: 'utf8',
    timeout: (seconds + 120) * 1000,
  });
  const last = r.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(last) as GpuTrainResult;
  } catch {
    return `failed: ${(r.stderr.trim().split('\n').pop() ?? '') || `exit ${r.status}`}`;
  }
}

function main(): void {
  const seconds = Number(option('seconds', '15'));
  const batches = option('batches', '64,512').split(',').map(Number);
  const backends = ['webgpu', 'wasm'];
  if (findInstalledPackage('@tensorflow/tfjs-node-gpu', process.cwd())) backends.push('tensorflow-gpu');
  const log = (line: string) => process.stderr.write(`${line}\n`);
  log(
    `gpu bench: ${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores, Node ${process.version}; ${seconds} s per run; backends ${backends.join(', ')}`,
  );
  const rows = [];
  let adapter = '';
  for (const model of ['mlp', 'cnn']) {
    for (const batch of batches) {
      const results = new Map<string, GpuTrainResult | string>();
      for (const backend of backends) {
        const r = measure(model, backend, batch, seconds);
        results.set(backend, r);
        log(
          `${model} batch ${batch} ${backend}: ${typeof r === 'string' ? r : `${r.samplesPerSecond.toFixed(0)} samples/s on ${r.device} (first step ${r.firstStepSeconds.toFixed(1)} s, ${r.steps} steps)`}`,
        );
        if (backend === 'webgpu' && typeof r !== 'string') adapter = r.device;
      }
      const wasm = results.get('wasm');
      for (const backend of backends.filter((b) => b !== 'wasm')) {
        const r = results.get(backend)!;
        const ok = typeof r !== 'string' && typeof wasm !== 'string' && wasm;
        rows.push({
          ratio: ok ? r.samplesPerSecond / wasm.samplesPerSecond : null,
          target: '—',
          what: `${model} batch ${batch}: training samples/s`,
          tfnb: typeof r === 'string' ? r : `${r.samplesPerSecond.toFixed(0)} (${backend}, ${r.device})`,
          baseline: typeof wasm === 'string' || !wasm ? String(wasm) : `${wasm.samplesPerSecond.toFixed(0)} (${wasm.device})`,
          baselineName: 'wasm, same machine',
        });
      }
    }
  }
  printTable(
    `GPU backends: training samples/s (Adam, random MNIST-shaped data), ratio = backend / wasm on all cores${adapter ? `; webgpu adapter: ${adapter}` : ''}`,
    rows,
  );
  console.log(`\n${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores, Node ${process.version}.`);
}

main();
