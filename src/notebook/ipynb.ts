/**
 * Reading, checking and writing nbformat 4 notebooks faithfully: everything tfnb does not
 * touch (unknown metadata, cell ids, markdown and raw cells) is written back as it was read.
 * Opening and writing the file itself: notebookFile.ts (bounded read, safe write, lossless text).
 */
import type { CellLanguage } from '../protocol/messages';
import { readRegularFile } from './boundedRead';
import { NotebookFormatError } from './errors';
import { validateNotebook } from './validate';

/** nbformat 4 types, as much as tfnb reads or writes; other fields pass through untouched. */
export type MultilineString = string | string[];
export interface NbOutputStream {
  output_type: 'stream';
  name: 'stdout' | 'stderr';
  text: MultilineString;
}
export interface NbOutputDisplay {
  output_type: 'display_data';
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  transient?: { display_id?: string };
}
export interface NbOutputResult {
  output_type: 'execute_result';
  execution_count: number | null;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}
export interface NbOutputError {
  output_type: 'error';
  ename: string;
  evalue: string;
  traceback: string[];
}
export type NbOutput = NbOutputStream | NbOutputDisplay | NbOutputResult | NbOutputError;

export interface NbCell {
  cell_type: 'code' | 'markdown' | 'raw';
  source: MultilineString;
  metadata?: Record<string, unknown>;
  id?: string;
  outputs?: NbOutput[];
  execution_count?: number | null;
  [key: string]: unknown;
}

export interface Notebook {
  nbformat: 4;
  nbformat_minor: number;
  metadata: Record<string, unknown>;
  cells: NbCell[];
  [key: string]: unknown;
}

export { NotebookFormatError, NotebookWriteError } from './errors';
export { validateNotebook } from './validate';
export { writeFileAtomic } from './atomicWrite';

/** Reads and checks a notebook (a regular file, size-capped: see boundedRead). NotebookFile.open does more. */
export function readNotebookFile(path: string): Notebook {
  return parseNotebook(decodeUtf8(readRegularFile(path).bytes, path), path);
}

/** Strict UTF-8: a lossy decode would silently change the file when it is written back. */
export function decodeUtf8(bytes: Uint8Array, label: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    throw new NotebookFormatError(`${label} is not valid UTF-8 (first bad byte at offset ${at})`);
  }
}

function firstInvalidUtf8(bytes: Uint8Array): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let lo = 0,
    hi = bytes.length;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    try {
      decoder.decode(bytes.subarray(0, mid), { stream: true });
      lo = mid;
    } catch {
      hi = mid;
    }
  }
  // The longest decodable prefix may end inside the bad sequence: back up to its lead byte.
  let start = lo;
  while (start > 0 && lo - start < 3 && (bytes[start - 1]! & 0xc0) === 0x80) start--;
  if (start > 0 && bytes[start - 1]! >= 0xc0) start--;
  return start;
}

export function parseNotebook(text: string, label = 'notebook'): Notebook {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new NotebookFormatError(`${label} is not valid JSON: ${(e as Error).message}`);
  }
  validateNotebook(json, label);
  return json;
}

/** The language of the notebook's code cells, from its metadata (TypeScript when unstated). */
export function notebookLanguage(nb: Notebook): string {
  const kernelspec = nb.metadata.kernelspec;
  const info = nb.metadata.language_info;
  const fromKernel =
    isObject(kernelspec) && typeof kernelspec.language === 'string' && kernelspec.language.trim() !== '' ? kernelspec.language : undefined;
  const fromInfo = isObject(info) && typeof info.name === 'string' ? info.name : undefined;
  return (fromInfo ?? fromKernel ?? 'typescript').toLowerCase();
}

/** The language one code cell runs in, or an error naming the cell and the language. */
export function cellLanguage(nb: Notebook, cell: NbCell, index: number): CellLanguage {
  const vscodeMeta = cell.metadata?.vscode;
  // An empty languageId says nothing: the notebook's language applies.
  const perCell =
    isObject(vscodeMeta) && typeof vscodeMeta.languageId === 'string' && vscodeMeta.languageId.trim() !== ''
      ? vscodeMeta.languageId
      : undefined;
  const lang = normaliseLanguage(perCell ?? notebookLanguage(nb));
  if (!lang)
    throw new NotebookFormatError(
      `cell ${index + 1} is in ${perCell ?? notebookLanguage(nb)}, which tfnb does not run (TypeScript and JavaScript only)`,
    );
  return lang;
}

function normaliseLanguage(name: string): CellLanguage | undefined {
  const n = name.toLowerCase();
  if (n === 'typescript' || n === 'ts' || n === 'tslab' || n === 'deno') return 'typescript';
  if (n === 'javascript' || n === 'js' || n === 'node' || n === 'nodejs') return 'javascript';
  return undefined;
}

export function sourceText(source: MultilineString): string {
  return Array.isArray(source) ? source.join('') : source;
}

/** Jupyter's on-disk form of multi-line text: lines, each keeping its newline. */
export function toMultiline(text: string): string[] {
  const lines = text.split(/(?<=\n)/);
  return lines.length === 1 && lines[0] === '' ? [] : lines;
}

/** Serialises like Jupyter (one-space indent, trailing newline). */
export function serializeNotebook(nb: Notebook): string {
  try {
    return JSON.stringify(nb, null, 1) + '\n';
  } catch (e) {
    throw new NotebookFormatError(`the notebook cannot be written back: ${(e as Error).message}`);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
