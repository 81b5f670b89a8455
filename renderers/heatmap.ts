/**
 * A canvas heatmap (one canvas pixel per cell, scaled up with crisp edges), with optional
 * tick labels, a colour bar and a status line that names the cell under the mouse or the
 * keyboard cursor (arrow keys move it when the heatmap has focus).
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
  /** Longest side of the drawn grid in CSS pixels. */
  maxSize: number;
  label: string;
  xTickLabels?: readonly string[];
  yTickLabels?: readonly string[];
  xLabel?: string;
  yLabel?: string;
  describeCell: (row: number, col: number, value: number | null) => string;
}

const MAX_TICK_LABELS = 40;
const MIN_CELL_FOR_LABELS = 12;

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

function tickLabels(labels: readonly string[] | undefined, count: number, cell: number, axis: 'x' | 'y'): HTMLElement | null {
  if (!labels || labels.length !== count || count > MAX_TICK_LABELS || cell < MIN_CELL_FOR_LABELS) return null;
  const box = h('div', { class: `tfnb-heatmap-ticks tfnb-heatmap-ticks-${axis}`, attrs: { 'aria-hidden': 'true' } });
  for (const label of labels) {
    const tick = h('span', { text: label, title: label });
    tick.style[axis === 'x' ? 'width' : 'height'] = `${cell}px`;
    box.appendChild(tick);
  }
  return box;
}

export function heatmap(options: HeatmapOptions): HTMLElement {
  const { rows, cols } = options;
  const cell = Math.min(32, options.maxSize / Math.max(rows, cols));
  const range = options.domain ? { min: options.domain[0], max: options.domain[1] } : valueRange(options.data);
  const canvas = h('canvas', {
    class: 'tfnb-heatmap-canvas',
    attrs: { tabindex: 0, role: 'img', 'aria-label': `${options.label}. Arrow keys move between cells.` },
  });
  canvas.style.width = `${cols * cell}px`;
  canvas.style.height = `${rows * cell}px`;
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
    cursor.style.left = `${col * cell}px`;
    cursor.style.top = `${row * cell}px`;
    cursor.style.width = `${Math.max(cell, 2)}px`;
    cursor.style.height = `${Math.max(cell, 2)}px`;
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

  const yTicks = tickLabels(options.yTickLabels, rows, cell, 'y');
  const xTicks = tickLabels(options.xTickLabels, cols, cell, 'x');
  const grid = h(
    'div',
    { class: 'tfnb-heatmap-grid' },
    options.yLabel ? h('div', { class: 'tfnb-axis-label tfnb-axis-label-y', text: options.yLabel }) : h('div'),
    yTicks ?? h('div'),
    plot,
    h('div'),
    h('div'),
    xTicks ?? h('div'),
    h('div'),
    h('div'),
    options.xLabel ? h('div', { class: 'tfnb-axis-label', text: options.xLabel }) : h('div'),
  );
  return h('figure', { class: 'tfnb-heatmap' }, grid, colorBar(options.colorMap, range), status);
}
