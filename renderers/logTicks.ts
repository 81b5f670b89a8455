/**
 * Tick values for a log y axis. uPlot's own log splitter steps through a magnitude in the
 * increments of its tick table (1e-32 at the least), so a log axis reaching far below that
 * (a metric of 2e-273) makes it build ticks until the array overflows: a RangeError thrown
 * in uPlot's deferred commit, where no try/catch of ours can turn it into an error box.
 * Found by the renderer fuzz test (test/renderers/fuzz.test.ts).
 */
import type uPlot from 'uplot';

/** At most this many ticks (9 a decade over the whole float range is ~5,600). */
const MAX_TICKS = 6400;

/** 1…9 × 10^k inside [min, max]; nothing when the scale has no usable range yet. */
export function logSplits(_u: uPlot, _axis: number, min: number, max: number): number[] {
  if (!(min > 0 && max >= min && Number.isFinite(max))) return [];
  const splits: number[] = [];
  for (let exp = Math.floor(Math.log10(min)); exp <= Math.ceil(Math.log10(max)) && splits.length < MAX_TICKS; exp++) {
    for (let m = 1; m < 10; m++) {
      const v = Number(`${m}e${exp}`);
      if (v >= min && v <= max) splits.push(v);
    }
  }
  return splits;
}
