/**
 * Image files for the decoder tests, built here from the formats' specifications rather than by
 * the codecs under test: PNG (node:zlib's deflate and CRC-32), BMP (its headers), GIF (omggif's
 * writer; tfnb decodes with its reader, the encoder side is independent of it).
 */
import { crc32, deflateSync } from 'node:zlib';
import { GifWriter } from 'omggif';

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * A PNG of rows already packed at `depth` bits per sample (filter 0 per row). colorType: 0 gray,
 * 2 RGB, 3 palette, 4 gray+alpha, 6 RGBA.
 */
export function png(opts: {
  width: number;
  height: number;
  depth: number;
  colorType: number;
  rows: Uint8Array[];
  palette?: number[][];
  transparency?: number[];
}): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(opts.width, 0);
  ihdr.writeUInt32BE(opts.height, 4);
  ihdr[8] = opts.depth;
  ihdr[9] = opts.colorType;
  ihdr[10] = 0;
  ihdr[11] = 0;
  ihdr[12] = 0;
  const raw = Buffer.concat(opts.rows.map((r) => Buffer.concat([Buffer.from([0]), r])));
  const parts = [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr)];
  if (opts.palette) parts.push(chunk('PLTE', Uint8Array.from(opts.palette.flat())));
  if (opts.transparency) parts.push(chunk('tRNS', Uint8Array.from(opts.transparency)));
  parts.push(chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array(0)));
  return Buffer.concat(parts);
}

/** A BMP: 24 bits (BGR) or 32 bits (BGRA), rows padded to 4 bytes, bottom-up unless topDown. `pixels` are RGB(A) rows. */
export function bmp(pixels: number[][][], bits: 24 | 32, topDown = false): Buffer {
  const height = pixels.length,
    width = pixels[0]!.length,
    bytes = bits / 8;
  const rowBytes = Math.ceil((width * bits) / 32) * 4;
  const out = Buffer.alloc(54 + rowBytes * height);
  out.write('BM', 0, 'latin1');
  out.writeUInt32LE(out.length, 2);
  out.writeUInt32LE(54, 10);
  out.writeUInt32LE(40, 14);
  out.writeInt32LE(width, 18);
  out.writeInt32LE(topDown ? -height : height, 22);
  out.writeUInt16LE(1, 26);
  out.writeUInt16LE(bits, 28);
  out.writeUInt32LE(0, 30);
  out.writeUInt32LE(rowBytes * height, 34);
  pixels.forEach((row, y) => {
    const base = 54 + (topDown ? y : height - 1 - y) * rowBytes;
    row.forEach(([r, g, b, a], x) => {
      out[base + x * bytes] = b!;
      out[base + x * bytes + 1] = g!;
      out[base + x * bytes + 2] = r!;
      if (bytes === 4) out[base + x * bytes + 3] = a ?? 255;
    });
  });
  return out;
}

/** A GIF of indexed frames over one palette (0xRRGGBB entries), each frame a full-size rectangle unless given. */
export function gif(
  width: number,
  height: number,
  palette: number[],
  frames: Array<{ x?: number; y?: number; w?: number; h?: number; pixels: number[] }>,
): Buffer {
  const buf = Buffer.alloc(1024 + width * height * frames.length * 2);
  const writer = new GifWriter(buf, width, height, { palette, loop: 0 });
  for (const f of frames) writer.addFrame(f.x ?? 0, f.y ?? 0, f.w ?? width, f.h ?? height, f.pixels);
  return buf.subarray(0, writer.end());
}
