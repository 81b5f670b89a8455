/**
 * Gradients of DepthwiseConv2dNative as wasm (XNNPACK) depthwise convolutions.
 *
 * Filter gradient: dW[i, j, c, m] = sum over b, y, x of X[b, y*s + i*d - top, x*s + j*d - left, c] * dY[b, y, x, c*M + m].
 * With every (batch, channel) pair as its own channel, X becomes [1, H, W, b*C] and dY a depthwise
 * filter [y, x, b*C, M]; one depthwise convolution (stride and dilation swapped) gives
 * [1, i, j, b*C*M], and a sum over the batch leaves [i, j, C, M].
 *
 * Input gradient: a depthwise convolution of dY (upsampled with zeros by the stride, padded by
 * (k - 1) * d - pad) with the filter turned 180 degrees, one output channel per (c, m), then a
 * sum over the channel multiplier M.
 */
import {
  backend_util,
  type DepthwiseConv2dNativeBackpropFilterAttrs,
  type DepthwiseConv2dNativeBackpropInputAttrs,
  type TensorInfo,
} from '@tensorflow/tfjs';
import { fullCorrelationPads, windowPads } from './conv2dBackprop';
import { input, type FastKernel } from './types';
import { WasmScratch } from './wasmScratch';

export const depthwiseBackpropFilter: FastKernel = ({ inputs, backend, attrs }) => {
  const x = input(inputs, 'x');
  const dy = input(inputs, 'dy');
  const { strides, dilations, pad, dimRoundingMode, filterShape } = attrs as unknown as DepthwiseConv2dNativeBackpropFilterAttrs;
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    dilations,
    pad,
    dimRoundingMode,
    true,
  );
  const { batchSize, inHeight, inWidth, inChannels, filterHeight, filterWidth } = info;
  const [, outHeight, outWidth] = dy.shape as [number, number, number, number];
  // XNNPACK's convolution takes either a stride or a dilation above one, as TensorFlow does.
  if (info.strideHeight * info.strideWidth > 1 && info.dilationHeight * info.dilationWidth > 1) return null;
  const multiplier = info.outChannels / inChannels;
  const s = new WasmScratch(backend);
  try {
    const xr = s.reshape(s.transpose(x, [1, 2, 0, 3]), [1, inHeight, inWidth, batchSize * inChannels]);
    const dyr = s.reshape(s.transpose(dy, [1, 2, 0, 3]), [outHeight, outWidth, batchSize * inChannels, multiplier]);
    let dw: TensorInfo = s.depthwiseConv2d(
      xr,
      dyr,
      [info.dilationHeight, info.dilationWidth],
      [info.strideHeight, info.strideWidth],
      windowPads(info, outHeight, outWidth),
    );
    if (dw.shape[1] !== filterHeight || dw.shape[2] !== filterWidth) {
      dw = s.slice(dw, [0, 0, 0, 0], [1, filterHeight, filterWidth, dw.shape[3]!]);
    }
    const perBatch = s.reshape(dw, [filterHeight, filterWidth, batchSize, inChannels * multiplier]);
    const summed = batchSize > 1 ? s.sum(perBatch, [2]) : s.reshape(perBatch, [filterHeight, filterWidth, inChannels * multiplier]);
    return s.keep(s.reshape(summed, [filterHeight, filterWidth, inChannels, multiplier]));
  } finally {
    s.dispose();
  }
};

export const depthwiseBackpropInput: FastKernel = ({ inputs, backend, attrs }) => {
  const dy = input(inputs, 'dy');
  const filter = input(inputs, 'filter');
  const { strides, dilations, pad, dimRoundingMode, inputShape } = attrs as unknown as DepthwiseConv2dNativeBackpropInputAttrs;
  const info = backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as [number, number, number, number],
    strides,
    dilations,
    pad,
    dimRoundingMode,
    true,
  );
  const { batchSize, inHeight, inWidth, inChannels, filterHeight, filterWidth } = info;
  const multiplier = info.outChannels / inChannels;
  const s = new WasmScratch(backend);
  try {
    const upsampled = s.upsampleWithZeros(dy, [info.strideHeight, info.strideWidth]);
    const [rows, cols] = fullCorrelationPads(info, upsampled.shape[1]!, upsampled.shape[2]!);
    const { cropped, pads } = s.cropNegative(upsampled, rows, cols);
    const turned = s.reshape(s.reverse(filter, [0, 1]), [filterHeight, filterWidth, inChannels * multiplier, 1]);
    const perOutput = s.depthwiseConv2d(cropped, turned, [1, 1], [info.dilationHeight, info.dilationWidth], pads);
    if (multiplier === 1) return s.keep(perOutput);
    const split = s.reshape(perOutput, [batchSize, inHeight, inWidth, inChannels, multiplier]);
    return s.keep(s.sum(split, [4]));
  } finally {
    s.dispose();
  }
};
