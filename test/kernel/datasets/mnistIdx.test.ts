import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { IdxFormatError, parseIdx } from '../../../src/kernel/datasets/idx';
import { readSplit } from '../../../src/kernel/datasets/mnistFiles';
import { tempDir } from '../../helpers/kernel';

/** Header bytes written out by hand: magic (0, 0, type, rank), then big-endian dims. */
const IMAGES_2x2x3 = Uint8Array.from([0, 0, 0x08, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3, 0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255]);
const LABELS_2 = Uint8Array.from([0, 0, 0x08, 1, 0, 0, 0, 2, 7, 3]);

describe('IDX parsing', () => {
  it('reads an uncompressed uint8 file: dims big-endian, values in order', () => {
    const idx = parseIdx(IMAGES_2x2x3);
    assert.equal(idx.dtype, 'uint8');
    assert.deepEqual(idx.dims, [2, 2, 3]);
    assert.deepEqual(Array.from(idx.data), [0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255]);
  });

  it('reads the same file gzipped (detected by content)', () => {
    const idx = parseIdx(gzipSync(IMAGES_2x2x3));
    assert.deepEqual(idx.dims, [2, 2, 3]);
    assert.deepEqual(Array.from(idx.data), Array.from(parseIdx(IMAGES_2x2x3).data));
  });

  it('reads dims above 255 and multi-byte big-endian types', () => {
    const header = [0, 0, 0x0c, 1, 0, 0, 0x01, 0x02]; // int32, 258 values
    const body = new Uint8Array(258 * 4);
    body.set([0xff, 0xff, 0xff, 0xfe], 0); // -2
    body.set([0x00, 0x01, 0x00, 0x00], 257 * 4); // 65536
    const idx = parseIdx(Uint8Array.from([...header, ...body]));
    assert.equal(idx.dtype, 'int32');
    assert.deepEqual(idx.dims, [258]);
    assert.equal(idx.data[0], -2);
    assert.equal(idx.data[257], 65536);
  });

  it('rejects a bad magic number with a message naming the file and the expected magic', () => {
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.throws(
      () => parseIdx(png, 'train-images-idx3-ubyte'),
      (e: Error) =>
        e instanceof IdxFormatError &&
        /train-images-idx3-ubyte: bad magic number 0x89504e47/.test(e.message) &&
        /0x00000803/.test(e.message),
    );
    const unknownType = Uint8Array.from([0, 0, 0x07, 1, 0, 0, 0, 0]);
    assert.throws(() => parseIdx(unknownType), /bad magic number 0x00000701/);
  });

  it('rejects truncated files and corrupt gzip', () => {
    assert.throws(() => parseIdx(IMAGES_2x2x3.subarray(0, 20), 'x'), /x: dimensions \[2, 2, 3\] need 28 bytes but the file has 20/);
    assert.throws(() => parseIdx(IMAGES_2x2x3.subarray(0, 9), 'x'), /x: header says 3 dimensions but the file ends after 9 bytes/);
    const gz = gzipSync(IMAGES_2x2x3);
    assert.throws(() => parseIdx(gz.subarray(0, gz.length - 6), 'y.gz'), /y\.gz: not a valid gzip file/);
  });
});

describe('MNIST split files', () => {
  it('pairs images with labels and checks them against each other', () => {
    const dir = tempDir('tfnb-idx-');
    const p = (name: string, bytes: Uint8Array) => {
      writeFileSync(join(dir, name), bytes);
      return join(dir, name);
    };
    const split = readSplit(p('img', IMAGES_2x2x3), p('lab.gz', gzipSync(LABELS_2)));
    assert.deepEqual([split.count, split.rows, split.cols], [2, 2, 3]);
    assert.deepEqual(Array.from(split.labels), [7, 3]);

    const threeLabels = Uint8Array.from([0, 0, 0x08, 1, 0, 0, 0, 3, 1, 2, 3]);
    assert.throws(() => readSplit(p('img', IMAGES_2x2x3), p('lab3', threeLabels)), /has 2 images but .*lab3 has 3 labels/);
    const notADigit = Uint8Array.from([0, 0, 0x08, 1, 0, 0, 0, 2, 1, 12]);
    assert.throws(() => readSplit(p('img', IMAGES_2x2x3), p('lab12', notADigit)), /label 12 at index 1 is not a digit/);
    assert.throws(() => readSplit(p('lab', LABELS_2), p('lab2', LABELS_2)), /expected uint8 images \[count, rows, cols\]/);
  });
});
