/** How the status bar words memory (src/extension/memoryText.ts): one tensor is singular. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatBytes, formatMemory, tensorDelta, tensors } from '../../src/extension/memoryText';

describe("the status bar's memory wording", () => {
  it('says "tensor" for one and "tensors" otherwise, with a sign on changes', () => {
    assert.equal(tensors(1), '1 tensor');
    assert.equal(tensors(0), '0 tensors');
    assert.equal(tensors(2), '2 tensors');
    assert.equal(tensorDelta(1), '+1 tensor');
    assert.equal(tensorDelta(-1), '-1 tensor');
    assert.equal(tensorDelta(3), '+3 tensors');
    assert.equal(tensorDelta(0), '0 tensors');
  });

  it('gives the count and the size', () => {
    assert.equal(formatMemory({ numTensors: 1, numBytes: 16, deltaTensors: 1, deltaBytes: 16 }), '1 tensor · 16 B');
    assert.equal(formatBytes(1536), '1.5 KB');
    assert.equal(formatBytes(3 * 1024 * 1024), '3.0 MB');
  });
});
