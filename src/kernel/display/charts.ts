/**
 * Chart payloads (what tfvis.render.* draws) → MIME bundles with a text summary and an SVG,
 * thinned (points, bars, rows, cells) until they fit the payload budget.
 */
import { MIME, type ChartPayload, type ChartSeries, type MimeBundle } from '../../protocol/mime';
import { clip, decimate, fitWithin, formatNumber } from './budget';
import { finiteRange, toColorMapName } from './colormap';
import { barPanel, heatmapPanel, histogramPanel, svgDocument, textDocument, xyPanel } from './svg';
import { blockMeans } from './tensorData';
import { textTable } from './textTable';

type Chart<K extends ChartPayload['kind']> = Extract<ChartPayload, { kind: K }>;

const WIDTH = 640,
  HEIGHT = 360;

function thinSeries(series: ChartSeries[], totalPoints: number): ChartSeries[] {
  const per = Math.max(2, Math.floor(totalPoints / Math.max(1, series.length)));
  return series.map((s) => ({ name: s.name, points: decimate(s.points, per) }));
}

function rangeText(values: number[]): string {
  if (!values.some(Number.isFinite)) return 'no finite values';
  const [min, max] = finiteRange(values);
  return `${formatNumber(min)}..${formatNumber(max)}`;
}

function xyBundle(p: Chart<'line' | 'scatter'>): MimeBundle {
  const lines = [`${p.title ?? (p.kind === 'line' ? 'Line chart' : 'Scatter plot')}: ${p.series.length} series`];
  for (const s of p.series.slice(0, 20)) {
    const ys = s.points.map((pt) => pt.y);
    lines.push(`  ${s.name}: ${s.points.length} points, y ${rangeText(ys)}${ys.length ? `, last ${formatNumber(ys[ys.length - 1])}` : ''}`);
  }
  const series = p.series.map((s) => ({
    name: s.name,
    points: s.points.map((pt, i) => ({ x: typeof pt.x === 'number' ? pt.x : i, y: pt.y })),
  }));
  const svg = svgDocument(
    WIDTH,
    HEIGHT,
    xyPanel({
      box: { x: 0, y: 0, width: WIDTH, height: HEIGHT },
      series,
      mode: p.kind,
      title: p.title,
      xLabel: p.xLabel,
      yLabel: p.yLabel,
      logY: p.kind === 'line' ? p.logY : undefined,
    }),
  );
  return { [MIME.chart]: p, 'text/plain': lines.join('\n'), 'image/svg+xml': svg };
}

function barBundle(p: Chart<'bar'>): MimeBundle {
  const rows = textTable(
    [p.xLabel || 'label', p.yLabel || 'value'],
    p.bars.slice(0, 50).map((b) => [b.label, b.value]),
  );
  const lines = [p.title ?? 'Bar chart', ...rows, ...(p.bars.length > 50 ? [`… ${p.bars.length - 50} more`] : [])];
  const svg = svgDocument(
    WIDTH,
    HEIGHT,
    barPanel({ box: { x: 0, y: 0, width: WIDTH, height: HEIGHT }, bars: p.bars, title: p.title, xLabel: p.xLabel, yLabel: p.yLabel }),
  );
  return { [MIME.chart]: p, 'text/plain': lines.join('\n'), 'image/svg+xml': svg };
}

function histogramBundle(p: Chart<'histogram'>): MimeBundle {
  const max = Math.max(1, ...p.counts);
  const lines = [p.title ?? 'Histogram'];
  if (p.stats)
    lines.push(
      `min ${formatNumber(p.stats.min)} · max ${formatNumber(p.stats.max)} · mean ${formatNumber(p.stats.mean)} · std ${formatNumber(p.stats.std)}${p.stats.nanCount ? ` · ${p.stats.nanCount} NaN` : ''}${p.stats.infCount ? ` · ${p.stats.infCount} Inf` : ''}`,
    );
  p.counts.forEach((c, i) =>
    lines.push(
      `[${formatNumber(p.binEdges[i]).padStart(9)}, ${formatNumber(p.binEdges[i + 1]).padStart(9)})  ${'█'.repeat(Math.round((c / max) * 30)).padEnd(30)} ${c}`,
    ),
  );
  const svg = svgDocument(
    WIDTH,
    HEIGHT,
    histogramPanel({
      box: { x: 0, y: 0, width: WIDTH, height: HEIGHT },
      binEdges: p.binEdges,
      counts: p.counts,
      title: p.title,
      xLabel: p.xLabel,
      yLabel: p.yLabel ?? 'count',
    }),
  );
  return { [MIME.chart]: p, 'text/plain': lines.join('\n'), 'image/svg+xml': svg };
}

