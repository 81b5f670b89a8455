// Builds every entry point into dist/ with esbuild, and copies the wasm backend's binaries
// beside the kernel bundle (the kernel points tfjs-backend-wasm at them at run time).
import * as esbuild from 'esbuild';
import { cpSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { shipFonts } from './fonts.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

// --production (npm run package) minifies whitespace and syntax but keeps every name: users see
// class names (console.log of a tensor prints `Tensor2 {`, not `e {`), and esbuild's keepNames,
// which would restore them after renaming, breaks the threaded wasm build (its factory is run
// from its source text in workers, where keepNames' helper does not exist).
const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'linked',
  minifyWhitespace: production,
  minifySyntax: production,
  logLevel: 'warning',
  absWorkingDir: root,
};

/** @type {import('esbuild').BuildOptions[]} */
const builds = [
  // esbuild stays a real package at run time: it runs its own native binary.
  { ...node, entryPoints: { kernel: 'src/kernel/main.ts' }, outdir: dist, external: ['esbuild'] },
  { ...node, entryPoints: { 'interrupt-worker': 'src/kernel/interruptWorker.ts' }, outdir: dist },
];
if (existsSync(join(root, 'src/cli/main.ts'))) {
  builds.push({
    ...node,
    entryPoints: { cli: 'src/cli/main.ts' },
    outdir: dist,
    external: ['esbuild'],
    banner: { js: '#!/usr/bin/env node' },
  });
}
if (existsSync(join(root, 'src/extension/extension.ts'))) {
  builds.push({ ...node, entryPoints: { extension: 'src/extension/extension.ts' }, outdir: dist, external: ['vscode'] });
}
if (existsSync(join(root, 'renderers/index.ts'))) {
  builds.push({
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    format: 'esm',
    minify: production,
    sourcemap: production ? false : 'inline',
    logLevel: 'warning',
    absWorkingDir: root,
    // The notebook renderer, and the Compare Runs panel's script (src/extension/compareRunsPanel.ts).
    entryPoints: { 'renderers/index': 'renderers/index.ts', 'renderers/compare': 'renderers/compareEntry.ts' },
    outdir: dist,
    loader: { '.css': 'text' },
  });
}
for (const extra of ['src/tsplugin/index.ts']) {
  if (existsSync(join(root, extra))) {
    builds.push({ ...node, entryPoints: { tsplugin: extra }, outdir: dist, external: ['typescript'] });
  }
}

mkdirSync(dist, { recursive: true });
const wasmDir = join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist');
for (const f of readdirSync(wasmDir)) if (f.endsWith('.wasm')) cpSync(join(wasmDir, f), join(dist, f));
// resvg and its fonts, for the kernel's PNG fallbacks (src/kernel/display/raster.ts).
cpSync(join(root, 'node_modules/@resvg/resvg-wasm/index_bg.wasm'), join(dist, 'resvg.wasm'));
shipFonts(root, dist);

// Data tfnb ships (offline dataset fallbacks): each scripts/data/*.mjs writes into dist/data/,
// idempotently (skips work when its output is newer than its input).
const dataScripts = join(root, 'scripts', 'data');
if (existsSync(dataScripts)) {
  const { spawnSync } = await import('node:child_process');
  for (const f of readdirSync(dataScripts)
    .filter((n) => n.endsWith('.mjs'))
    .sort()) {
    const r = spawnSync(process.execPath, [join(dataScripts, f), join(dist, 'data')], { stdio: 'inherit', cwd: root });
    if (r.status !== 0) throw new Error(`scripts/data/${f} failed`);
  }
}

// Types the authoring plugin serves to cells (tfjs, Node, the kernel's globals): dist/types.
if (existsSync(join(root, 'src/authoring/build/shipTypes.mjs'))) {
  const { shipTypes } = await import('../src/authoring/build/shipTypes.mjs');
  await shipTypes(root, join(dist, 'types'), { onlyIfStale: true });
}

if (watch) {
  // The lines the "tfnb: watch" task's problem matcher waits for (.vscode/tasks.json): one start
  // and one finish around each round of rebuilds, however many bundles a change touches; esbuild
  // prints a round's errors before its finish line.
  let building = 0;
  const announce = {
    name: 'watch-status',
    setup(build) {
      build.onStart(() => {
        if (building++ === 0) console.log('[watch] build started');
      });
      build.onEnd(() => {
        if (--building === 0) console.log('[watch] build finished');
      });
    },
  };
  for (const b of builds) await (await esbuild.context({ ...b, plugins: [...(b.plugins ?? []), announce] })).watch();
  console.log('esbuild: watching');
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
