// `tfnb gpu`: a real `node dist/cli.js gpu` process asks the real Dawn for adapters.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { gpuDeviceNodes } from '../../src/kernel/webgpu/probe';
import { CLI_SCRIPT, tempDir } from '../helpers/kernel';
import { webgpuUnavailable } from '../kernel/webgpu/helpers';

const cli = (args: string[]) =>
  spawnSync(process.execPath, [CLI_SCRIPT, ...args], {
    cwd: tempDir(),
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, TFNB_CACHE_DIR: tempDir() },
  });

describe('tfnb gpu', () => {
  it('lists the adapters Dawn finds and says whether auto would take one', { skip: webgpuUnavailable() }, (t) => {
    if (gpuDeviceNodes().length > 0) {
      t.skip('this machine has a GPU: the adapter list differs');
      return;
    }
    const r = cli(['gpu']);
    assert.match(r.stdout, /^GPU device nodes: none/m);
    assert.match(r.stdout, /^Dawn 0\.6\.\d+: .*node_modules\/webgpu$/m);
    assert.match(r.stdout, /adapter: llvmpipe \(OpenGL ES, software\) — OpenGL version OpenGL ES 3\.2 Mesa/);
    assert.match(r.stdout, /--backend auto skips webgpu: llvmpipe \(OpenGL ES, software\) is a software adapter/);
    assert.equal(r.status, 1);
  });

  it('rejects an unknown action with its usage', () => {
    const r = cli(['gpu', 'frobnicate']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /usage: tfnb gpu \[status\] \| tfnb gpu install/);
  });
});
