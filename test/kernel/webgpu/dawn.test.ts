// Finding Dawn (npm package `webgpu`) like the native backends, and the hint given when a GPU
// device node exists but the kernel runs on the CPU. Real folders in a temporary directory.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { dawnBinaryPath, findDawn, gpuPackagesDir } from '../../../src/kernel/webgpu/dawn';
import { gpuDeviceNodes } from '../../../src/kernel/webgpu/probe';
import { gpuHint } from '../../../src/kernel/webgpu/rung';
import { tempDir, writeTree } from '../../helpers/kernel';

const platformDir = dawnBinaryPath('').split('/').slice(-2, -1)[0]!; // e.g. linux-x64

function fakeDawn(nodeModules: string, version: string, withBinary = true): void {
  writeTree(nodeModules, { 'webgpu/package.json': JSON.stringify({ name: 'webgpu', version }) });
  if (withBinary) writeTree(nodeModules, { [`webgpu/dist/${platformDir}/dawn.node`]: 'not really a binary' });
}

describe('findDawn', () => {
  it("prefers the notebook's folder and its parents over tfnb's own copy", () => {
    const root = tempDir();
    fakeDawn(join(root, 'node_modules'), '0.6.1');
    fakeDawn(join(root, 'tfnb', 'node_modules'), '0.6.2');
    const notebookDir = join(root, 'project', 'notebooks');
    mkdirSync(notebookDir, { recursive: true });
    const found = findDawn(notebookDir, join(root, 'tfnb'));
    assert.ok(!('missing' in found));
    assert.equal(found.packageDir, join(root, 'node_modules', 'webgpu'));
    assert.equal(found.version, '0.6.1');
    assert.equal(found.binary, join(root, 'node_modules', 'webgpu', 'dist', platformDir, 'dawn.node'));
  });

  it("skips a package without this platform's dawn.node, and falls back to tfnb's own copy", () => {
    const root = tempDir();
    fakeDawn(join(root, 'node_modules'), '0.6.1', false);
    fakeDawn(join(root, 'tfnb', 'node_modules'), '0.6.2');
    const found = findDawn(root, join(root, 'tfnb'));
    assert.ok(!('missing' in found));
    assert.equal(found.version, '0.6.2');
  });

  it('says where it looked and what is wrong when there is none', () => {
    const root = tempDir();
    fakeDawn(join(root, 'node_modules'), '0.6.1', false);
    const found = findDawn(root, join(root, 'tfnb'));
    assert.ok('missing' in found);
    assert.match(found.missing, /npm package `webgpu`\) is not installed/);
    assert.ok(found.missing.includes(gpuPackagesDir()));
    assert.ok(found.missing.includes(`${join(root, 'node_modules', 'webgpu')} has no dist/${platformDir}/dawn.node`));
  });
});

describe('GPU device nodes and the hint', () => {
  it('lists /dev/nvidiaN and /dev/dri/renderD*, not control nodes', () => {
    const dev = tempDir();
    writeTree(dev, { nvidia0: '', nvidiactl: '', 'nvidia-uvm': '', 'dri/renderD128': '', 'dri/card0': '' });
    assert.deepEqual(gpuDeviceNodes(dev).sort(), [join(dev, 'dri', 'renderD128'), join(dev, 'nvidia0')]);
    assert.deepEqual(gpuDeviceNodes(tempDir()), []);
  });

  it('says why no GPU backend loaded and what to install, only when a GPU is there and unused', () => {
    const dev = tempDir();
    writeFileSync(join(dev, 'nvidia0'), '');
    const attempts = [
      { backend: 'tensorflow-gpu' as const, ok: false, detail: '@tensorflow/tfjs-node-gpu is not installed' },
      { backend: 'tensorflow' as const, ok: false, detail: '@tensorflow/tfjs-node is not installed' },
      { backend: 'webgpu' as const, ok: false, detail: 'Dawn (npm package `webgpu`) is not installed' },
      { backend: 'wasm' as const, ok: true, detail: '2 thread(s), SIMD' },
    ];
    const hint = gpuHint({ gpu: false, attempts }, dev);
    assert.ok(hint);
    assert.match(hint, /A GPU is present \(.*nvidia0\) but no GPU backend loaded/);
    assert.match(hint, /tensorflow-gpu: @tensorflow\/tfjs-node-gpu is not installed; webgpu: Dawn/);
    assert.match(hint, /npx tfnb gpu install/);
    assert.doesNotMatch(hint, /tensorflow: @tensorflow\/tfjs-node is not/);
    assert.equal(gpuHint({ gpu: true, attempts }, dev), undefined);
    assert.equal(gpuHint({ gpu: false, attempts }, tempDir()), undefined);
  });
});
