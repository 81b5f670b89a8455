/**
 * Matrix products that skip the zeros of their left operand, for a first dense layer fed with
 * images (MNIST is about 80 % background). The 4x8 products of simdMatrixProduct.ts run every
 * step of k; these first list, once per row (or per block of four inputs), the steps that are not
 * zero, then run the SIMD multiply-adds over that list for every column strip, so each skipped
 * step costs nothing in the inner loop. The sums are the same sums in the same order as the dense
 * products' minus terms that are exactly zero, which is exact while B is finite (0 · ∞ is NaN):
 * the caller checks that (allFinite).
 *
 * nnRows(a, b, c, bias, m, n, k, relu, lda, ldb, ldc, scratch): C[m×n] = A[m×k] · B[k×n]
 *   (+ bias[n]) (then max(·, 0)), one row at a time, 32 columns at a time (then 8); n % 8 = 0;
 *   each row of A is read in groups of four up to k rounded up to 4, the values past k being zero.
 * tnBlocks(a, b, c, _, m, n, k, _, lda, ldb, ldc, scratch): C[m×n] = Aᵀ · B, A stored [k×m];
 *   m % 4 = 0, n % 8 = 0; skips the steps whose four values of A are all +0.0.
 * allFinite(a, m, c): writes 1 to the i32 at c if the first m - m % 4 floats at a are all finite.
 * scratch: 8 × max(k rounded up to 4, k) bytes the function may overwrite.
 */
import { I32, V128, functionBody, instantiateOnMemory } from './assembler';
import { byteStrides, multiplyAdd, op, reluFloor } from './simdOps';

export type SparseProduct = (
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
  scratch: number,
) => void;

export interface SparseProducts {
  nnRows: SparseProduct;
  tnBlocks: SparseProduct;
  allFinite: (a: number, m: number, c: number, ...unused: number[]) => void;
}

// Parameters.
const [A, B, C, BIAS, M, N, K, RELU, LDA, LDB, LDC, SCRATCH] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
const PARAMS = 12;
// i32 locals.
const [ROW, J0, Q, PA, PL, PL_END, PB, PC, SA, SB, SC, VALUE, Q_END, OFF_B, PB_BASE, COUNT] = [
  12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27,
];
const I32_LOCALS = 16;
// v128 locals: eight accumulators, B's vectors (tn), a bias vector, the floor, a splat.
const ACC = 28;
const [B0, B1, BIAS_V, FLOOR, SPLAT] = [36, 37, 38, 39, 40];
const V128_LOCALS = 13;

const strides = () =>
  byteStrides([
    [LDA, SA],
    [LDB, SB],
    [LDC, SC],
  ]);

/** `local = local + step` (i32). */
const bump = (local: number, step: number[]) => [...op.get(local), ...step, ...op.add, ...op.set(local)];

/** Runs `body` while `local < limit` (checked before each pass: an empty list runs nothing). */
const whileBelow = (local: number, limit: number, body: number[]) => [
  ...op.block,
  ...op.get(local),
  ...op.get(limit),
  ...op.ltU,
  ...op.eqz,
  ...op.brIf(0),
  ...op.loop,
  ...body,
  ...op.get(local),
  ...op.get(limit),
  ...op.ltU,
  ...op.brIf(0),
  ...op.end,
  ...op.end,
];

/** One row of C, columns j0 … j0 + 4·vectors: the listed steps' multiply-adds, then bias and floor. */
function rowStrip(vectors: number, fma: boolean): number[] {
  const vs = Array.from({ length: vectors }, (_, v) => v);
  return [
    ...vs.flatMap((v) => [...op.zero, ...op.set(ACC + v)]),
    ...op.get(B),
    ...op.get(J0),
    ...op.i32(2),
    ...op.shl,
    ...op.add,
    ...op.set(PB_BASE),
    ...op.get(SCRATCH),
    ...op.set(PL),
    ...whileBelow(PL, PL_END, [
      ...op.get(PL),
      ...op.loadSplat(4),
      ...op.set(SPLAT),
      ...op.get(PB_BASE),
      ...op.get(PL),
      ...op.loadI32(0),
      ...op.add,
      ...op.set(PB),
      ...vs.flatMap((v) => [...op.get(SPLAT), ...op.get(PB), ...op.load(16 * v), ...multiplyAdd(fma, ACC + v), ...op.set(ACC + v)]),
      ...bump(PL, op.i32(8)),
    ]),
    // pc = c + row * strideC + j0 * 4; C = max(acc + bias, floor)
    ...op.get(C),
    ...op.get(ROW),
    ...op.get(SC),
    ...op.mul,
    ...op.add,
    ...op.get(J0),
    ...op.i32(2),
    ...op.shl,
    ...op.add,
    ...op.set(PC),
    ...vs.flatMap((v) => [
      ...op.zero,
      ...op.set(BIAS_V),
      ...op.get(BIAS),
      ...op.if,
      ...op.get(BIAS),
      ...op.get(J0),
      ...op.i32(2),
      ...op.shl,
      ...op.add,
      ...op.load(16 * v),
      ...op.set(BIAS_V),
      ...op.end,
      ...op.get(PC),
      ...op.get(ACC + v),
      ...op.get(BIAS_V),
      ...op.fadd,
      ...op.get(FLOOR),
      ...op.fmax,
      ...op.store(16 * v),
    ]),
  ];
}

