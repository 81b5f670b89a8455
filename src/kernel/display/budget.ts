/**
 * Keeping payloads bounded: builders produce a bundle at a summarisation level (0 = richest);
 * the first level whose JSON fits the byte budget wins.
 */
import type { MimeBundle } from '../../protocol/mime';

export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value));
}

/**
 * Tries `build(0)`, `build(1)`, ... up to `maxLevel` and returns the first bundle within
 * `maxBytes`. The last level is meant to be minimal; it is returned even if it does not fit.
 */
export function fitWithin(maxBytes: number, maxLevel: number, build: (level: number) => MimeBundle): MimeBundle {
  let bundle = build(0);
  for (let level = 1; level <= maxLevel && jsonBytes(bundle) > maxBytes; level++) bundle = build(level);
  return bundle;
}

/** Rounds a number to `digits` significant digits (integers and non-finite values unchanged). */
export function roundSig(x: number, digits: number): number {
  if (!Number.isFinite(x) || Number.isInteger(x)) return x;
  return Number(x.toPrecision(digits));
}

/** Short human form of a number for axes, tables and text. */
export function formatNumber(x: number | null | undefined, digits = 4): string {
  if (x === null || x === undefined) return '—';
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Inf' : '-Inf';
  if (Number.isInteger(x) && Math.abs(x) < 1e9) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return x.toExponential(Math.max(0, digits - 2));
  return String(Number(x.toPrecision(digits)));
}

/** Keeps every `stride`-th element and always the last one. */
export function decimate<T>(items: readonly T[], maxCount: number): T[] {
  if (items.length <= maxCount) return items.slice();
  if (maxCount <= 0) return [];
  if (maxCount === 1) return [items[items.length - 1]!];
  const stride = Math.ceil((items.length - 1) / (maxCount - 1));
  const out: T[] = [];
  for (let i = 0; i < items.length - 1; i += stride) out.push(items[i]!);
  out.push(items[items.length - 1]!);
  return out;
}

/** Cuts a string to `max` characters with an ellipsis. */
export function clip(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, Math.max(0, max - 1))}…`;
}
