// Which adapter the webgpu rung takes, over stand-in adapter reports (the fields Dawn fills in
// GPUAdapterInfo): `auto` never takes a CPU rasteriser; `--backend webgpu` takes the first one.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { adapterLabel, chooseAdapter, isSoftwareAdapter, type AdapterReport } from '../../../src/kernel/webgpu/adapters';
import { probeSteps } from '../../../src/kernel/webgpu/probe';

const report = (over: Partial<AdapterReport>): AdapterReport => ({
  api: 'vulkan',
  featureLevel: 'core',
  vendor: '',
  architecture: '',
  device: '',
  description: '',
  ...over,
});

// What Dawn 0.6.2 reported on this machine (Debian 12, Mesa 22.3.6, no GPU).
const LLVMPIPE_GLES = report({
  api: 'opengles',
  featureLevel: 'compatibility',
  device: 'llvmpipe-llvm-15-0-6-256-bits-',
  description: 'OpenGL version OpenGL ES 3.2 Mesa 22.3.6',
});
const H100 = report({ vendor: 'nvidia', device: 'NVIDIA H100 80GB HBM3', description: 'NVIDIA: 550.54.15' });
const LAVAPIPE = report({ vendor: 'mesa', device: 'llvmpipe (LLVM 15.0.6, 256 bits)', description: 'Mesa 22.3.6 (LLVM 15.0.6)' });
const SWIFTSHADER = report({ vendor: 'google', device: 'SwiftShader Device (Subzero)', description: 'SwiftShader driver' });
const WARP = report({ api: 'd3d12', vendor: 'microsoft', device: 'Microsoft Basic Render Driver' });
const APPLE = report({ api: 'metal', vendor: 'apple', architecture: 'metal-3', device: 'Apple M2 Pro' });
const INTEL_GL = report({
  api: 'opengles',
  featureLevel: 'compatibility',
  device: 'Mesa Intel(R) UHD Graphics 630 (CFL GT2)',
  description: 'OpenGL version OpenGL ES 3.2 Mesa 22.3.6',
});

describe('software adapters', () => {
  it('are recognised by the driver names Dawn reports', () => {
    for (const r of [LLVMPIPE_GLES, LAVAPIPE, SWIFTSHADER, WARP]) assert.equal(isSoftwareAdapter(r), true, r.device);
    for (const r of [H100, APPLE, INTEL_GL]) assert.equal(isSoftwareAdapter(r), false, r.device);
  });
});

describe('adapter labels (status bar, log)', () => {
  it('name the device and the API, and say when it is software', () => {
    assert.equal(adapterLabel(H100), 'NVIDIA H100 80GB HBM3 (Vulkan)');
    assert.equal(adapterLabel(APPLE), 'Apple M2 Pro (Metal)');
    assert.equal(adapterLabel(LLVMPIPE_GLES), 'llvmpipe (OpenGL ES, software)');
    assert.equal(adapterLabel(WARP), 'Microsoft Basic Render (D3D12, software)');
    assert.equal(adapterLabel(report({ api: 'vulkan' })), 'unknown adapter (Vulkan)');
  });
});

describe('chooseAdapter', () => {
  it('auto takes a hardware adapter', () => {
    const c = chooseAdapter([H100, LLVMPIPE_GLES], false);
    assert.equal(c.chosen, H100);
    assert.deepEqual(c.refused, []);
  });

  it('auto skips software adapters for a hardware one found later', () => {
    const c = chooseAdapter([LAVAPIPE, INTEL_GL], false);
    assert.equal(c.chosen, INTEL_GL);
    assert.equal(c.refused.length, 1);
    assert.match(c.refused[0]!, /^llvmpipe \(Vulkan, software\) is a software adapter.*--backend webgpu forces it/);
  });

  it('auto takes nothing when only software adapters exist, and says why', () => {
    const c = chooseAdapter([LLVMPIPE_GLES, SWIFTSHADER], false);
    assert.equal(c.chosen, undefined);
    assert.equal(c.refused.length, 2);
  });

  it('a forced webgpu takes the first adapter, software included', () => {
    assert.equal(chooseAdapter([LLVMPIPE_GLES, H100], true).chosen, LLVMPIPE_GLES);
    assert.equal(chooseAdapter([], true).chosen, undefined);
  });
});

describe('probe order', () => {
  it("Linux tries Vulkan, then OpenGL ES in compatibility mode; macOS and Windows Dawn's default", () => {
    assert.deepEqual(probeSteps('linux'), [
      { api: 'vulkan', featureLevel: 'core' },
      { api: 'opengles', featureLevel: 'compatibility' },
    ]);
    assert.deepEqual(probeSteps('darwin'), [{ api: 'default', featureLevel: 'core' }]);
    assert.deepEqual(probeSteps('win32'), [{ api: 'default', featureLevel: 'core' }]);
  });
});
