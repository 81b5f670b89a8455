/**
 * `tfnb gpu [status]`: which GPU adapters Dawn finds here and which one `auto` would take;
 * `tfnb gpu install`: installs Dawn (npm package `webgpu`) into tfnb's GPU folder, where every
 * kernel finds it. See docs/gpu.md.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { adapterLabel, chooseAdapter, isSoftwareAdapter } from '../kernel/webgpu/adapters';
import { DAWN_PACKAGE, DAWN_VERSION, findDawn, gpuPackagesDir, loadDawn } from '../kernel/webgpu/dawn';
import { gpuDeviceNodes, probeAdapters, probeSteps } from '../kernel/webgpu/probe';

/** dist/cli.js's folder is dist/: tfnb's root is one up. */
const TFNB_ROOT = join(__dirname, '..');

export async function gpuCommand(args: string[]): Promise<number> {
  const [action = 'status', ...extra] = args;
  if (extra.length || (action !== 'status' && action !== 'install')) {
    console.error('usage: tfnb gpu [status] | tfnb gpu install');
    return 2;
  }
  if (action === 'install') {
    const dir = gpuPackagesDir();
    mkdirSync(dir, { recursive: true });
    console.log(`installing ${DAWN_PACKAGE}@${DAWN_VERSION} (Dawn, prebuilt for Linux, macOS and Windows) into ${dir}`);
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const r = spawnSync(npm, ['install', '--prefix', dir, '--no-audit', '--no-fund', '--save-exact', `${DAWN_PACKAGE}@${DAWN_VERSION}`], {
      stdio: 'inherit',
      shell: process.platform === 'win32',
    });
    if (r.status !== 0) {
      console.error(`tfnb: npm install ${DAWN_PACKAGE}@${DAWN_VERSION} failed${r.error ? `: ${r.error.message}` : ''}`);
      return 1;
    }
  }
  return status(process.cwd());
}

async function status(notebookDir: string): Promise<number> {
  const nodes = gpuDeviceNodes();
  if (process.platform === 'linux')
    console.log(`GPU device nodes: ${nodes.length ? nodes.join(', ') : 'none (/dev/nvidia*, /dev/dri/renderD*)'}`);
  const found = findDawn(notebookDir, TFNB_ROOT);
  if ('missing' in found) {
    console.log(`${found.missing}.\nInstall it: npx tfnb gpu install`);
    return 1;
  }
  console.log(`Dawn ${found.version}: ${found.packageDir}`);
  const { adapters, failures } = await probeAdapters(loadDawn(found), probeSteps());
  for (const f of failures) console.log(`  ${f}`);
  for (const { report } of adapters)
    console.log(`  adapter: ${adapterLabel(report)}${report.description ? ` — ${report.description}` : ''}`);
  const auto = chooseAdapter(
    adapters.map((a) => a.report),
    false,
  ).chosen;
  const forced = chooseAdapter(
    adapters.map((a) => a.report),
    true,
  ).chosen;
  if (auto) console.log(`--backend auto takes webgpu on ${adapterLabel(auto)} (when tfjs-node-gpu and tfjs-node are not installed)`);
  else if (forced)
    console.log(
      `--backend auto skips webgpu: ${adapterLabel(forced)} is ${isSoftwareAdapter(forced) ? 'a software adapter (the CPU)' : 'not usable'}; --backend webgpu forces it`,
    );
  else console.log("no adapter: on Linux the GPU needs the Vulkan loader (libvulkan1) and the driver's Vulkan ICD; see docs/gpu.md");
  return auto ? 0 : 1;
}
