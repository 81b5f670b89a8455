/**
 * Generic charts (the tfjs-vis render calls): line and scatter (uPlot), bar (HTML bars),
 * histogram (SVG), heatmap (canvas) and table.
 */
import { colorMapName } from './colorScale';
import { h, heading } from './dom';
import { formatCount, formatMetric, formatTableNumber } from './format';
import { heatmap } from './heatmap';
import { histogramSvg } from './histogram';
import { LineChart, type AlignedData } from './lineChart';
import type { ChartView, HeatmapChartView, LineChartView } from './payloads';
import type { CreateView } from './view';

type Of<K extends ChartView['kind']> = Extract<ChartView, { kind: K }>;

const MAX_TABLE_ROWS = 2000;

/**
 * Aligns series with their own x values into uPlot's shared-x form. Line series merge on
 * equal x; scatter points each keep their own row (two points may share an x). String x
 * values become category indices.
 */
export function alignSeries(chart: LineChartView): { data: AlignedData; categories: string[] | null } {
  const categories: string[] = [];
  const categoryIndex = new Map<string, number>();
  const toX = (x: number | string): number => {
    if (typeof x === 'number') return x;
    let i = categoryIndex.get(x);
    if (i === undefined) {
      i = categories.push(x) - 1;
      categoryIndex.set(x, i);
    }
    return i;
  };
  const rows: Array<{ x: number; series: number; y: number | null }> = [];
  chart.series.forEach((s, k) => s.points.forEach((p) => rows.push({ x: toX(p.x), series: k, y: p.y })));
  rows.sort((a, b) => a.x - b.x);
  const x: number[] = [];
  const columns = chart.series.map(() => [] as Array<number | null>);
  for (const row of rows) {
    const merge = chart.kind === 'line' && x.length > 0 && x[x.length - 1] === row.x;
    if (!merge) {
      x.push(row.x);
      for (const c of columns) c.push(null);
    }
    columns[row.series]![x.length - 1] = row.y;
  }
  return { data: [x, ...columns], categories: categories.length ? categories : null };
}

function lineChart(chart: LineChartView): { element: HTMLElement; chart: LineChart } {
  const { data, categories } = alignSeries(chart);
  const points = chart.series.reduce((n, s) => n + s.points.length, 0);
  const plot = new LineChart(
    {
      series: chart.series.map((s, i) => ({
        label: s.name,
        color: i,
        width: 2,
        points: chart.kind === 'scatter' || points <= 50,
        line: chart.kind === 'line',
      })),
      label: `${chart.kind === 'line' ? 'Line' : 'Scatter'} chart of ${chart.series.map((s) => s.name).join(', ')} (${formatCount(points)} points)`,
      ...(chart.xLabel ? { xLabel: chart.xLabel } : {}),
      ...(chart.yLabel ? { yLabel: chart.yLabel } : {}),
      logY: chart.logY ?? false,
      height: 280,
      ...(categories ? { formatX: (v: number) => (Number.isInteger(v) ? (categories[v] ?? '') : '') } : {}),
    },
    data,
  );
  return { element: plot.element, chart: plot };
}

/** Bars drawn at most; beyond, a note says how many were left out (like the table's rows). */
const MAX_BARS = 1000;

function barChart(chart: Of<'bar'>): HTMLElement {
  const values = chart.bars.map((b) => b.value);
  // reduce, not Math.min(...values): spreading 10^5 arguments overflows the stack.
  const low = values.reduce((a, b) => Math.min(a, b), 0);
  const high = values.reduce((a, b) => Math.max(a, b), 0);
  // Halved: a span from -1e308 to 1e308 overflows to Infinity (and NaN% widths).
  const span = high / 2 - low / 2 || 1;
  const list = h('div', { class: 'tfnb-bars', attrs: { role: 'list', 'aria-label': chart.yLabel ?? 'Bar chart' } });
  for (const bar of chart.bars.slice(0, MAX_BARS)) {
    const fill = h('span', { class: 'tfnb-bar-fill' });
    // Bars grow from zero; only computed numbers reach the style.
    fill.style.left = `${((Math.min(0, bar.value) / 2 - low / 2) / span) * 100}%`;
    fill.style.width = `${(Math.abs(bar.value) / 2 / span) * 100}%`;
    list.appendChild(
      h(
        'div',
        { class: 'tfnb-bar-row', attrs: { role: 'listitem' }, title: `${bar.label}: ${formatMetric(bar.value)}` },
        h('span', { class: 'tfnb-bar-label', text: bar.label }),
        h('span', { class: 'tfnb-bar-track' }, fill),
        h('span', { class: 'tfnb-bar-value', text: formatMetric(bar.value) }),
      ),
    );
  }
  const more = chart.bars.length - MAX_BARS;
  return h(
    'div',
    {},
    list,
    chart.xLabel ? h('div', { class: 'tfnb-axis-label', text: chart.xLabel }) : null,
    more > 0 ? h('div', { class: 'tfnb-note', text: `${formatCount(more)} more bars not shown.` }) : null,
  );
}

