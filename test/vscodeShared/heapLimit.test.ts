import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MIN_KERNEL_HEAP_MB } from '../../src/protocol/messages';
import { heapLimit } from '../../src/vscodeShared/heapLimit';

test("tfnb.kernelMaxHeapMB: 0 or unset is Node's default; 1 to 31 are raised to the floor a kernel starts with; larger values are whole MB", () => {
  assert.equal(MIN_KERNEL_HEAP_MB, 32);
  for (const v of [undefined, 0, -5, Number.NaN, Number.POSITIVE_INFINITY, 0.5]) assert.equal(heapLimit(v), 0, String(v));
  for (const v of [1, 16, 31, 31.9]) assert.equal(heapLimit(v), 32, String(v));
  assert.equal(heapLimit(32), 32);
  assert.equal(heapLimit(64.7), 64);
  assert.equal(heapLimit(4096), 4096);
});
