/** Colour maps for heatmaps and confusion matrices (same names as tfjs-vis). */
import type { RasterImage } from './png';

export type ColorMapName = 'viridis' | 'blues' | 'greyscale';

type Rgb = [number, number, number];

const ANCHORS: Record<ColorMapName, string[]> = {
  viridis: ['#440154', '#482878', '#3e4989', '#31688e', '#26828e', '#1f9e89', '#35b779', '#6ece58', '#b5de2b', '#fde725'],
  blues: ['#f7fbff', '#deebf7', '#c6dbef', '#9ecae1', '#6baed6', '#4292c6', '#2171b5', '#08519c', '#08306b'],
  greyscale: ['#000000', '#ffffff'],
};

const NO_VALUE: Rgb = [221, 221, 221];

function parseHex(hex: string): Rgb {
  return [parseInt(hex.slice(1, 3), 16), parseInt(hex.slice(3, 5), 16), parseInt(hex.slice(5, 7), 16)];
}

const PARSED = Object.fromEntries(Object.entries(ANCHORS).map(([k, v]) => [k, v.map(parseHex)])) as Record<ColorMapName, Rgb[]>;

export function toColorMapName(name: unknown): ColorMapName {
  return name === 'blues' || name === 'greyscale' ? name : 'viridis';
}

/** Colour of `t` in [0, 1]; grey for non-finite. */
export function colorAt(t: number, map: ColorMapName): Rgb {
  if (!Number.isFinite(t)) return NO_VALUE;
  const anchors = PARSED[map];
  const pos = Math.min(1, Math.max(0, t)) * (anchors.length - 1);
  const i = Math.min(anchors.length - 2, Math.floor(pos));
  const f = pos - i;
  const a = anchors[i]!,
    b = anchors[i + 1]!;
  return [Math.round(a[0] + (b[0] - a[0]) * f), Math.round(a[1] + (b[1] - a[1]) * f), Math.round(a[2] + (b[2] - a[2]) * f)];
}

export function rgbHex([r, g, b]: Rgb): string {
  return `#${((1 << 24) | (r << 16) | (g << 8) | b).toString(16).slice(1)}`;
}

/** Perceived brightness, to pick black or white text on a cell. */
export function isLight([r, g, b]: Rgb): boolean {
  return 0.299 * r + 0.587 * g + 0.114 * b > 150;
}

/** Min and max of the finite values (0..1 when there are none). */
export function finiteRange(data: ArrayLike<number | null>): [number, number] {
  let min = Infinity,
    max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v !== null && Number.isFinite(v)) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  return min <= max ? [min, max] : [0, 1];
}

/** A row-major grid of values as an RGB raster, one pixel per cell. */
export function heatmapRaster(
  rows: number,
  cols: number,
  data: ArrayLike<number | null>,
  map: ColorMapName,
  domain?: [number, number],
): RasterImage {
  const [min, max] = domain ?? finiteRange(data);
  const span = max - min || 1;
  const pixels = new Uint8Array(rows * cols * 3);
  for (let i = 0; i < rows * cols; i++) {
    const v = data[i]!;
    const c = colorAt(v === null ? NaN : (v - min) / span, map);
    pixels[i * 3] = c[0];
    pixels[i * 3 + 1] = c[1];
    pixels[i * 3 + 2] = c[2];
  }
  return { width: cols, height: rows, channels: 3, pixels };
}
