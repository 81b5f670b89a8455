/**
 * A canvas heatmap (one canvas pixel per cell, scaled up with crisp edges), with optional
 * tick labels, a colour bar and a status line that names the cell under the mouse or the
 * keyboard cursor (arrow keys move it when the heatmap has focus). Cells are square unless
 * `fillWidth`: then they widen to fill the output (a 129 × 61 spectrogram is not drawn 185 px
 * wide). Tick labels that would overlap are thinned to every 2nd, 5th, 10th… label.
 */
import { colorTable, type ColorMapName } from './colorScale';
import { gridKeyMove, h, hasModifier } from './dom';
import { formatMetric } from './format';

export interface HeatmapOptions {
  rows: number;
  cols: number;
  /** Row-major; null cells are left transparent. */
  data: ArrayLike<number | null>;
  colorMap: ColorMapName;
  /** Values mapped to the ends of the colour scale (default: the data's min and max). */
  domain?: [number, number];
  /** Longest side of the drawn grid in CSS pixels (with fillWidth: its height, and its least width). */
  maxSize: number;
  /** Cells widen (up to MAX_CELL px) to fill the output's width, and are up to MAX_CELL px tall: a chart, not an image. */
  fillWidth?: boolean;
  label: string;
  xTickLabels?: readonly string[];
  yTickLabels?: readonly string[];
  xLabel?: string;
  yLabel?: string;
  describeCell: (row: number, col: number, value: number | null) => string;
}

/** Largest side of a cell in CSS pixels. */
const MAX_CELL = 32;
/** Least distance between two tick labels' centres, in CSS pixels (a label's line is about 13 px). */
const MIN_TICK_SPACING = 16;

export function valueRange(data: ArrayLike<number | null>): { min: number; max: number } | null {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v === null || v === undefined || !Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return min <= max ? { min, max } : null;
}

function paint(canvas: HTMLCanvasElement, options: HeatmapOptions, range: { min: number; max: number } | null): void {
  const { rows, cols, data } = options;
  canvas.width = cols;
  canvas.height = rows;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const image = ctx.createImageData(cols, rows);
  const pixels = image.data;
  const table = colorTable(options.colorMap);
  const low = range?.min ?? 0;
  // Halved: a range from -1e308 to 1e308 would overflow to Infinity (and NaN colours).
  const halfSpan = range && range.max > range.min ? range.max / 2 - range.min / 2 : 0;
  for (let i = 0; i < rows * cols; i++) {
    const v = data[i];
    if (v === null || v === undefined || !Number.isFinite(v)) continue;
    const t = halfSpan ? Math.round(Math.min(1, Math.max(0, (v / 2 - low / 2) / halfSpan)) * 255) * 3 : 128 * 3;
    pixels[i * 4] = table[t]!;
    pixels[i * 4 + 1] = table[t + 1]!;
    pixels[i * 4 + 2] = table[t + 2]!;
    pixels[i * 4 + 3] = 255;
  }
  ctx.putImageData(image, 0, 0);
}

function colorBar(colorMap: ColorMapName, range: { min: number; max: number } | null): HTMLElement {
  const canvas = h('canvas', { class: 'tfnb-colorbar-ramp', attrs: { width: 256, height: 1, 'aria-hidden': 'true' } });
  const ctx = canvas.getContext('2d');
  if (ctx) {
    const image = ctx.createImageData(256, 1);
    const table = colorTable(colorMap);
    for (let i = 0; i < 256; i++) {
      image.data.set([table[i * 3]!, table[i * 3 + 1]!, table[i * 3 + 2]!, 255], i * 4);
    }
    ctx.putImageData(image, 0, 0);
  }
  return h(
    'div',
    { class: 'tfnb-colorbar' },
    h('span', { class: 'tfnb-colorbar-min', text: formatMetric(range?.min) }),
    canvas,
    h('span', { class: 'tfnb-colorbar-max', text: formatMetric(range?.max) }),
  );
}

/** The smallest of 1, 2, 5, 10, 20, 50… that spaces labels `cell` px apart at least MIN_TICK_SPACING px apart. */
export function tickStep(cell: number): number {
  for (let decade = 1; ; decade *= 10) {
    for (const step of [1, 2, 5]) if (step * decade * cell >= MIN_TICK_SPACING || step * decade >= 1e9) return step * decade;
  }
}

/**
 * Tick labels of one axis, each centred on its cell (positions in % of the plot, so they follow
 * the plot's width); `show(cell)` keeps every step-th label for cells `cell` px apart. An
 * invisible copy of the longest label gives the box its size.
 */
function tickLabels(
  labels: readonly string[] | undefined,
  count: number,
  axis: 'x' | 'y',
): { box: HTMLElement; show(cell: number): void } | null {
  if (!labels || labels.length !== count || count === 0) return null;
  const longest = labels.reduce((a, b) => (b.length > a.length ? b : a), '');
  const box = h('div', { class: `tfnb-heatmap-ticks tfnb-heatmap-ticks-${axis}`, attrs: { 'aria-hidden': 'true' } });
  let shownStep = 0;
  const show = (cell: number): void => {
    const step = tickStep(cell);
    if (step === shownStep) return;
    shownStep = step;
    const ticks: HTMLElement[] = [h('span', { class: 'tfnb-tick-sizer', text: longest })];
    for (let i = 0; i < count; i += step) {
      const tick = h('span', { class: 'tfnb-tick', text: labels[i]!, title: labels[i]! });
      tick.style[axis === 'x' ? 'left' : 'top'] = `${((i + 0.5) / count) * 100}%`;
      ticks.push(tick);
    }
    box.replaceChildren(...ticks);
  };
  return { box, show };
}

