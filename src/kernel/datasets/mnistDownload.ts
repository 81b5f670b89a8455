/**
 * Fetches the MNIST files a folder lacks from a mirror, with one progress line updated in place.
 * Default mirrors are tried in order; their files are checked against the published MD5 sums,
 * any other mirror's by parsing them.
 */
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { DatasetContext } from './datasetContext';
import { DownloadError, downloadFile, progressText, type DownloadProgress } from './download';
import { IdxFormatError, parseIdx } from './idx';
import { MNIST_FILES, MNIST_GZ_MD5, missingMnistFiles, type MnistFileKey } from './mnistFiles';

/** torchvision's mirror first, then the one TensorFlow's tutorials use. */
export const DEFAULT_MNIST_MIRRORS = [
  'https://ossci-datasets.s3.amazonaws.com/mnist/',
  'https://storage.googleapis.com/cvdf-datasets/mnist/',
];

/** Shortest time between two progress updates. */
const PROGRESS_INTERVAL_MS = 200;

export interface MnistDownloadResult {
  mirror: string;
  files: number;
  bytes: number;
}

/**
 * Downloads the missing files into `dir` from the first mirror that serves them all.
 * Throws DownloadError (with every mirror's reason) when none does.
 */
export async function downloadMnist(ctx: DatasetContext, dir: string, mirrors: string[], verifyMd5: boolean): Promise<MnistDownloadResult> {
  const progress = new ProgressLine(ctx);
  const reasons: string[] = [];
  for (const mirror of mirrors) {
    try {
      const result = await fromMirror(dir, mirror, verifyMd5, progress);
      progress.show(
        `MNIST: downloaded ${result.files} file${result.files === 1 ? '' : 's'} (${(result.bytes / 1e6).toFixed(1)} MB) from ${result.mirror} into ${dir}`,
      );
      return result;
    } catch (e) {
      if (!(e instanceof DownloadError)) throw e;
      reasons.push(e.message);
    }
  }
  progress.finish('MNIST: download failed');
  throw new DownloadError(reasons.join('; '));
}

async function fromMirror(dir: string, mirror: string, verifyMd5: boolean, progress: ProgressLine): Promise<MnistDownloadResult> {
  const base = mirror.endsWith('/') ? mirror : `${mirror}/`;
  const missing = missingMnistFiles(dir);
  let bytes = 0;
  for (const [i, key] of missing.entries()) {
    const name = `${MNIST_FILES[key]}.gz`;
    const dest = join(dir, name);
    const label = `MNIST ${name} (${i + 1}/${missing.length})`;
    bytes += await downloadFile(base + name, dest, { onProgress: (p) => progress.update(label, p) });
    if (verifyMd5) checkMd5(dest, key, base + name);
    else checkIdx(dest, base + name);
  }
  return { mirror: base, files: missing.length, bytes };
}

function checkMd5(path: string, key: MnistFileKey, url: string): void {
  const md5 = createHash('md5').update(readFileSync(path)).digest('hex');
  if (md5 === MNIST_GZ_MD5[key]) return;
  rmSync(path, { force: true });
  throw new DownloadError(`${url}: MD5 ${md5} is not the published ${MNIST_GZ_MD5[key]}`);
}

/** A mirror that answers with something else (an HTML page, a truncated file) is a failed download. */
function checkIdx(path: string, url: string): void {
  try {
    parseIdx(readFileSync(path), url);
  } catch (e) {
    if (!(e instanceof IdxFormatError)) throw e;
    rmSync(path, { force: true });
    throw new DownloadError(`${url}: not a valid IDX file (${e.message.replace(`${url}: `, '')})`);
  }
}

/** A text/plain output replaced in place, at most every PROGRESS_INTERVAL_MS (a file's start and end always shown). */
export class ProgressLine {
  private readonly displayId = `tfnb-mnist-download-${randomUUID()}`;
  private shown = false;
  private lastAt = 0;

  constructor(private readonly ctx: DatasetContext) {}

  update(label: string, p: DownloadProgress): void {
    const edge = p.received === 0 || (p.total !== undefined && p.received >= p.total);
    if (edge || performance.now() - this.lastAt >= PROGRESS_INTERVAL_MS) this.show(`${label} ${progressText(p)}`);
  }

  show(text: string): void {
    this.ctx.display({ 'text/plain': text }, { displayId: this.displayId, update: this.shown });
    this.shown = true;
    this.lastAt = performance.now();
  }

  /** Replaces the bar if one was shown (a mirror that fails at once shows nothing). */
  finish(text: string): void {
    if (this.shown) this.show(text);
  }
}
