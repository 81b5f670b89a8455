// Only the MNIST tutorial against PyTorch (the second table of `npm run bench:peers`), for a quick
// same-run ratio while working on training speed: node --import tsx bench/peers/tutorialOnly.ts [epochs]
import { loadavg } from 'node:os';
import { printTable } from '../lib';
import { mnistBench } from './mnist';

const before = loadavg()[0]!;
const mnist = mnistBench(Number(process.argv[2] ?? 10));
printTable('MNIST tutorial via tfnb run (wasm) vs the reference PyTorch workflow, same IDX files; medians of 2 rounds', mnist.rows);
for (const n of mnist.notes) console.log(`\n${n}`);
console.log(`\n(1-minute load average ${before.toFixed(1)} before, ${loadavg()[0]!.toFixed(1)} after)`);
