// src/shared/formatBytes.ts: the one byte formatter of the kernel, the status bar, `tfnb cache`
// and (with two decimals) the renderers.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatBytes } from '../../src/shared/formatBytes';

describe('formatBytes', () => {
  it('uses one decimal below a GB and two from a GB up, as the kernel and the status bar did', () => {
    for (const [bytes, text] of [
      [0, '0 B'],
      [1023, '1023 B'],
      [1024, '1.0 KB'],
      [1536, '1.5 KB'],
      [1024 * 1024 - 1, '1024.0 KB'],
      [1024 * 1024, '1.0 MB'],
      [5.25 * 1024 * 1024, '5.3 MB'],
      [1024 ** 3, '1.00 GB'],
      [1.5 * 1024 ** 3, '1.50 GB'],
      [1024 ** 4, '1.00 TB'],
    ] as const) {
      assert.equal(formatBytes(bytes), text, String(bytes));
    }
  });

  it('takes a fixed number of decimals for every unit (the renderers use two)', () => {
    assert.equal(formatBytes(503_464, 2), '491.66 KB');
    assert.equal(formatBytes(1024 * 1024, 2), '1.00 MB');
    assert.equal(formatBytes(12, 2), '12 B');
  });
});
