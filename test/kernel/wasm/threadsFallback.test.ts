// When the multi-threaded build cannot start, the backend falls back to one SIMD thread and
// says why, in the report and in the log.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { checkFunction, logged, randomHost, startWasm, tensorOf, tf, WASM_DIR } from './helpers';

// A wasm folder without the threaded binary (as in a bundle that shipped only the SIMD one).
const dir = mkdtempSync(join(tmpdir(), 'tfnb-wasm-simd-only-'));
copyFileSync(join(WASM_DIR, 'tfjs-backend-wasm-simd.wasm'), join(dir, 'tfjs-backend-wasm-simd.wasm'));
after(() => rmSync(dir, { recursive: true, force: true }));

// Runs first: once a backend has started, setting up again only re-selects it.
test('a folder without the wasm binaries is a clear error', async () => {
  const { setupWasmBackend } = await import('../../../src/kernel/wasm/index');
  const empty = mkdtempSync(join(tmpdir(), 'tfnb-wasm-empty-'));
  try {
    await assert.rejects(
      setupWasmBackend(tf, { wasmDir: empty, threads: 1, log: () => {} }),
      /tfjs-backend-wasm-simd\.wasm is missing from/,
    );
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});

test('a threaded start that fails falls back to one thread with the reason logged', async () => {
  const report = await startWasm({ wasmDir: dir, threads: 2 });
  assert.equal(report.threads, 1);
  assert.match(report.threadsReason ?? '', /multi-threaded build did not start .*tfjs-backend-wasm-threaded-simd\.wasm/);
  assert.ok(
    logged.some((m) => m.includes('did not start')),
    logged.join('\n'),
  );
  assert.equal(tf.getBackend(), 'wasm');
  const x = randomHost([4, 8, 8, 2]);
  await checkFunction('single-threaded conv2d', () =>
    tf.conv2d(tensorOf(x) as tf.Tensor4D, tf.ones([3, 3, 2, 4]) as tf.Tensor4D, 1, 'valid'),
  );
});
