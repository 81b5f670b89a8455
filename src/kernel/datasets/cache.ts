/**
 * Where downloaded datasets are kept: $TFNB_CACHE_DIR, else $XDG_CACHE_HOME/tfnb, else
 * ~/.cache/tfnb; datasets live under `datasets/<name>`. Read from the environment at each call,
 * so a kernel (or test) that changes it sees the change.
 */
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** tfnb's cache root. */
export function tfnbCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TFNB_CACHE_DIR) return resolve(env.TFNB_CACHE_DIR);
  if (env.XDG_CACHE_HOME) return resolve(env.XDG_CACHE_HOME, 'tfnb');
  return join(homedir(), '.cache', 'tfnb');
}

const DATASET_NAME = /^[a-z0-9][a-z0-9._-]*$/i;

function checkName(name: string): string {
  if (!DATASET_NAME.test(name) || name.includes('..'))
    throw new RangeError(`"${name}" is not a dataset name (letters, digits, '.', '_', '-')`);
  return name;
}

/** The folder of one dataset's cached files (`datasetCacheDir('mnist')`), or of all datasets. */
export function datasetCacheDir(name?: string, env: NodeJS.ProcessEnv = process.env): string {
  const root = join(tfnbCacheDir(env), 'datasets');
  return name === undefined ? root : join(root, checkName(name));
}

export interface CachedDataset {
  name: string;
  path: string;
  bytes: number;
}

/** The datasets in the cache, with their sizes on disk. */
export function listDatasetCache(env: NodeJS.ProcessEnv = process.env): CachedDataset[] {
  const root = datasetCacheDir(undefined, env);
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => ({ name: d.name, path: join(root, d.name), bytes: folderBytes(join(root, d.name)) }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Deletes one dataset's cached files, or every dataset's. Returns what was removed. */
export function clearDatasetCache(name?: string, env: NodeJS.ProcessEnv = process.env): CachedDataset[] {
  const removed = name === undefined ? listDatasetCache(env) : listDatasetCache(env).filter((d) => d.name === checkName(name));
  for (const d of removed) rmSync(d.path, { recursive: true, force: true });
  return removed;
}

function folderBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) total += folderBytes(p);
    else if (entry.isFile()) total += statSync(p).size;
  }
  return total;
}
