/**
 * Values summarised like NumPy's print: above 1000 elements, each axis longer than 2·edge keeps
 * `edge` items at each end with `null` where entries are elided. The edge shrinks (3, 2, 1) until
 * the number of kept entries fits the level's budget.
 */
import { TENSOR_SUMMARY_THRESHOLD } from '../../protocol/mime';
import { clip, roundSig } from './budget';
import type { TensorValues } from './tensorData';

export type Leaf = number | string | boolean;
/** A summarised tensor: nested arrays; `null` marks elided entries ("..."). */
export type Nested = Leaf | null | Nested[];

export function leafCount(shape: number[], edge: number): number {
  return shape.reduce((n, d) => n * (d > 2 * edge ? 2 * edge + 1 : d), 1);
}

/** Edge items to keep: Infinity for everything, undefined when even edge 1 exceeds `maxLeaves`. */
export function chooseEdge(shape: number[], size: number, maxLeaves: number): number | undefined {
  if (size <= TENSOR_SUMMARY_THRESHOLD && size <= maxLeaves) return Infinity;
  for (const edge of [3, 2, 1]) if (leafCount(shape, edge) <= maxLeaves) return edge;
  return undefined;
}

function encodeNumber(v: number, integer: boolean): Leaf {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
  return integer ? v : roundSig(v, 8);
}

/** Leaf accessor for a tensor's values; JSON-safe (non-finite numbers become strings). */
export function leafReader(values: TensorValues, maxStringChars: number): ((flatIndex: number) => Leaf) | undefined {
  switch (values.kind) {
    case 'number':
      return (i) => encodeNumber(values.data[i]!, values.integer);
    case 'bool':
      return (i) => values.data[i] !== 0;
    case 'string':
      return (i) => clip(values.data[i]!, maxStringChars);
    case 'complex':
      return (i) => {
        const re = encodeNumber(values.data[2 * i]!, false),
          im = values.data[2 * i + 1]!;
        return `${re}${im < 0 || Object.is(im, -0) ? '-' : '+'}${encodeNumber(Math.abs(im), false)}j`;
      };
    case 'unreadable':
      return undefined;
  }
}

export function summarizeValues(shape: number[], leaf: (flatIndex: number) => Leaf, edge: number): Nested {
  const strides = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) strides[i] = strides[i + 1]! * shape[i + 1]!;
  const build = (axis: number, offset: number): Nested => {
    if (axis === shape.length) return leaf(offset);
    const n = shape[axis]!;
    const out: Nested[] = [];
    if (n > 2 * edge) {
      for (let i = 0; i < edge; i++) out.push(build(axis + 1, offset + i * strides[axis]!));
      out.push(null);
      for (let i = n - edge; i < n; i++) out.push(build(axis + 1, offset + i * strides[axis]!));
    } else {
      for (let i = 0; i < n; i++) out.push(build(axis + 1, offset + i * strides[axis]!));
    }
    return out;
  };
  return build(0, 0);
}

/** NumPy-style text of summarised values, with aligned columns and wrapped long rows. */
export function formatNested(values: Nested, rank: number, quoteStrings: boolean, maxLineChars = 100): string {
  // Text shows 5 significant digits; the JSON payload keeps 8.
  const leafText = (v: Leaf): string =>
    typeof v === 'string' && quoteStrings ? JSON.stringify(v) : typeof v === 'number' ? String(roundSig(v, 5)) : String(v);
  if (!Array.isArray(values)) return values === null ? '...' : leafText(values);
  let width = 0;
  const measure = (n: Nested): void => {
    if (Array.isArray(n)) n.forEach(measure);
    else if (n !== null) width = Math.max(width, leafText(n).length);
  };
  measure(values);
  const cell = (n: Nested): string => (n === null || Array.isArray(n) ? '...' : leafText(n).padStart(width));
  const fmt = (node: Nested[], depth: number): string => {
    const indent = ' '.repeat(depth + 1);
    if (depth === rank - 1) {
      const lines: string[] = [];
      let line = '';
      for (const item of node.map(cell)) {
        if (line && depth + 1 + line.length + item.length + 2 > maxLineChars) {
          lines.push(line + ',');
          line = '';
        }
        line += line ? `, ${item}` : item;
      }
      lines.push(line);
      return `[${lines.join(`\n${indent}`)}]`;
    }
    const gap = rank - depth > 2 ? '\n\n' : '\n';
    return `[${node.map((c) => (Array.isArray(c) ? fmt(c, depth + 1) : '...')).join(`,${gap}${indent}`)}]`;
  };
  return fmt(values, 0);
}
