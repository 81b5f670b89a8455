/**
 * Min/max decimation for long series: per bucket of consecutive points keep the lowest and
 * the highest (in their original order), so spikes survive while a 100,000-point curve
 * costs the chart only a few thousand points. O(n); reads points through accessors so the
 * caller needs no intermediate arrays.
 */
export interface Series {
  x: number[];
  y: Array<number | null>;
}

export function decimateMinMax(count: number, xAt: (i: number) => number, yAt: (i: number) => number | null, maxPoints: number): Series {
  const out: Series = { x: [], y: [] };
  if (count <= maxPoints) {
    for (let i = 0; i < count; i++) {
      out.x.push(xAt(i));
      out.y.push(yAt(i));
    }
    return out;
  }
  const buckets = Math.max(1, Math.floor(maxPoints / 2));
  for (let b = 0; b < buckets; b++) {
    const start = Math.floor((b * count) / buckets);
    const end = Math.floor(((b + 1) * count) / buckets);
    let lo = -1;
    let hi = -1;
    let loValue = Infinity;
    let hiValue = -Infinity;
    for (let i = start; i < end; i++) {
      const v = yAt(i);
      if (v === null) continue;
      if (v < loValue) {
        lo = i;
        loValue = v;
      }
      if (v > hiValue) {
        hi = i;
        hiValue = v;
      }
    }
    if (lo < 0) {
      // A bucket of gaps stays a gap.
      out.x.push(xAt(start));
      out.y.push(null);
    } else if (lo === hi) {
      out.x.push(xAt(lo));
      out.y.push(loValue);
    } else {
      const [first, firstValue, second, secondValue] = lo < hi ? [lo, loValue, hi, hiValue] : [hi, hiValue, lo, loValue];
      out.x.push(xAt(first), xAt(second));
      out.y.push(firstValue, secondValue);
    }
  }
  return out;
}
