// Copies the spam/ham text set (samples/data/text/, made by make-spam-subset.mjs there) into
// <out>/text/, where `text.load()` reads it at run time. Skips files already up to date.
// Usage: node scripts/data/text-spam.mjs <out-dir>   (scripts/build.mjs passes dist/data)
import { copyFileSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const FILES = ['spam.tsv', 'NOTICE.md'];

const outRoot = process.argv[2];
if (!outRoot) {
  console.error('usage: node scripts/data/text-spam.mjs <out-dir>');
  process.exit(2);
}
const from = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'samples', 'data', 'text');
const to = join(outRoot, 'text');
mkdirSync(to, { recursive: true });
for (const f of FILES) {
  const src = join(from, f), dst = join(to, f);
  const s = statSync(src);
  if (existsSync(dst) && statSync(dst).size === s.size && statSync(dst).mtimeMs >= s.mtimeMs) continue;
  copyFileSync(src, dst);
}
