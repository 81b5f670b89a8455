/**
 * `display.images(images, { captions })`: a batch of images as a grid of captioned tiles — the
 * misclassified digits with "true → predicted" under each, filters of a first layer, spectrogram
 * crops. Plain HTML with PNG data URLs, so VS Code, JupyterLab and GitHub all draw it, and the
 * captions are also the text/plain fallback (a terminal, `tfnb run`'s log).
 */
import type { MimeBundle } from '../../protocol/mime';
import { pngDataUrl } from './png';
import { computeStats, type TensorValues } from './tensorData';
import { extractImage, pixelScaler, type ImageLayout } from './tensorImages';
import type { ImagesOptions, ImageTensor } from '../../api/display';
export type { ImagesOptions, ImageTensor } from '../../api/display';

/** Images above this count are left out (with a note): a grid is for looking at, not for a dataset. */
export const MAX_GRID_IMAGES = 200;
/** Longest side an image is encoded at (larger ones are box-downsampled). */
const MAX_SIDE = 96;

export function imageGridBundle(images: ImageTensor, options: ImagesOptions = {}): MimeBundle {
  if (typeof images !== 'object' || images === null || !Array.isArray(images.shape) || typeof images.dataSync !== 'function') {
    throw new TypeError(
      'display.images takes a tensor of images: [n, height, width], [n, height, width, channels] or [height, width, channels]',
    );
  }
  const layout = layoutOf(images.shape);
  if (images.dtype === 'string' || images.dtype === 'complex64')
    throw new TypeError(`display.images takes numbers, got a ${images.dtype} tensor`);
  const captions = options.captions;
  if (captions !== undefined && (!Array.isArray(captions) || captions.some((c) => typeof c !== 'string'))) {
    throw new TypeError('display.images: captions must be an array of strings');
  }
  if (captions && captions.length !== layout.count) {
    throw new RangeError(`display.images: ${captions.length} captions for ${layout.count} images`);
  }
  const data = images.dataSync() as ArrayLike<number>;
  const values: TensorValues =
    images.dtype === 'bool' ? { kind: 'bool', data } : { kind: 'number', data, integer: images.dtype === 'int32' };
  const scale = pixelScaler(values, computeStats(data));
  const shown = Math.min(layout.count, MAX_GRID_IMAGES);
  const side = Math.max(layout.width, layout.height);
  const size = options.size ?? Math.round(layout.width * Math.min(4, Math.max(1, 56 / side)));
  if (!Number.isFinite(size) || size < 1 || size > 1024) throw new RangeError(`display.images: size must be 1-1024 pixels, got ${size}`);
  const tiles: string[] = [];
  for (let i = 0; i < shown; i++) {
    const url = pngDataUrl(extractImage(data, layout, i, MAX_SIDE, scale));
    const caption = captions?.[i];
    tiles.push(
      `<figure style="margin:3px;text-align:center">` +
        `<img src="${url}" width="${size}" style="image-rendering:pixelated;display:block" alt="${escapeHtml(caption ?? `image ${i}`)}">` +
        (caption !== undefined
          ? `<figcaption style="font:12px monospace;max-width:${Math.max(size, 40)}px;overflow-wrap:anywhere">${escapeHtml(caption)}</figcaption>`
          : '') +
        '</figure>',
    );
  }
  // Say why when the grid is not the whole batch at full size.
  const notes: string[] = [];
  if (layout.count > shown) notes.push(`showing the first ${shown}: a grid holds at most ${MAX_GRID_IMAGES} images`);
  if (side > MAX_SIDE) notes.push(`images are stored downscaled to ${MAX_SIDE} px on the longest side to keep the output small`);
  const more = notes.map((n) => `<div>${n}</div>`).join('');
  const title = options.title ? `<div style="font-weight:bold">${escapeHtml(options.title)}</div>` : '';
  const kind = layout.channels === 1 ? 'grayscale' : layout.channels === 3 ? 'RGB' : 'RGBA';
  const summary = `${layout.count} ${kind} image${layout.count === 1 ? '' : 's'}, ${layout.height} × ${layout.width}`;
  const plain = [options.title, `<${summary}>`, ...notes, captions ? captions.slice(0, shown).join('  ') : undefined]
    .filter(Boolean)
    .join('\n');
  return {
    'text/html': `${title}<div style="display:flex;flex-wrap:wrap;align-items:flex-start">${tiles.join('')}</div>${more}`,
    'text/plain': plain,
  };
}

function layoutOf(shape: number[]): ImageLayout {
  const [count, height, width, channels] =
    shape.length === 3 && [1, 3, 4].includes(shape[2]!) && shape[0]! > 4
      ? [1, shape[0]!, shape[1]!, shape[2]!]
      : shape.length === 3
        ? [shape[0]!, shape[1]!, shape[2]!, 1]
        : shape.length === 4
          ? (shape as [number, number, number, number])
          : [0, 0, 0, 0];
  if (
    shape.length < 3 ||
    shape.length > 4 ||
    (channels !== 1 && channels !== 3 && channels !== 4) ||
    count < 1 ||
    height < 1 ||
    width < 1
  ) {
    throw new RangeError(
      `display.images takes [n, height, width], [n, height, width, 1|3|4] or [height, width, 3|4]; got shape [${shape.join(', ')}]`,
    );
  }
  return { count, height, width, channels: channels as 1 | 3 | 4 };
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
