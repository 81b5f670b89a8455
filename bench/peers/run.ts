/**
 * `npm run bench:peers`: tfnb against the tools users would otherwise pick, side by side in one
 * run: Jupyter (nbconvert + ipykernel) for per-cell overhead and cold start, PyTorch for the
 * MNIST workflow. Installs the Debian packages when run as root, else says what to install.
 */
import { spawnSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { printTable } from '../lib';
import { runWasmBenchmark, tableRows } from '../wasm/bench';
import { jupyterAvailable, jupyterBench } from './jupyter';
import { fullMnistBench, mnistBench } from './mnist';

const PACKAGES = ['python3-torch', 'jupyter-nbconvert', 'python3-ipykernel', 'time'];

function ensurePeers(): boolean {
  const torch = spawnSync('/usr/bin/python3', ['-c', 'import torch']).status === 0;
  if (torch && jupyterAvailable() && spawnSync('/usr/bin/time', ['true']).status === 0) return true;
  if (process.getuid?.() !== 0) {
    console.error(`The peers are missing. Install them with: sudo apt-get install -y ${PACKAGES.join(' ')}`);
    return false;
  }
  console.error(`installing ${PACKAGES.join(', ')} with apt-get …`);
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  const r = spawnSync('apt-get', ['install', '-y', '-qq', ...PACKAGES], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  return r.status === 0;
}

if (!ensurePeers()) process.exit(1);
const epochs = Number(process.env.TFNB_BENCH_EPOCHS ?? 10); // the tutorial's own default: warm-up (JIT, wasm tier-up) weighs less
/** The machine is shared: every table says how loaded it was while it ran. */
function loaded<T>(run: () => T): T {
  const before = loadavg()[0]!;
  const result = run();
  console.log(`\n(1-minute load average ${before.toFixed(1)} before, ${loadavg()[0]!.toFixed(1)} after)`);
  return result;
}
// TFNB_BENCH_JUPYTER=0 and TFNB_BENCH_FULL_ROUNDS=0 skip the slowest parts.
if (process.env.TFNB_BENCH_JUPYTER !== '0') {
  loaded(() => printTable('tfnb run vs Jupyter (nbconvert --execute), medians of 3 alternating rounds', jupyterBench()));
}
loaded(() => {
  const mnist = mnistBench(epochs);
  printTable(`MNIST tutorial via tfnb run (wasm) vs the reference PyTorch workflow, same IDX files; medians of 2 rounds`, mnist.rows);
  for (const n of mnist.notes) console.log(`\n${n}`);
});
loaded(() => {
  // One thread is the target's comparison; two show whether a second core helps (issue 17 asks to measure it).
  const threads = availableParallelism() > 1 ? [1, 2] : [1];
  const rows = runWasmBenchmark({ rounds: 3, secondsPerRun: 3, threads, cpu: false, log: (l) => process.stderr.write(`${l}\n`) });
  printTable(
    'bench/wasm models, trainOnBatch at batch 64 (x1, x2: threads) vs PyTorch CPU on one thread (10th-percentile step), paired per round',
    tableRows(rows),
  );
});
const fullRounds = Number(process.env.TFNB_BENCH_FULL_ROUNDS ?? 1);
if (fullRounds > 0) {
  loaded(() => {
    const full = fullMnistBench(fullRounds);
    printTable(
      "The seed's workload: full MNIST, 10 epochs, via tfnb run (wasm) vs the reference PyTorch script, same IDX files",
      full.rows,
    );
    for (const n of full.notes) console.log(`\n${n}`);
  });
}
