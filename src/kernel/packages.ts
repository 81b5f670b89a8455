/**
 * Where a user's packages are looked for (the native backends, Dawn): the notebook's folder and
 * its parents, NODE_PATH, then the global folders. No tfjs here: the CLI uses it too.
 */
import { existsSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';

/** The folders a user's packages may be in: the notebook's folder upward, then global ones. */
export function packageSearchDirs(notebookDir: string): string[] {
  const dirs: string[] = [];
  for (let dir = resolve(notebookDir); ; dir = dirname(dir)) {
    dirs.push(join(dir, 'node_modules'));
    if (dirname(dir) === dir) break;
  }
  for (const p of (process.env.NODE_PATH ?? '').split(delimiter)) if (p) dirs.push(p);
  const prefix = process.env.npm_config_prefix ?? process.env.PREFIX;
  if (prefix) dirs.push(join(prefix, 'lib', 'node_modules'));
  dirs.push(join(dirname(dirname(process.execPath)), 'lib', 'node_modules'));
  return [...new Set(dirs)];
}

export function findInstalledPackage(name: string, notebookDir: string): string | undefined {
  for (const dir of packageSearchDirs(notebookDir)) {
    const candidate = join(dir, name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
  }
  return undefined;
}
