/**
 * A float32 matrix product in WebAssembly SIMD that reads the weights where they lie on the wasm
 * heap. tfjs-wasm hands products to XNNPACK, which first packs the right-hand operand into its
 * own layout and caches that by tensor; a dense layer's weights are a new tensor after every
 * optimizer step, so XNNPACK re-packs them on every call, and a transposed left operand costs a
 * Transpose first. This kernel needs neither: row-major B is read eight columns at a time, and a
 * transposed A is read as four adjacent floats. Same register blocking as XNNPACK's 4x8 "splat"
 * kernel; the module is assembled here, like the fused Adam, so the build needs no toolchain.
 *
 * gemm_nn(a, b, c, bias, m, n, k, relu, lda, ldb, ldc): C[m×n] = A[m×k] · B[k×n] (+ bias[n]) (then max(·, 0))
 * gemm_tn(a, b, c, bias, m, n, k, relu, lda, ldb, ldc): C[m×n] = Aᵀ · B with A stored [k×m]
 * Pointers are byte offsets into the memory; bias 0 = none; m % 4 = 0 and n % 8 = 0 (the caller
 * checks, or pads), k ≥ 1; lda, ldb, ldc are the row strides of the stored A, B and C in floats
 * (k, n, n for a packed nn product; m, n, n for tn). Each column of C depends only on the same
 * column of B, each row only on the same row of A (column of the stored Aᵀ): reading past the
 * end of a row changes only columns (rows) the caller then ignores, which the fused training step
 * uses to pad a layer of 10 units to 16 without copying its weights.
 *
 * With `fma` the multiply-adds are relaxed SIMD's f32x4.relaxed_madd (one fused multiply-add
 * where the CPU has it: Node 22+, or Node 20 with --experimental-wasm-relaxed-simd).
 */
import { I32, V128, functionBody, instantiateOnMemory } from './assembler';
import { byteStrides, multiplyAdd, op, reluFloor } from './simdOps';

export type Gemm = (
  a: number,
  b: number,
  c: number,
  bias: number,
  m: number,
  n: number,
  k: number,
  relu: number,
  lda: number,
  ldb: number,
  ldc: number,
) => void;
export interface GemmSimd {
  nn: Gemm;
  tn: Gemm;
  /** Whether the multiply-adds are fused (relaxed SIMD). */
  fma: boolean;
}

// Parameters.
const [A, B, C, BIAS, M, N, K, RELU, LDA, LDB, LDC] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
const PARAMS = 11;
// i32 locals.
const [J0, I0, PA, PB, PB_END, PC, STRIDE_B, STRIDE_A, PA1, PA2, PA3, STRIDE_C] = [11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22];
// v128 locals: eight accumulators (row r: ACC + 2r, ACC + 2r + 1), B's two vectors, bias, the
// floor, and the current row's splat of A.
const ACC = 23;
const [B0, B1, BIAS0, BIAS1, FLOOR, SPLAT] = [31, 32, 33, 34, 35, 36];

