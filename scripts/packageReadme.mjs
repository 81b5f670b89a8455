// The README inside the .vsix: the repository's README without its screenshots. vsce refuses a
// relative image without a repository URL to rewrite it against (tfnb has none), and an absolute
// one would point at nothing; the extension's page in VS Code shows the text alone.
// Usage: node scripts/packageReadme.mjs [OUT] (default out/README.package.md)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `text` with every Markdown image (`![alt](path)`) on a line of its own removed. */
export function withoutImages(text) {
  return text.replace(/^[ \t]*!\[[^\]]*\]\([^)]*\)[ \t]*\r?\n/gm, '');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const out = process.argv[2] ?? join(root, 'out/README.package.md');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, withoutImages(readFileSync(join(root, 'README.md'), 'utf8')));
}
