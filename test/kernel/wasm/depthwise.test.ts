// DepthwiseConv2dNative gradients filled in on wasm, against the cpu backend over shapes,
// channel multipliers, strides, paddings and dilations.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import {
  assertClose,
  checkAgainstCpu,
  checkFunction,
  host,
  randomHost,
  runKernel,
  startWasm,
  tensorOf,
  tf,
  type HostTensor,
} from './helpers';

type Pad = 'valid' | 'same' | [[0, 0], [number, number], [number, number], [0, 0]];

// [batch, height, width, inChannels, channelMultiplier, filterHeight, filterWidth]
const SHAPES: Array<[number, number, number, number, number, number, number]> = [
  [2, 8, 7, 3, 1, 3, 3],
  [3, 6, 9, 2, 2, 2, 3],
  [1, 7, 7, 4, 3, 1, 2],
];
const PADS: Pad[] = [
  'valid',
  'same',
  [
    [0, 0],
    [1, 2],
    [2, 0],
    [0, 0],
  ],
];
// TensorFlow takes a stride or a dilation above one, not both.
const STRIDES_DILATIONS: Array<[number | [number, number], number | [number, number]]> = [
  [1, 1],
  [2, 1],
  [[1, 3], 1],
  [1, 2],
  [1, [2, 1]],
];

before(async () => {
  await startWasm();
});

function cases() {
  const out = [];
  for (const shape of SHAPES)
    for (const [strides, dilations] of STRIDES_DILATIONS)
      for (const pad of PADS) {
        out.push({
          label: `x ${shape.slice(0, 4).join('x')} x${shape[4]} filter ${shape[5]}x${shape[6]} strides ${String(strides)} dilations ${String(dilations)} pad ${JSON.stringify(pad)}`,
          shape,
          strides,
          dilations,
          pad,
        });
      }
  return out;
}

const dilationOf = (d: number | [number, number]): [number, number] => (Array.isArray(d) ? d : [d, d]);

/**
 * The cpu backprop kernels size their output with the dilation but ignore it in their loops
 * (tfjs's gradients refuse dilations above one). A dilated filter is the undilated filter with
 * zeros between its taps, so the cpu reference for dilation > 1 runs on that larger filter.
 */
function dilateFilter(f: HostTensor, [dh, dw]: [number, number]): HostTensor {
  const [kh, kw, c, m] = f.shape as [number, number, number, number];
  const eh = (kh - 1) * dh + 1;
  const ew = (kw - 1) * dw + 1;
  const values = new Float32Array(eh * ew * c * m);
  const src = f.values as Float32Array;
  for (let i = 0; i < kh; i++)
    for (let j = 0; j < kw; j++)
      for (let k = 0; k < c * m; k++) {
        values[(i * dh * ew + j * dw) * c * m + k] = src[(i * kw + j) * c * m + k]!;
      }
  return { values, shape: [eh, ew, c, m], dtype: 'float32' };
}

function undilateGradient(
  values: ArrayLike<number>,
  [kh, kw, c, m]: readonly [number, number, number, number],
  [dh, dw]: [number, number],
): number[] {
  const ew = (kw - 1) * dw + 1;
  const out: number[] = [];
  for (let i = 0; i < kh; i++)
    for (let j = 0; j < kw; j++) for (let k = 0; k < c * m; k++) out.push(Number(values[(i * dh * ew + j * dw) * c * m + k]));
  return out;
}

test('the depthwise gradients are filled in on the fast path', async () => {
  const report = await startWasm();
  for (const name of ['DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput']) {
    assert.deepEqual(
      report.filledKernels.find((k) => k.name === name),
      { name, path: 'fast' },
    );
  }
});