function nnRows(fma: boolean): number[] {
  // The list for a row: (byte offset of B's row k, A's value) for each k whose value is not ±0.
  const listGroup = [0, 1, 2, 3].flatMap((t) => [
    ...op.get(PL),
    ...op.get(OFF_B),
    ...(t > 0 ? [...op.get(SB), ...op.i32(t), ...op.mul, ...op.add] : []),
    ...op.storeI32(0),
    ...op.get(PL),
    ...op.get(PA),
    ...op.get(Q),
    ...op.add,
    ...op.loadI32(4 * t),
    ...op.tee(VALUE),
    ...op.storeI32(4),
    // pl += 8 when the value is not zero (either sign): the entry just written is kept.
    ...op.get(PL),
    ...op.get(VALUE),
    ...op.i32(0x7fffffff),
    ...op.and,
    ...op.i32(0),
    ...op.ne,
    ...op.i32(3),
    ...op.shl,
    ...op.add,
    ...op.set(PL),
  ]);
  const row = [
    ...op.get(A),
    ...op.get(ROW),
    ...op.get(SA),
    ...op.mul,
    ...op.add,
    ...op.set(PA),
    ...op.get(SCRATCH),
    ...op.set(PL),
    ...op.i32(0),
    ...op.set(Q),
    ...op.i32(0),
    ...op.set(OFF_B),
    ...whileBelow(Q, Q_END, [
      ...op.get(PA),
      ...op.get(Q),
      ...op.add,
      ...op.load(0),
      ...op.anyTrue,
      ...op.if,
      ...listGroup,
      ...op.end,
      ...bump(Q, op.i32(16)),
      ...bump(OFF_B, [...op.get(SB), ...op.i32(2), ...op.shl]),
    ]),
    ...op.get(PL),
    ...op.set(PL_END),
    ...op.i32(0),
    ...op.set(J0),
    // Strips of 32 columns while they fit, then of 8.
    ...op.block,
    ...op.loop,
    ...op.get(N),
    ...op.get(J0),
    ...op.i32(32),
    ...op.add,
    ...op.ltU,
    ...op.brIf(1),
    ...rowStrip(8, fma),
    ...bump(J0, op.i32(32)),
    ...op.br(0),
    ...op.end,
    ...op.end,
    ...whileBelow(J0, N, [...rowStrip(2, fma), ...bump(J0, op.i32(8))]),
    ...bump(ROW, op.i32(1)),
  ];
  const code = [
    ...strides(),
    ...reluFloor(RELU, FLOOR),
    ...op.get(K),
    ...op.i32(2),
    ...op.shl,
    ...op.set(Q_END),
    ...op.i32(0),
    ...op.set(ROW),
    ...whileBelow(ROW, M, row),
    ...op.end,
  ];
  return functionBody(
    [
      [I32_LOCALS, I32],
      [V128_LOCALS, V128],
    ],
    code,
  );
}

