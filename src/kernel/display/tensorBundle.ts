/**
 * tf.Tensor → MIME bundle: the tensor payload (shape, dtype, stats, summarised values, heatmap,
 * images, histogram), a NumPy-like text, and a static image. Bounded by the payload budget.
 */
import { MIME, type MimeBundle, type TensorPayload } from '../../protocol/mime';
import { clip, fitWithin, formatNumber } from './budget';
import type { Tensor } from './detect';
import { pngBase64, tileImages } from './png';
import { heatmapPanel, histogramPanel, svgDocument, text, textDocument } from './svg';
import { blockMeans, computeHistogram, computeStats, publicStats, readTensorValues, type FullStats, type TensorValues } from './tensorData';
import { encodeImages, imageLayout, pixelScaler } from './tensorImages';
import { chooseEdge, formatNested, leafReader, summarizeValues, type Nested } from './tensorValues';

interface Level {
  maxLeaves: number;
  maxStringChars: number;
  heatmapSide: number;
  maxImages: number;
  imageMaxSide: number;
  /** Share of the payload budget the images may take. */
  imageShare: number;
  bins: number;
  textChars: number;
}

const LEVELS: Level[] = [
  { maxLeaves: 2000, maxStringChars: 200, heatmapSide: 64, maxImages: 32, imageMaxSide: 128, imageShare: 0.3, bins: 30, textChars: 6000 },
  { maxLeaves: 600, maxStringChars: 80, heatmapSide: 48, maxImages: 4, imageMaxSide: 96, imageShare: 0.15, bins: 30, textChars: 3000 },
  { maxLeaves: 150, maxStringChars: 40, heatmapSide: 32, maxImages: 1, imageMaxSide: 64, imageShare: 0.08, bins: 20, textChars: 1500 },
  { maxLeaves: 0, maxStringChars: 0, heatmapSide: 16, maxImages: 0, imageMaxSide: 0, imageShare: 0, bins: 10, textChars: 600 },
  { maxLeaves: 0, maxStringChars: 0, heatmapSide: 0, maxImages: 0, imageMaxSide: 0, imageShare: 0, bins: 0, textChars: 300 },
];

function describe(t: Tensor): string {
  return `Tensor ${t.dtype} [${t.shape.join(',')}]${t.size > 1 ? ` · ${t.size.toLocaleString('en-US')} values` : ''}`;
}

function statsLine(s: FullStats): string {
  const nonFinite = s.nanCount + s.infCount;
  // A constant tensor in words: "min 0 · max 0 · mean 0 · std 0" says it four times.
  const parts =
    s.min === null
      ? ['no finite values']
      : s.min === s.max
        ? [`all ${s.finiteCount.toLocaleString('en-US')}${nonFinite ? ' finite' : ''} values are ${formatNumber(s.min)}`]
        : [`min ${formatNumber(s.min)}`, `max ${formatNumber(s.max)}`, `mean ${formatNumber(s.mean)}`, `std ${formatNumber(s.std)}`];
  if (s.nanCount) parts.push(`${s.nanCount} NaN`);
  if (s.infCount) parts.push(`${s.infCount} Inf`);
  return parts.join(' · ');
}

interface Summary {
  payload: TensorPayload;
  text: string;
  image: { mime: 'image/png' | 'image/svg+xml'; data: string };
}

