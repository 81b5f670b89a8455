/**
 * Tensor output: shape, dtype, size, statistics and a histogram, then one of three views
 * (toggle): the NumPy-style values grid, a heatmap (2-D) and an image grid (image-like
 * tensors). The kernel does all the computing; this only draws what it sent.
 */
import { fill, h, heading, segmented } from './dom';
import { formatCount, formatMetric, formatShape } from './format';
import { heatmap } from './heatmap';
import { histogramSvg } from './histogram';
import type { HeatmapGrid, TensorView } from './payloads';
import { valuesGrid } from './tensorGrid';
import { redrawingView, type CreateView } from './view';

type Mode = 'values' | 'heatmap' | 'images';

const MODE_LABELS: Record<Mode, string> = { values: 'Values', heatmap: 'Heatmap', images: 'Images' };

function availableModes(t: TensorView): Mode[] {
  const modes: Mode[] = [];
  if (t.values !== undefined) modes.push('values');
  if (t.heatmap) modes.push('heatmap');
  if (t.images && t.images.pngDataUrls.length > 0) modes.push('images');
  return modes;
}

const valuesCount = (n: number): string => `${formatCount(n)} value${n === 1 ? '' : 's'}`;

/** A constant tensor's histogram would be one bar filling the whole plot: say it in words. */
function constantNote(t: TensorView): HTMLElement | null {
  const s = t.stats;
  if (!s || s.min === null || s.min !== s.max) return null;
  if (t.size < 2) return null;
  const finite = t.size - s.nanCount - s.infCount;
  return h('p', {
    class: 'tfnb-tensor-constant',
    text: `all ${formatCount(finite)}${finite === t.size ? '' : ' finite'} values are ${formatMetric(s.min)}`,
  });
}

function statsBlock(t: TensorView): HTMLElement {
  const items: Array<[string, string, boolean]> = [
    ['shape', formatShape(t.shape), false],
    ['dtype', t.dtype, false],
    ['size', formatCount(t.size), false],
  ];
  if (t.stats) {
    const s = t.stats;
    items.push(
      ['min', formatMetric(s.min), false],
      ['max', formatMetric(s.max), false],
      ['mean', formatMetric(s.mean), false],
      ['std', formatMetric(s.std), false],
    );
    // Counts, said as counts: "NaN 0" read like a value.
    if (s.nanCount === 0 && s.infCount === 0) items.push(['non-finite', 'no NaN or ±Inf', false]);
    else items.push(['NaN', valuesCount(s.nanCount), s.nanCount > 0], ['±Inf', valuesCount(s.infCount), s.infCount > 0]);
  }
  const list = h('dl', { class: 'tfnb-stats' });
  for (const [name, value, warn] of items) {
    list.appendChild(
      h(
        'div',
        { class: warn ? 'tfnb-stat tfnb-warn' : 'tfnb-stat', attrs: { 'data-stat': name } },
        h('dt', { text: name }),
        h('dd', { text: value }),
      ),
    );
  }
  return list;
}

/** Source rows/cols covered by heatmap cell (row, col) when the kernel downsampled. */
function describeHeatmapCell(grid: HeatmapGrid, row: number, col: number, value: number | null): string {
  const [sourceRows = grid.rows, sourceCols = grid.cols] = grid.sourceShape.slice(-2);
  const shown = value === null ? 'no value (NaN/Inf)' : formatMetric(value);
  if (sourceRows === grid.rows && sourceCols === grid.cols) return `[${row}, ${col}] = ${shown}`;
  const span = (i: number, cells: number, source: number): string => {
    const first = Math.floor((i * source) / cells);
    const last = Math.max(first, Math.floor(((i + 1) * source) / cells) - 1);
    return first === last ? String(first) : `${first}–${last}`;
  };
  return `rows ${span(row, grid.rows, sourceRows)}, cols ${span(col, grid.cols, sourceCols)}: ≈ ${shown}`;
}

function heatmapPanel(grid: HeatmapGrid): HTMLElement {
  const source = grid.sourceShape.slice(-2);
  const downsampled = source.length === 2 && (source[0] !== grid.rows || source[1] !== grid.cols);
  const label = downsampled
    ? `Heatmap of ${source.join(' × ')} values, downsampled to ${grid.rows} × ${grid.cols}`
    : `Heatmap of ${grid.rows} × ${grid.cols} values`;
  return h(
    'div',
    { class: 'tfnb-panel' },
    h('div', { class: 'tfnb-note', text: label }),
    heatmap({ ...grid, colorMap: 'viridis', maxSize: 384, label, describeCell: (r, c, v) => describeHeatmapCell(grid, r, c, v) }),
  );
}

