/**
 * Reading, checking and writing nbformat 4 notebooks faithfully: everything tfnb does not
 * touch (unknown metadata, cell ids, markdown and raw cells) is written back as it was read.
 * Writes are atomic (a temp file, then rename), so a crash never leaves half a notebook.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { CellLanguage } from '../protocol/messages';

/** nbformat 4 types, as much as tfnb reads or writes; other fields pass through untouched. */
export type MultilineString = string | string[];
export interface NbOutputStream { output_type: 'stream'; name: 'stdout' | 'stderr'; text: MultilineString }
export interface NbOutputDisplay { output_type: 'display_data'; data: Record<string, unknown>; metadata: Record<string, unknown>; transient?: { display_id?: string } }
export interface NbOutputResult { output_type: 'execute_result'; execution_count: number | null; data: Record<string, unknown>; metadata: Record<string, unknown> }
export interface NbOutputError { output_type: 'error'; ename: string; evalue: string; traceback: string[] }
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

/** A notebook tfnb cannot run: the message names the problem. */
export class NotebookFormatError extends Error {
  override name = 'NotebookFormatError';
}

export function readNotebookFile(path: string): Notebook {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new NotebookFormatError(`cannot read ${path}: ${(e as Error).message}`);
  }
  return parseNotebook(decodeUtf8(bytes, path), path);
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
  let lo = 0, hi = bytes.length;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    try { decoder.decode(bytes.subarray(0, mid), { stream: true }); lo = mid; } catch { hi = mid; }
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

export function validateNotebook(json: unknown, label: string): asserts json is Notebook {
  if (!isObject(json)) throw new NotebookFormatError(`${label}: the top level must be a JSON object, not ${kind(json)}`);
  if (json.nbformat !== 4) throw new NotebookFormatError(`${label}: nbformat ${JSON.stringify(json.nbformat)} is not supported; tfnb reads nbformat 4`);
  if (json.nbformat_minor !== undefined && (typeof json.nbformat_minor !== 'number' || !Number.isInteger(json.nbformat_minor) || json.nbformat_minor < 0)) {
    throw new NotebookFormatError(`${label}: nbformat_minor must be a non-negative integer`);
  }
  if (json.metadata !== undefined && !isObject(json.metadata)) throw new NotebookFormatError(`${label}: metadata must be an object`);
  if (!Array.isArray(json.cells)) throw new NotebookFormatError(`${label}: "cells" must be an array`);
  json.cells.forEach((cell: unknown, i: number) => {
    const where = `${label}: cell ${i + 1}`;
    if (!isObject(cell)) throw new NotebookFormatError(`${where} must be an object, not ${kind(cell)}`);
    if (cell.cell_type !== 'code' && cell.cell_type !== 'markdown' && cell.cell_type !== 'raw') {
      throw new NotebookFormatError(`${where} has an unknown cell_type ${JSON.stringify(cell.cell_type)}`);
    }
    if (!isMultiline(cell.source)) throw new NotebookFormatError(`${where}: source must be a string or an array of strings`);
    if (cell.metadata !== undefined && !isObject(cell.metadata)) throw new NotebookFormatError(`${where}: metadata must be an object`);
    if (cell.cell_type === 'code' && cell.outputs !== undefined && !Array.isArray(cell.outputs)) throw new NotebookFormatError(`${where}: outputs must be an array`);
  });
}

/** The language of the notebook's code cells, from its metadata (TypeScript when unstated). */
export function notebookLanguage(nb: Notebook): string {
  const kernelspec = nb.metadata.kernelspec;
  const info = nb.metadata.language_info;
  const fromKernel = isObject(kernelspec) && typeof kernelspec.language === 'string' ? kernelspec.language : undefined;
  const fromInfo = isObject(info) && typeof info.name === 'string' ? info.name : undefined;
  return (fromInfo ?? fromKernel ?? 'typescript').toLowerCase();
}

/** The language one code cell runs in, or an error naming the cell and the language. */
export function cellLanguage(nb: Notebook, cell: NbCell, index: number): CellLanguage {
  const vscodeMeta = cell.metadata?.vscode;
  const perCell = isObject(vscodeMeta) && typeof vscodeMeta.languageId === 'string' ? vscodeMeta.languageId : undefined;
  const lang = normaliseLanguage(perCell ?? notebookLanguage(nb));
  if (!lang) throw new NotebookFormatError(`cell ${index + 1} is in ${perCell ?? notebookLanguage(nb)}, which tfnb does not run (TypeScript and JavaScript only)`);
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

export function writeFileAtomic(path: string, text: string): void {
  // `--output out/x.ipynb` on a fresh clone: the folder does not exist yet.
  mkdirSync(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.tfnb-${process.pid}-${Date.now()}.tmp`);
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(tmp, path);
  } catch (e) {
    try { unlinkSync(tmp); } catch { /* already gone */ }
    throw e;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function isMultiline(v: unknown): v is MultilineString {
  return typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string'));
}
function kind(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v;
}
