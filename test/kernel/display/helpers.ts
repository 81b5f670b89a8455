/** Shared test helpers: the real tfjs on the cpu backend, a recording sink, a PNG reader. */
import { inflateSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs';
import type { MimeBundle } from '../../../src/protocol/mime';
import type { DisplayContext, DisplayOptions, DisplaySink } from '../../../src/kernel/display/index';
import { crc32 } from '../../../src/kernel/display/png';

export { tf };

export async function useCpu(): Promise<void> {
  await tf.setBackend('cpu');
  await tf.ready();
}

export interface Shown {
  bundle: MimeBundle;
  options: DisplayOptions | undefined;
  at: number;
}

export class RecordingSink implements DisplaySink {
  readonly shown: Shown[] = [];
  constructor(
    private readonly clock: () => number = () => 0,
    private readonly onDisplay?: (s: Shown) => void,
  ) {}
  display(bundle: MimeBundle, options?: DisplayOptions): void {
    const s = { bundle, options, at: this.clock() };
    this.shown.push(s);
    this.onDisplay?.(s);
  }
}

export function context(sink: DisplaySink, extra: Partial<DisplayContext> = {}): DisplayContext {
  return { tf, sink, ...extra };
}

export function jsonBytes(v: unknown): number {
  return Buffer.byteLength(JSON.stringify(v));
}

export interface DecodedPng {
  width: number;
  height: number;
  colorType: number;
  bitDepth: number;
  channels: number;
  pixels: Uint8Array;
}

/** Decodes the PNGs our encoder writes (8-bit, filter 0), checking signature, chunk CRCs and sizes. */
export function decodePng(png: Buffer): DecodedPng {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (!png.subarray(0, 8).equals(signature)) throw new Error('bad PNG signature');
  let offset = 8;
  let header: Buffer | undefined;
  const idat: Buffer[] = [];
  let ended = false;
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    const crc = png.readUInt32BE(offset + 8 + length);
    if (crc !== crc32(png.subarray(offset + 4, offset + 8 + length))) throw new Error(`bad CRC in ${type}`);
    if (type === 'IHDR') header = data;
    else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') ended = true;
    offset += 12 + length;
  }
  if (!header || !ended) throw new Error('missing IHDR or IEND');
  const width = header.readUInt32BE(0),
    height = header.readUInt32BE(4);
  const bitDepth = header[8]!,
    colorType = header[9]!;
  const channels = ({ 0: 1, 2: 3, 4: 2, 6: 4 } as Record<number, number>)[colorType]!;
  const raw = inflateSync(Buffer.concat(idat));
  const rowBytes = width * channels;
  if (raw.length !== height * (rowBytes + 1)) throw new Error('IDAT size does not match the image size');
  const pixels = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    if (raw[y * (rowBytes + 1)] !== 0) throw new Error('unexpected filter type');
    pixels.set(raw.subarray(y * (rowBytes + 1) + 1, (y + 1) * (rowBytes + 1)), y * rowBytes);
  }
  return { width, height, colorType, bitDepth, channels, pixels };
}

export function dataUrlToBuffer(url: string): Buffer {
  const prefix = 'data:image/png;base64,';
  if (!url.startsWith(prefix)) throw new Error('not a PNG data URL');
  return Buffer.from(url.slice(prefix.length), 'base64');
}
