/**
 * `npm run bench`: every benchmark that needs no extra install, one after another (never in
 * parallel: they share two cores). Each prints its own table, ratio column first.
 * `npm run bench -- kernel wasm` runs only the named ones. bench/peers (Python peers, an apt
 * install) runs only by name or through `npm run bench:peers`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const only = process.argv.slice(2);
const suites = readdirSync(__dirname, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(__dirname, d.name, 'run.ts')))
  .map((d) => d.name)
  .filter((name) => (only.length === 0 ? name !== 'peers' : only.includes(name)));
let failed = 0;
for (const name of suites) {
  console.log(`\n=== bench/${name} ===`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, name, 'run.ts')], { stdio: 'inherit' });
  if (r.status !== 0) { failed++; console.error(`bench/${name} failed (exit ${r.status})`); }
}
process.exit(failed ? 1 : 0);
