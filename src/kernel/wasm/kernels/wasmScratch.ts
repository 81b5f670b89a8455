/**
 * Runs wasm's own kernels on TensorInfos from inside another kernel, the way the wasm package
 * composes its kernels, and frees every intermediate result when the composite kernel is done.
 */
import { getKernel, type NamedAttrMap, type NamedTensorInfoMap, type TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

type Pair = [number, number];

export class WasmScratch {
  private readonly temps: TensorInfo[] = [];

  constructor(readonly backend: BackendWasm) {}

  /** Runs the kernel registered for wasm under `name`; its output is freed by `dispose()`. */
  run(name: string, inputs: NamedTensorInfoMap, attrs: NamedAttrMap = {}): TensorInfo {
    const kernel = getKernel(name, 'wasm');
    if (!kernel) throw new Error(`the wasm backend has no '${name}' kernel`);
    const out = kernel.kernelFunc({ inputs, backend: this.backend, attrs });
    if (Array.isArray(out)) throw new Error(`wasm kernel '${name}' returned several tensors`);
    this.temps.push(out);
    return out;
  }

  /** Takes `t` out of the scratch so it survives `dispose()` (the composite kernel's result). */
  keep(t: TensorInfo): TensorInfo {
    const i = this.temps.indexOf(t);
    if (i >= 0) this.temps.splice(i, 1);
    return t;
  }

  dispose(): void {
    for (const t of this.temps.splice(0)) this.backend.disposeData(t.dataId);
  }

  transpose(x: TensorInfo, perm: number[]): TensorInfo {
    return this.run('Transpose', { x }, { perm });
  }

  reshape(x: TensorInfo, shape: number[]): TensorInfo {
    return this.run('Reshape', { x }, { shape });
  }

  pad(x: TensorInfo, paddings: Pair[]): TensorInfo {
    return this.run('PadV2', { x }, { paddings, constantValue: 0 });
  }

  slice(x: TensorInfo, begin: number[], size: number[]): TensorInfo {
    return this.run('Slice', { x }, { begin, size });
  }

  reverse(x: TensorInfo, dims: number[]): TensorInfo {
    return this.run('Reverse', { x }, { dims });
  }

  sum(x: TensorInfo, axis: number[]): TensorInfo {
    return this.run('Sum', { x }, { axis, keepDims: false });
  }

  /** NHWC convolution with explicit padding [top, bottom] x [left, right]. */
  conv2d(x: TensorInfo, filter: TensorInfo, strides: Pair, dilations: Pair, pads: [Pair, Pair]): TensorInfo {
    return this.run(
      'Conv2D',
      { x, filter },
      {
        strides,
        dilations,
        pad: [[0, 0], pads[0], pads[1], [0, 0]],
        dataFormat: 'NHWC',
        dimRoundingMode: 'floor',
      },
    );
  }

  /** NHWC depthwise convolution with explicit padding [top, bottom] x [left, right]. */
  depthwiseConv2d(x: TensorInfo, filter: TensorInfo, strides: Pair, dilations: Pair, pads: [Pair, Pair]): TensorInfo {
    return this.run(
      'DepthwiseConv2dNative',
      { x, filter },
      {
        strides,
        dilations,
        pad: [[0, 0], pads[0], pads[1], [0, 0]],
        dataFormat: 'NHWC',
        dimRoundingMode: 'floor',
      },
    );
  }

  /**
   * Crops the two spatial axes of an NHWC tensor where an amount is negative, and returns the
   * padding left to apply (the non-negative amounts), for the convolution to add without a copy.
   */
  cropNegative(x: TensorInfo, rows: Pair, cols: Pair): { cropped: TensorInfo; pads: [Pair, Pair] } {
    const [n, h, w, c] = x.shape as [number, number, number, number];
    const cut = (v: number) => Math.max(0, -v);
    const keep = (v: number) => Math.max(0, v);
    let cropped = x;
    if (rows.some((v) => v < 0) || cols.some((v) => v < 0)) {
      cropped = this.slice(x, [0, cut(rows[0]), cut(cols[0]), 0], [n, h - cut(rows[0]) - cut(rows[1]), w - cut(cols[0]) - cut(cols[1]), c]);
    }
    return {
      cropped,
      pads: [
        [keep(rows[0]), keep(rows[1])],
        [keep(cols[0]), keep(cols[1])],
      ],
    };
  }

  /**
   * Inserts `stride - 1` zeros after every row / column of an NHWC tensor (the trailing zeros of
   * the last row and column included): [n, h, w, c] -> [n, h * sh, w * sw, c].
   */
  upsampleWithZeros(x: TensorInfo, [sh, sw]: Pair): TensorInfo {
    const [n, h, w, c] = x.shape as [number, number, number, number];
    let out = x;
    if (sh > 1) {
      out = this.reshape(out, [n * h, 1, w * c]);
      out = this.pad(out, [
        [0, 0],
        [0, sh - 1],
        [0, 0],
      ]);
    }
    if (sw > 1) {
      out = this.reshape(out, [n * h * sh * w, 1, c]);
      out = this.pad(out, [
        [0, 0],
        [0, sw - 1],
        [0, 0],
      ]);
    }
    return out === x ? x : this.reshape(out, [n, h * sh, w * sw, c]);
  }
}
