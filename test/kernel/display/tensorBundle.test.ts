import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { toMimeBundle } from '../../../src/kernel/display/index';
import { MIME, type MimeBundle, type TensorPayload } from '../../../src/protocol/mime';
import { RecordingSink, context, jsonBytes, tf, useCpu } from './helpers';

before(useCpu);

const ctx = context(new RecordingSink());
const DEFAULT_BOUND = 256 * 1024;

function bundleOf(t: tf.Tensor, maxPayloadBytes?: number): { bundle: MimeBundle; payload: TensorPayload } {
  const bundle = toMimeBundle(t, maxPayloadBytes ? { ...ctx, maxPayloadBytes } : ctx);
  assert.ok(bundle, 'a tensor gets a rich bundle');
  return { bundle, payload: bundle[MIME.tensor] as TensorPayload };
}

function hasStaticImage(b: MimeBundle): boolean {
  return typeof b['image/svg+xml'] === 'string' || typeof b['image/png'] === 'string';
}

describe('toMimeBundle for tensors', () => {
  it('returns undefined for values that are not tensors, models or histories', () => {
    for (const v of [1, 'x', null, undefined, { shape: [1] }, [1, 2]]) assert.equal(toMimeBundle(v, ctx), undefined);
  });

  it('a 2000×2000 tensor stays under the default bound, with stats, edge items, heatmap and histogram', () => {
    const t = tf.randomNormal([2000, 2000], 0, 1, 'float32', 7);
    const { bundle, payload } = bundleOf(t);
    assert.ok(jsonBytes(bundle) <= DEFAULT_BOUND, `bundle is ${jsonBytes(bundle)} bytes`);
    assert.deepEqual(payload.shape, [2000, 2000]);
    assert.equal(payload.size, 4_000_000);
    assert.equal(payload.truncated, true);
    const values = payload.values as unknown[][];
    assert.equal(values.length, 7);
    assert.equal(values[3], null);
    assert.equal(values[0]!.length, 7);
    assert.equal(values[0]![3], null);
    const first = t.slice([0, 0], [1, 1]).dataSync()[0]!;
    assert.ok(Math.abs((values[0]![0] as number) - first) < 1e-6);
    assert.ok(payload.stats && Math.abs(payload.stats.mean!) < 0.01 && Math.abs(payload.stats.std! - 1) < 0.01);
    assert.equal(payload.heatmap?.rows, 64);
    assert.equal(payload.heatmap?.cols, 64);
    assert.equal(payload.heatmap?.data.length, 64 * 64);
    assert.equal(
      payload.histogram?.counts.reduce((a, b) => a + b, 0),
      4_000_000,
    );
    assert.ok(hasStaticImage(bundle));
    assert.match(bundle['text/plain'], /Tensor float32 \[2000,2000\]/);
    t.dispose();
  });

  it('stays under a small bound too, by summarising more', () => {
    const t = tf.randomUniform([300, 400]);
    const { bundle } = bundleOf(t, 16 * 1024);
    assert.ok(jsonBytes(bundle) <= 16 * 1024, `bundle is ${jsonBytes(bundle)} bytes`);
    t.dispose();
  });

  it('rank-0, 1-element and rank-5 tensors', () => {
    const scalar = tf.scalar(3.5);
    let r = bundleOf(scalar);
    assert.deepEqual(r.payload.shape, []);
    assert.equal(r.payload.values, 3.5);
    assert.equal(r.payload.truncated, false);
    assert.ok(hasStaticImage(r.bundle));

    const one = tf.tensor1d([42], 'int32');
    r = bundleOf(one);
    assert.deepEqual(r.payload.values, [42]);

    const rank5 = tf.range(0, 2 * 3 * 4 * 5 * 6).reshape([2, 3, 4, 5, 6]);
    r = bundleOf(rank5);
    assert.equal(r.payload.size, 720);
    assert.equal(r.payload.truncated, false);
    assert.equal((r.payload.values as number[][][][][])[1]![2]![3]![4]![5], 719);
    const big5 = tf.zeros([9, 9, 9, 9, 9]);
    r = bundleOf(big5);
    assert.equal(r.payload.truncated, true);
    assert.ok(jsonBytes(r.bundle) <= DEFAULT_BOUND);
    tf.dispose([scalar, one, rank5, big5]);
  });

  it('bool and string tensors', () => {
    const b = tf.tensor1d([true, false, true], 'bool');
    let r = bundleOf(b);
    assert.deepEqual(r.payload.values, [true, false, true]);
    assert.equal(r.payload.dtype, 'bool');

    const long = 'x'.repeat(10_000);
    const s = tf.tensor1d(['a', 'b<"&>', long], 'string');
    r = bundleOf(s);
    const values = r.payload.values as string[];
    assert.equal(values[1], 'b<"&>');
    assert.ok(values[2]!.length < 1000, 'long strings are clipped');
    assert.equal(r.payload.stats, undefined);
    assert.ok(hasStaticImage(r.bundle));
    assert.ok(!String(r.bundle['image/svg+xml']).includes('<"&>'), 'text in SVG is escaped');

    const many = tf.fill([3000], 'y'.repeat(500), 'string');
    r = bundleOf(many);
    assert.ok(jsonBytes(r.bundle) <= DEFAULT_BOUND);
    tf.dispose([b, s, many]);
  });

  it('a constant tensor says its value once, in words, and gets no one-bar histogram image', () => {
    const zeros = tf.zeros([4, 4, 3, 2]);
    const { bundle } = bundleOf(zeros);
    assert.equal(bundle['text/plain'].split('\n')[1], 'all 96 values are 0');
    assert.doesNotMatch(String(bundle['image/svg+xml'] ?? ''), /count/);
    const withNaN = tf.tensor1d([2.5, NaN, 2.5]);
    assert.equal(bundleOf(withNaN).bundle['text/plain'].split('\n')[1], 'all 2 finite values are 2.5 · 1 NaN');
    tf.dispose([zeros, withNaN]);
  });

  it('NaN and Inf: counted, kept out of stats, written as strings in values', () => {
    const t = tf.tensor1d([1, NaN, Infinity, -Infinity, 3]);
    const { payload, bundle } = bundleOf(t);
    assert.deepEqual(payload.stats, { min: 1, max: 3, mean: 2, std: 1, nanCount: 1, infCount: 2 });
    assert.deepEqual(payload.values, [1, 'NaN', 'Infinity', '-Infinity', 3]);
    assert.equal(
      payload.histogram?.counts.reduce((a, b) => a + b, 0),
      2,
    );
    assert.match(bundle['text/plain'], /1 NaN · 2 Inf/);
    const allNaN = tf.tensor2d([
      [NaN, NaN],
      [NaN, NaN],
    ]);
    const r = bundleOf(allNaN);
    assert.deepEqual(r.payload.stats, { min: null, max: null, mean: null, std: null, nanCount: 4, infCount: 0 });
    assert.deepEqual(r.payload.values, [
      ['NaN', 'NaN'],
      ['NaN', 'NaN'],
    ]);
    // heatmap blocks without finite values serialise as null
    assert.deepEqual(JSON.parse(JSON.stringify(r.payload.heatmap)).data, [null, null, null, null]);
    tf.dispose([t, allNaN]);
  });

  it("a batch of 32 MNIST-sized images is sent whole; past 32 the payload says the view's limit, not the size budget, dropped the rest", () => {
    const digits = (n: number) => tf.randomUniform([n, 28, 28, 1], 0, 1, 'float32', 3);
    const first32 = digits(32);
    const whole = bundleOf(first32).payload.images!;
    assert.equal(whole.pngDataUrls.length, 32);
    assert.equal(whole.total, 32);
    const forty = digits(40);
    const capped = bundleOf(forty).payload.images!;
    assert.deepEqual([capped.pngDataUrls.length, capped.total, capped.limit], [32, 40, 32]);
    // A tight payload budget: fewer images, a lower limit, and fewer images than the limit mean the budget stopped them.
    const tight = bundleOf(forty, 24 * 1024).payload.images!;
    assert.ok(tight.pngDataUrls.length <= tight.limit!, `${tight.pngDataUrls.length} images, limit ${tight.limit}`);
    tf.dispose([first32, forty]);
  });

  it('reads a disposed tensor without throwing', () => {
    const t = tf.tensor1d([1, 2]);
    t.dispose();
    const { payload, bundle } = bundleOf(t);
    assert.deepEqual(payload.shape, [2]);
    assert.equal(payload.values, undefined);
    assert.match(bundle['text/plain'], /disposed/);
  });

  it('creates no tensors', () => {
    const t = tf.randomNormal([50, 60]);
    const img = tf.randomUniform([2, 16, 16, 3]);
    const before = tf.memory().numTensors;
    bundleOf(t);
    bundleOf(img);
    assert.equal(tf.memory().numTensors, before);
    tf.dispose([t, img]);
  });
});
