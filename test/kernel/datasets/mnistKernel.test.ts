// mnist.load through a real kernel: `import { mnist } from 'tfnb/datasets'` in a cell.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KernelClient } from '../../../src/client/kernelClient';
import { run, startKernel, tempDir } from '../../helpers/kernel';
import { offlineEnv } from '../../helpers/samples';
import { serveFolder, writeMnistFixture, type FileServer } from './mnistFixtures';

describe('tfnb/datasets mnist in a kernel', () => {
  let k: KernelClient;
  let server: FileServer;
  before(async () => {
    const served = tempDir('tfnb-served-');
    writeMnistFixture(served, 64, 16, true);
    server = await serveFolder(served);
    k = startKernel({ env: await offlineEnv() });
    await k.start();
  });
  after(async () => {
    await k.close();
    await server.close();
  });

  it('offline: loads the bundled subset and prints the notice in the cell', async () => {
    const r = await run(
      k,
      "import { mnist } from 'tfnb/datasets';\nconst d = await mnist.load({ subset: 800 });\n[d.train.images.shape, d.test.labels.shape, d.classes.length].join(' | ')",
    );
    assert.equal(r.error, undefined, r.error?.traceback.join('\n'));
    assert.equal(r.result?.['text/plain'], "'800,28,28,1 | 200 | 10'");
    assert.match(
      r.stderr,
      /\[tfnb\] offline: using the 10,000-digit MNIST subset bundled with tfnb \(8,000 train, 2,000 test\) \(download failed: .*ECONNREFUSED\)\n/,
    );
    // VS Code's notebook outputs make a '/' after a space a file link (notebook-renderers linkify.ts, POSIX_PATH): none in the notice.
    const notice = r.stderr.split('\n').find((l) => l.includes('offline: using'))!;
    assert.doesNotMatch(notice, /(^|\s)\//, notice);
  });

  it('downloads from a mirror with a progress output updated in place, then reuses the cache', async () => {
    const r = await run(
      k,
      `const fresh = await mnist.load({ mirror: ${JSON.stringify(server.url)} });\nfresh.train.images.shape.join('x')`,
    );
    assert.equal(r.error, undefined, r.error?.traceback.join('\n'));
    assert.equal(r.result?.['text/plain'], "'64x28x28x1'");
    assert.equal(r.stderr.includes('offline'), false);
    const progress = r.displays.filter((x) => x.displayId?.startsWith('tfnb-mnist-download-'));
    assert.ok(progress.length >= 2);
    assert.equal(progress[0]!.update, false);
    assert.ok(progress.slice(1).every((x) => x.update));
    assert.match(progress.at(-1)!.data['text/plain'], /^MNIST: downloaded 4 files/);
    assert.equal(server.requests.length, 4);

    const again = await run(k, `const cached = await mnist.load({ mirror: ${JSON.stringify(server.url)} });\ncached.source`);
    assert.match(again.result?.['text/plain'] ?? '', /MNIST IDX files in .*datasets[/\\]mnist/);
    assert.equal(again.displays.length, 0);
    assert.equal(server.requests.length, 4);
  });
});
