/** An SVG histogram (bins from edges and counts), styled by CSS so it follows the theme. */
import { svg } from './dom';
import { formatCount, formatMetric } from './format';

/**
 * About `count` round tick values covering [min, max]. Bounded for any finite input: a span
 * that overflows (±1e308) or underflows (subnormals) gets just its ends, and a step too small
 * to move a huge value cannot loop forever.
 */
export function niceTicks(min: number, max: number, count: number): number[] {
  if (!(max > min)) return [min];
  const rough = (max - min) / count;
  const power = 10 ** Math.floor(Math.log10(rough));
  if (!(power > 0 && Number.isFinite(power))) return [min, max];
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? 10 * power;
  const start = Math.ceil(min / step) * step;
  const ticks: number[] = [];
  for (let i = 0; i <= 3 * count + 3; i++) {
    const t = start + i * step;
    if (t > max + step * 1e-9) break;
    const tick = Number(t.toPrecision(12));
    if (ticks[ticks.length - 1] !== tick) ticks.push(tick);
  }
  return ticks;
}

export interface HistogramOptions {
  width: number;
  height: number;
  xLabel?: string;
  yLabel?: string;
  label: string;
}

/** More bins than this are merged in runs for drawing: a bar narrower than a pixel shows nothing. */
const MAX_BARS = 400;

/** Merges runs of adjacent bins so at most MAX_BARS remain (edges kept at the run bounds). */
function mergeBins(binEdges: readonly number[], counts: readonly number[]): { binEdges: readonly number[]; counts: readonly number[] } {
  if (counts.length <= MAX_BARS) return { binEdges, counts };
  const run = Math.ceil(counts.length / MAX_BARS);
  const edges: number[] = [];
  const merged: number[] = [];
  for (let i = 0; i < counts.length; i += run) {
    edges.push(binEdges[i]!);
    let sum = 0;
    for (let j = i; j < Math.min(i + run, counts.length); j++) sum += counts[j]!;
    merged.push(Math.min(sum, Number.MAX_VALUE)); // counts near 1e308 must not add up to Infinity
  }
  edges.push(binEdges[counts.length]!);
  return { binEdges: edges, counts: merged };
}

export function histogramSvg(allEdges: readonly number[], allCounts: readonly number[], options: HistogramOptions): SVGSVGElement {
  const { binEdges, counts } = mergeBins(allEdges, allCounts);
  const { width, height } = options;
  const margin = { left: options.yLabel ? 64 : 48, right: 10, top: 8, bottom: options.xLabel ? 36 : 22 };
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const first = binEdges[0]!;
  const last = binEdges[binEdges.length - 1]!;
  // One bin (a constant tensor) spanning the whole axis drew a solid block: give it room on
  // both sides, so it reads as one bar at its value.
  const pad = counts.length === 1 ? (last - first) * 2 : 0;
  const [low, high] = Number.isFinite(first - pad) && Number.isFinite(last + pad) ? [first - pad, last + pad] : [first, last];
  // reduce, not Math.max(...counts): spreading 10^5 counts overflows the stack.
  const maxCount = counts.reduce((a, b) => Math.max(a, b), 1);
  // Halved before subtracting: edges of ±1e308 would overflow to Infinity (and NaN positions).
  const x = (v: number): number => margin.left + (high > low ? ((v / 2 - low / 2) / (high / 2 - low / 2)) * plotWidth : plotWidth / 2);
  const y = (c: number): number => margin.top + plotHeight - (c / maxCount) * plotHeight;

  const peak = counts.indexOf(counts.reduce((a, b) => Math.max(a, b), -Infinity));
  const root = svg('svg', {
    class: 'tfnb-histogram',
    width,
    height,
    viewBox: `0 0 ${width} ${height}`,
    role: 'img',
    'aria-label': `${options.label}: ${counts.length} bin${counts.length === 1 ? '' : 's'} from ${formatMetric(first)} to ${formatMetric(last)}; the fullest bin holds ${formatCount(counts[peak] ?? 0)}.`,
  });
  for (const tick of niceTicks(0, maxCount, 4).filter(Number.isInteger)) {
    root.appendChild(svg('line', { class: 'tfnb-grid-line', x1: margin.left, x2: width - margin.right, y1: y(tick), y2: y(tick) }));
    const label = svg('text', { class: 'tfnb-tick', x: margin.left - 6, y: y(tick) + 4, 'text-anchor': 'end' });
    label.textContent = formatCount(tick);
    root.appendChild(label);
  }
  for (const tick of niceTicks(low, high, 5)) {
    const label = svg('text', { class: 'tfnb-tick', x: x(tick), y: margin.top + plotHeight + 15, 'text-anchor': 'middle' });
    label.textContent = formatMetric(tick);
    root.appendChild(label);
  }
  counts.forEach((c, i) => {
    const left = x(binEdges[i]!);
    const right = x(binEdges[i + 1]!);
    const last = i === counts.length - 1;
    root.appendChild(
      svg(
        'rect',
        {
          class: 'tfnb-bar',
          x: left + 0.5,
          y: y(c),
          width: Math.max(1, right - left - 1),
          height: Math.max(0, margin.top + plotHeight - y(c)),
        },
        `[${formatMetric(binEdges[i])}, ${formatMetric(binEdges[i + 1])}${last ? ']' : ')'}: ${formatCount(c)}`,
      ),
    );
  });
  root.appendChild(
    svg('line', {
      class: 'tfnb-axis-line',
      x1: margin.left,
      x2: width - margin.right,
      y1: margin.top + plotHeight,
      y2: margin.top + plotHeight,
    }),
  );
  if (options.xLabel) {
    const label = svg('text', { class: 'tfnb-axis-title', x: margin.left + plotWidth / 2, y: height - 4, 'text-anchor': 'middle' });
    label.textContent = options.xLabel;
    root.appendChild(label);
  }
  if (options.yLabel) {
    const label = svg('text', {
      class: 'tfnb-axis-title',
      x: 12,
      y: margin.top + plotHeight / 2,
      'text-anchor': 'middle',
      transform: `rotate(-90 12 ${margin.top + plotHeight / 2})`,
    });
    label.textContent = options.yLabel;
    root.appendChild(label);
  }
  return root;
}
