/** Small MNIST-format folders and a loopback HTTP server that serves one. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export const SIDE = 28;

/** Pixel j of image i in a fixture split; label of image i is i % 10. */
export const fixturePixel = (i: number, j: number, salt: number): number => (i * 7 + j * 3 + salt) % 256;

function split(count: number, salt: number): { images: Buffer; labels: Buffer } {
  const images = Buffer.alloc(16 + count * SIDE * SIDE);
  images.writeUInt32BE(0x803, 0);
  images.writeUInt32BE(count, 4);
  images.writeUInt32BE(SIDE, 8);
  images.writeUInt32BE(SIDE, 12);
  for (let i = 0; i < count; i++) for (let j = 0; j < SIDE * SIDE; j++) images[16 + i * SIDE * SIDE + j] = fixturePixel(i, j, salt);
  const labels = Buffer.alloc(8 + count);
  labels.writeUInt32BE(0x801, 0);
  labels.writeUInt32BE(count, 4);
  for (let i = 0; i < count; i++) labels[8 + i] = i % 10;
  return { images, labels };
}

/** Writes the four IDX files (train salt 0, test salt 100) into `dir`, gzipped (`.gz`) or raw. */
export function writeMnistFixture(dir: string, train: number, test: number, gz: boolean): void {
  mkdirSync(dir, { recursive: true });
  const tr = split(train, 0),
    te = split(test, 100);
  const files: Record<string, Buffer> = {
    'train-images-idx3-ubyte': tr.images,
    'train-labels-idx1-ubyte': tr.labels,
    't10k-images-idx3-ubyte': te.images,
    't10k-labels-idx1-ubyte': te.labels,
  };
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, gz ? `${name}.gz` : name), gz ? gzipSync(bytes) : bytes);
}

export interface FileServer {
  url: string;
  requests: string[];
  close(): Promise<void>;
}

/** Serves the files of `dir` (and its subfolders) on 127.0.0.1 (with Content-Length, in two chunks); 404 for the rest. */
export async function serveFolder(dir: string, missing: string[] = []): Promise<FileServer> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const name = decodeURIComponent((req.url ?? '/').split('?')[0]!).replace(/^\/mnist\//, '');
    requests.push(name);
    let body: Buffer;
    try {
      if (missing.includes(name) || name.split('/').includes('..')) throw new Error('not served');
      body = readFileSync(join(dir, name));
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': body.length });
    const half = body.length >> 1;
    res.write(body.subarray(0, half), () => res.end(body.subarray(half)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mnist/`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A loopback URL nothing listens on (a port just released). */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/`;
}
