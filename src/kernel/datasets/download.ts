/**
 * Downloads a file with Node's fetch: streamed to a temporary file beside the destination, then
 * renamed into place, so a half-finished download is never mistaken for a file. Reports progress,
 * and gives up when the server sends nothing for a while.
 */
import { createWriteStream, mkdirSync, openSync, renameSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import { pipeline } from 'node:stream/promises';

export interface DownloadProgress {
  received: number;
  total?: number;
}

export interface DownloadOptions {
  onProgress?: (p: DownloadProgress) => void;
  /** Abort when no bytes arrive for this long (default 30 s). */
  idleTimeoutMs?: number;
}

export class DownloadError extends Error {
  override name = 'DownloadError';
}

/** Downloads `url` to `dest` atomically; returns the number of bytes written. */
export async function downloadFile(url: string, dest: string, options: DownloadOptions = {}): Promise<number> {
  const idleMs = options.idleTimeoutMs ?? 30_000;
  const abort = new AbortController();
  let idle = setTimeout(() => abort.abort(), idleMs);
  const touch = () => {
    clearTimeout(idle);
    idle = setTimeout(() => abort.abort(), idleMs);
  };
  mkdirSync(dirname(dest), { recursive: true });
  const part = `${dest}.${randomBytes(4).toString('hex')}.part`;
  try {
    let res: Response;
    try {
      res = await fetch(url, { signal: abort.signal, redirect: 'follow' });
    } catch (e) {
      throw new DownloadError(`${url}: ${abort.signal.aborted ? `no response in ${idleMs / 1000} s` : networkReason(e)}`);
    }
    if (!res.ok || !res.body) {
      await res.body?.cancel().catch(() => undefined);
      throw new DownloadError(`${url}: HTTP ${res.status} ${res.statusText}`.trimEnd());
    }
    const length = Number(res.headers.get('content-length'));
    const total = Number.isFinite(length) && length > 0 && !res.headers.get('content-encoding') ? length : undefined;
    const body = res.body;
    let received = 0;
    options.onProgress?.({ received, total });
    async function* chunks(): AsyncGenerator<Uint8Array> {
      const reader = body.getReader();
      for (let r = await reader.read(); !r.done; r = await reader.read()) {
        touch();
        received += r.value.length;
        options.onProgress?.({ received, total });
        yield r.value;
      }
    }
    try {
      // pipeline closes the file on every path (and waits for it) before settling. The file is
      // opened here, synchronously: a stream opening it itself could create it after a failed
      // download's cleanup below had already run, leaving a stray .part behind.
      await pipeline(chunks, createWriteStream(part, { fd: openSync(part, 'w') }));
    } catch (e) {
      throw new DownloadError(`${url}: ${abort.signal.aborted ? `stalled: nothing received for ${idleMs / 1000} s` : networkReason(e)}`);
    }
    if (total !== undefined && received !== total) throw new DownloadError(`${url}: got ${received} of ${total} bytes`);
    renameSync(part, dest);
    return received;
  } finally {
    clearTimeout(idle);
    rmSync(part, { force: true });
  }
}

/** fetch hides the system error in `cause`: its code (ENOTFOUND, ECONNREFUSED) says it all. */
function networkReason(e: unknown): string {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  return err.cause?.code ?? err.cause?.message ?? err.message;
}

/** "[#####-----] 45% 4.1/9.9 MB" (or "1.2 MB" when the size is unknown). */
export function progressText(p: DownloadProgress, width = 20): string {
  const mb = (n: number) => (n / 1e6).toFixed(1);
  if (!p.total) return `[${'?'.repeat(width)}] ${mb(p.received)} MB`;
  const fraction = Math.min(1, p.received / p.total);
  const filled = Math.round(fraction * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${Math.floor(fraction * 100)}% ${mb(p.received)}/${mb(p.total)} MB`;
}
