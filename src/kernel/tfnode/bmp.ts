/**
 * BMP decoding for `tf.node.decodeBmp`: the files TensorFlow's DecodeBmp reads — uncompressed
 * 8-bit (palette indices read as gray, as TensorFlow does), 24-bit (BGR) and 32-bit (BGRA) —
 * stored bottom-up or top-down. No npm BMP codec is kept up; this is the whole format.
 */
export interface Pixels {
  width: number;
  height: number;
  channels: number;
  data: Uint8Array;
}

export function decodeBmpPixels(bytes: Uint8Array): Pixels {
  if (bytes.length < 54 || bytes[0] !== 0x42 || bytes[1] !== 0x4d)
    throw new Error('decodeBmp: not a BMP file (it does not start with "BM")');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const pixelOffset = view.getUint32(10, true);
  const headerSize = view.getUint32(14, true);
  if (headerSize < 40) throw new Error(`decodeBmp: BMP header of ${headerSize} bytes (OS/2 bitmaps) is not supported`);
  const width = view.getInt32(18, true);
  const signedHeight = view.getInt32(22, true);
  const bitsPerPixel = view.getUint16(28, true);
  const compression = view.getUint32(30, true);
  // BI_RGB (0) and BI_BITFIELDS (3) with the default masks are plain pixels.
  if (compression !== 0 && compression !== 3) throw new Error(`decodeBmp: compressed BMP (compression ${compression}) is not supported`);
  if (bitsPerPixel !== 8 && bitsPerPixel !== 24 && bitsPerPixel !== 32)
    throw new Error(`decodeBmp: ${bitsPerPixel}-bit BMP is not supported (8, 24 and 32 are)`);
  if (width <= 0 || signedHeight === 0) throw new Error(`decodeBmp: bad dimensions ${width}x${signedHeight}`);
  const height = Math.abs(signedHeight);
  const topDown = signedHeight < 0;
  const channels = bitsPerPixel / 8;
  const rowBytes = Math.ceil((width * bitsPerPixel) / 32) * 4;
  if (pixelOffset + rowBytes * (height - 1) + width * channels > bytes.length) throw new Error('decodeBmp: the file is truncated');
  const data = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    const src = pixelOffset + (topDown ? y : height - 1 - y) * rowBytes;
    for (let x = 0; x < width; x++) {
      const s = src + x * channels;
      const d = (y * width + x) * channels;
      if (channels === 1) {
        data[d] = bytes[s]!;
        continue;
      }
      data[d] = bytes[s + 2]!;
      data[d + 1] = bytes[s + 1]!;
      data[d + 2] = bytes[s]!;
      if (channels === 4) data[d + 3] = bytes[s + 3]!;
    }
  }
  return { width, height, channels, data };
}
