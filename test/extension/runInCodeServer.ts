/**
 * Runs the extension-host suite (test/extension/suite) where VS Code desktop cannot be
 * downloaded: in code-server's extension host, with tfnb installed from its .vsix. A tiny
 * helper extension, packed here with vsce, calls the bundled suite's run() once the host has
 * started and writes each result line to a file this script prints.
 *
 *   node --import tsx test/extension/runInCodeServer.ts
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startCodeServer } from '../e2e/codeServer';
import { launchBrowser, Workbench } from '../e2e/workbench';

const ROOT = resolve(__dirname, '../..');

function helperVsix(dir: string, suite: string, results: string): string {
  const ext = join(dir, 'helper');
  mkdirSync(ext, { recursive: true });
  writeFileSync(
    join(ext, 'package.json'),
    JSON.stringify({
      name: 'exthost-tests',
      publisher: 'tfnb',
      version: '0.0.1',
      license: 'MIT',
      engines: { vscode: '^1.100.0' },
      main: './index.js',
      activationEvents: ['onStartupFinished'],
      extensionDependencies: ['tfnb.tfnb'],
    }),
  );
  writeFileSync(join(ext, 'LICENSE'), 'MIT');
  writeFileSync(join(ext, 'README.md'), 'Runs tfnb extension-host tests.');
  writeFileSync(
    join(ext, 'index.js'),
    `
const fs = require('fs');
exports.activate = () => {
  const out = ${JSON.stringify(results)};
  const write = (line) => fs.appendFileSync(out, line + '\\n');
  setTimeout(() => {
    require(${JSON.stringify(suite)}).run(write).then(() => write('#DONE ok'), (e) => write('#DONE failed: ' + e.message));
  }, 2000);
};`,
  );
  const vsce = join(ROOT, 'node_modules/.bin/vsce');
  const r = spawnSync(vsce, ['package', '--allow-missing-repository', '--out', join(dir, 'helper.vsix')], { cwd: ext, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`packing the helper extension failed: ${r.stdout}${r.stderr}`);
  return join(dir, 'helper.vsix');
}

async function main(): Promise<void> {
  const built = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, 'runTest.ts'), '--build-only'], { stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 1);
  const dir = mkdtempSync(join(tmpdir(), 'tfnb-exthost-cs-'));
  const results = join(dir, 'results.txt');
  const server = await startCodeServer({
    workspaceFiles: { 'README.md': 'extension-host tests' },
    extraVsix: [helperVsix(dir, join(ROOT, 'out/test-extension/index.js'), results)],
  });
  // The extension host runs once a window is open on the workspace.
  const browser = await launchBrowser(server);
  let ok = false;
  try {
    await Workbench.open(browser, server);
    const deadline = Date.now() + 600_000;
    let shown = 0;
    for (;;) {
      const text = existsSync(results) ? readFileSync(results, 'utf8') : '';
      process.stdout.write(text.slice(shown));
      shown = text.length;
      if (text.includes('#DONE')) {
        ok = text.includes('#DONE ok');
        break;
      }
      if (Date.now() > deadline) throw new Error('the extension-host suite did not finish within 10 minutes');
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    await browser.close().catch(() => undefined);
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  process.exit(ok ? 0 : 1);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
