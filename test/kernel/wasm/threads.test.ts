// The multi-threaded SIMD build starts in Node (its pthread workers run from real files), with
// the thread count taken from the cores available, and leaves the process free to exit.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { checkFunction, logged, randomHost, startWasm, tensorOf, tf } from './helpers';

test('threads: two threads start the threaded SIMD build (XNNPACK on a worker pool)', async () => {
  const listeners = process.listeners('unhandledRejection').length + process.listeners('uncaughtException').length;
  const report = await startWasm({ threads: 2 });
  assert.equal(report.threads, 2);
  assert.equal(getThreadsCount(), report.threads);
  assert.equal(report.simd, true);
  assert.equal(report.threadsReason, undefined, `reason: ${report.threadsReason}`);
  assert.ok(
    logged.some((m) => m.includes(`${report.threads} thread(s)`)),
    logged.join('\n'),
  );
  // emscripten's rethrow-everything process handlers are taken off again.
  assert.equal(process.listeners('unhandledRejection').length + process.listeners('uncaughtException').length, listeners);
});

test('the threaded backend computes what cpu computes (matmul, conv2d and its gradient)', async () => {
  const a = randomHost([64, 96]);
  const b = randomHost([96, 80]);
  const x = randomHost([8, 20, 20, 6]);
  const f = randomHost([3, 3, 6, 16]);
  await checkFunction('threaded', () => [
    tf.matMul(tensorOf(a), tensorOf(b)),
    tf.conv2d(tensorOf(x) as tf.Tensor4D, tensorOf(f) as tf.Tensor4D, 1, 'same'),
    tf.grad((fs: tf.Tensor) =>
      tf
        .conv2d(tensorOf(x) as tf.Tensor4D, fs as tf.Tensor4D, 1, 'same')
        .square()
        .sum(),
    )(tensorOf(f)),
  ]);
});

test('setting up again returns the same report without restarting', async () => {
  const first = await startWasm();
  const again = await startWasm({ threads: 1 });
  assert.equal(again, first);
  assert.equal(tf.getBackend(), 'wasm');
});
