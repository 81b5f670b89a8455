/**
 * The safe write: a temp file beside the target, written in full (every byte counted), fsynced,
 * read back and compared, and only then renamed over the target. On any failure (a full disk, a
 * read-only or vanished folder) the target is left as it was and the temp file is removed.
 */
import {
  closeSync,
  fchmodSync,
  fchownSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { describeFsError } from './boundedRead';
import { NotebookWriteError } from './errors';

export interface AtomicWriteOptions {
  /** The new file's mode (e.g. the replaced file's 0600); default 0666 less the umask. */
  mode?: number;
  /** The new file's owner, when running as root (so a root run does not take over a user's file). */
  owner?: { uid: number; gid: number };
  /** Fail with code EEXIST instead of replacing an existing file (a hard link publishes it). */
  noOverwrite?: boolean;
}

export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.tfnb-${process.pid}-${Date.now()}.tmp`);
}

export function writeFileAtomic(path: string, text: string | Uint8Array, options: AtomicWriteOptions = {}): void {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : Buffer.from(text.buffer, text.byteOffset, text.byteLength);
  const tmp = tempPathFor(path);
  let fd: number | undefined;
  let created = false;
  try {
    // `--output out/x.ipynb` on a fresh clone: the folder does not exist yet.
    mkdirSync(dirname(path), { recursive: true });
    fd = openSync(tmp, 'wx', options.mode ?? 0o666);
    created = true;
    if (options.mode !== undefined) fchmodSync(fd, options.mode); // the umask must not narrow it
    if (options.owner && process.getuid?.() === 0) fchownSync(fd, options.owner.uid, options.owner.gid);
    let written = 0;
    while (written < bytes.length) {
      const n = writeSync(fd, bytes, written, bytes.length - written);
      if (n <= 0) throw new Error(`short write: ${written} of ${bytes.length} bytes`);
      written += n;
    }
    fsyncSync(fd);
    const closing = fd;
    fd = undefined;
    closeSync(closing);
    // Read back what the disk holds: a filesystem that lost bytes must not replace the notebook.
    if (!readFileSync(tmp).equals(bytes)) throw new Error('the bytes read back differ from those written');
    if (options.noOverwrite) {
      linkSync(tmp, path);
      unlinkSync(tmp);
    } else {
      renameSync(tmp, path);
    }
    created = false;
    syncFolder(dirname(path));
  } catch (e) {
    if (fd !== undefined)
      try {
        closeSync(fd);
      } catch {
        /* already failing */
      }
    if (created)
      try {
        unlinkSync(tmp);
      } catch {
        /* already gone */
      }
    if ((e as NodeJS.ErrnoException).code === 'EEXIST' && options.noOverwrite) throw e;
    throw new NotebookWriteError(`cannot write ${path}: ${describeFsError(e)}`);
  }
}

/** So the rename itself survives a power cut; not every filesystem lets a folder be fsynced. */
function syncFolder(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    /* best effort */
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
