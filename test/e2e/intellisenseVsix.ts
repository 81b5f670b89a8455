/**
 * The .vsix the IntelliSense end-to-end run installs. When the project's package (out/tfnb.vsix)
 * carries authoring support (the TypeScript server plugin as node_modules/tfnb-tsplugin, its
 * types in dist/types, the typescriptServerPlugins contribution, registerAuthoring wired into
 * extension.ts), it is used as it is. Until then, this stages a package from `npm run build`'s
 * dist/ with those parts added the way the build is meant to add them, and says so.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { PLUGIN_NAME } from '../../src/authoring/pluginProtocol';
import { ensureVsix, ROOT } from './codeServer';

interface Manifest {
  contributes?: { typescriptServerPlugins?: Array<{ name: string; enableForWorkspaceTypeScriptVersions?: boolean }> };
}

export interface AuthoringVsix {
  vsix: string;
  staged: boolean;
  dispose(): void;
}

/** Files of the extension's run time that the package needs besides dist/ (as .vscodeignore allows them). */
const RUNTIME_FILES = [
  'README.md',
  'LICENSE',
  'media/icon.png',
  'node_modules/esbuild/package.json',
  'node_modules/esbuild/lib/main.js',
  'node_modules/esbuild/LICENSE.md',
  'node_modules/@esbuild/linux-x64/package.json',
  'node_modules/@esbuild/linux-x64/bin/esbuild',
];

export async function authoringVsix(): Promise<AuthoringVsix> {
  const wired = readFileSync(join(ROOT, 'src/extension/extension.ts'), 'utf8').includes('registerAuthoring(');
  let problem: string;
  try {
    const base = ensureVsix();
    if (wired && packageHasAuthoring(base)) return { vsix: base, staged: false, dispose: () => undefined };
    problem = 'lacks authoring support (plugin, types, contribution or wiring)';
  } catch (e) {
    problem = `could not be built (${(e as Error).message.split('\n')[0]})`;
  }
  console.log(`[e2e] out/tfnb.vsix ${problem}: staging a package from dist/ with authoring support added`);
  return stageVsix(wired);
}

function packageHasAuthoring(vsix: string): boolean {
  const files = execFileSync('unzip', ['-Z1', vsix], { encoding: 'utf8' }).split('\n');
  const manifest = JSON.parse(execFileSync('unzip', ['-p', vsix, 'extension/package.json'], { encoding: 'utf8' })) as Manifest;
  return (
    files.includes(`extension/node_modules/${PLUGIN_NAME}/index.js`) &&
    files.includes('extension/dist/types/kernel.d.ts') &&
    files.includes('extension/dist/tsplugin.js') &&
    !!manifest.contributes?.typescriptServerPlugins?.some((p) => p.name === PLUGIN_NAME)
  );
}

/**
 * extension.ts with the integration the lead adds: `registerAuthoring(context, controller, log)`
 * at the end of activate. Written beside the staged package, importing the real sources.
 */
function withAuthoringWired(dir: string): string {
  const source = readFileSync(join(ROOT, 'src/extension/extension.ts'), 'utf8')
    .replace(/from '\.\/([^']+)'/g, (_, m: string) => `from ${JSON.stringify(join(ROOT, 'src/extension', m))}`)
    .replace(
      /^(import \* as vscode from 'vscode';)$/m,
      `$1\nimport { registerAuthoring } from ${JSON.stringify(join(ROOT, 'src/authoring/index'))};`,
    )
    .replace(/^(\s*)(log\.info\(`tfnb \$\{)/m, '$1registerAuthoring(context, controller, log);\n$1$2');
  if (!source.includes('registerAuthoring(context, controller, log);'))
    throw new Error('cannot wire registerAuthoring into extension.ts for the staged package: activate changed shape');
  const entry = join(dir, 'extension-with-authoring.ts');
  writeFileSync(entry, source);
  return entry;
}

async function stageVsix(wired: boolean): Promise<AuthoringVsix> {
  const built = spawnSync('node', ['scripts/build.mjs'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (built.status !== 0) throw new Error(`scripts/build.mjs failed (exit ${built.status})`);
  const dir = mkdtempSync(join(tmpdir(), 'tfnb-e2e-vsix-'));
  const stage = join(dir, 'extension');
  cpSync(join(ROOT, 'dist'), join(stage, 'dist'), { recursive: true, filter: (f) => !f.endsWith('.map') });
  for (const f of RUNTIME_FILES) {
    if (!existsSync(join(ROOT, f))) continue;
    mkdirSync(dirname(join(stage, f)), { recursive: true });
    cpSync(join(ROOT, f), join(stage, f));
  }
  const node = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'warning', absWorkingDir: ROOT } as const;
  if (!wired)
    await build({ ...node, entryPoints: [withAuthoringWired(dir)], outfile: join(stage, 'dist/extension.js'), external: ['vscode'] });
  if (!existsSync(join(stage, 'dist/tsplugin.js'))) {
    await build({
      ...node,
      entryPoints: [join(ROOT, 'src/tsplugin/index.ts')],
      outfile: join(stage, 'dist/tsplugin.js'),
      external: ['typescript'],
    });
  }
  if (!existsSync(join(stage, 'dist/types/kernel.d.ts'))) {
    const ship = (await import(pathToFileURL(join(ROOT, 'src/authoring/build/shipTypes.mjs')).href)) as {
      shipTypes(root: string, out: string): Promise<string>;
    };
    await ship.shipTypes(ROOT, join(stage, 'dist/types'));
  }
  // As `npm run package` does: the README without its screenshots (vsce refuses relative images).
  const readme = (await import(pathToFileURL(join(ROOT, 'scripts/packageReadme.mjs')).href)) as { withoutImages(text: string): string };
  writeFileSync(join(stage, 'README.md'), readme.withoutImages(readFileSync(join(ROOT, 'README.md'), 'utf8')));
  cpSync(join(ROOT, 'src/tsplugin/package'), join(stage, 'node_modules', PLUGIN_NAME), { recursive: true });
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Manifest & Record<string, unknown>;
  delete manifest.files;
  delete manifest.scripts;
  delete manifest.devDependencies;
  manifest.contributes = {
    ...manifest.contributes,
    typescriptServerPlugins: [{ name: PLUGIN_NAME, enableForWorkspaceTypeScriptVersions: true }],
  };
  writeFileSync(join(stage, 'package.json'), JSON.stringify(manifest, null, 2));
  const vsix = join(dir, 'tfnb-authoring.vsix');
  const vsce = spawnSync(
    join(ROOT, 'node_modules/.bin/vsce'),
    ['package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--target', 'linux-x64', '--out', vsix],
    { cwd: stage, encoding: 'utf8' },
  );
  if (vsce.status !== 0) throw new Error(`vsce package (staged) failed: ${vsce.stdout}${vsce.stderr}`);
  // Without dependencies vsce leaves node_modules out; add the staged ones (the plugin, esbuild) as they are.
  execFileSync('zip', ['-qr', vsix, 'extension/node_modules'], { cwd: dir });
  return { vsix, staged: true, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
