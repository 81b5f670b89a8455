// Runs the wasm backend benchmark and prints its table (ratio column first) and a profile of a
// training step. Usage: node --import tsx bench/wasm/run.ts [--rounds N] [--seconds S] [--no-profile]
import { availableParallelism, cpus, loadavg } from 'node:os';
import { printTable } from '../lib';
import { formatProfile, profileWasm, runWasmBenchmark, tableRows } from './bench';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

function main(): void {
  const rounds = option('rounds', 3);
  const secondsPerRun = option('seconds', 3);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  log(
    `wasm bench: ${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores, Node ${process.version}, ${rounds} round(s) of ${secondsPerRun} s runs`,
  );
  const loadBefore = loadavg()[0]!;
  const rows = runWasmBenchmark({ rounds, secondsPerRun, log });
  printTable(
    'wasm backend: training samples/s (batch 64, Adam, random MNIST-shaped data) at the 10th-percentile step time; ' +
      'ratio = this / PyTorch CPU on one thread, paired per round, median of rounds',
    tableRows(rows),
  );
  console.log(
    `\n${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores, Node ${process.version}; ` +
      `1-minute load average ${loadBefore.toFixed(1)} before, ${loadavg()[0]!.toFixed(1)} after (other work on the machine skews the figures).`,
  );
  for (const r of rows) log(`${r.model} ${r.runtime} x${r.threads}: ${r.runs.map((v) => v.p10.toFixed(0)).join(', ')}`);
  if (!process.argv.includes('--no-profile')) {
    console.log('\nWhere a wasm training step goes (one thread):\n');
    for (const model of ['cnn', 'mlp'] as const) console.log(`${formatProfile(profileWasm(model, 1, 10))}\n`);
  }
}

main();
