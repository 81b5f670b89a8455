/**
 * Reads a tensor's values into JS once (no tensor ops, so nothing to dispose), and computes the
 * statistics and histogram the tensor payload carries.
 */
import type { TensorStats } from '../../protocol/mime';
import { roundSig } from './budget';
import type { Tensor } from './detect';

export type TensorValues =
  | { kind: 'number'; data: ArrayLike<number>; integer: boolean }
  | { kind: 'bool'; data: ArrayLike<number> }
  | { kind: 'string'; data: string[] }
  /** Interleaved real and imaginary parts. */
  | { kind: 'complex'; data: ArrayLike<number> }
  | { kind: 'unreadable'; reason: string };

export function readTensorValues(t: Tensor): TensorValues {
  if (t.isDisposed) return { kind: 'unreadable', reason: 'disposed' };
  try {
    const raw = t.dataSync() as unknown;
    if (t.dtype === 'string') return { kind: 'string', data: Array.from(raw as ArrayLike<string>, String) };
    if (t.dtype === 'bool') return { kind: 'bool', data: raw as ArrayLike<number> };
    if (t.dtype === 'complex64') return { kind: 'complex', data: raw as ArrayLike<number> };
    return { kind: 'number', data: raw as ArrayLike<number>, integer: t.dtype === 'int32' };
  } catch (e) {
    return { kind: 'unreadable', reason: e instanceof Error ? e.message : String(e) };
  }
}

export interface FullStats extends TensorStats {
  finiteCount: number;
}

/** min/max/mean/std over finite values (null when there are none), and NaN/Inf counts. */
export function computeStats(data: ArrayLike<number>): FullStats {
  let min = Infinity,
    max = -Infinity,
    mean = 0,
    m2 = 0,
    n = 0,
    nanCount = 0,
    infCount = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v !== v) {
      nanCount++;
      continue;
    }
    if (v === Infinity || v === -Infinity) {
      infCount++;
      continue;
    }
    n++;
    if (v < min) min = v;
    if (v > max) max = v;
    const d = v - mean;
    mean += d / n;
    m2 += d * (v - mean);
  }
  if (n === 0) return { min: null, max: null, mean: null, std: null, nanCount, infCount, finiteCount: 0 };
  return { min, max, mean: roundSig(mean, 7), std: roundSig(Math.sqrt(m2 / n), 7), nanCount, infCount, finiteCount: n };
}

export function publicStats(s: FullStats): TensorStats {
  return { min: s.min, max: s.max, mean: s.mean, std: s.std, nanCount: s.nanCount, infCount: s.infCount };
}

/** Histogram of the finite values: unit bins for small integer ranges, else `maxBins` equal bins. */
export function computeHistogram(
  data: ArrayLike<number>,
  stats: FullStats,
  maxBins: number,
  integer: boolean,
): { binEdges: number[]; counts: number[] } | undefined {
  if (stats.min === null || stats.max === null || stats.finiteCount === 0) return undefined;
  const min = stats.min,
    max = stats.max;
  let bins: number, start: number, width: number;
  if (integer && max - min + 1 <= maxBins) {
    bins = max - min + 1;
    start = min - 0.5;
    width = 1;
  } else if (min === max) {
    bins = 1;
    start = min - 0.5;
    width = 1;
  } else {
    bins = maxBins;
    start = min;
    width = (max - min) / bins;
  }
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (!Number.isFinite(v)) continue;
    counts[Math.min(bins - 1, Math.max(0, Math.floor((v - start) / width)))]!++;
  }
  const binEdges = Array.from({ length: bins + 1 }, (_, i) => roundSig(start + i * width, 6));
  return { binEdges, counts };
}

/**
 * A rows×cols grid downsampled to at most side×side by block means over finite values
 * (NaN for blocks without any). Row-major.
 */
export function blockMeans(
  data: ArrayLike<number>,
  rows: number,
  cols: number,
  side: number,
): { rows: number; cols: number; data: number[] } {
  const R = Math.min(rows, side),
    C = Math.min(cols, side);
  const sums = new Float64Array(R * C),
    counts = new Uint32Array(R * C);
  const colBin = new Uint32Array(cols);
  for (let c = 0; c < cols; c++) colBin[c] = Math.floor((c * C) / cols);
  for (let r = 0; r < rows; r++) {
    const rowBase = Math.floor((r * R) / rows) * C;
    const offset = r * cols;
    for (let c = 0; c < cols; c++) {
      const v = data[offset + c]!;
      if (Number.isFinite(v)) {
        sums[rowBase + colBin[c]!]! += v;
        counts[rowBase + colBin[c]!]!++;
      }
    }
  }
  const out = new Array<number>(R * C);
  for (let i = 0; i < R * C; i++) out[i] = counts[i] ? roundSig(sums[i]! / counts[i]!, 5) : NaN;
  return { rows: R, cols: C, data: out };
}