function imagesPanel(images: NonNullable<TensorView['images']>, shape: readonly number[]): HTMLElement {
  // The tensor's own height and width (the PNGs may be smaller: the kernel downscales to fit the budget).
  const [sourceHeight = images.height, sourceWidth = images.width] = shape.slice(-3, -1);
  const longest = Math.max(sourceWidth, sourceHeight);
  // Drawn at the source size: integer upscaling keeps small images (MNIST's 28×28) crisp; big ones shrink to 256px.
  const scale = longest >= 256 ? 256 / longest : Math.max(1, Math.min(8, Math.floor(128 / longest)));
  const gallery = h('div', { class: 'tfnb-images', attrs: { role: 'list' } });
  images.pngDataUrls.forEach((url, i) => {
    const img = h('img', {
      attrs: {
        src: url,
        alt: `image ${i + 1} of ${images.total}`,
        width: Math.round(sourceWidth * scale),
        height: Math.round(sourceHeight * scale),
      },
    });
    gallery.appendChild(h('figure', { attrs: { role: 'listitem' } }, img, h('figcaption', { text: String(i) })));
  });
  const channels = images.channels === 1 ? 'grayscale' : images.channels === 3 ? 'RGB' : 'RGBA';
  const count = `${formatCount(images.total)} ${channels} image${images.total === 1 ? '' : 's'}, ${sourceHeight} × ${sourceWidth}`;
  const why: string[] = [];
  const shown = images.pngDataUrls.length;
  if (shown < images.total)
    why.push(
      images.limit !== undefined && shown >= images.limit
        ? `showing the first ${shown}: a tensor's view holds at most ${images.limit} (display.images shows up to 200, with captions)`
        : `showing the first ${shown}: the rest do not fit the output's size budget`,
    );
  if (images.width < sourceWidth || images.height < sourceHeight)
    why.push(`stored at ${images.height} × ${images.width} to fit the output's size budget`);
  return h('div', { class: 'tfnb-panel' }, h('div', { class: 'tfnb-note', text: [count, ...why].join('; ') }), gallery);
}

export const createTensorView: CreateView<TensorView> = (host, initial) => {
  let payload = initial;
  let mode: Mode | null = null;

  const panel = (): HTMLElement | null => {
    if (mode === 'values') return h('div', { class: 'tfnb-panel' }, valuesGrid(payload.values, payload.shape, payload.dtype));
    if (mode === 'heatmap' && payload.heatmap) return heatmapPanel(payload.heatmap);
    if (mode === 'images' && payload.images) return imagesPanel(payload.images, payload.shape);
    return null;
  };

  const render = (): void => {
    const modes = availableModes(payload);
    if (mode === null || !modes.includes(mode)) mode = modes.includes('images') ? 'images' : (modes[0] ?? null);
    const slot = h('div', { class: 'tfnb-panel-slot' }, panel());
    const toggle =
      modes.length > 1 && mode
        ? segmented(
            'Tensor view',
            modes.map((m) => ({ value: m, label: MODE_LABELS[m] })),
            mode,
            (next) => {
              mode = next;
              fill(slot, panel());
            },
          ).element
        : null;
    const histogram =
      constantNote(payload) ??
      (payload.histogram
        ? h(
            'figure',
            { class: 'tfnb-tensor-histogram' },
            histogramSvg(payload.histogram.binEdges, payload.histogram.counts, {
              width: 320,
              height: 120,
              label: 'Histogram of the values',
            }),
            h('figcaption', { text: 'Histogram of the finite values' }),
          )
        : null);
    fill(
      host,
      heading(payload.title, 'Tensor', h('span', { class: 'tfnb-muted', text: `${formatShape(payload.shape)} ${payload.dtype}` })),
      h('div', { class: 'tfnb-tensor-summary' }, statsBlock(payload), histogram),
      toggle,
      slot,
      payload.truncated
        ? h('div', {
            class: 'tfnb-note',
            text: 'Summarised like NumPy: only the edge values of long axes are shown (… and ⋮ mark the rest).',
          })
        : null,
    );
  };

  // Everything here is styled by CSS variables, and heatmap colours do not depend on the theme.
  return redrawingView(host, render, (next) => {
    payload = next;
  });
};
