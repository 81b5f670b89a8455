/** An SVG histogram (bins from edges and counts), styled by CSS so it follows the theme. */
import { svg } from './dom';
import { formatCount, formatMetric } from './format';

/** About `count` round tick values covering [min, max]. */
export function niceTicks(min: number, max: number, count: number): number[] {
  if (!(max > min)) return [min];
  const rough = (max - min) / count;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? 10 * power;
  const ticks: number[] = [];
  for (let t = Math.ceil(min / step) * step; t <= max + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

export interface HistogramOptions {
  width: number;
  height: number;
  xLabel?: string;
  yLabel?: string;
  label: string;
}

export function histogramSvg(binEdges: readonly number[], counts: readonly number[], options: HistogramOptions): SVGSVGElement {
  const { width, height } = options;
  const margin = { left: options.yLabel ? 64 : 48, right: 10, top: 8, bottom: options.xLabel ? 36 : 22 };
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const low = binEdges[0]!;
  const high = binEdges[binEdges.length - 1]!;
  const maxCount = Math.max(1, ...counts);
  const x = (v: number): number => margin.left + (high > low ? ((v - low) / (high - low)) * plotWidth : plotWidth / 2);
  const y = (c: number): number => margin.top + plotHeight - (c / maxCount) * plotHeight;

  const peak = counts.indexOf(Math.max(...counts));
  const root = svg('svg', {
    class: 'tfnb-histogram',
    width,
    height,
    viewBox: `0 0 ${width} ${height}`,
    role: 'img',
    'aria-label': `${options.label}: ${counts.length} bins from ${formatMetric(low)} to ${formatMetric(high)}; the fullest bin holds ${formatCount(counts[peak] ?? 0)}.`,
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
        { class: 'tfnb-bar', x: left + 0.5, y: y(c), width: Math.max(1, right - left - 1), height: Math.max(0, margin.top + plotHeight - y(c)) },
        `[${formatMetric(binEdges[i])}, ${formatMetric(binEdges[i + 1])}${last ? ']' : ')'}: ${formatCount(c)}`,
      ),
    );
  });
  root.appendChild(svg('line', { class: 'tfnb-axis-line', x1: margin.left, x2: width - margin.right, y1: margin.top + plotHeight, y2: margin.top + plotHeight }));
  if (options.xLabel) {
    const label = svg('text', { class: 'tfnb-axis-title', x: margin.left + plotWidth / 2, y: height - 4, 'text-anchor': 'middle' });
    label.textContent = options.xLabel;
    root.appendChild(label);
  }
  if (options.yLabel) {
    const label = svg('text', { class: 'tfnb-axis-title', x: 12, y: margin.top + plotHeight / 2, 'text-anchor': 'middle', transform: `rotate(-90 12 ${margin.top + plotHeight / 2})` });
    label.textContent = options.yLabel;
    root.appendChild(label);
  }
  return root;
}
