/**
 * The IDX file format of MNIST (http://yann.lecun.com/exdb/mnist/): a 4-byte magic number
 * (two zero bytes, a type code, the number of dimensions), one big-endian uint32 per dimension,
 * then the values, big-endian. Files may be gzipped (detected by content, not by name).
 */
import { gunzipSync } from 'node:zlib';

export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export interface IdxArray {
  /** The type code's name: 'uint8' for MNIST images and labels. */
  dtype: IdxType;
  dims: number[];
  data: IdxData;
}

export type IdxType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

const TYPES: Record<number, { dtype: IdxType; bytes: number }> = {
  0x08: { dtype: 'uint8', bytes: 1 },
  0x09: { dtype: 'int8', bytes: 1 },
  0x0b: { dtype: 'int16', bytes: 2 },
  0x0c: { dtype: 'int32', bytes: 4 },
  0x0d: { dtype: 'float32', bytes: 4 },
  0x0e: { dtype: 'float64', bytes: 8 },
};

export class IdxFormatError extends Error {
  override name = 'IdxFormatError';
}

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Parses an IDX file's bytes (gzipped or not). `what` names the file in error messages. */
export function parseIdx(fileBytes: Uint8Array, what = 'IDX file'): IdxArray {
  let bytes = fileBytes;
  if (isGzip(bytes)) {
    try {
      bytes = gunzipSync(bytes);
    } catch (e) {
      throw new IdxFormatError(`${what}: not a valid gzip file (${(e as Error).message}); delete it so it is fetched again`);
    }
  }
  if (bytes.length < 4) throw new IdxFormatError(`${what}: too short to be an IDX file (${bytes.length} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  const type = TYPES[bytes[2]!];
  const rank = bytes[3]!;
  if (bytes[0] !== 0 || bytes[1] !== 0 || !type || rank === 0) {
    throw new IdxFormatError(
      `${what}: bad magic number 0x${magic.toString(16).padStart(8, '0')} (an IDX file starts with 0x0000, a type code 0x08-0x0e and its number of dimensions, e.g. 0x00000803 for images, 0x00000801 for labels)`,
    );
  }
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes)
    throw new IdxFormatError(`${what}: header says ${rank} dimensions but the file ends after ${bytes.length} bytes`);
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const count = dims.reduce((a, b) => a * b, 1);
  const expected = headerBytes + count * type.bytes;
  if (bytes.length !== expected) {
    throw new IdxFormatError(
      `${what}: dimensions [${dims.join(', ')}] need ${expected} bytes but the file has ${bytes.length} (truncated or corrupt download?)`,
    );
  }
  return { dtype: type.dtype, dims, data: readValues(view, headerBytes, count, type.dtype) };
}

function readValues(view: DataView, offset: number, count: number, dtype: IdxType): IdxData {
  switch (dtype) {
    case 'uint8':
      return new Uint8Array(view.buffer.slice(view.byteOffset + offset, view.byteOffset + offset + count));
    case 'int8':
      return new Int8Array(view.buffer.slice(view.byteOffset + offset, view.byteOffset + offset + count));
    case 'int16':
      return fill(new Int16Array(count), (i) => view.getInt16(offset + 2 * i, false));
    case 'int32':
      return fill(new Int32Array(count), (i) => view.getInt32(offset + 4 * i, false));
    case 'float32':
      return fill(new Float32Array(count), (i) => view.getFloat32(offset + 4 * i, false));
    case 'float64':
      return fill(new Float64Array(count), (i) => view.getFloat64(offset + 8 * i, false));
  }
}

function fill<T extends Int16Array | Int32Array | Float32Array | Float64Array>(out: T, at: (i: number) => number): T {
  for (let i = 0; i < out.length; i++) out[i] = at(i);
  return out;
}
