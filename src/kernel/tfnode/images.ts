/**
 * tf.node's image functions on any backend, through pure-JavaScript codecs: fast-png (PNG),
 * jpeg-js (JPEG), omggif (GIF) and bmp.ts. Shapes and dtypes are tfjs-node's: decoders return
 * int32 tensors of [height, width, channels] (GIF: [frames, height, width, 3]); encoders take a
 * [height, width, channels] tensor of 0…255 values and resolve to the file's bytes.
 */
import { tensor3d, tensor4d, util, type Tensor3D, type Tensor4D } from '@tensorflow/tfjs';
import { decode as decodePngFile, encode as encodePngFile, type DecodedPng } from 'fast-png';
import { decode as decodeJpegFile, encode as encodeJpegFile } from 'jpeg-js';
import { GifReader } from 'omggif';
import { decodeBmpPixels, type Pixels } from './bmp';

export type ImageType = 'jpeg' | 'png' | 'gif' | 'bmp';

/** The file type from its first bytes, as TensorFlow's DecodeImage tells them apart. */
export function getImageType(content: Uint8Array): ImageType {
  if (content.length > 3 && content[0] === 0xff && content[1] === 0xd8 && content[2] === 0xff) return 'jpeg';
  if (content.length > 4 && content[0] === 0x47 && content[1] === 0x49 && content[2] === 0x46 && content[3] === 0x38) return 'gif';
  if (content.length > 8 && [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((b, i) => content[i] === b)) return 'png';
  if (content.length > 3 && content[0] === 0x42 && content[1] === 0x4d) return 'bmp';
  throw new Error('Expected image (BMP, JPEG, PNG, or GIF), but got unsupported image type');
}

export function decodeImage(content: Uint8Array, channels = 0, dtype = 'int32', expandAnimations = true): Tensor3D | Tensor4D {
  assertInt32(dtype);
  switch (getImageType(content)) {
    case 'jpeg':
      return decodeJpeg(content, channels);
    case 'png':
      return decodePng(content, channels);
    case 'bmp':
      return decodeBmp(content, channels);
    case 'gif': {
      if (expandAnimations) return decodeGif(content);
      const first = gifFrames(content, 1);
      return tensor3d(first.data, [first.height, first.width, 3], 'int32');
    }
  }
}

export function decodePng(content: Uint8Array, channels = 0, dtype = 'int32'): Tensor3D {
  assertInt32(dtype);
  assertChannels('decodePng', channels, [0, 1, 3, 4]);
  return toTensor(convertChannels(pngPixels(content), channels));
}

export function decodeJpeg(content: Uint8Array, channels = 0, ratio = 1): Tensor3D {
  assertChannels('decodeJpeg', channels, [0, 1, 3]);
  if (ratio !== 1) throw new Error('decodeJpeg: only ratio 1 is supported without @tensorflow/tfjs-node');
  const components = jpegComponents(content);
  const { width, height, data } = decodeJpegFile(content, { useTArray: true, formatAsRGBA: false });
  const rgb: Pixels = { width, height, channels: 3, data };
  return toTensor(convertChannels(rgb, channels === 0 ? (components === 1 ? 1 : 3) : channels));
}

export function decodeBmp(content: Uint8Array, channels = 0): Tensor3D {
  assertChannels('decodeBmp', channels, [0, 1, 3, 4]);
  return toTensor(convertChannels(decodeBmpPixels(content), channels));
}

/** Every frame, each drawn over the one before (GIF frames are often partial), RGB. */
export function decodeGif(content: Uint8Array): Tensor4D {
  const { width, height, frames, data } = gifFrames(content, Infinity);
  return tensor4d(data, [frames, height, width, 3], 'int32');
}

export async function encodePng(image: Tensor3D, compression = 1): Promise<Uint8Array> {
  const { width, height, channels, data } = await imagePixels('encodePng', image);
  const level = Math.max(0, Math.min(9, compression < 0 ? 6 : compression)) as 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;
  return encodePngFile({ width, height, channels, depth: 8, data }, { zlib: { level } });
}

export async function encodeJpeg(image: Tensor3D, format: '' | 'grayscale' | 'rgb' = '', quality = 95): Promise<Uint8Array> {
  const pixels = await imagePixels('encodeJpeg', image);
  if (format === 'grayscale' && pixels.channels !== 1)
    throw new Error(`encodeJpeg: format 'grayscale' needs 1 channel, the image has ${pixels.channels}`);
  if (format === 'rgb' && pixels.channels !== 3)
    throw new Error(`encodeJpeg: format 'rgb' needs 3 channels, the image has ${pixels.channels}`);
  if (pixels.channels !== 1 && pixels.channels !== 3)
    throw new Error(`encodeJpeg: the image must have 1 or 3 channels, it has ${pixels.channels}`);
  // jpeg-js reads RGBA; a gray image is written as three equal channels.
  const rgba = convertChannels(pixels, 4).data;
  return new Uint8Array(encodeJpegFile({ width: pixels.width, height: pixels.height, data: rgba }, quality).data);
}

function assertInt32(dtype: string): void {
  util.assert(dtype === 'int32', () => 'decodeImage could only return Tensor of type `int32` for now.');
}

function assertChannels(fn: string, channels: number, allowed: number[]): void {
  if (!allowed.includes(channels)) throw new Error(`${fn}: channels must be one of ${allowed.join(', ')}, got ${channels}`);
}

function toTensor(p: Pixels): Tensor3D {
  return tensor3d(Int32Array.from(p.data), [p.height, p.width, p.channels], 'int32');
}

async function imagePixels(fn: string, image: Tensor3D): Promise<Pixels> {
  if (image.rank !== 3) throw new Error(`${fn}: expected a [height, width, channels] tensor, got shape [${image.shape.join(', ')}]`);
  const [height, width, channels] = image.shape;
  // As tfjs-node: the values become bytes (Uint8Array conversion).
  return { width, height, channels, data: new Uint8Array(await image.data()) };
}

/** PNG pixels at 8 bits per channel, palettes expanded (RGB, or RGBA where the palette has transparency). */
function pngPixels(content: Uint8Array): Pixels {
  const png: DecodedPng = decodePngFile(content);
  const { width, height, depth } = png;
  if (png.palette) {
    const entries = png.palette;
    const channels = entries.some((e) => e.length === 4) ? 4 : 3;
    const indices = unpackSamples(png.data, width, height, 1, depth);
    const data = new Uint8Array(width * height * channels);
    for (let i = 0; i < indices.length; i++) {
      const entry = entries[indices[i]!] ?? [0, 0, 0, 255];
      for (let c = 0; c < channels; c++) data[i * channels + c] = entry[c] ?? 255;
    }
    return { width, height, channels, data };
  }
  const channels = png.channels;
  if (depth === 16) return { width, height, channels, data: Uint8Array.from(png.data as Uint16Array, (v) => v >> 8) };
  if (depth === 8) return { width, height, channels, data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength) };
  const scale = 255 / ((1 << depth) - 1);
  return {
    width,
    height,
    channels,
    data: Uint8Array.from(unpackSamples(png.data, width, height, channels, depth), (v) => Math.round(v * scale)),
  };
}