/** The plot's height and its width (fixed, or a least and a largest when it fills the output's width), in CSS pixels. */
function plotSize(options: HeatmapOptions): { cellHeight: number; minWidth: number; maxWidth: number } {
  const { rows, cols, maxSize } = options;
  if (!options.fillWidth) {
    const cell = Math.min(MAX_CELL, maxSize / Math.max(rows, cols));
    return { cellHeight: cell, minWidth: cols * cell, maxWidth: cols * cell };
  }
  const maxWidth = cols * MAX_CELL;
  return { cellHeight: Math.min(MAX_CELL, maxSize / rows), minWidth: Math.min(maxWidth, maxSize), maxWidth };
}

export function heatmap(options: HeatmapOptions): HTMLElement {
  const { rows, cols } = options;
  const { cellHeight, minWidth, maxWidth } = plotSize(options);
  const range = options.domain ? { min: options.domain[0], max: options.domain[1] } : valueRange(options.data);
  const canvas = h('canvas', {
    class: 'tfnb-heatmap-canvas',
    attrs: { tabindex: 0, role: 'img', 'aria-label': `${options.label}. Arrow keys move between cells.` },
  });
  canvas.style.height = `${rows * cellHeight}px`;
  paint(canvas, options, range);

  const cursor = h('div', { class: 'tfnb-heatmap-cursor', attrs: { hidden: true } });
  const plot = h('div', { class: 'tfnb-heatmap-plot' }, canvas, cursor);
  const idleText = `${rows} × ${cols} cells. Hover or focus a cell for its value.`;
  const status = h('div', { class: 'tfnb-status', text: idleText, attrs: { 'aria-live': 'polite' } });

  let focusRow = 0;
  let focusCol = 0;
  const show = (row: number, col: number, withCursor: boolean): void => {
    status.textContent = options.describeCell(row, col, options.data[row * cols + col] ?? null);
    cursor.hidden = !withCursor;
    cursor.style.left = `${(col / cols) * 100}%`;
    cursor.style.top = `${row * cellHeight}px`;
    cursor.style.width = `max(2px, ${100 / cols}%)`;
    cursor.style.height = `${Math.max(cellHeight, 2)}px`;
  };
  canvas.addEventListener('mousemove', (event) => {
    const rect = canvas.getBoundingClientRect();
    const col = Math.min(cols - 1, Math.max(0, Math.floor(((event.clientX - rect.left) / rect.width) * cols)));
    const row = Math.min(rows - 1, Math.max(0, Math.floor(((event.clientY - rect.top) / rect.height) * rows)));
    show(row, col, false);
  });
  canvas.addEventListener('mouseleave', () => {
    if (document.activeElement !== canvas) status.textContent = idleText;
  });
  canvas.addEventListener('focus', () => show(focusRow, focusCol, true));
  canvas.addEventListener('blur', () => {
    cursor.hidden = true;
    status.textContent = idleText;
  });
  canvas.addEventListener('keydown', (event) => {
    if (hasModifier(event)) return;
    const next = gridKeyMove(event.key, focusRow, focusCol, rows, cols);
    if (!next) return;
    [focusRow, focusCol] = next;
    event.preventDefault();
    show(focusRow, focusCol, true);
  });

  const yTicks = tickLabels(options.yTickLabels, rows, 'y');
  yTicks?.show(cellHeight);
  if (yTicks) yTicks.box.style.height = `${rows * cellHeight}px`;
  const xTicks = tickLabels(options.xTickLabels, cols, 'x');
  xTicks?.show(minWidth / cols);
  if (xTicks && maxWidth > minWidth) {
    // The plot's width follows the output's: keep the x labels apart at whatever width it gets.
    const observer = new ResizeObserver(() => {
      if (!plot.isConnected) observer.disconnect();
      else if (plot.clientWidth > 0) xTicks.show(plot.clientWidth / cols);
    });
    observer.observe(plot);
  }
  const grid = h(
    'div',
    { class: 'tfnb-heatmap-grid' },
    options.yLabel ? h('div', { class: 'tfnb-axis-label tfnb-axis-label-y', text: options.yLabel }) : h('div'),
    yTicks?.box ?? h('div'),
    plot,
    h('div'),
    h('div'),
    xTicks?.box ?? h('div'),
    h('div'),
    h('div'),
    options.xLabel ? h('div', { class: 'tfnb-axis-label', text: options.xLabel }) : h('div'),
  );
  grid.style.gridTemplateColumns = `auto auto ${maxWidth > minWidth ? `minmax(${minWidth}px, ${maxWidth}px)` : `${minWidth}px`}`;
  return h(
    'figure',
    { class: options.fillWidth ? 'tfnb-heatmap tfnb-heatmap-fill' : 'tfnb-heatmap' },
    grid,
    colorBar(options.colorMap, range),
    status,
  );
}
