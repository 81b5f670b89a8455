// Conv2D gradients on wasm (Conv2DBackpropFilter filled in, Conv2DBackpropInput replaced by an
// XNNPACK composition) against the cpu backend over a grid of shapes, strides and paddings.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { checkAgainstCpu, checkFunction, randomHost, startWasm, tensorOf, tf } from './helpers';

type Pad = 'valid' | 'same' | number | [[0, 0], [number, number], [number, number], [0, 0]];

// [batch, height, width, inChannels, outChannels, filterHeight, filterWidth]
const SHAPES: Array<[number, number, number, number, number, number, number]> = [
  [2, 7, 7, 3, 4, 3, 3],
  [3, 9, 6, 2, 5, 2, 3],
  [1, 5, 8, 1, 2, 1, 1],
  [2, 6, 6, 4, 3, 5, 4],
];
const STRIDES: Array<number | [number, number]> = [1, 2, [1, 2], [3, 1]];
const PADS: Pad[] = [
  'valid',
  'same',
  1,
  [
    [0, 0],
    [2, 0],
    [1, 2],
    [0, 0],
  ],
];

before(async () => {
  await startWasm();
});

function cases(): Array<{ label: string; shape: (typeof SHAPES)[number]; strides: number | [number, number]; pad: Pad }> {
  const out = [];
  for (const shape of SHAPES)
    for (const strides of STRIDES)
      for (const pad of PADS) {
        out.push({
          label: `x ${shape.slice(0, 4).join('x')} filter ${shape[5]}x${shape[6]} strides ${String(strides)} pad ${JSON.stringify(pad)}`,
          shape,
          strides,
          pad,
        });
      }
  return out;
}

test('the filled-in Conv2DBackpropFilter is registered for wasm on the fast path', async () => {
  const report = await startWasm();
  assert.deepEqual(
    report.filledKernels.find((k) => k.name === 'Conv2DBackpropFilter'),
    { name: 'Conv2DBackpropFilter', path: 'fast' },
  );
  assert.ok(tf.getKernel('Conv2DBackpropFilter', 'wasm'));
});

test('Conv2DBackpropFilter matches cpu over shapes, strides and paddings', async () => {
  for (const {
    label,
    shape: [b, h, w, ci, co, kh, kw],
    strides,
    pad,
  } of cases()) {
    const filterShape: [number, number, number, number] = [kh, kw, ci, co];
    const info = tf.backend_util.computeConv2DInfo([b, h, w, ci], filterShape, strides, 1, pad);
    await checkAgainstCpu(
      'Conv2DBackpropFilter',
      { x: randomHost([b, h, w, ci]), dy: randomHost(info.outShape) },
      { strides, pad, dataFormat: 'NHWC', filterShape },
      label,
    );
  }
});

test('Conv2DBackpropInput (replaced) matches cpu over shapes, strides and paddings', async () => {
  for (const {
    label,
    shape: [b, h, w, ci, co, kh, kw],
    strides,
    pad,
  } of cases()) {
    const filterShape: [number, number, number, number] = [kh, kw, ci, co];
    const info = tf.backend_util.computeConv2DInfo([b, h, w, ci], filterShape, strides, 1, pad);
    await checkAgainstCpu(
      'Conv2DBackpropInput',
      { dy: randomHost(info.outShape), filter: randomHost(filterShape) },
      { strides, pad, dataFormat: 'NHWC', inputShape: [b, h, w, ci] },
      label,
    );
  }
});

test('conv2d forward and both gradients (tf.grads) match cpu', async () => {
  // With a numeric pad, tfjs sizes both output sides from the filter height and stride height;
  // wasm's own forward Conv2D then disagrees with cpu for non-square filters or strides (a
  // package quirk outside the fill-ins, whose kernels are checked on those cases above).
  const squareIfNumeric = ({ shape, strides, pad }: ReturnType<typeof cases>[number]) =>
    typeof pad !== 'number' || (shape[5] === shape[6] && !Array.isArray(strides));
  for (const {
    label,
    shape: [b, h, w, ci, co, kh, kw],
    strides,
    pad,
  } of cases()
    .filter(squareIfNumeric)
    .filter((_, i) => i % 2 === 0)) {
    const x = randomHost([b, h, w, ci]);
    const filter = randomHost([kh, kw, ci, co]);
    await checkFunction(label, () => {
      const f = (xs: tf.Tensor, fs: tf.Tensor) =>
        tf
          .conv2d(xs as tf.Tensor4D, fs as tf.Tensor4D, strides, pad)
          .square()
          .sum();
      const [dx, df] = tf.grads(f)([tensorOf(x), tensorOf(filter)]);
      return [tf.conv2d(tensorOf(x) as tf.Tensor4D, tensorOf(filter) as tf.Tensor4D, strides, pad), dx!, df!];
    });
  }
});

test('conv2dTranspose and its gradients (Conv2DBackpropInput forward, Conv2D + Conv2DBackpropFilter backward) match cpu', async () => {
  for (const strides of [1, 2] as const)
    for (const pad of ['valid', 'same'] as const) {
      const x = randomHost([2, 4, 5, 3]);
      const filter = randomHost([3, 3, 2, 3]);
      // The output size whose forward convolution gives x's 4 x 5.
      const size = (n: number) => (pad === 'same' ? n * strides : (n - 1) * strides + 3);
      const outShape: [number, number, number, number] = [2, size(4), size(5), 2];
      await checkFunction(`conv2dTranspose strides ${strides} ${pad}`, () => {
        const f = (xs: tf.Tensor, fs: tf.Tensor) =>
          tf
            .conv2dTranspose(xs as tf.Tensor4D, fs as tf.Tensor4D, outShape, strides, pad)
            .square()
            .sum();
        const [dx, df] = tf.grads(f)([tensorOf(x), tensorOf(filter)]);
        return [tf.conv2dTranspose(tensorOf(x) as tf.Tensor4D, tensorOf(filter) as tf.Tensor4D, outShape, strides, pad), dx!, df!];
      });
    }
});

test('a NaN in the input shows up as NaN in the wasm gradient, as on cpu', async () => {
  const x = randomHost([1, 4, 4, 1]);
  (x.values as Float32Array)[5] = NaN;
  const filterShape: [number, number, number, number] = [2, 2, 1, 1];
  const dy = randomHost([1, 3, 3, 1]);
  await checkAgainstCpu('Conv2DBackpropFilter', { x, dy }, { strides: 1, pad: 'valid', dataFormat: 'NHWC', filterShape });
});
