/**
 * A notebook file from open to the executed copy, so that a run never loses the user's work:
 *
 *   const file = NotebookFile.open({ input, output });   // before the kernel starts
 *   ...run file.notebook's cells, changing them in place...
 *   const saved = file.writeExecuted();                   // at the end
 *
 * open() reads a regular file only, size-capped; checks it as nbformat's schema does (repairing
 * cell ids with notices); and checks, before anything runs, that the target can be written:
 * it is a regular file or absent, not read-only, in a folder where a file can be created.
 * In-place runs write through a symlink to its target. open() throws NotebookFormatError (exit 2).
 *
 * writeExecuted() writes the edited notebook losslessly (losslessText.ts) and safely
 * (atomicWrite.ts) with the replaced file's mode and owner. If an in-place notebook changed on
 * disk while it ran (saved from an editor), that file is left alone and the executed copy goes
 * beside it (`NAME.executed.ipynb`); the result says so. If writing fails (a full disk), the
 * target is unchanged, a rescue copy is tried in the temp folder, and NotebookWriteError says
 * where it went.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, lstatSync, openSync, readlinkSync, realpathSync, statSync, unlinkSync, type Stats } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { tempPathFor, writeFileAtomic } from './atomicWrite';
import { describeFsError, fileKind, readRegularFile } from './boundedRead';
import { NotebookFormatError, NotebookWriteError } from './errors';
import { decodeUtf8, type Notebook } from './ipynb';
import { jsonShape } from './jsonShape';
import { renderLossless, type OriginalText } from './losslessText';
import { repairCellIds, validateNotebook } from './validate';

export interface OpenOptions {
  input: string;
  /** Where the executed notebook goes; default: the input, in place. */
  output?: string;
}

export interface WriteOutcome {
  /** Where the executed notebook was written. */
  path: string;
  /** Set when an in-place target changed during the run, so the copy went beside it: why. */
  besideBecause?: string;
}

/** What was read: its mode (kept for a copy written beside it) and a hash of its bytes (for change detection). */
interface Identity {
  mode: number;
  size: number;
  mtimeMs: number;
  sha256: string;
}

export class NotebookFile {
  private constructor(
    /** The notebook to run and change in place. */
    readonly notebook: Notebook,
    /** Repairs made while reading (e.g. new cell ids), one line each, for stderr. */
    readonly notices: readonly string[],
    /** The input, absolute, as the user named it. */
    readonly inputPath: string,
    /** The file that will be replaced: the output, or the input, with symlinks resolved. */
    readonly targetPath: string,
    readonly inPlace: boolean,
    private readonly original: OriginalText,
    private readonly inputIdentity: Identity,
    private readonly bom: boolean,
  ) {}

  static open(options: OpenOptions): NotebookFile {
    const inputPath = resolve(options.input);
    const { bytes, stat } = readRegularFile(inputPath);
    const { notebook, notices, original } = parseForRewrite(decodeUtf8(bytes, inputPath), inputPath);
    // The decoder drops a UTF-8 byte-order mark; it is put back on write.
    const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;

    const inputReal = realpathSync(inputPath);
    const outputTarget = options.output === undefined ? inputReal : resolveTarget(resolve(options.output));
    const inPlace = outputTarget === inputReal;
    checkWritable(outputTarget, options.output === undefined ? 'the notebook (run in place)' : '--output');
    return new NotebookFile(notebook, notices, inputPath, outputTarget, inPlace, original, identityOf(stat, bytes), bom);
  }

  /** The executed notebook's text; throws NotebookFormatError if it cannot be written (call it early to check). */
  render(nb: Notebook = this.notebook): string {
    return (this.bom ? '\ufeff' : '') + renderLossless(this.original, nb);
  }

  writeExecuted(nb: Notebook = this.notebook): WriteOutcome {
    const text = this.render(nb);
    if (this.inPlace) {
      const change = this.changeSinceOpen();
      if (change) return { path: this.writeBeside(text), besideBecause: `${this.inputPath} ${change} while tfnb ran` };
    }
    const current = statOrUndefined(this.targetPath);
    try {
      writeFileAtomic(this.targetPath, text, current ? { mode: current.mode & 0o7777, owner: { uid: current.uid, gid: current.gid } } : {});
    } catch (e) {
      if (!(e instanceof NotebookWriteError)) throw e;
      const rescue = this.rescue(text);
      throw new NotebookWriteError(
        `${e.message}; ${current ? `${this.targetPath} was left as it was` : 'nothing was written there'}${rescue}`,
      );
    }
    return { path: this.targetPath };
  }

