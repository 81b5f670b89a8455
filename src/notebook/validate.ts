/**
 * Checks a parsed notebook against nbformat 4's JSON schema (nbformat.v4.0–v4.5.schema.json), for
 * the parts that decide whether tfnb can run it and write it back valid, and repairs cell ids as
 * Jupyter's nbformat does (a missing or duplicate id gets a new one, with a notice).
 *
 * Where tfnb is more lenient than the schema, on purpose: unknown top-level and cell fields
 * are passed through untouched (Jupyter also only warns about them); a cell without `metadata`,
 * `outputs` or `execution_count` is accepted (tfnb writes the last two for every code cell), and
 * so is a kernelspec without `name` or `display_name` (tfnb reads neither; a wrong type is refused).
 * Stricter, on purpose: an empty `language_info.name` (the schema allows it; tfnb cannot tell
 * which language the cells are in).
 */
import { randomUUID } from 'node:crypto';
import { NotebookFormatError } from './errors';
import type { MultilineString, NbCell, Notebook } from './ipynb';

const CELL_ID = /^[a-zA-Z0-9-_]+$/;
const OUTPUT_TYPES = new Set(['stream', 'display_data', 'execute_result', 'error']);

export function validateNotebook(json: unknown, label: string): asserts json is Notebook {
  if (!isObject(json)) throw new NotebookFormatError(`${label}: the top level must be a JSON object, not ${kind(json)}`);
  if (json.nbformat !== 4)
    throw new NotebookFormatError(`${label}: nbformat ${JSON.stringify(json.nbformat)} is not supported; tfnb reads nbformat 4`);
  if (json.nbformat_minor === undefined) throw new NotebookFormatError(`${label}: "nbformat_minor" is missing (nbformat 4 requires it)`);
  if (!isNonNegativeInteger(json.nbformat_minor))
    throw new NotebookFormatError(`${label}: nbformat_minor must be a non-negative integer, not ${brief(json.nbformat_minor)}`);
  if (json.metadata === undefined)
    throw new NotebookFormatError(`${label}: the top-level "metadata" object is missing (nbformat 4 requires it; {} will do)`);
  if (!isObject(json.metadata)) throw new NotebookFormatError(`${label}: metadata must be an object, not ${kind(json.metadata)}`);
  validateNotebookMetadata(json.metadata, label);
  if (!Array.isArray(json.cells)) throw new NotebookFormatError(`${label}: "cells" must be an array`);
  json.cells.forEach((cell: unknown, i: number) => validateCell(cell, `${label}: cell ${i + 1}`, json.nbformat_minor as number));
}

function validateNotebookMetadata(metadata: Record<string, unknown>, label: string): void {
  const { kernelspec, language_info: info } = metadata;
  if (kernelspec !== undefined) {
    if (!isObject(kernelspec))
      throw new NotebookFormatError(
        `${label}: metadata.kernelspec must be an object with "name" and "display_name", not ${kind(kernelspec)}`,
      );
    // The schema requires both; tfnb reads neither, so a missing one is tolerated (a wrong type is not).
    for (const field of ['name', 'display_name', 'language']) {
      if (kernelspec[field] !== undefined && typeof kernelspec[field] !== 'string')
        throw new NotebookFormatError(`${label}: metadata.kernelspec.${field} must be a string, not ${brief(kernelspec[field])}`);
    }
  }
  if (info !== undefined) {
    if (!isObject(info)) throw new NotebookFormatError(`${label}: metadata.language_info must be an object with "name", not ${kind(info)}`);
    if (typeof info.name !== 'string')
      throw new NotebookFormatError(`${label}: metadata.language_info.name must be a string, not ${brief(info.name)}`);
    if (info.name.trim() === '')
      throw new NotebookFormatError(`${label}: metadata.language_info.name is empty; set it to "typescript" (or remove language_info)`);
  }
}

function validateCell(cell: unknown, where: string, minor: number): void {
  if (!isObject(cell)) throw new NotebookFormatError(`${where} must be an object, not ${kind(cell)}`);
  if (cell.cell_type !== 'code' && cell.cell_type !== 'markdown' && cell.cell_type !== 'raw') {
    throw new NotebookFormatError(`${where} has an unknown cell_type ${brief(cell.cell_type)}`);
  }
  if (!isMultiline(cell.source)) throw new NotebookFormatError(`${where}: source must be a string or an array of strings`);
  if (cell.metadata !== undefined && !isObject(cell.metadata)) throw new NotebookFormatError(`${where}: metadata must be an object`);
  // A missing or duplicate id is repaired (repairCellIds); one that is there must be valid.
  if (minor >= 5 && cell.id !== undefined) {
    const id = cell.id;
    if (typeof id !== 'string') throw new NotebookFormatError(`${where}: id must be a string, not ${brief(id)}`);
    if (id.length < 1 || id.length > 64 || !CELL_ID.test(id)) {
      throw new NotebookFormatError(
        `${where}: id ${brief(id)}${id.length > 64 ? ` (${id.length} characters)` : ''} is not a valid cell id (1 to 64 of the characters a-z A-Z 0-9 - _)`,
      );
    }
  }
  if (cell.attachments !== undefined && !isObject(cell.attachments))
    throw new NotebookFormatError(`${where}: attachments must be an object`);
  if (cell.cell_type !== 'code') return;
  if (cell.execution_count !== undefined && cell.execution_count !== null && !isNonNegativeInteger(cell.execution_count)) {
    throw new NotebookFormatError(`${where}: execution_count must be a non-negative integer or null, not ${brief(cell.execution_count)}`);
  }
  if (cell.outputs !== undefined) {
    if (!Array.isArray(cell.outputs)) throw new NotebookFormatError(`${where}: outputs must be an array`);
    cell.outputs.forEach((output: unknown, j: number) => {
      if (!isObject(output) || typeof output.output_type !== 'string')
        throw new NotebookFormatError(`${where}: output ${j + 1} must be an object with an "output_type"`);
      if (!OUTPUT_TYPES.has(output.output_type))
        throw new NotebookFormatError(`${where}: output ${j + 1} has an unknown output_type ${brief(output.output_type)}`);
    });
  }
}

/**
 * nbformat 4.5+: every cell needs a unique id. As nbformat's `validate(repair_duplicate_cell_ids)`
 * and its normaliser do, a missing id gets a new random one and a repeated id is replaced in the
 * later cells. Returns one notice per repair (for stderr).
 */
export function repairCellIds(nb: Notebook): string[] {
  if (nb.nbformat_minor < 5) return [];
  const notices: string[] = [];
  const seen = new Set<string>();
  const all = new Set(nb.cells.map((c) => c.id).filter((id): id is string => typeof id === 'string'));
  nb.cells.forEach((cell: NbCell, i) => {
    const id = cell.id;
    if (typeof id === 'string' && !seen.has(id)) {
      seen.add(id);
      return;
    }
    let fresh: string;
    do fresh = randomUUID().replace(/-/g, '').slice(0, 8);
    while (all.has(fresh));
    all.add(fresh);
    seen.add(fresh);
    cell.id = fresh;
    notices.push(
      id === undefined
        ? `cell ${i + 1} had no id (nbformat 4.5 requires one); it is now "${fresh}"`
        : `cell ${i + 1} repeated the id "${id}" of an earlier cell; it is now "${fresh}"`,
    );
  });
  return notices;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function isNonNegativeInteger(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0;
}
function isMultiline(v: unknown): v is MultilineString {
  return typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string'));
}
function kind(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v;
}
function brief(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 60)}…` : s;
}