/** Samples of 1, 2 or 4 bits, rows padded to whole bytes (PNG's layout), one per array element. */
function unpackSamples(packed: ArrayLike<number>, width: number, height: number, channels: number, depth: number): Uint8Array {
  const perRow = width * channels;
  if (depth === 8) return Uint8Array.from({ length: perRow * height }, (_, i) => packed[i]!);
  const rowBytes = Math.ceil((perRow * depth) / 8);
  const mask = (1 << depth) - 1;
  const out = new Uint8Array(perRow * height);
  for (let y = 0; y < height; y++) {
    for (let i = 0; i < perRow; i++) {
      const bit = i * depth;
      const byte = packed[y * rowBytes + (bit >> 3)]!;
      out[y * perRow + i] = (byte >> (8 - depth - (bit & 7))) & mask;
    }
  }
  return out;
}

/** The component count in a JPEG's frame header (1: grayscale, 3: YCbCr, 4: CMYK). */
function jpegComponents(bytes: Uint8Array): number {
  let i = 2;
  while (i + 9 < bytes.length) {
    if (bytes[i] !== 0xff) {
      i++;
      continue;
    }
    const marker = bytes[i + 1]!;
    // SOF0…SOF15 except DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) return bytes[i + 9]!;
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0xff) {
      i += marker === 0xff ? 1 : 2;
      continue;
    }
    i += 2 + ((bytes[i + 2]! << 8) | bytes[i + 3]!);
  }
  throw new Error('decodeJpeg: no frame header found; the JPEG is corrupt or truncated');
}

function gifFrames(content: Uint8Array, maxFrames: number): { width: number; height: number; frames: number; data: Int32Array } {
  let reader: GifReader;
  try {
    reader = new GifReader(content);
  } catch (e) {
    throw new Error(`decodeGif: not a readable GIF (${e instanceof Error ? e.message : String(e)})`);
  }
  const { width, height } = reader;
  const frames = Math.min(reader.numFrames(), maxFrames);
  const canvas = new Uint8Array(width * height * 4);
  const data = new Int32Array(frames * width * height * 3);
  for (let f = 0; f < frames; f++) {
    reader.decodeAndBlitFrameRGBA(f, canvas);
    const base = f * width * height * 3;
    for (let p = 0; p < width * height; p++) {
      data[base + p * 3] = canvas[p * 4]!;
      data[base + p * 3 + 1] = canvas[p * 4 + 1]!;
      data[base + p * 3 + 2] = canvas[p * 4 + 2]!;
    }
  }
  return { width, height, frames, data };
}

/**
 * Converts between 1 (gray), 2 (gray + alpha), 3 (RGB) and 4 (RGBA) channels; `to` 0 keeps them.
 * Color to gray uses ITU-R BT.601 luma, as libpng and libjpeg do.
 */
export function convertChannels(p: Pixels, to: number): Pixels {
  if (to === 0 || to === p.channels) return p;
  const n = p.width * p.height;
  const out = new Uint8Array(n * to);
  const from = p.channels;
  for (let i = 0; i < n; i++) {
    const s = i * from;
    const gray = from <= 2;
    const r = p.data[s]!,
      g = gray ? r : p.data[s + 1]!,
      b = gray ? r : p.data[s + 2]!;
    const a = from === 2 ? p.data[s + 1]! : from === 4 ? p.data[s + 3]! : 255;
    const d = i * to;
    if (to === 1 || to === 2) {
      out[d] = gray ? r : Math.round(0.299 * r + 0.587 * g + 0.114 * b);
      if (to === 2) out[d + 1] = a;
    } else {
      out[d] = r;
      out[d + 1] = g;
      out[d + 2] = b;
      if (to === 4) out[d + 3] = a;
    }
  }
  return { width: p.width, height: p.height, channels: to, data: out };
}
