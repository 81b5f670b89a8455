/**
 * A minimal PNG encoder (8-bit grey, RGB or RGBA, no interlace) on node:zlib: enough for tensor
 * images and heatmaps, without a dependency.
 */
import { deflateSync } from 'node:zlib';

export type Channels = 1 | 3 | 4;

export interface RasterImage {
  width: number;
  height: number;
  channels: Channels;
  /** Row-major, `channels` bytes per pixel. */
  pixels: Uint8Array;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const COLOR_TYPE: Record<Channels, number> = { 1: 0, 3: 2, 4: 6 };

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

export function encodePng(image: RasterImage): Buffer {
  const { width, height, channels, pixels } = image;
  if (pixels.length !== width * height * channels) throw new RangeError('encodePng: pixel buffer size does not match the image size');
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = COLOR_TYPE[channels];
  // compression, filter and interlace methods stay 0
  const rowBytes = width * channels;
  const raw = new Uint8Array(height * (rowBytes + 1));
  for (let y = 0; y < height; y++) {
    // filter type 0 (None): our images are small, zlib does the work
    raw.set(pixels.subarray(y * rowBytes, (y + 1) * rowBytes), y * (rowBytes + 1) + 1);
  }
  return Buffer.concat([SIGNATURE, chunk('IHDR', header), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', new Uint8Array(0))]);
}

export function pngBase64(image: RasterImage): string {
  return encodePng(image).toString('base64');
}

export function pngDataUrl(image: RasterImage): string {
  return `data:image/png;base64,${pngBase64(image)}`;
}

/**
 * Images of one size side by side in rows of at most `columns`, `gap` white pixels apart: the
 * PNG fallback of an image grid, so a viewer without tfnb sees the whole grid, not its first image.
 */
export function tileImages(images: RasterImage[], columns = 8, gap = 2): RasterImage {
  const first = images[0];
  if (!first) throw new RangeError('tileImages: no images');
  const { width: w, height: h, channels: c } = first;
  const cols = Math.min(columns, images.length);
  const rows = Math.ceil(images.length / cols);
  const width = cols * w + (cols - 1) * gap,
    height = rows * h + (rows - 1) * gap;
  const pixels = new Uint8Array(width * height * c).fill(255);
  images.forEach((image, i) => {
    if (image.width !== w || image.height !== h || image.channels !== c) throw new RangeError('tileImages: images differ in size');
    const x0 = (i % cols) * (w + gap),
      y0 = Math.floor(i / cols) * (h + gap);
    for (let y = 0; y < h; y++) pixels.set(image.pixels.subarray(y * w * c, (y + 1) * w * c), ((y0 + y) * width + x0) * c);
  });
  return { width, height, channels: c, pixels };
}
