// The wasm backend set-up bundled by esbuild into one minified CommonJS file (as dist/kernel.js
// is) starts its threaded build, fills the kernels and computes what cpu computes; only the
// .wasm files come from outside the bundle.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import * as esbuild from 'esbuild';
import { WASM_DIR } from './helpers';

const out = mkdtempSync(join(tmpdir(), 'tfnb-wasm-bundle-'));
after(() => rmSync(out, { recursive: true, force: true }));

test('bundled and minified, the wasm set-up runs threaded and matches cpu', async () => {
  const outfile = join(out, 'kernel.js');
  await esbuild.build({
    entryPoints: [join(__dirname, 'fixtures/bundleEntry.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    logLevel: 'error',
  });
  // Run from the temp folder: nothing may be resolved from this repository's node_modules.
  const r = spawnSync(process.execPath, [outfile, WASM_DIR], { cwd: out, encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  const line = r.stdout
    .trim()
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('{'));
  assert.ok(line, r.stdout);
  const result = JSON.parse(line) as { threads: number; threadsReason: string | null; filled: number; relError: number[] };
  assert.equal(result.threads, 2, String(result.threadsReason));
  assert.equal(result.filled, 16);
  for (const e of result.relError) assert.ok(e <= 1e-4, `relative error ${e}`);
});
