/**
 * `npm run bench`: every benchmark that needs no extra install, one after another (never in
 * parallel: they share two cores). Each prints its own table, ratio column first.
 * `npm run bench -- kernel wasm` runs only the named ones. bench/peers (Python peers, an apt
 * install; also `npm run bench:peers`), bench/e2e (a real VS Code) and bench/gpu (meant for a GPU
 * machine: docs/gpu.md) run only by name.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const only = process.argv.slice(2);
/** Suites that need an extra install (peers: apt) or a real VS Code (e2e: code-server, ~45 s). */
const BY_NAME_ONLY = new Set(['peers', 'e2e', 'gpu']);
const suites = readdirSync(__dirname, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(__dirname, d.name, 'run.ts')))
  .map((d) => d.name)
  .filter((name) => (only.length === 0 ? !BY_NAME_ONLY.has(name) : only.includes(name)));
let failed = 0;
for (const name of suites) {
  console.log(`\n=== bench/${name} ===`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, name, 'run.ts')], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    console.error(`bench/${name} failed (exit ${r.status})`);
  }
}
process.exit(failed ? 1 : 0);
