import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { toMimeBundle } from '../../../src/kernel/display/index';
import { encodePng } from '../../../src/kernel/display/png';
import { MIME, type TensorPayload } from '../../../src/protocol/mime';
import { RecordingSink, context, dataUrlToBuffer, decodePng, jsonBytes, tf, useCpu } from './helpers';

before(useCpu);

const ctx = context(new RecordingSink());
const payloadOf = (t: tf.Tensor, maxPayloadBytes?: number): TensorPayload =>
  toMimeBundle(t, maxPayloadBytes ? { ...ctx, maxPayloadBytes } : ctx)![MIME.tensor] as TensorPayload;

describe('PNG encoder', () => {
  it('writes a valid PNG whose pixels decode back exactly', () => {
    for (const channels of [1, 3, 4] as const) {
      const width = 5,
        height = 3;
      const pixels = Uint8Array.from({ length: width * height * channels }, (_, i) => (i * 37) % 256);
      const decoded = decodePng(encodePng({ width, height, channels, pixels }));
      assert.equal(decoded.width, width);
      assert.equal(decoded.height, height);
      assert.equal(decoded.bitDepth, 8);
      assert.equal(decoded.channels, channels);
      assert.deepEqual(decoded.pixels, pixels);
    }
  });

  it('rejects a pixel buffer of the wrong size', () => {
    assert.throws(() => encodePng({ width: 2, height: 2, channels: 3, pixels: new Uint8Array(5) }), RangeError);
  });
});

describe('image tensors', () => {
  it('[h,w,3] floats in [0,1] become one RGB PNG, scaled to 0..255', () => {
    const t = tf.tidy(() => tf.concat([tf.ones([20, 30, 1]), tf.zeros([20, 30, 1]), tf.fill([20, 30, 1], 0.5)], 2));
    const bundle = toMimeBundle(t, ctx)!;
    const p = bundle[MIME.tensor] as TensorPayload;
    assert.ok(p.images);
    assert.equal(p.images.total, 1);
    assert.equal(p.images.pngDataUrls.length, 1);
    assert.equal(p.images.channels, 3);
    const png = decodePng(dataUrlToBuffer(p.images.pngDataUrls[0]!));
    assert.equal(png.width, 30);
    assert.equal(png.height, 20);
    assert.equal(png.channels, 3);
    assert.deepEqual([...png.pixels.subarray(0, 3)], [255, 0, 128]);
    assert.equal(typeof bundle['image/png'], 'string', 'static image is the PNG');
    assert.equal(decodePng(Buffer.from(bundle['image/png'] as string, 'base64')).width, 30);
    t.dispose();
  });

  it('[n,h,w,1] int32 0..255 become grey PNGs, capped in count', () => {
    const t = tf.tidy(() => tf.randomUniform([40, 28, 28, 1], 0, 256, 'int32'));
    const p = payloadOf(t);
    assert.ok(p.images);
    assert.equal(p.images.total, 40);
    assert.ok(p.images.pngDataUrls.length >= 1 && p.images.pngDataUrls.length <= 32);
    const png = decodePng(dataUrlToBuffer(p.images.pngDataUrls[0]!));
    assert.deepEqual([png.width, png.height, png.channels, png.colorType], [28, 28, 1, 0]);
    const first = t.slice([0, 0, 0, 0], [1, 1, 2, 1]).dataSync();
    assert.deepEqual([...png.pixels.subarray(0, 2)], [...first]);
    t.dispose();
  });

  it('RGBA images keep their alpha channel; large images are downsampled within the bound', () => {
    const rgba = tf.randomUniform([16, 16, 4]);
    assert.equal(decodePng(dataUrlToBuffer(payloadOf(rgba).images!.pngDataUrls[0]!)).colorType, 6);
    const big = tf.randomUniform([8, 1024, 768, 3]);
    const bundle = toMimeBundle(big, ctx)!;
    assert.ok(jsonBytes(bundle) <= 256 * 1024, `bundle is ${jsonBytes(bundle)} bytes`);
    const p = bundle[MIME.tensor] as TensorPayload;
    assert.ok(p.images && Math.max(p.images.width, p.images.height) <= 128);
    const png = decodePng(dataUrlToBuffer(p.images.pngDataUrls[0]!));
    assert.deepEqual([png.width, png.height], [p.images.width, p.images.height]);
    tf.dispose([rgba, big]);
  });

  it('does not treat non-image shapes as images', () => {
    for (const shape of [
      [20, 30],
      [20, 30, 2],
      [4, 4, 3],
      [2, 3, 20, 20, 3],
      [10, 10, 5],
    ]) {
      const t = tf.zeros(shape);
      assert.equal(payloadOf(t).images, undefined, `shape [${shape}]`);
      t.dispose();
    }
    const s = tf.fill([10, 10, 3], 'a', 'string');
    assert.equal(payloadOf(s).images, undefined);
    s.dispose();
  });

  it('values outside [0,255] are min–max scaled', () => {
    const t = tf.tidy(() => tf.linspace(-1000, 1000, 64).reshape([8, 8, 1]));
    const png = decodePng(dataUrlToBuffer(payloadOf(t).images!.pngDataUrls[0]!));
    assert.equal(png.pixels[0], 0);
    assert.equal(png.pixels[63], 255);
    t.dispose();
  });
});