function histogramChart(chart: Of<'histogram'>): HTMLElement {
  const stats = chart.stats;
  return h(
    'div',
    {},
    histogramSvg(chart.binEdges, chart.counts, {
      width: 560,
      height: 240,
      label: chart.title ?? 'Histogram',
      ...(chart.xLabel ? { xLabel: chart.xLabel } : {}),
      yLabel: chart.yLabel ?? 'count',
    }),
    stats
      ? h(
          'div',
          { class: 'tfnb-note' },
          `min ${formatMetric(stats.min)} · max ${formatMetric(stats.max)} · mean ${formatMetric(stats.mean)} · std ${formatMetric(stats.std)}` +
            (stats.nanCount || stats.infCount ? ` · NaN ${formatCount(stats.nanCount)} · ±Inf ${formatCount(stats.infCount)}` : ''),
        )
      : null,
  );
}

function heatmapChart(chart: HeatmapChartView): HTMLElement {
  const name = (labels: string[] | undefined, i: number): string => labels?.[i] ?? String(i);
  return heatmap({
    rows: chart.rows,
    cols: chart.cols,
    data: chart.data,
    colorMap: colorMapName(chart.colorMap),
    maxSize: 420,
    fillWidth: true,
    label: chart.title ?? `Heatmap, ${chart.rows} × ${chart.cols}`,
    ...(chart.xTickLabels ? { xTickLabels: chart.xTickLabels } : {}),
    ...(chart.yTickLabels ? { yTickLabels: chart.yTickLabels } : {}),
    ...(chart.xLabel ? { xLabel: chart.xLabel } : {}),
    ...(chart.yLabel ? { yLabel: chart.yLabel } : {}),
    ...(chart.domain ? { domain: chart.domain } : {}),
    describeCell: (r, c, v) =>
      `${chart.yLabel ?? 'row'} ${name(chart.yTickLabels, r)}, ${chart.xLabel ?? 'col'} ${name(chart.xTickLabels, c)}: ${v === null ? 'no value' : formatMetric(v)}`,
  });
}

/** Up to this many rows a table is drawn in full; above it, in a scroll box (480 px). */
const FIT_TABLE_ROWS = 20;

function tableChart(chart: Of<'table'>): HTMLElement {
  const table = h('table', { class: 'tfnb-data-table' });
  const shown = chart.rows.slice(0, MAX_TABLE_ROWS);
  // A column of numbers (nulls aside) is right-aligned, header included; text stays left.
  const numeric = chart.headers.map(
    (_, i) =>
      shown.some((row) => typeof row[i] === 'number') &&
      shown.every((row) => typeof row[i] === 'number' || row[i] === null || row[i] === undefined),
  );
  table.appendChild(
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...chart.headers.map((t, i) => h('th', { class: numeric[i] ? 'tfnb-num' : undefined, attrs: { scope: 'col' }, text: t })),
      ),
    ),
  );
  const body = h('tbody');
  for (const row of shown) {
    body.appendChild(
      h(
        'tr',
        {},
        ...row.map((cell) =>
          h('td', {
            class: typeof cell === 'number' ? 'tfnb-num' : undefined,
            text: cell === null ? '—' : typeof cell === 'number' ? formatTableNumber(cell) : cell,
          }),
        ),
      ),
    );
  }
  table.appendChild(body);
  const more = chart.rows.length - MAX_TABLE_ROWS;
  // A short table fits its rows: a fixed-height box cut its last row in the middle.
  return h(
    'div',
    { class: shown.length > FIT_TABLE_ROWS ? 'tfnb-table-scroll' : 'tfnb-table-scroll tfnb-table-fit' },
    table,
    more > 0 ? h('div', { class: 'tfnb-note', text: `${formatCount(more)} more rows not shown.` }) : null,
  );
}

const KIND_NAMES: Record<ChartView['kind'], string> = {
  line: 'Line chart',
  scatter: 'Scatter plot',
  bar: 'Bar chart',
  histogram: 'Histogram',
  heatmap: 'Heatmap',
  table: 'Table',
};

export const createChartView: CreateView<ChartView> = (host, initial) => {
  let plot: LineChart | null = null;
  const render = (chart: ChartView): void => {
    plot?.destroy();
    plot = null;
    let body: HTMLElement;
    switch (chart.kind) {
      case 'line':
      case 'scatter':
        ({ element: body, chart: plot } = lineChart(chart));
        break;
      case 'bar':
        body = barChart(chart);
        break;
      case 'histogram':
        body = histogramChart(chart);
        break;
      case 'heatmap':
        body = heatmapChart(chart);
        break;
      case 'table':
        body = tableChart(chart);
        break;
    }
    host.replaceChildren(heading(chart.title, KIND_NAMES[chart.kind]), body);
    host.dataset['chartKind'] = chart.kind;
  };
  render(initial);
  return {
    update: render,
    refreshTheme: () => plot?.refreshTheme(),
    dispose() {
      plot?.destroy();
      host.replaceChildren();
    },
  };
};
