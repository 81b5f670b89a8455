/**
 * Extension-host integration tests with @vscode/test-electron: bundles test/extension/suite
 * into out/test-extension/index.js and runs it inside a real VS Code desktop with tfnb loaded
 * from this folder (run `npm run build` first: the extension runs from dist/).
 *
 *   npm run test:extension               downloads VS Code (VSCODE_VERSION, default 1.100.3)
 *   VSCODE_EXECUTABLE=/path/to/code npm run test:extension    uses an installed VS Code
 *   node --import tsx test/extension/runTest.ts --build-only  only bundles (for the launch config)
 *
 * Not part of `npm test`: machines without internet cannot download VS Code. The same suite runs
 * in code-server's extension host in `npm test` (exthost.test.ts -> runInCodeServer.ts).
 */
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { runTests } from '@vscode/test-electron';

const ROOT = resolve(__dirname, '../..');
const OUT = join(ROOT, 'out/test-extension');

async function main(): Promise<void> {
  await build({
    entryPoints: { index: join(__dirname, 'suite/index.ts') },
    outdir: OUT,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'inline',
    external: ['vscode'],
    logLevel: 'warning',
  });
  if (process.argv.includes('--build-only')) return;
  // A scratch copy of the fixtures: the tests write notebooks.
  const workspace = mkdtempSync(join(tmpdir(), 'tfnb-exthost-'));
  cpSync(join(__dirname, 'fixtures'), workspace, { recursive: true });
  await runTests({
    extensionDevelopmentPath: ROOT,
    extensionTestsPath: join(OUT, 'index.js'),
    ...(process.env.VSCODE_EXECUTABLE
      ? { vscodeExecutablePath: process.env.VSCODE_EXECUTABLE }
      : { version: process.env.VSCODE_VERSION ?? '1.100.3' }),
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
  });
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
