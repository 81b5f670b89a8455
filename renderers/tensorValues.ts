/**
 * The structure of a tensor's summarised values: nested arrays as deep as the rank, where
 * the kernel sends the edge items of each long axis with `null` where the middle was
 * elided (like NumPy's print). The items after the gap count from the end of the axis.
 */
import { TENSOR_SUMMARY_THRESHOLD } from '../src/protocol/mime';
import { PayloadError } from './validate';

/** Real indices of the shown items of an axis of `length`, with null at the elision. */
export function axisIndices(length: number, items: readonly unknown[], where: string): Array<number | null> {
  const gap = items.indexOf(null);
  if (gap === -1) {
    if (items.length !== length) throw new PayloadError(`${where}: expected ${length} entries (the shape says so), got ${items.length}`);
    return items.map((_, i) => i);
  }
  if (items.lastIndexOf(null) !== gap) throw new PayloadError(`${where}: at most one elided ("null") position per axis`);
  const after = items.length - gap - 1;
  if (gap + after >= length)
    throw new PayloadError(`${where}: ${items.length - 1} shown entries leave nothing to elide on an axis of ${length}`);
  return items.map((_, i) => (i < gap ? i : i === gap ? null : length - after + (i - gap - 1)));
}

function isLeaf(value: unknown): boolean {
  return typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean';
}

/** Checks nesting against the shape and gathers the leaf values (for the shared number format). */
export function collectLeaves(value: unknown, rank: number, where: string, leaves: unknown[]): void {
  if (rank === 0) {
    if (!isLeaf(value)) throw new PayloadError(`${where}: expected a number, string or boolean`);
    leaves.push(value);
    return;
  }
  if (!Array.isArray(value)) throw new PayloadError(`${where}: expected a nested array ${rank} level(s) deep`);
  value.forEach((item, i) => {
    if (item !== null) collectLeaves(item, rank - 1, `${where}[${i}]`, leaves);
  });
}

/**
 * Checks that `values` fits `shape` (nesting depth, axis lengths, one elision at most per
 * axis), so a malformed payload fails before anything is drawn.
 */
export function checkValues(values: unknown, shape: readonly number[]): void {
  collectLeaves(values, shape.length, 'values', []);
  const walk = (items: unknown, axis: number, where: string): void => {
    if (axis === shape.length) return;
    const list = items as unknown[];
    axisIndices(shape[axis]!, list, where);
    list.forEach((item, i) => {
      if (item !== null) walk(item, axis + 1, `${where}[${i}]`);
    });
  };
  walk(values, 0, 'values');
}

const EDGE_ITEMS = 3;

function countLeaves(value: unknown, rank: number): number {
  if (rank === 0) return 1;
  let n = 0;
  for (const item of value as unknown[]) if (item !== null) n += countLeaves(item, rank - 1);
  return n;
}

/**
 * Values the grid can draw quickly: when a (valid) payload shows more than 1000 values, each
 * axis longer than 6 that is not already elided keeps its first and last 3 items with a null
 * between, exactly as the kernel summarises. Thousands of table cells freeze the webview
 * (a full 400 × 400 grid took minutes to lay out). `values` must already fit `shape`.
 */
export function summariseValues(values: unknown, shape: readonly number[]): { values: unknown; summarised: boolean } {
  if (countLeaves(values, shape.length) <= TENSOR_SUMMARY_THRESHOLD) return { values, summarised: false };
  const walk = (items: unknown, axis: number): unknown => {
    if (axis === shape.length) return items;
    const list = items as unknown[];
    const kept =
      !list.includes(null) && list.length > 2 * EDGE_ITEMS ? [...list.slice(0, EDGE_ITEMS), null, ...list.slice(-EDGE_ITEMS)] : list;
    return kept.map((item) => (item === null ? null : walk(item, axis + 1)));
  };
  return { values: walk(values, 0), summarised: true };
}