test('DepthwiseConv2dNativeBackpropFilter matches cpu over shapes, strides, paddings and dilations', async () => {
  for (const {
    label,
    shape: [b, h, w, c, m, kh, kw],
    strides,
    dilations,
    pad,
  } of cases()) {
    const filterShape: [number, number, number, number] = [kh, kw, c, m];
    const info = tf.backend_util.computeConv2DInfo([b, h, w, c], filterShape, strides, dilations, pad, undefined, true);
    const x = randomHost([b, h, w, c]);
    const dy = randomHost(info.outShape);
    const d = dilationOf(dilations);
    if (d[0] === 1 && d[1] === 1) {
      await checkAgainstCpu('DepthwiseConv2dNativeBackpropFilter', { x, dy }, { strides, dilations, pad, filterShape }, label);
      continue;
    }
    const bigShape = dilateFilter({ values: new Float32Array(kh * kw * c * m), shape: filterShape, dtype: 'float32' }, d).shape;
    const [want] = await runKernel(
      'cpu',
      'DepthwiseConv2dNativeBackpropFilter',
      { x, dy },
      { strides, dilations: 1, pad, filterShape: bigShape },
    );
    const [got] = await runKernel('wasm', 'DepthwiseConv2dNativeBackpropFilter', { x, dy }, { strides, dilations, pad, filterShape });
    assertClose(got!, { shape: filterShape, dtype: 'float32', values: undilateGradient(want!.values as number[], filterShape, d) }, label);
  }
});

test('DepthwiseConv2dNativeBackpropInput matches cpu over shapes, strides, paddings and dilations', async () => {
  for (const {
    label,
    shape: [b, h, w, c, m, kh, kw],
    strides,
    dilations,
    pad,
  } of cases()) {
    const filter = randomHost([kh, kw, c, m]);
    const info = tf.backend_util.computeConv2DInfo([b, h, w, c], [kh, kw, c, m], strides, dilations, pad, undefined, true);
    const dy = randomHost(info.outShape);
    const d = dilationOf(dilations);
    const inputShape = [b, h, w, c];
    const [want] = await runKernel(
      'cpu',
      'DepthwiseConv2dNativeBackpropInput',
      { dy, filter: dilateFilter(filter, d) },
      { strides, dilations: 1, pad, inputShape },
    );
    const [got] = await runKernel('wasm', 'DepthwiseConv2dNativeBackpropInput', { dy, filter }, { strides, dilations, pad, inputShape });
    assertClose(got!, want!, label);
  }
});

test('depthwiseConv2d forward and both gradients (tf.grads) match cpu', async () => {
  for (const {
    label,
    shape: [b, h, w, c, m, kh, kw],
    strides,
    pad,
  } of cases().filter((k) => dilationOf(k.dilations)[0] * dilationOf(k.dilations)[1] === 1)) {
    const x = randomHost([b, h, w, c]);
    const filter = randomHost([kh, kw, c, m]);
    await checkFunction(label, () => {
      const f = (xs: tf.Tensor, fs: tf.Tensor) =>
        tf
          .depthwiseConv2d(xs as tf.Tensor4D, fs as tf.Tensor4D, strides, pad)
          .square()
          .sum();
      const [dx, df] = tf.grads(f)([tensorOf(x), tensorOf(filter)]);
      return [tf.depthwiseConv2d(tensorOf(x) as tf.Tensor4D, tensorOf(filter) as tf.Tensor4D, strides, pad), dx!, df!];
    });
  }
});

test("'same' convolutions with a stride larger than the filter match cpu (wasm's XNNPACK SAME flag gives zeros there)", async () => {
  const x = randomHost([2, 9, 7, 3]);
  const filter = host(
    Array.from({ length: 2 * 2 * 3 * 2 }, (_, i) => (i % 5) - 2),
    [2, 2, 3, 2],
  );
  await checkFunction('conv2d 2x2 stride 3 same', () => tf.conv2d(tensorOf(x) as tf.Tensor4D, tensorOf(filter) as tf.Tensor4D, 3, 'same'));
  await checkFunction('depthwiseConv2d 2x2 stride 3 same', () =>
    tf.depthwiseConv2d(tensorOf(x) as tf.Tensor4D, tensorOf(filter) as tf.Tensor4D, [3, 2], 'same'),
  );
  await checkFunction('fused conv2d 2x2 stride 3 same', () =>
    tf.fused.conv2d({
      x: tensorOf(x) as tf.Tensor4D,
      filter: tensorOf(filter) as tf.Tensor4D,
      strides: 3,
      pad: 'same',
      bias: tf.ones([2]),
      activation: 'relu',
    }),
  );
  await checkFunction('fused depthwiseConv2d 2x2 stride 3 same', () =>
    tf.fused.depthwiseConv2d({
      x: tensorOf(x) as tf.Tensor4D,
      filter: tensorOf(filter) as tf.Tensor4D,
      strides: 3,
      pad: 'same',
      bias: tf.ones([6]),
    }),
  );
});
