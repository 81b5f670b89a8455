/**
 * wasm's convolutions hand 'same' padding to XNNPACK as its TensorFlow-SAME flag, which
 * computes zeros when a stride is larger than the (dilated) filter, e.g. a 2x2 filter with
 * stride 3. The same padding written out explicitly is computed correctly, so those calls are
 * rewritten before they reach the package's kernel.
 */
import { backend_util, type NamedAttrMap } from '@tensorflow/tfjs';
import { input, type WasmKernelArgs } from './types';

type Pair = [number, number];

export function explicitSamePadding(args: WasmKernelArgs, depthwise: boolean): WasmKernelArgs {
  const { pad, strides, dilations } = args.attrs as { pad?: unknown; strides?: number | Pair; dilations?: number | Pair };
  if (pad !== 'same' || strides == null) return args;
  const x = input(args.inputs, 'x');
  const filter = input(args.inputs, 'filter');
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filter.shape as [number, number, number, number],
    strides,
    dilations ?? 1,
    'same',
    undefined,
    depthwise,
  );
  if (info.strideHeight <= info.effectiveFilterHeight && info.strideWidth <= info.effectiveFilterWidth) return args;
  const { top, bottom, left, right } = info.padInfo;
  const attrs: NamedAttrMap = {
    ...args.attrs,
    pad: [
      [0, 0],
      [top, bottom],
      [left, right],
      [0, 0],
    ] as unknown as number[][],
  };
  return { ...args, attrs };
}
