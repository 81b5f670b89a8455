/** How the status bar and the log word the kernel's backend (src/extension/backendText.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeBackend } from '../../src/extension/backendText';

describe("the status bar's backend wording", () => {
  it('says "1 thread" for one wasm thread and "threads" otherwise', () => {
    const wasm = { name: 'wasm' as const, tfBackend: 'wasm', tfVersion: '4.22.0', gpu: false, attempts: [] };
    assert.equal(describeBackend({ ...wasm, threads: 1 }), 'wasm (1 thread, tfjs 4.22.0)');
    assert.equal(describeBackend({ ...wasm, threads: 4 }), 'wasm (4 threads, tfjs 4.22.0)');
    assert.equal(describeBackend({ ...wasm, name: 'cpu', tfBackend: 'cpu' }), 'cpu (tfjs 4.22.0)');
    assert.equal(
      describeBackend({ ...wasm, name: 'webgpu', tfBackend: 'webgpu', gpu: true, adapter: 'llvmpipe (software)' }),
      'webgpu (llvmpipe (software), GPU, tfjs 4.22.0)',
    );
  });
});
