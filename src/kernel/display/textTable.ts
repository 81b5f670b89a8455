/** Plain-text tables for text/plain outputs (and the monospace SVG fallbacks). */
import { clip } from './budget';

export type Cell = string | number | boolean | null | undefined;

export function cellText(v: Cell): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isInteger(v) ? v.toLocaleString('en-US') : String(Number(v.toPrecision(6)));
  return String(v);
}

/** Columns padded to their widest cell (capped), header underlined; numbers right-aligned. */
export function textTable(headers: string[], rows: Cell[][], maxCellChars = 40): string[] {
  const texts = rows.map((r) => headers.map((_, i) => clip(cellText(r[i]), maxCellChars).replace(/\s+/g, ' ')));
  const widths = headers.map((h, i) => Math.max(h.length, ...texts.map((r) => r[i]!.length)));
  const numeric = headers.map(
    (_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number' || r[i] === null || r[i] === undefined),
  );
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...texts.map(line)];
}
