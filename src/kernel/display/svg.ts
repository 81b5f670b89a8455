/**
 * Static SVG drawings for the image/svg+xml fallback of every rich output (what GitHub, Jupyter
 * and exported notebooks show). Small, dependency-free building blocks: panels laid out in boxes.
 */
import { colorAt, finiteRange, heatmapRaster, isLight, rgbHex, type ColorMapName } from './colormap';
import { formatNumber } from './budget';
import { pngDataUrl } from './png';

export const PALETTE = ['#4c78a8', '#f58518', '#54a24b', '#e45756', '#72b7b2', '#b279a2', '#eeca3b', '#ff9da6', '#9d755d', '#bab0ac'];

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}
export interface XY {
  x: number;
  y: number;
}
export interface PlotSeries {
  name: string;
  points: XY[];
  color?: string;
  dashed?: boolean;
}

// eslint-disable-next-line no-control-regex -- matching control characters is the point: XML 1.0 forbids them.
const INVALID_XML_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for SVG content and attributes; drops characters XML cannot hold. */
export function escapeXml(text: string): string {
  // Lone surrogates are not XML either; String#toWellFormed (Node 20) replaces them.
  const s = text as string & { toWellFormed?: () => string };
  const wellFormed = typeof s.toWellFormed === 'function' ? s.toWellFormed() : text;
  return wellFormed.replace(INVALID_XML_CHARS, '\ufffd').replace(/[&<>"']/g, (c: string) => ESCAPES[c]!);
}

const r1 = (v: number): number => Math.round(v * 10) / 10;

export function svgDocument(width: number, height: number, body: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, Segoe UI, DejaVu Sans, sans-serif" font-size="11">` +
    `<rect width="100%" height="100%" fill="#fff"/>${body}</svg>`
  );
}

export function text(x: number, y: number, content: string, attrs = ''): string {
  return `<text x="${r1(x)}" y="${r1(y)}"${attrs ? ' ' + attrs : ''}>${escapeXml(content)}</text>`;
}

/** Lines of monospace text (tables, summaries). */
export function textLines(x: number, y: number, lines: string[], lineHeight = 14): string {
  const spans = lines.map((l, i) => `<tspan x="${x}" y="${y + i * lineHeight}">${escapeXml(l)}</tspan>`).join('');
  return `<text font-family="ui-monospace, Menlo, Consolas, DejaVu Sans Mono, monospace" font-size="12" xml:space="preserve">${spans}</text>`;
}

export function textDocument(lines: string[], title?: string): string {
  const width = Math.min(1200, Math.max(200, 16 + 7.3 * Math.max(0, ...lines.map((l) => l.length), title?.length ?? 0)));
  const top = title ? 36 : 18;
  const body = (title ? text(8, 18, title, 'font-weight="bold" font-size="13"') : '') + textLines(8, top, lines);
  return svgDocument(Math.round(width), top + lines.length * 14, body);
}

/** ~`count` round tick values covering [min, max]. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  const step = (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag;
  const ticks: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step)
    ticks.push(Math.abs(v) < step * 1e-9 ? 0 : Number(v.toPrecision(12)));
  return ticks;
}

function extent(values: number[]): [number, number] | undefined {
  let min = Infinity,
    max = -Infinity;
  for (const v of values)
    if (Number.isFinite(v)) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
  if (min > max) return undefined;
  if (min === max) {
    const pad = Math.abs(min) * 0.1 || 1;
    return [min - pad, max + pad];
  }
  return [min, max];
}

const MARGIN = { left: 54, right: 12, top: 24, bottom: 34 };

interface Frame {
  px: number;
  py: number;
  pw: number;
  ph: number;
}

function frameOf(box: Box): Frame {
  return {
    px: box.x + MARGIN.left,
    py: box.y + MARGIN.top,
    pw: Math.max(10, box.width - MARGIN.left - MARGIN.right),
    ph: Math.max(10, box.height - MARGIN.top - MARGIN.bottom),
  };
}

function titleAndLabels(box: Box, f: Frame, title?: string, xLabel?: string, yLabel?: string): string {
  let s = '';
  if (title) s += text(box.x + 6, box.y + 15, title, 'font-weight="bold" font-size="12"');
  if (xLabel) s += text(f.px + f.pw / 2, box.y + box.height - 4, xLabel, 'text-anchor="middle" fill="#555"');
  if (yLabel)
    s += text(0, 0, yLabel, `text-anchor="middle" fill="#555" transform="translate(${r1(box.x + 10)},${r1(f.py + f.ph / 2)}) rotate(-90)"`);
  return s;
}

function legend(box: Box, entries: Array<{ name: string; color: string; dashed?: boolean }>): string {
  let x = box.x + box.width - MARGIN.right;
  let s = '';
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i]!;
    const w = 22 + 6.2 * e.name.length;
    if (x - w < box.x + box.width / 2) break;
    x -= w;
    s += `<line x1="${r1(x)}" y1="${box.y + 11}" x2="${r1(x + 16)}" y2="${box.y + 11}" stroke="${e.color}" stroke-width="2"${e.dashed ? ' stroke-dasharray="4 2"' : ''}/>`;
    s += text(x + 19, box.y + 15, e.name, 'fill="#333"');
  }
  return s;
}

function axes(
  f: Frame,
  xr: [number, number] | undefined,
  yr: [number, number],
  sx: (v: number) => number,
  sy: (v: number) => number,
  yFormat: (v: number) => string,
): string {
  let s = `<rect x="${r1(f.px)}" y="${r1(f.py)}" width="${r1(f.pw)}" height="${r1(f.ph)}" fill="none" stroke="#ccc"/>`;
  for (const t of niceTicks(yr[0], yr[1], 4)) {
    const y = sy(t);
    s += `<line x1="${r1(f.px)}" y1="${r1(y)}" x2="${r1(f.px + f.pw)}" y2="${r1(y)}" stroke="#eee"/>`;
    s += text(f.px - 4, y + 3.5, yFormat(t), 'text-anchor="end" fill="#555"');
  }
  if (xr)
    for (const t of niceTicks(xr[0], xr[1], 5)) s += text(sx(t), f.py + f.ph + 13, formatNumber(t, 3), 'text-anchor="middle" fill="#555"');
  return s;
}

export interface XYPanelSpec {
  box: Box;
  series: PlotSeries[];
  mode?: 'line' | 'scatter';
  title?: string;
  xLabel?: string;
  yLabel?: string;
  yDomain?: [number, number];
  logY?: boolean;
}

/** A line or scatter chart of several series. */
export function xyPanel(spec: XYPanelSpec): string {
  const f = frameOf(spec.box);
  const ty = spec.logY ? (v: number) => (v > 0 ? Math.log10(v) : NaN) : (v: number) => v;
  const xr = extent(spec.series.flatMap((s) => s.points.map((p) => p.x)));
  const yr = spec.yDomain ?? extent(spec.series.flatMap((s) => s.points.map((p) => ty(p.y))));
  let s = titleAndLabels(spec.box, f, spec.title, spec.xLabel, spec.yLabel);
  if (!xr || !yr)
    return (
      s +
      `<rect x="${f.px}" y="${f.py}" width="${f.pw}" height="${f.ph}" fill="none" stroke="#ccc"/>` +
      text(f.px + f.pw / 2, f.py + f.ph / 2, 'no data', 'text-anchor="middle" fill="#999"')
    );
  const sx = (v: number): number => f.px + ((v - xr[0]) / (xr[1] - xr[0])) * f.pw;
  const sy = (v: number): number => f.py + f.ph - ((v - yr[0]) / (yr[1] - yr[0])) * f.ph;
  s += axes(f, xr, yr, sx, sy, spec.logY ? (v) => formatNumber(10 ** v, 3) : (v) => formatNumber(v, 3));
  const entries: Array<{ name: string; color: string; dashed?: boolean }> = [];
  spec.series.forEach((series, i) => {
    const color = series.color ?? PALETTE[i % PALETTE.length]!;
    entries.push({ name: series.name, color, dashed: series.dashed });
    if (spec.mode === 'scatter') {
      s += `<g fill="${color}" fill-opacity="0.7">`;
      for (const p of series.points) {
        const y = ty(p.y);
        if (Number.isFinite(p.x) && Number.isFinite(y))
          s += `<circle cx="${r1(sx(p.x))}" cy="${r1(sy(Math.min(yr[1], Math.max(yr[0], y))))}" r="2"/>`;
      }
      s += '</g>';
      return;
    }
    let d = '';
    let pen = false;
    for (const p of series.points) {
      const y = ty(p.y);
      if (!Number.isFinite(p.x) || !Number.isFinite(y)) {
        pen = false;
        continue;
      }
      d += `${pen ? 'L' : 'M'}${r1(sx(p.x))} ${r1(sy(Math.min(yr[1], Math.max(yr[0], y))))}`;
      pen = true;
    }
    if (d) s += `<path d="${d}" fill="none" stroke="${color}" stroke-width="1.6"${series.dashed ? ' stroke-dasharray="5 3"' : ''}/>`;
  });
  return s + legend(spec.box, entries);
}

export interface BarPanelSpec {
  box: Box;
  bars: Array<{ label: string; value: number }>;
  title?: string;
  xLabel?: string;
  yLabel?: string;
  color?: string;
}

/** Vertical bars, one per category. */
export function barPanel(spec: BarPanelSpec): string {
  const f = frameOf(spec.box);
  const values = spec.bars.map((b) => b.value);
  const yr = extent([0, ...values]) ?? [0, 1];
  const sy = (v: number): number => f.py + f.ph - ((v - yr[0]) / (yr[1] - yr[0])) * f.ph;
  let s = titleAndLabels(spec.box, f, spec.title, spec.xLabel, spec.yLabel);
  s += axes(
    f,
    undefined,
    yr,
    (v) => v,
    sy,
    (v) => formatNumber(v, 3),
  );
  const n = spec.bars.length;
  const slot = f.pw / Math.max(1, n);
  const showLabels = n <= 40;
  spec.bars.forEach((b, i) => {
    if (!Number.isFinite(b.value)) return;
    const y0 = sy(0),
      y1 = sy(b.value);
    s += `<rect x="${r1(f.px + i * slot + slot * 0.1)}" y="${r1(Math.min(y0, y1))}" width="${r1(Math.max(0.5, slot * 0.8))}" height="${r1(Math.abs(y1 - y0))}" fill="${spec.color ?? PALETTE[0]}"/>`;
    if (showLabels) {
      const cx = f.px + i * slot + slot / 2;
      s +=
        n > 10
          ? text(
              0,
              0,
              b.label,
              `text-anchor="end" fill="#555" font-size="10" transform="translate(${r1(cx + 3)},${r1(f.py + f.ph + 6)}) rotate(-45)"`,
            )
          : text(cx, f.py + f.ph + 13, b.label, 'text-anchor="middle" fill="#555"');
    }
  });
  return s;
}

export interface HistogramPanelSpec {
  box: Box;
  binEdges: number[];
  counts: number[];
  title?: string;
  xLabel?: string;
  yLabel?: string;
}

export function histogramPanel(spec: HistogramPanelSpec): string {
  const f = frameOf(spec.box);
  const n = spec.counts.length;
  const xr = extent(spec.binEdges) ?? [0, 1];
  const yr: [number, number] = [0, Math.max(1, ...spec.counts)];
  const sx = (v: number): number => f.px + ((v - xr[0]) / (xr[1] - xr[0])) * f.pw;
  const sy = (v: number): number => f.py + f.ph - ((v - yr[0]) / (yr[1] - yr[0])) * f.ph;
  let s = titleAndLabels(spec.box, f, spec.title, spec.xLabel, spec.yLabel) + axes(f, xr, yr, sx, sy, (v) => formatNumber(v, 3));
  for (let i = 0; i < n; i++) {
    const x0 = sx(spec.binEdges[i]!),
      x1 = sx(spec.binEdges[i + 1]!);
    const y = sy(spec.counts[i]!);
    if (spec.counts[i]! > 0)
      s += `<rect x="${r1(x0)}" y="${r1(y)}" width="${r1(Math.max(0.5, x1 - x0 - 0.5))}" height="${r1(f.py + f.ph - y)}" fill="${PALETTE[0]}"/>`;
  }
  return s;
}

export interface HeatmapPanelSpec {
  box: Box;
  rows: number;
  cols: number;
  data: ArrayLike<number | null>;
  colorMap?: ColorMapName;
  title?: string;
  xLabel?: string;
  yLabel?: string;
  xTickLabels?: string[];
  yTickLabels?: string[];
  /** Text drawn in each cell (confusion-matrix counts); only for small grids. */
  cellText?: string[];
}

let gradientCounter = 0;

/** A grid of coloured cells: SVG rects for small grids, an embedded PNG for large ones. */
export function heatmapPanel(spec: HeatmapPanelSpec): string {
  const map = spec.colorMap ?? 'viridis';
  const left = spec.yTickLabels ? Math.min(120, 12 + 6.2 * Math.max(...spec.yTickLabels.map((l) => l.length))) : 40;
  const f = {
    px: spec.box.x + left,
    py: spec.box.y + 24,
    pw: spec.box.width - left - 56,
    ph: spec.box.height - 24 - (spec.xTickLabels ? 60 : 30),
  };
  const [min, max] = finiteRange(spec.data);
  const span = max - min || 1;
  let s = titleAndLabels(spec.box, f, spec.title, spec.xLabel, spec.yLabel);
  const cw = f.pw / Math.max(1, spec.cols),
    ch = f.ph / Math.max(1, spec.rows);
  if (spec.rows * spec.cols <= 900) {
    for (let r = 0; r < spec.rows; r++) {
      for (let c = 0; c < spec.cols; c++) {
        const v = spec.data[r * spec.cols + c]!;
        const color = colorAt(v === null ? NaN : (v - min) / span, map);
        s += `<rect x="${r1(f.px + c * cw)}" y="${r1(f.py + r * ch)}" width="${r1(cw + 0.3)}" height="${r1(ch + 0.3)}" fill="${rgbHex(color)}"/>`;
        const label = spec.cellText?.[r * spec.cols + c];
        if (label && cw >= 14 && ch >= 12)
          s += text(
            f.px + (c + 0.5) * cw,
            f.py + (r + 0.5) * ch + 4,
            label,
            `text-anchor="middle" font-size="${Math.min(12, Math.floor(ch * 0.6))}" fill="${isLight(color) ? '#000' : '#fff'}"`,
          );
      }
    }
  } else {
    const url = pngDataUrl(heatmapRaster(spec.rows, spec.cols, spec.data, map, [min, max]));
    s += `<image x="${r1(f.px)}" y="${r1(f.py)}" width="${r1(f.pw)}" height="${r1(f.ph)}" preserveAspectRatio="none" style="image-rendering:pixelated" href="${url}"/>`;
  }
  const tickStep = (n: number): number => Math.max(1, Math.ceil(n / 20));
  if (spec.yTickLabels || spec.rows <= 64) {
    for (let r = 0; r < spec.rows; r += tickStep(spec.rows))
      s += text(f.px - 4, f.py + (r + 0.5) * ch + 4, spec.yTickLabels?.[r] ?? String(r), 'text-anchor="end" fill="#555" font-size="10"');
  }
  if (spec.xTickLabels || spec.cols <= 64) {
    for (let c = 0; c < spec.cols; c += tickStep(spec.cols)) {
      const cx = f.px + (c + 0.5) * cw;
      const label = spec.xTickLabels?.[c] ?? String(c);
      s += spec.xTickLabels
        ? text(
            0,
            0,
            label,
            `text-anchor="end" fill="#555" font-size="10" transform="translate(${r1(cx + 3)},${r1(f.py + f.ph + 8)}) rotate(-45)"`,
          )
        : text(cx, f.py + f.ph + 12, label, 'text-anchor="middle" fill="#555" font-size="10"');
    }
  }
  // colour bar
  const id = `tfnb-cb-${++gradientCounter}`;
  const stops = Array.from({ length: 9 }, (_, i) => `<stop offset="${i / 8}" stop-color="${rgbHex(colorAt(1 - i / 8, map))}"/>`).join('');
  const bx = f.px + f.pw + 10;
  s += `<defs><linearGradient id="${id}" x1="0" y1="0" x2="0" y2="1">${stops}</linearGradient></defs>`;
  s += `<rect x="${r1(bx)}" y="${r1(f.py)}" width="10" height="${r1(f.ph)}" fill="url(#${id})"/>`;
  s +=
    text(bx + 12, f.py + 8, formatNumber(max, 3), 'fill="#555" font-size="10"') +
    text(bx + 12, f.py + f.ph, formatNumber(min, 3), 'fill="#555" font-size="10"');
  return s;
}