function tnBlocks(fma: boolean): number[] {
  const rows = [0, 1, 2, 3];
  const block = [
    // The list for inputs i0 … i0+3: (pointer to A's four values in row k, byte offset of B's row k)
    // for each k where they are not all +0.0.
    ...op.get(SCRATCH),
    ...op.set(PL),
    ...op.get(A),
    ...op.get(ROW),
    ...op.i32(2),
    ...op.shl,
    ...op.add,
    ...op.set(PA),
    ...op.i32(0),
    ...op.set(OFF_B),
    ...op.i32(0),
    ...op.set(COUNT),
    ...whileBelow(COUNT, K, [
      ...op.get(PL),
      ...op.get(PA),
      ...op.storeI32(0),
      ...op.get(PL),
      ...op.get(OFF_B),
      ...op.storeI32(4),
      ...op.get(PL),
      ...op.get(PA),
      ...op.load(0),
      ...op.anyTrue,
      ...op.i32(3),
      ...op.shl,
      ...op.add,
      ...op.set(PL),
      ...bump(PA, op.get(SA)),
      ...bump(OFF_B, op.get(SB)),
      ...bump(COUNT, op.i32(1)),
    ]),
    ...op.get(PL),
    ...op.set(PL_END),
    ...op.i32(0),
    ...op.set(J0),
    ...whileBelow(J0, N, [
      ...rows.flatMap((r) => [...op.zero, ...op.set(ACC + 2 * r), ...op.zero, ...op.set(ACC + 2 * r + 1)]),
      ...op.get(B),
      ...op.get(J0),
      ...op.i32(2),
      ...op.shl,
      ...op.add,
      ...op.set(PB_BASE),
      ...op.get(SCRATCH),
      ...op.set(PL),
      ...whileBelow(PL, PL_END, [
        ...op.get(PL),
        ...op.loadI32(0),
        ...op.set(PA),
        ...op.get(PB_BASE),
        ...op.get(PL),
        ...op.loadI32(4),
        ...op.add,
        ...op.tee(PB),
        ...op.load(0),
        ...op.set(B0),
        ...op.get(PB),
        ...op.load(16),
        ...op.set(B1),
        ...rows.flatMap((r) => [
          ...op.get(PA),
          ...op.loadSplat(4 * r),
          ...op.tee(SPLAT),
          ...op.get(B0),
          ...multiplyAdd(fma, ACC + 2 * r),
          ...op.set(ACC + 2 * r),
          ...op.get(SPLAT),
          ...op.get(B1),
          ...multiplyAdd(fma, ACC + 2 * r + 1),
          ...op.set(ACC + 2 * r + 1),
        ]),
        ...bump(PL, op.i32(8)),
      ]),
      // c + ((i0 + r) * ldc + j0) * 4 <- acc
      ...op.get(C),
      ...op.get(ROW),
      ...op.get(SC),
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
        ...op.store(0),
        ...op.get(PC),
        ...op.get(ACC + 2 * r + 1),
        ...op.store(16),
        ...bump(PC, op.get(SC)),
      ]),
      ...bump(J0, op.i32(8)),
    ]),
    ...bump(ROW, op.i32(4)),
  ];
  // ROW walks the blocks of four inputs (the rows of C).
  const code = [...strides(), ...op.i32(0), ...op.set(ROW), ...whileBelow(ROW, M, block), ...op.end];
  return functionBody(
    [
      [I32_LOCALS, I32],
      [V128_LOCALS, V128],
    ],
    code,
  );
}

function allFinite(): number[] {
  // Σ x·0 over the vectors: ±0 while every x is finite, NaN once one is not.
  const code = [
    ...op.zero,
    ...op.set(ACC),
    // The count is the second argument.
    ...op.get(B),
    ...op.i32(2),
    ...op.shrU,
    ...op.i32(4),
    ...op.shl,
    ...op.set(Q_END),
    ...op.i32(0),
    ...op.set(Q),
    ...whileBelow(Q, Q_END, [
      ...op.get(A),
      ...op.get(Q),
      ...op.add,
      ...op.load(0),
      ...op.zero,
      ...op.fmul,
      ...op.get(ACC),
      ...op.fadd,
      ...op.set(ACC),
      ...bump(Q, op.i32(16)),
    ]),
    ...op.get(C),
    ...op.get(ACC),
    ...op.get(ACC),
    ...op.feq,
    ...op.allTrueI32,
    ...op.storeI32(0),
    ...op.end,
  ];
  return functionBody(
    [
      [I32_LOCALS, I32],
      [V128_LOCALS, V128],
    ],
    code,
  );
}

const made = new WeakMap<WebAssembly.Memory, Map<boolean, SparseProducts | undefined>>();

/**
 * The sparse products over `memory` (fused multiply-adds with `fma`), or undefined without
 * WebAssembly SIMD. One module per memory and mode: each new model reuses code V8 has already
 * optimised.
 */
export function createSparseProducts(memory: WebAssembly.Memory, fma: boolean): SparseProducts | undefined {
  let byMode = made.get(memory);
  if (!byMode) made.set(memory, (byMode = new Map()));
  if (!byMode.has(fma)) byMode.set(fma, build(memory, fma));
  return byMode.get(fma);
}

function build(memory: WebAssembly.Memory, fma: boolean): SparseProducts | undefined {
  try {
    const exports = instantiateOnMemory(
      memory,
      Array<number>(PARAMS).fill(I32),
      ['nn_rows', 'tn_blocks', 'all_finite'],
      [nnRows(fma), tnBlocks(fma), allFinite()],
    );
    return {
      nnRows: exports.nn_rows as SparseProduct,
      tnBlocks: exports.tn_blocks as SparseProduct,
      allFinite: exports.all_finite as SparseProducts['allFinite'],
    };
  } catch {
    return undefined;
  }
}