function body(transposedA: boolean, fma: boolean): number[] {
  const rows = [0, 1, 2, 3];
  // Loop order: the operand read many times should stay in cache. A plain product walks column
  // strips outside (one strip of B, k × 32 bytes, serves every row block); a transposed one walks
  // row blocks outside (B is then small: k is the batch).
  const [outer, outerStep, outerEnd, inner, innerStep, innerEnd] = transposedA ? [I0, 4, M, J0, 8, N] : [J0, 8, N, I0, 4, M];
  const block: number[] = [
    ...rows.flatMap((r) => [...op.zero, ...op.set(ACC + 2 * r), ...op.zero, ...op.set(ACC + 2 * r + 1)]),
    // pb = b + j0 * 4; pbEnd = pb + k * strideB
    ...op.get(B),
    ...op.get(J0),
    ...op.i32(2),
    ...op.shl,
    ...op.add,
    ...op.tee(PB),
    ...op.get(K),
    ...op.get(STRIDE_B),
    ...op.mul,
    ...op.add,
    ...op.set(PB_END),
    ...(transposedA
      ? // pa = a + i0 * 4 (row k of the stored A holds Aᵀ's column k)
        [...op.get(A), ...op.get(I0), ...op.i32(2), ...op.shl, ...op.add, ...op.set(PA)]
      : // pa_r = a + (i0 + r) * k * 4
        [
          ...op.get(A),
          ...op.get(I0),
          ...op.get(STRIDE_A),
          ...op.mul,
          ...op.add,
          ...op.tee(PA),
          ...op.get(STRIDE_A),
          ...op.add,
          ...op.tee(PA1),
          ...op.get(STRIDE_A),
          ...op.add,
          ...op.tee(PA2),
          ...op.get(STRIDE_A),
          ...op.add,
          ...op.set(PA3),
        ]),
    ...op.loop, // over k
    ...op.get(PB),
    ...op.load(0),
    ...op.set(B0),
    ...op.get(PB),
    ...op.load(16),
    ...op.set(B1),
    ...rows.flatMap((r) => [
      // a_r splatted: Aᵀ's four rows are adjacent floats of one stored row; A's rows are four pointers.
      ...(transposedA ? [...op.get(PA), ...op.loadSplat(4 * r)] : [...op.get([PA, PA1, PA2, PA3][r]!), ...op.loadSplat(0)]),
      // acc[2r] += a_r * b0; acc[2r+1] += a_r * b1
      ...op.tee(SPLAT),
      ...op.get(B0),
      ...multiplyAdd(fma, ACC + 2 * r),
      ...op.set(ACC + 2 * r),
      ...op.get(SPLAT),
      ...op.get(B1),
      ...multiplyAdd(fma, ACC + 2 * r + 1),
      ...op.set(ACC + 2 * r + 1),
    ]),
    ...(transposedA
      ? [...op.get(PA), ...op.get(STRIDE_A), ...op.add, ...op.set(PA)]
      : [PA, PA1, PA2, PA3].flatMap((p) => [...op.get(p), ...op.i32(4), ...op.add, ...op.set(p)])),
    ...op.get(PB),
    ...op.get(STRIDE_B),
    ...op.add,
    ...op.tee(PB),
    ...op.get(PB_END),
    ...op.ltU,
    ...op.brIf(0),
    ...op.end,
    // Epilogue: c + ((i0 + r) * n + j0) * 4 <- max(acc + bias, floor)
    ...op.get(BIAS),
    ...op.if,
    ...op.get(BIAS),
    ...op.get(J0),
    ...op.i32(2),
    ...op.shl,
    ...op.add,
    ...op.tee(PC),
    ...op.load(0),
    ...op.set(BIAS0),
    ...op.get(PC),
    ...op.load(16),
    ...op.set(BIAS1),
    ...op.end,
    ...op.get(C),
    ...op.get(I0),
    ...op.get(STRIDE_C),
    ...op.mul,
    ...op.add,
    ...op.get(J0),
    ...op.i32(2),
    ...op.shl,
    ...op.add,
    ...op.set(PC),
    ...rows.flatMap((r) => [
      ...op.get(PC),
      ...op.get(ACC + 2 * r),
      ...op.get(BIAS0),
      ...op.fadd,
      ...op.get(FLOOR),
      ...op.fmax,
      ...op.store(0),
      ...op.get(PC),
      ...op.get(ACC + 2 * r + 1),
      ...op.get(BIAS1),
      ...op.fadd,
      ...op.get(FLOOR),
      ...op.fmax,
      ...op.store(16),
      ...op.get(PC),
      ...op.get(STRIDE_C),
      ...op.add,
      ...op.set(PC),
    ]),
  ];
  const code: number[] = [
    // Row strides in bytes: A's rows (nn) or the stored Aᵀ's rows (tn), B's and C's.
    ...byteStrides([
      [LDA, STRIDE_A],
      [LDB, STRIDE_B],
      [LDC, STRIDE_C],
    ]),
    ...reluFloor(RELU, FLOOR),
    // bias 0 without bias.
    ...op.zero,
    ...op.set(BIAS0),
    ...op.zero,
    ...op.set(BIAS1),
    ...op.i32(0),
    ...op.set(outer),
    ...op.loop,
    ...op.i32(0),
    ...op.set(inner),
    ...op.loop,
    ...block,
    ...op.get(inner),
    ...op.i32(innerStep),
    ...op.add,
    ...op.tee(inner),
    ...op.get(innerEnd),
    ...op.ltU,
    ...op.brIf(0),
    ...op.end,
    ...op.get(outer),
    ...op.i32(outerStep),
    ...op.add,
    ...op.tee(outer),
    ...op.get(outerEnd),
    ...op.ltU,
    ...op.brIf(0),
    ...op.end,
    ...op.end,
  ];
  // Locals after the parameters: 12 i32, then 14 v128 (ACC..SPLAT).
  return functionBody(
    [
      [12, I32],
      [14, V128],
    ],
    code,
  );
}

/**
 * The SIMD products over `memory`, or undefined where WebAssembly SIMD is not available. `fma`:
 * 'auto' uses relaxed SIMD's fused multiply-add where the runtime accepts it, true requires it
 * (undefined without), false never uses it.
 */
export function createGemmSimd(memory: WebAssembly.Memory, fma: boolean | 'auto' = false): GemmSimd | undefined {
  const build = (useFma: boolean): GemmSimd | undefined => {
    try {
      const exports = instantiateOnMemory(
        memory,
        Array<number>(PARAMS).fill(I32),
        ['gemm_nn', 'gemm_tn'],
        [body(false, useFma), body(true, useFma)],
      );
      return { nn: exports.gemm_nn as Gemm, tn: exports.gemm_tn as Gemm, fma: useFma };
    } catch {
      return undefined;
    }
  };
  if (fma === 'auto') return build(true) ?? build(false);
  return build(fma);
}
