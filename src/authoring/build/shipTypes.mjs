// Writes the types folder the TypeScript server plugin gives tfnb cells (dist/types in the .vsix):
//   kernel.d.ts      the kernel's globals display, tfvis, require, as a module (cells' tf is resolved per notebook)
//   tfjs-vis.d.ts    @tensorflow/tfjs-vis as the kernel provides it
//   tfnb-datasets.d.ts  tfnb/datasets (the kernel's dataset loaders)
//   tslab.d.ts       tslab (the kernel's tslab module)
//   src/api/...      declarations emitted from src/api (the hand-written cell-facing API those name)
//   node_modules/    .d.ts files (and package.json, licences) of TensorFlow.js and Node's types
// Usage: node src/authoring/build/shipTypes.mjs [outDir]   (default dist/types)
//        or, in the build: await (await import('../src/authoring/build/shipTypes.mjs')).shipTypes(root, join(dist, 'types'), { onlyIfStale: true })
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Packages whose declarations cells need: tfjs and what its .d.ts files import, and Node's. */
const PACKAGES = [
  '@tensorflow/tfjs',
  '@tensorflow/tfjs-core',
  '@tensorflow/tfjs-layers',
  '@tensorflow/tfjs-converter',
  '@tensorflow/tfjs-data',
  '@tensorflow/tfjs-backend-cpu',
  '@tensorflow/tfjs-backend-webgl',
  '@types/long',
  '@types/seedrandom',
  '@types/offscreencanvas',
  '@webgpu/types',
  '@types/node',
  'undici-types',
];

/**
 * The cell-facing API (types only, no implementation) that the hand-written .d.ts files import;
 * the kernel's implementation is typed against it, so nothing of the kernel is compiled here.
 */
const API_SOURCES = ['src/api/display.ts', 'src/api/tfvis.ts', 'src/api/datasets.ts', 'src/api/tslab.ts', 'src/api/runs.ts'];

const HAND_WRITTEN = [
  'src/authoring/types/kernel-globals.d.ts',
  'src/authoring/types/tfjs-vis.d.ts',
  'src/authoring/types/tfnb-datasets.d.ts',
  'src/authoring/types/tslab.d.ts',
];

/**
 * Writes the folder; with `{ onlyIfStale: true }` (for the build), does nothing when it is newer
 * than everything it is made from.
 */
export async function shipTypes(root, outDir = join(root, 'dist/types'), { onlyIfStale = false } = {}) {
  const stamp = join(outDir, '.shipped');
  if (onlyIfStale && existsSync(stamp) && statSync(stamp).mtimeMs >= newestInput(root)) return outDir;
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  await emitApiDeclarations(root, outDir);
  for (const file of HAND_WRITTEN) cpSync(join(root, file), join(outDir, file));
  writeFileSync(join(outDir, 'kernel.d.ts'), "export * from './src/authoring/types/kernel-globals';\n");
  for (const [file, source] of [
    ['tfjs-vis.d.ts', 'tfjs-vis'],
    ['tfnb-datasets.d.ts', 'tfnb-datasets'],
    ['tslab.d.ts', 'tslab'],
  ]) {
    writeFileSync(
      join(outDir, file),
      `export * from './src/authoring/types/${source}';\nexport { default } from './src/authoring/types/${source}';\n`,
    );
  }
  const fromRoot = createRequire(join(root, 'package.json'));
  for (const name of PACKAGES) copyDeclarations(packageDir(fromRoot, name), join(outDir, 'node_modules', name));
  writeFileSync(stamp, '');
  return outDir;
}

/** Newest modification time among the sources and installed packages the folder is made from. */
function newestInput(root) {
  const newest = (path) => {
    if (!existsSync(path)) return 0;
    const s = statSync(path);
    return s.isDirectory() ? Math.max(s.mtimeMs, ...readdirSync(path).map((n) => newest(join(path, n)))) : s.mtimeMs;
  };
  const fromRoot = createRequire(join(root, 'package.json'));
  return Math.max(
    statSync(fileURLToPath(import.meta.url)).mtimeMs,
    ...['src/api', 'src/authoring/types'].map((d) => newest(join(root, d))),
    ...PACKAGES.map((name) => statSync(join(packageDir(fromRoot, name), 'package.json')).mtimeMs),
  );
}

function packageDir(req, name) {
  for (const base of req.resolve.paths(name) ?? []) {
    const dir = join(base, name);
    if (existsSync(join(dir, 'package.json'))) return dir;
  }
  throw new Error(`shipTypes: package ${name} is not installed`);
}

/** Copies a package's .d.ts files, package.json and licence, and those of its nested node_modules/@types. */
function copyDeclarations(from, to) {
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      const rel = relative(from, path);
      if (statSync(path).isDirectory()) {
        if (name === 'node_modules' && dir !== from) continue;
        walk(path);
      } else if (wanted(rel, name)) {
        mkdirSync(dirname(join(to, rel)), { recursive: true });
        cpSync(path, join(to, rel));
      }
    }
  };
  walk(from);
}

function wanted(rel, name) {
  if (rel.includes('node_modules/') && !rel.startsWith('node_modules/@types/')) return false;
  if (/^(LICENSE|LICENCE|NOTICE)/i.test(name)) return true;
  if (name === 'package.json') return true;
  return name.endsWith('.d.ts') && !name.endsWith('_test.d.ts');
}

async function emitApiDeclarations(root, outDir) {
  const ts = (await import('typescript')).default;
  const options = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    types: ['node'],
    strict: true,
    skipLibCheck: true,
    esModuleInterop: true,
    declaration: true,
    emitDeclarationOnly: true,
    rootDir: root,
    outDir,
  };
  const program = ts.createProgram(
    API_SOURCES.map((f) => join(root, f)),
    options,
  );
  const result = program.emit();
  const errors = [...ts.getPreEmitDiagnostics(program), ...result.diagnostics].filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length)
    throw new Error(
      `shipTypes: declarations did not emit:\n${ts.formatDiagnostics(errors, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => '\n' })}`,
    );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
  const out = await shipTypes(root, process.argv[2] ? resolve(process.argv[2]) : undefined);
  console.log(`types written to ${relative(process.cwd(), out) || '.'}`);
}
