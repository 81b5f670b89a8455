// Copies the spoken digits (samples/data/speech/, made by make-spoken-digits.sh there) into
// <out>/speech/, where `speech.load()` reads them at run time. Skips files already up to date.
// Usage: node scripts/data/speech-digits.mjs <out-dir>   (scripts/build.mjs passes dist/data)
import { copyFileSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const FILES = ['spoken-digits.pcm.gz', 'spoken-digits.json', 'NOTICE.md'];

const outRoot = process.argv[2];
if (!outRoot) {
  console.error('usage: node scripts/data/speech-digits.mjs <out-dir>');
  process.exit(2);
}
const from = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'samples', 'data', 'speech');
const to = join(outRoot, 'speech');
mkdirSync(to, { recursive: true });
for (const f of FILES) {
  const src = join(from, f), dst = join(to, f);
  const s = statSync(src);
  if (existsSync(dst) && statSync(dst).size === s.size && statSync(dst).mtimeMs >= s.mtimeMs) continue;
  copyFileSync(src, dst);
}
