/**
 * Gradients of Conv2D as wasm (XNNPACK) convolutions.
 *
 * Filter gradient: dW[i, j, c, o] = sum over b, y, x of X[b, y*s + i - top, x*s + j - left, c] * dY[b, y, x, o].
 * Read with the batch as the channel axis, that is a plain convolution of X^T = [c, H, W, b] with
 * dY^T = [y, x, b, o] as the filter, the forward stride becoming the dilation; its output is
 * [c, i, j, o] (cropped to the filter size when the padding leaves spare rows).
 *
 * Input gradient: a stride-1 convolution of dY, upsampled with zeros by the stride and padded by
 * (filter - 1 - pad), with the filter turned 180 degrees and its in/out channels swapped. The
 * package's own Conv2DBackpropInput is a scalar C++ loop; this one runs on XNNPACK.
 */
import { backend_util, type Conv2DBackpropFilterAttrs, type Conv2DBackpropInputAttrs, type TensorInfo } from '@tensorflow/tfjs';
import { input, type FastKernel, type Pair } from './types';
import { WasmScratch } from './wasmScratch';

export const conv2dBackpropFilter: FastKernel = ({ inputs, backend, attrs }) => {
  const x = input(inputs, 'x');
  const dy = input(inputs, 'dy');
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as Conv2DBackpropFilterAttrs;
  if (dataFormat === 'NCHW') return null;
  const info = backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode);
  const { filterHeight, filterWidth, inChannels, outChannels, strideHeight, strideWidth } = info;
  const s = new WasmScratch(backend);
  try {
    const xT = s.transpose(x, [3, 1, 2, 0]);
    const dyT = s.transpose(dy, [1, 2, 0, 3]);
    let dw: TensorInfo = s.conv2d(xT, dyT, [1, 1], [strideHeight, strideWidth], windowPads(info, dy.shape[1]!, dy.shape[2]!));
    if (dw.shape[1] !== filterHeight || dw.shape[2] !== filterWidth) {
      dw = s.slice(dw, [0, 0, 0, 0], [inChannels, filterHeight, filterWidth, outChannels]);
    }
    return s.keep(s.transpose(dw, [1, 2, 0, 3]));
  } finally {
    s.dispose();
  }
};

export const conv2dBackpropInput: FastKernel = ({ inputs, backend, attrs }) => {
  const dy = input(inputs, 'dy');
  const filter = input(inputs, 'filter');
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as Conv2DBackpropInputAttrs;
  if (dataFormat === 'NCHW') return null;
  const info = backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as [number, number, number, number],
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const s = new WasmScratch(backend);
  try {
    const upsampled = s.upsampleWithZeros(dy, [info.strideHeight, info.strideWidth]);
    const [rows, cols] = fullCorrelationPads(info, upsampled.shape[1]!, upsampled.shape[2]!);
    const { cropped, pads } = s.cropNegative(upsampled, rows, cols);
    const turned = s.transpose(s.reverse(filter, [0, 1]), [0, 1, 3, 2]);
    const dx = s.conv2d(cropped, turned, [1, 1], [info.dilationHeight, info.dilationWidth], pads);
    return s.keep(dx);
  } finally {
    s.dispose();
  }
};

/**
 * The padding of X under which every dY position has a whole window: the forward padding, with
 * the bottom / right sides grown when dY is larger than that padding allows (tfjs computes both
 * output sides from the filter height and stride height when `pad` is a number). The extra rows
 * are zeros, so they add nothing, as positions outside X add nothing in the cpu kernel.
 */
export function windowPads(info: backend_util.Conv2DInfo, dyHeight: number, dyWidth: number): [Pair, Pair] {
  const { padInfo } = info;
  const needH = (dyHeight - 1) * info.strideHeight + (info.filterHeight - 1) * info.dilationHeight + 1;
  const needW = (dyWidth - 1) * info.strideWidth + (info.filterWidth - 1) * info.dilationWidth + 1;
  return [
    [padInfo.top, Math.max(padInfo.bottom, needH - info.inHeight - padInfo.top)],
    [padInfo.left, Math.max(padInfo.right, needW - info.inWidth - padInfo.left)],
  ];
}

/**
 * Padding (negative: cropping) of the zero-upsampled dY, [rows, cols], that makes a stride-1
 * correlation with the 180-degree-turned filter produce exactly the input's height and width:
 * (k - 1) * d - pad before, and whatever brings the length to in + (k - 1) * d after.
 */
export function fullCorrelationPads(info: backend_util.Conv2DInfo, upHeight: number, upWidth: number): [Pair, Pair] {
  const reachH = (info.filterHeight - 1) * info.dilationHeight;
  const reachW = (info.filterWidth - 1) * info.dilationWidth;
  const top = reachH - info.padInfo.top;
  const left = reachW - info.padInfo.left;
  return [
    [top, info.inHeight + reachH - top - upHeight],
    [left, info.inWidth + reachW - left - upWidth],
  ];
}
