/**
 * Tensors shaped like images ([h,w,c] or [n,h,w,c], c in 1/3/4) become PNG data URLs: scaled to
 * 0..255, box-downsampled to a maximum side, and as many as fit the byte budget (capped).
 */
import type { FullStats, TensorValues } from './tensorData';
import { pngDataUrl, type Channels, type RasterImage } from './png';

export interface ImageLayout {
  count: number;
  height: number;
  width: number;
  channels: Channels;
}

/** Smaller than this on a side, a [h,w,c] tensor is more likely data than a picture. */
const MIN_SIDE = 8;

export function imageLayout(shape: number[], values: TensorValues): ImageLayout | undefined {
  if (values.kind !== 'number' && values.kind !== 'bool') return undefined;
  const dims = shape.length === 3 ? [1, ...shape] : shape.length === 4 ? shape : undefined;
  if (!dims) return undefined;
  const [count, height, width, c] = dims as [number, number, number, number];
  if ((c !== 1 && c !== 3 && c !== 4) || count < 1 || height < MIN_SIDE || width < MIN_SIDE) return undefined;
  return { count, height, width, channels: c };
}

/** Maps values to 0..255: bool as 0/255, [0,1] floats ×255, [0,255] as is, else min–max. */
export function pixelScaler(values: TensorValues, stats: FullStats): (v: number) => number {
  if (values.kind === 'bool') return (v) => (v ? 255 : 0);
  const min = stats.min ?? 0,
    max = stats.max ?? 0;
  const clamp = (v: number): number => (Number.isFinite(v) ? Math.max(0, Math.min(255, Math.round(v))) : 0);
  if (values.kind === 'number' && !values.integer && min >= 0 && max <= 1) return (v) => clamp(v * 255);
  if (min >= 0 && max <= 255) return clamp;
  const span = max - min || 1;
  return (v) => clamp(((v - min) / span) * 255);
}

export function extractImage(
  data: ArrayLike<number>,
  layout: ImageLayout,
  index: number,
  maxSide: number,
  scale: (v: number) => number,
): RasterImage {
  const { height: h, width: w, channels: c } = layout;
  const factor = Math.max(1, Math.ceil(Math.max(h, w) / maxSide));
  const oh = Math.ceil(h / factor),
    ow = Math.ceil(w / factor);
  const pixels = new Uint8Array(oh * ow * c);
  const base = index * h * w * c;
  for (let oy = 0; oy < oh; oy++) {
    for (let ox = 0; ox < ow; ox++) {
      for (let ch = 0; ch < c; ch++) {
        let sum = 0,
          n = 0;
        for (let y = oy * factor; y < Math.min(h, (oy + 1) * factor); y++) {
          for (let x = ox * factor; x < Math.min(w, (ox + 1) * factor); x++) {
            sum += scale(data[base + (y * w + x) * c + ch]!);
            n++;
          }
        }
        pixels[(oy * ow + ox) * c + ch] = Math.round(sum / n);
      }
    }
  }
  return { width: ow, height: oh, channels: c, pixels };
}

export interface EncodedImages {
  width: number;
  height: number;
  channels: Channels;
  urls: string[];
  first?: RasterImage;
  /** The images behind `urls`, for the PNG fallback of the whole grid. */
  images: RasterImage[];
}

export function encodeImages(
  data: ArrayLike<number>,
  layout: ImageLayout,
  scale: (v: number) => number,
  maxImages: number,
  maxSide: number,
  budgetBytes: number,
): EncodedImages | undefined {
  let side = maxSide;
  const urls: string[] = [];
  let used = 0;
  let first: RasterImage | undefined;
  const images: RasterImage[] = [];
  for (let i = 0; i < Math.min(layout.count, maxImages); i++) {
    const image = extractImage(data, layout, i, side, scale);
    const url = pngDataUrl(image);
    if (used + url.length > budgetBytes) {
      if (i === 0 && side > MIN_SIDE) {
        side = Math.max(MIN_SIDE, Math.floor(side / 2));
        i--;
        continue;
      }
      break;
    }
    if (i === 0) first = image;
    urls.push(url);
    images.push(image);
    used += url.length;
  }
  if (!first) return undefined;
  return { width: first.width, height: first.height, channels: layout.channels, urls, first, images };
}