  /** How the in-place target differs from what was read, if it does. */
  private changeSinceOpen(): string | undefined {
    let read;
    try {
      read = readRegularFile(this.targetPath);
    } catch {
      return existsSync(this.targetPath) ? 'became unreadable' : 'was deleted or moved';
    }
    // By content: an editor's save of the same bytes (a new inode, a new mtime) loses nothing.
    return identityOf(read.stat, read.bytes).sha256 === this.inputIdentity.sha256 ? undefined : 'was changed (saved from an editor?)';
  }

  /** NAME.executed.ipynb beside the input, or NAME.executed-2.ipynb… — never over an existing file. */
  private writeBeside(text: string): string {
    const dir = dirname(this.inputPath);
    const stem = basename(this.inputPath).replace(/\.ipynb$/i, '');
    for (let n = 1; n < 1000; n++) {
      const path = join(dir, `${stem}.executed${n === 1 ? '' : `-${n}`}.ipynb`);
      try {
        writeFileAtomic(path, text, { mode: this.inputIdentity.mode & 0o7777, noOverwrite: true });
        return path;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') continue;
        throw e;
      }
    }
    throw new NotebookWriteError(`cannot find a free name for ${join(dir, `${stem}.executed.ipynb`)}`);
  }

  private rescue(text: string): string {
    const path = join(tmpdir(), `${basename(this.inputPath).replace(/\.ipynb$/i, '')}.executed-${process.pid}-${Date.now()}.ipynb`);
    try {
      writeFileAtomic(path, text, { mode: 0o600 });
      return `; the executed notebook was saved to ${path} instead`;
    } catch (e) {
      return `; a rescue copy in ${tmpdir()} failed too (${(e as Error).message})`;
    }
  }
}

/**
 * A notebook's text → the notebook to change (validated, ids repaired) and what renderLossless
 * needs to write it back with only the changes: the text, its shape, an untouched parse.
 */
export function parseForRewrite(text: string, label: string): { notebook: Notebook; notices: string[]; original: OriginalText } {
  const notebook = parseJson(text, label);
  validateNotebook(notebook, label);
  const pristine = parseJson(text, label);
  let shape;
  try {
    shape = jsonShape(text, 3);
  } catch (e) {
    throw new NotebookFormatError(`${label} cannot be read back faithfully: ${(e as Error).message}`);
  }
  const cellOrigin = new Map<object, number>(notebook.cells.map((cell, i) => [cell, i]));
  const notices = repairCellIds(notebook);
  return { notebook, notices, original: { text, shape, pristine, cellOrigin } };
}

function parseJson(text: string, label: string): Notebook {
  try {
    return JSON.parse(text) as Notebook;
  } catch (e) {
    throw new NotebookFormatError(`${label} is not valid JSON: ${(e as Error).message}`);
  }
}

/** The file a write to `path` should replace: through symlinks (to their target), else `path`. */
function resolveTarget(path: string): string {
  let link: Stats;
  try {
    link = lstatSync(path);
  } catch {
    return path; // not there yet; its folder is checked next
  }
  if (!link.isSymbolicLink()) return path;
  try {
    return realpathSync(path);
  } catch {
    throw new NotebookFormatError(`--output ${path} is a symbolic link to ${readlinkSync(path)}, which does not exist`);
  }
}

/**
 * Fails now, not after hours of running: the target must be a regular file that is not read-only
 * (or absent), and a file must be creatable in its folder (or the nearest folder that exists,
 * since missing folders are made at write time). The probe really creates and removes a file,
 * which also catches read-only mounts and full inode tables that permission bits do not show.
 */
function checkWritable(target: string, what: string): void {
  const stat = statOrUndefined(target);
  if (stat && !stat.isFile())
    throw new NotebookFormatError(`${what}: ${target} is ${fileKind(stat)}; tfnb writes the executed notebook only to a regular file`);
  if (stat && (stat.mode & 0o222) === 0)
    throw new NotebookFormatError(
      `${what}: ${target} is read-only (mode ${(stat.mode & 0o777).toString(8).padStart(4, '0')}); make it writable or give --output`,
    );
  let dir = dirname(target);
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  const dirStat = statOrUndefined(dir);
  if (!dirStat?.isDirectory())
    throw new NotebookFormatError(`${what}: cannot write ${target}: ${dir} is ${dirStat ? fileKind(dirStat) : 'missing'}, not a folder`);
  const probe = tempPathFor(join(dir, basename(target)));
  try {
    closeSync(openSync(probe, 'wx', 0o600));
    unlinkSync(probe);
  } catch (e) {
    throw new NotebookFormatError(`${what}: cannot write ${target}: a file cannot be created in ${dir}: ${describeFsError(e)}`);
  }
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function identityOf(stat: Stats, bytes: Uint8Array): Identity {
  return { size: stat.size, mtimeMs: stat.mtimeMs, mode: stat.mode, sha256: createHash('sha256').update(bytes).digest('hex') };
}