function summarize(t: Tensor, values: TensorValues, stats: FullStats | undefined, level: Level, maxBytes: number, title?: string): Summary {
  const payload: TensorPayload = { shape: t.shape.slice(), dtype: t.dtype, size: t.size };
  if (title) payload.title = title;
  const lines = [describe(t)];
  if (values.kind === 'unreadable') lines[0] += ` (${values.reason})`;
  if (stats && t.size > 1) {
    payload.stats = publicStats(stats);
    lines.push(statsLine(stats));
  }

  const leaf = level.maxLeaves > 0 ? leafReader(values, level.maxStringChars) : undefined;
  const edge = leaf ? chooseEdge(t.shape, t.size, level.maxLeaves) : undefined;
  let nested: Nested | undefined;
  if (leaf && edge !== undefined) {
    nested = summarizeValues(t.shape, leaf, edge);
    payload.values = nested;
    payload.truncated = edge !== Infinity;
    lines.push(formatNested(nested, t.shape.length, values.kind === 'string'));
  } else if (values.kind !== 'unreadable' && t.size > 0) {
    payload.truncated = true;
  }

  const numeric = values.kind === 'number' || values.kind === 'bool' ? values : undefined;
  if (numeric && t.shape.length === 2 && t.shape[0] >= 2 && t.shape[1] >= 2 && level.heatmapSide > 0) {
    const grid = blockMeans(numeric.data, t.shape[0], t.shape[1], level.heatmapSide);
    // NaN marks a block without finite values; it serialises as null.
    payload.heatmap = { ...grid, sourceShape: t.shape.slice() };
  }
  let png: string | undefined;
  const layout = numeric && stats && level.maxImages > 0 ? imageLayout(t.shape, numeric) : undefined;
  if (numeric && stats && layout) {
    const images = encodeImages(
      numeric.data,
      layout,
      pixelScaler(numeric, stats),
      level.maxImages,
      level.imageMaxSide,
      maxBytes * level.imageShare,
    );
    if (images?.first) {
      payload.images = {
        width: images.width,
        height: images.height,
        channels: images.channels,
        pngDataUrls: images.urls,
        total: layout.count,
        limit: level.maxImages,
      };
      png = pngBase64(images.images.length > 1 ? tileImages(images.images) : images.first);
    }
  }
  if (values.kind === 'number' && stats && t.size > 1 && level.bins > 0)
    payload.histogram = computeHistogram(values.data, stats, level.bins, values.integer);

  const plain = clip(lines.join('\n'), level.textChars);
  let image: Summary['image'];
  if (png) image = { mime: 'image/png', data: png };
  else if (payload.heatmap) {
    const h = payload.heatmap;
    const body = heatmapPanel({
      box: { x: 0, y: 18, width: 420, height: 380 },
      rows: h.rows,
      cols: h.cols,
      data: h.data,
      title: `[${t.shape.join(',')}]${h.rows < h.sourceShape[0]! || h.cols < h.sourceShape[1]! ? ` as ${h.rows}×${h.cols} block means` : ''}`,
    });
    image = { mime: 'image/svg+xml', data: svgDocument(420, 400, text(6, 13, lines[0]!, 'font-weight="bold" font-size="12"') + body) };
  } else if (payload.histogram && payload.histogram.counts.length > 1) {
    const hist = payload.histogram;
    const body = histogramPanel({
      box: { x: 0, y: 30, width: 420, height: 220 },
      binEdges: hist.binEdges,
      counts: hist.counts,
      title: 'values',
      xLabel: 'value',
      yLabel: 'count',
    });
    image = {
      mime: 'image/svg+xml',
      data: svgDocument(
        420,
        250,
        text(6, 13, lines[0]!, 'font-weight="bold" font-size="12"') + (stats ? text(6, 27, statsLine(stats), 'fill="#555"') : '') + body,
      ),
    };
  } else {
    image = {
      mime: 'image/svg+xml',
      data: textDocument(
        plain
          .split('\n')
          .slice(0, 24)
          .map((l) => clip(l, 120)),
      ),
    };
  }
  return { payload, text: plain, image };
}

export function tensorBundle(t: Tensor, maxBytes: number, title?: string): MimeBundle {
  const values = readTensorValues(t);
  const stats = values.kind === 'number' || values.kind === 'bool' ? computeStats(values.data) : undefined;
  return fitWithin(maxBytes, LEVELS.length - 1, (level) => {
    const s = summarize(t, values, stats, LEVELS[level]!, maxBytes, title);
    return { [MIME.tensor]: s.payload, 'text/plain': s.text, [s.image.mime]: s.image.data };
  });
}