function heatmapBundle(p: Chart<'heatmap'>): MimeBundle {
  const lines = [`${p.title ?? 'Heatmap'}: ${p.rows}×${p.cols}, values ${rangeText(p.data)}`];
  const svg = svgDocument(
    WIDTH,
    WIDTH,
    heatmapPanel({
      box: { x: 0, y: 0, width: WIDTH, height: WIDTH },
      rows: p.rows,
      cols: p.cols,
      data: p.data,
      colorMap: toColorMapName(p.colorMap),
      title: p.title,
      xLabel: p.xLabel,
      yLabel: p.yLabel,
      xTickLabels: p.xTickLabels,
      yTickLabels: p.yTickLabels,
    }),
  );
  return { [MIME.chart]: p, 'text/plain': lines.join('\n'), 'image/svg+xml': svg };
}

function tableBundle(p: Chart<'table'>, totalRows: number): MimeBundle {
  const rows = textTable(p.headers, p.rows);
  const lines = [
    ...(p.title ? [p.title] : []),
    ...rows,
    ...(totalRows > p.rows.length ? [`… ${totalRows - p.rows.length} more rows`] : []),
  ];
  return { [MIME.chart]: p, 'text/plain': lines.join('\n'), 'image/svg+xml': textDocument(lines.slice(0, 60).map((l) => clip(l, 160))) };
}

/** Bounded MIME bundle of a chart payload. */
export function chartBundle(p: ChartPayload, maxBytes: number): MimeBundle {
  switch (p.kind) {
    case 'line':
    case 'scatter': {
      const limits = [8000, 3000, 800, 100];
      return fitWithin(maxBytes, limits.length - 1, (l) => xyBundle({ ...p, series: thinSeries(p.series, limits[l]!) }));
    }
    case 'bar': {
      const limits = [5000, 1000, 200, 30];
      return fitWithin(maxBytes, limits.length - 1, (l) =>
        barBundle({ ...p, bars: p.bars.slice(0, limits[l]).map((b) => ({ label: clip(b.label, 80), value: b.value })) }),
      );
    }
    case 'histogram':
      return histogramBundle(p);
    case 'heatmap': {
      const sides = [Infinity, 128, 64, 32, 16];
      return fitWithin(maxBytes, sides.length - 1, (l) => {
        if (p.rows <= sides[l]! && p.cols <= sides[l]!) return heatmapBundle(p);
        const grid = blockMeans(p.data, p.rows, p.cols, sides[l]!);
        return heatmapBundle({
          kind: 'heatmap',
          ...grid,
          colorMap: p.colorMap,
          xLabel: p.xLabel,
          yLabel: p.yLabel,
          title: `${p.title ?? 'Heatmap'} (${p.rows}×${p.cols} as ${grid.rows}×${grid.cols} block means)`,
        });
      });
    }
    case 'table': {
      const limits = [
        { rows: 2000, chars: 500 },
        { rows: 500, chars: 200 },
        { rows: 100, chars: 80 },
        { rows: 20, chars: 40 },
      ];
      return fitWithin(maxBytes, limits.length - 1, (l) =>
        tableBundle(
          {
            ...p,
            headers: p.headers.map((h) => clip(h, limits[l]!.chars)),
            rows: p.rows.slice(0, limits[l]!.rows).map((r) => r.map((c) => (typeof c === 'string' ? clip(c, limits[l]!.chars) : c))),
          },
          p.rows.length,
        ),
      );
    }
  }
}
