// downloadFile, as the MNIST loader uses it, against real loopback HTTP servers.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DownloadError, downloadFile, progressText, type DownloadProgress } from '../../../src/kernel/datasets/download';
import { tempDir } from '../../helpers/kernel';

async function withServer(handler: RequestListener, body: (url: string) => Promise<void>): Promise<void> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await body(`http://127.0.0.1:${(server.address() as AddressInfo).port}/file.gz`);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

describe('downloadFile', () => {
  it('streams to the destination, reporting progress up to the Content-Length', async () => {
    const payload = Buffer.alloc(300_000, 7);
    const dir = tempDir('tfnb-dl-');
    const seen: DownloadProgress[] = [];
    await withServer(
      (_, res) => {
        res.writeHead(200, { 'Content-Length': payload.length });
        res.write(payload.subarray(0, 100_000), () => res.end(payload.subarray(100_000)));
      },
      async (url) => {
        const n = await downloadFile(url, join(dir, 'sub', 'file.gz'), { onProgress: (p) => seen.push({ ...p }) });
        assert.equal(n, payload.length);
      },
    );
    assert.deepEqual(readFileSync(join(dir, 'sub', 'file.gz')), payload);
    assert.deepEqual(seen[0], { received: 0, total: payload.length });
    assert.deepEqual(seen.at(-1), { received: payload.length, total: payload.length });
    assert.ok(seen.every((p, i) => i === 0 || p.received >= seen[i - 1]!.received));
    assert.deepEqual(readdirSync(join(dir, 'sub')), ['file.gz']);
  });

  it('gives up on a server that stops sending, leaving no file behind', async () => {
    const dir = tempDir('tfnb-dl-');
    await withServer(
      (_, res) => {
        res.writeHead(200, { 'Content-Length': 1000 });
        res.write(Buffer.alloc(10)); // and then nothing
      },
      async (url) => {
        await assert.rejects(
          downloadFile(url, join(dir, 'file.gz'), { idleTimeoutMs: 300 }),
          (e: Error) => e instanceof DownloadError && /stalled: nothing received for 0\.3 s/.test(e.message),
        );
      },
    );
    assert.deepEqual(readdirSync(dir), []);
  });

  it('rejects a connection closed before Content-Length bytes, and HTTP errors', async () => {
    const dir = tempDir('tfnb-dl-');
    await withServer(
      (req, res) => {
        if (req.url === '/file.gz') {
          res.writeHead(200, { 'Content-Length': 1000 });
          res.write(Buffer.alloc(10), () => res.destroy());
        }
      },
      async (url) => {
        await assert.rejects(downloadFile(url, join(dir, 'file.gz')), DownloadError);
      },
    );
    await withServer(
      (_, res) => {
        res.writeHead(503).end('busy');
      },
      async (url) => {
        await assert.rejects(downloadFile(url, join(dir, 'file.gz')), /file\.gz: HTTP 503 Service Unavailable$/);
      },
    );
    assert.equal(existsSync(join(dir, 'file.gz')), false);
    assert.deepEqual(readdirSync(dir), []);
  });

  it('formats the progress bar as text', () => {
    assert.equal(progressText({ received: 4_500_000, total: 9_912_422 }), '[#########-----------] 45% 4.5/9.9 MB');
    assert.equal(progressText({ received: 9_912_422, total: 9_912_422 }), '[####################] 100% 9.9/9.9 MB');
    assert.equal(progressText({ received: 1_234_567 }), '[????????????????????] 1.2 MB');
  });
});
