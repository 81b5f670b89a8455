/**
 * BatchMatMul and _FusedMatMul (linear or ReLU, with or without bias) through tfnb's own SIMD
 * product (wasm/simdMatrixProduct.ts) when it applies: float32, one batch, B not transposed, m a multiple
 * of 4 and n of 8, and a single-threaded backend (XNNPACK's thread pool wins on many cores).
 * That covers a dense layer's forward product and its weight gradient xᵀ·dy, where XNNPACK would
 * re-pack fresh weights or transpose x first on every training step. Everything else goes to the
 * wrapped kernel.
 */
import { util, type TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { createGemmSimd, type GemmSimd } from '../simdMatrixProduct';
import { wasmMemoryOf, wasmThreadsOf } from '../backendMemory';
import { fmaWanted } from '../relaxedSimd';
import type { WasmKernelArgs } from './types';

type WasmKernel = (args: WasmKernelArgs) => TensorInfo | TensorInfo[];

interface MatMulAttrs {
  transposeA?: boolean;
  transposeB?: boolean;
  activation?: string;
}

const gemmByBackend = new WeakMap<BackendWasm, GemmSimd | null>();

function gemmFor(backend: BackendWasm): GemmSimd | null {
  let gemm = gemmByBackend.get(backend);
  if (gemm === undefined) {
    const memory = wasmMemoryOf(backend);
    gemm = memory && wasmThreadsOf(backend) === 1 ? (createGemmSimd(memory, fmaWanted()) ?? null) : null;
    gemmByBackend.set(backend, gemm);
  }
  return gemm;
}

export function simdMatMul(original: WasmKernel): WasmKernel {
  return (args) => simdProduct(args) ?? original(args);
}

/** The product through the SIMD kernel, or null when it does not apply. */
export function simdProduct({ inputs, backend, attrs }: WasmKernelArgs): TensorInfo | null {
  const { a, b, bias, preluActivationWeights } = inputs;
  const { transposeA = false, transposeB = false, activation = 'linear' } = attrs as MatMulAttrs;
  if (!a || !b || a.dtype !== 'float32' || b.dtype !== 'float32' || transposeB || preluActivationWeights) return null;
  if (activation !== 'linear' && activation !== 'relu') return null;
  if (a.shape.length < 2 || b.shape.length < 2) return null;
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  if (util.sizeFromShape(batchA) !== 1 || util.sizeFromShape(batchB) !== 1) return null;
  const [rowsA, colsA] = a.shape.slice(-2) as [number, number];
  const [rowsB, n] = b.shape.slice(-2) as [number, number];
  const [m, k] = transposeA ? [colsA, rowsA] : [rowsA, colsA];
  // Mismatched shapes go to the wrapped kernel, which reports them.
  if (rowsB !== k || m === 0 || n === 0 || k === 0 || m % 4 !== 0 || n % 8 !== 0) return null;
  // A bias is added per column: it must hold n values along its last axis.
  if (bias && (bias.dtype !== 'float32' || bias.shape[bias.shape.length - 1] !== n || util.sizeFromShape(bias.shape) !== n)) return null;
  const gemm = gemmFor(backend);
  if (!gemm) return null;
  const out = backend.makeOutput([...(batchA.length >= batchB.length ? batchA : batchB), m, n], 'float32');
  // Offsets are read after makeOutput: an allocation may grow the heap (offsets stay valid).
  const at = (t: TensorInfo) => backend.dataIdMap.get(t.dataId)!.memoryOffset;
  const lda = transposeA ? m : k;
  (transposeA ? gemm.tn : gemm.nn)(at(a), at(b), at(out), bias ? at(bias) : 0, m, n, k, activation === 'relu' ? 1 : 0, lda, n, n);
  return out;
}
