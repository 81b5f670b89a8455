/**
 * wasm's BatchMatMul and _FusedMatMul use XNNPACK only when neither operand is transposed (and
 * the batch is 1); otherwise they run a scalar blocked loop. Dense-layer gradients are exactly
 * those transposed products (x^T dy and dy W^T), so the transposes are done here with wasm's
 * Transpose kernel and the product goes to XNNPACK.
 */
import { util, type TensorInfo } from '@tensorflow/tfjs';
import type { WasmKernelArgs } from './types';
import { WasmScratch } from './wasmScratch';

type WasmKernel = (args: WasmKernelArgs) => TensorInfo | TensorInfo[];

function swapLastTwo(rank: number): number[] {
  const perm = [...Array(rank).keys()];
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1]!, perm[rank - 2]!];
  return perm;
}

export function untransposedMatMul(original: WasmKernel): WasmKernel {
  return (args) => {
    const { a, b } = args.inputs;
    const { transposeA, transposeB } = args.attrs as { transposeA?: boolean; transposeB?: boolean };
    if (!a || !b || (!transposeA && !transposeB)) return original(args);
    if (a.dtype !== 'float32' || b.dtype !== 'float32') return original(args);
    if (util.sizeFromShape(a.shape.slice(0, -2)) !== 1 || util.sizeFromShape(b.shape.slice(0, -2)) !== 1) return original(args);
    const s = new WasmScratch(args.backend);
    try {
      const a2 = transposeA ? s.transpose(a, swapLastTwo(a.shape.length)) : a;
      const b2 = transposeB ? s.transpose(b, swapLastTwo(b.shape.length)) : b;
      return original({
        ...args,
        inputs: { ...args.inputs, a: a2, b: b2 },
        attrs: { ...args.attrs, transposeA: false, transposeB: false },
      });
    } finally {
      s.dispose();
    }
  };
}
