// Copies one shipped data set (samples/data/<name>/) into <out>/<name>/, where the kernel's
// loaders read it at run time; skips files already up to date. Used by scripts/data/*.mjs.
import { copyFileSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function copyDataSet(name, files, argv = process.argv) {
  const outRoot = argv[2];
  if (!outRoot) {
    console.error(`usage: node ${argv[1]} <out-dir>`);
    process.exit(2);
  }
  const from = join(dirname(fileURLToPath(import.meta.url)), '..', 'samples', 'data', name);
  const to = join(outRoot, name);
  mkdirSync(to, { recursive: true });
  for (const f of files) {
    const src = join(from, f),
      dst = join(to, f);
    const s = statSync(src);
    if (existsSync(dst) && statSync(dst).size === s.size && statSync(dst).mtimeMs >= s.mtimeMs) continue;
    copyFileSync(src, dst);
  }
}
