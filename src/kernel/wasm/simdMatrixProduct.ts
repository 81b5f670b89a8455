/**
 * A float32 matrix product in WebAssembly SIMD that reads the weights where they lie on the wasm
 * heap. tfjs-wasm hands products to XNNPACK, which first packs the right-hand operand into its
 * own layout and caches that by tensor; a dense layer's weights are a new tensor after every
 * optimizer step, so XNNPACK re-packs them on every call, and a transposed left operand costs a
 * Transpose first. This kernel needs neither: row-major B is read eight columns at a time, and a
 * transposed A is read as four adjacent floats. Same register blocking as XNNPACK's 4x8 "splat"
 * kernel; the module is assembled here, like the fused Adam, so the build needs no toolchain.
 *
 * gemm_nn(a, b, c, bias, m, n, k, relu): C[m×n] = A[m×k] · B[k×n] (+ bias[n]) (then max(·, 0))
 * gemm_tn(a, b, c, bias, m, n, k, relu): C[m×n] = Aᵀ · B with A stored [k×m]
 * Pointers are byte offsets into the memory; bias 0 = none; m % 4 = 0 and n % 8 = 0 (the caller
 * checks), k ≥ 1.
 */
import { I32, V128, functionBody, instantiateOnMemory, sleb, uleb } from './assembler';

export type Gemm = (a: number, b: number, c: number, bias: number, m: number, n: number, k: number, relu: number) => void;
export interface GemmSimd {
  nn: Gemm;
  tn: Gemm;
}

const simd = (opcode: number) => [0xfd, ...uleb(opcode)];
const memarg = (offset: number) => [4, ...uleb(offset)];
const op = {
  get: (i: number) => [0x20, ...uleb(i)],
  set: (i: number) => [0x21, ...uleb(i)],
  tee: (i: number) => [0x22, ...uleb(i)],
  i32: (v: number) => [0x41, ...sleb(v)],
  add: [0x6a],
  mul: [0x6c],
  ltU: [0x49],
  eqz: [0x45],
  shl: [0x74],
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  if: [0x04, 0x40],
  else: [0x05],
  end: [0x0b],
  brIf: (d: number) => [0x0d, d],
  load: (offset = 0) => [...simd(0x00), ...memarg(offset)],
  loadSplat: (offset = 0) => [...simd(0x09), 2, ...uleb(offset)],
  store: (offset = 0) => [...simd(0x0b), ...memarg(offset)],
  zero: [...simd(0x0c), ...Array<number>(16).fill(0)],
  negInf: [...simd(0x0c), ...[0, 0, 0x80, 0xff, 0, 0, 0x80, 0xff, 0, 0, 0x80, 0xff, 0, 0, 0x80, 0xff]],
  fadd: simd(0xe4),
  fmul: simd(0xe6),
  fmax: simd(0xe9),
};

// Parameters.
const [A, B, C, BIAS, M, N, K, RELU] = [0, 1, 2, 3, 4, 5, 6, 7];
// i32 locals.
const [J0, I0, PA, PB, PB_END, PC, STRIDE_B, STRIDE_A, PA1, PA2, PA3] = [8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18];
// v128 locals: eight accumulators (row r: ACC + 2r, ACC + 2r + 1), B's two vectors, bias, the
// floor, and the current row's splat of A.
const ACC = 19;
const [B0, B1, BIAS0, BIAS1, FLOOR, SPLAT] = [27, 28, 29, 30, 31, 32];

function body(transposedA: boolean): number[] {
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
      ...op.fmul,
      ...op.get(ACC + 2 * r),
      ...op.fadd,
      ...op.set(ACC + 2 * r),
      ...op.get(SPLAT),
      ...op.get(B1),
      ...op.fmul,
      ...op.get(ACC + 2 * r + 1),
      ...op.fadd,
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
    ...op.get(STRIDE_B),
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
      ...op.get(STRIDE_B),
      ...op.add,
      ...op.set(PC),
    ]),
  ];
  const code: number[] = [
    // strideB = n * 4 (bytes per row of B and C); strideA = bytes between k and k + 1 in A's walk.
    ...op.get(N),
    ...op.i32(2),
    ...op.shl,
    ...op.set(STRIDE_B),
    ...(transposedA ? [...op.get(M), ...op.i32(2), ...op.shl] : [...op.get(K), ...op.i32(2), ...op.shl]),
    ...op.set(STRIDE_A),
    // floor = relu ? 0 : -Infinity, so the epilogue's max changes nothing without relu; bias 0 without bias.
    ...op.negInf,
    ...op.set(FLOOR),
    ...op.get(RELU),
    ...op.if,
    ...op.zero,
    ...op.set(FLOOR),
    ...op.end,
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
  // Locals after the 8 parameters: 11 i32, then 14 v128 (ACC..SPLAT).
  return functionBody(
    [
      [11, I32],
      [14, V128],
    ],
    code,
  );
}

/** The SIMD products over `memory`, or undefined where WebAssembly SIMD is not available. */
export function createGemmSimd(memory: WebAssembly.Memory): GemmSimd | undefined {
  try {
    const exports = instantiateOnMemory(memory, Array<number>(8).fill(I32), ['gemm_nn', 'gemm_tn'], [body(false), body(true)]);
    return { nn: exports.gemm_nn as Gemm, tn: exports.gemm_tn as Gemm };
  } catch {
    return undefined;
  }
}
