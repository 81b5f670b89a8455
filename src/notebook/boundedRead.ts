/**
 * Reads a notebook file with bounds: only a regular file (never a FIFO, a device such as
 * /dev/zero, a socket or a folder, which could block or never end), and never more than a cap.
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { NotebookFormatError } from './errors';

/** 256 MiB: far beyond any real notebook, well under V8's longest string (~512 MiB). */
export const MAX_NOTEBOOK_BYTES = 256 * 1024 * 1024;

export interface FileRead {
  bytes: Buffer;
  /** The file as opened (after symlinks): its identity for later change detection. */
  stat: Stats;
}

export function readRegularFile(path: string, maxBytes = MAX_NOTEBOOK_BYTES): FileRead {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer; fstat below refuses it anyway.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw new NotebookFormatError(`cannot read ${path}: ${describeFsError(e)}`);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile())
      throw new NotebookFormatError(`${path} is ${fileKind(stat)}, not a regular file; tfnb reads notebooks from regular files only`);
    if (stat.size > maxBytes) throw new NotebookFormatError(`${path} is ${mb(stat.size)}; tfnb reads notebooks up to ${mb(maxBytes)}`);
    // The size can change while we read (a file still being written): read at most the cap + 1.
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(1 << 20, maxBytes + 1 - total));
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(n === chunk.length ? chunk : chunk.subarray(0, n));
      total += n;
      if (total > maxBytes)
        throw new NotebookFormatError(`${path} grew past ${mb(maxBytes)} while being read; tfnb reads notebooks up to ${mb(maxBytes)}`);
    }
    return { bytes: Buffer.concat(chunks, total), stat };
  } catch (e) {
    if (e instanceof NotebookFormatError) throw e;
    throw new NotebookFormatError(`cannot read ${path}: ${describeFsError(e)}`);
  } finally {
    closeSync(fd);
  }
}

export function fileKind(stat: Stats): string {
  if (stat.isDirectory()) return 'a folder';
  if (stat.isFIFO()) return 'a FIFO (named pipe)';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isSocket()) return 'a socket';
  if (stat.isSymbolicLink()) return 'a symbolic link';
  return 'a regular file';
}

/** "no space left on device (ENOSPC)" rather than Node's "ENOSPC: no space left on device, write". */
export function describeFsError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (typeof err?.code === 'string') {
    const text = String(err.message)
      .replace(/^[A-Z]+: /, '')
      .replace(/, \w+( '.*')?$/, '');
    return `${text} (${err.code})`;
  }
  return e instanceof Error ? e.message : String(e);
}

function mb(n: number): string {
  return `${(n / 1024 / 1024).toFixed(n < 1024 * 1024 ? 3 : 0)} MiB`;
}
