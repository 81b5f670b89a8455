/**
 * The elementwise loops of the fused training step's image stages in WebAssembly SIMD: im2col and
 * its inverse, max pooling and its gradient, the ReLU gate and per-channel sums. The same loops in
 * JavaScript cost more than the convolutions' products (branchy float loops over the heap: ~8 ns
 * an element). Assembled here like simdMatrixProduct.ts, so the build needs no toolchain.
 *
 * A window's cells are given by a table of byte offsets, one Int32 per (output pixel, cell), from
 * the start of one sample's input (-1: the cell lies in the padding), built once per shape by the
 * caller; samples follow each other `inStride` bytes apart. Every pointer and size is in bytes.
 *
 * im2col(x, patches, table, pixels, cells, cbytes, samples, inStride, rowStride): patch rows
 *   (sample, pixel) `rowStride` apart, each `cells` runs of `cbytes` copied from the table's offsets (zeros for -1).
 * col2im(dx, patches, ...same): each run added back into dx (which the caller zeroes first).
 * maxPool(x, y, table, pixels, cells, cbytes, samples, inStride): y (compact) = max over the cells; cbytes % 16 = 0, no -1.
 * maxPoolGrad(x, y, table, pixels, cells, cbytes, samples, inStride, g, dx, gate): dx (zeroed by the
 *   caller) += g at the first cell equal to the maximum (tfjs's MaxPoolGrad), where y > 0 when `gate`
 *   (a ReLU before the pooling: its gradient folded in).
 * reluMask(y, g, bytes): g = y > 0 ? g : 0, 16 bytes at a time.
 * columnSums(g, out, rows, cbytes, rowStride): out[c] = Σ_r g[r][c] in float32, row after row
 *   (the rounding of tfjs's Sum), four columns at a time; cbytes rounded up to 16 (reads past a row's end).
 */
import { I32, V128, functionBody, instantiateOnMemory, sleb, uleb } from './assembler';

type Kernel = (...args: number[]) => void;
export interface ImageKernels {
  im2col: Kernel;
  col2im: Kernel;
  maxPool: Kernel;
  maxPoolGrad: Kernel;
  reluMask: Kernel;
  columnSums: Kernel;
}

const simd = (opcode: number) => [0xfd, ...uleb(opcode)];
const get = (i: number) => [0x20, ...uleb(i)];
const set = (i: number) => [0x21, ...uleb(i)];
const i32 = (v: number) => [0x41, ...sleb(v)];
const add = [0x6a];
const mul = [0x6c];
const geS = [0x4e];
const ltS = [0x48];
const end = [0x0b];
const i32Load = [0x28, 2, 0];
const i32Store = [0x36, 2, 0];
const vLoad = [...simd(0x00), 0, 0];
const vStore = [...simd(0x0b), 0, 0];
const vZero = [...simd(0x0c), ...Array<number>(16).fill(0)];
const vNegInf = [...simd(0x0c), ...[0, 0, 0x80, 0xff, 0, 0, 0x80, 0xff, 0, 0, 0x80, 0xff, 0, 0, 0x80, 0xff]];
const fEq = simd(0x41);
const fGt = simd(0x44);
const vAnd = simd(0x4e);
const vAndNot = simd(0x4f);
const vOr = simd(0x50);
const fAdd = simd(0xe4);
const fMax = simd(0xe9);
const ifThen = [0x04, 0x40];
const elseOp = [0x05];

/** for (counter = init; counter < limit; counter += step) body, with the test first. */
function forLoop(counter: number, init: number[], limit: number[], step: number[], body: number[]): number[] {
  return [
    ...init,
    ...set(counter),
    ...[0x02, 0x40], // block
    ...[0x03, 0x40], // loop
    ...get(counter),
    ...limit,
    ...geS,
    ...[0x0d, 1], // br_if out of the block
    ...body,
    ...get(counter),
    ...step,
    ...add,
    ...set(counter),
    ...[0x0c, 0], // br to the loop
    ...end,
    ...end,
  ];
}

const PARAMS = 12;
// Locals (i32 from PARAMS, then v128).
const [S, P, K, C, XS, TP, ROW, D, OFF, SRC, DXS] = [12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22];
const I32_LOCALS = 11;
const [ACC, YV, GV, TAKEN, EQ] = [23, 24, 25, 26, 27];
const V128_LOCALS = 5;

const body = (code: number[]) =>
  functionBody(
    [
      [I32_LOCALS, I32],
      [V128_LOCALS, V128],
    ],
    [...code, ...end],
  );

/** Copies (or adds, for col2im) `cbytes` from SRC to D: 16 bytes at a time, then 4. */
function run(cbytes: number, accumulate: boolean): number[] {
  const step = (width: 16 | 4) => {
    const load = width === 16 ? vLoad : accumulate ? [0x2a, 2, 0] : i32Load; // f32.load when adding
    const store = width === 16 ? vStore : accumulate ? [0x38, 2, 0] : i32Store;
    const plus = width === 16 ? fAdd : [0x92];
    // dst <- (dst +) src, dst = D + C, src = SRC + C
    return [
      ...get(D),
      ...get(C),
      ...add,
      ...(accumulate ? [...get(D), ...get(C), ...add, ...load] : []),
      ...get(SRC),
      ...get(C),
      ...add,
      ...load,
      ...(accumulate ? plus : []),
      ...store,
    ];
  };
  // C counts the bytes done: 16 at a time while 16 remain, then 4.
  return [
    ...i32(0),
    ...set(C),
    ...[0x02, 0x40, 0x03, 0x40],
    ...get(C),
    ...i32(16),
    ...add,
    ...get(cbytes),
    ...[0x4a], // i32.gt_s: C + 16 > cbytes
    ...[0x0d, 1],
    ...step(16),
    ...get(C),
    ...i32(16),
    ...add,
    ...set(C),
    ...[0x0c, 0],
    ...end,
    ...end,
    ...forLoop(C, get(C), get(cbytes), i32(4), step(4)),
  ];
}

// Shared parameter slots of the table-driven kernels.
const [X, OUT, TABLE, PIXELS, CELLS, CBYTES, SAMPLES, IN_STRIDE, ROW_STRIDE] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
const [G_PARAM, DX_PARAM, GATE] = [8, 9, 10];

/** Loops over samples and pixels; `perCell` runs with OFF = the cell's offset, D = the patch run. */
function patchLoop(accumulate: boolean): number[] {
  const cell = [
    ...get(TP),
    ...get(K),
    ...i32(2),
    ...[0x74], // shl
    ...add,
    ...i32Load,
    ...set(OFF),
    ...get(OFF),
    ...i32(0),
    ...ltS,
    ...ifThen,
    ...(accumulate ? [] : forLoop(C, i32(0), get(CBYTES), i32(4), [...get(D), ...get(C), ...add, ...i32(0), ...i32Store])),
    ...elseOp,
    ...get(XS),
    ...get(OFF),
    ...add,
    ...set(SRC),
    ...(accumulate ? swapRun() : run(CBYTES, false)),
    ...end,
    ...get(D),
    ...get(CBYTES),
    ...add,
    ...set(D),
  ];
  return forLoop(S, i32(0), get(SAMPLES), i32(1), [
    // XS = x + s * inStride; TP = table
    ...get(X),
    ...get(S),
    ...get(IN_STRIDE),
    ...mul,
    ...add,
    ...set(XS),
    ...get(TABLE),
    ...set(TP),
    ...forLoop(P, i32(0), get(PIXELS), i32(1), [
      ...get(ROW),
      ...set(D),
      ...forLoop(K, i32(0), get(CELLS), i32(1), cell),
      ...get(ROW),
      ...get(ROW_STRIDE),
      ...add,
      ...set(ROW),
      ...get(TP),
      ...get(CELLS),
      ...i32(2),
      ...[0x74],
      ...add,
      ...set(TP),
    ]),
  ]);
}

/** col2im: the input (XS + OFF) gets the patch run (D) added: swap the roles of SRC and D for `run`. */
function swapRun(): number[] {
  // run() adds SRC into D; here D must be the input cell and SRC the patch: exchange through DXS.
  return [...get(D), ...set(DXS), ...get(SRC), ...set(D), ...get(DXS), ...set(SRC), ...run(CBYTES, true), ...get(SRC), ...set(D)];
}

function im2colBody(accumulate: boolean): number[] {
  return body([...get(OUT), ...set(ROW), ...patchLoop(accumulate)]);
}

function maxPoolBody(): number[] {
  const cell = [
    ...get(ACC),
    ...get(XS),
    ...get(TP),
    ...get(K),
    ...i32(2),
    ...[0x74],
    ...add,
    ...i32Load,
    ...add,
    ...get(C),
    ...add,
    ...vLoad,
    ...fMax,
    ...set(ACC),
  ];
  return body([
    ...get(OUT),
    ...set(D),
    ...forLoop(S, i32(0), get(SAMPLES), i32(1), [
      ...get(X),
      ...get(S),
      ...get(IN_STRIDE),
      ...mul,
      ...add,
      ...set(XS),
      ...get(TABLE),
      ...set(TP),
      ...forLoop(P, i32(0), get(PIXELS), i32(1), [
        ...forLoop(C, i32(0), get(CBYTES), i32(16), [
          ...vNegInf,
          ...set(ACC),
          ...forLoop(K, i32(0), get(CELLS), i32(1), cell),
          ...get(D),
          ...get(C),
          ...add,
          ...get(ACC),
          ...vStore,
        ]),
        ...get(D),
        ...get(CBYTES),
        ...add,
        ...set(D),
        ...get(TP),
        ...get(CELLS),
        ...i32(2),
        ...[0x74],
        ...add,
        ...set(TP),
      ]),
    ]),
  ]);
}

function maxPoolGradBody(): number[] {
  // ROW walks y and g together (same layout): y at OUT + ROW, g at G + ROW.
  const cell = [
    // OFF = table[k] + c; EQ = (x[XS + OFF] == yv) & ~TAKEN; TAKEN |= EQ; dx[DXS + OFF] += gv & EQ
    ...get(TP),
    ...get(K),
    ...i32(2),
    ...[0x74],
    ...add,
    ...i32Load,
    ...get(C),
    ...add,
    ...set(OFF),
    ...get(XS),
    ...get(OFF),
    ...add,
    ...vLoad,
    ...get(YV),
    ...fEq,
    ...get(TAKEN),
    ...vAndNot,
    ...set(EQ),
    ...get(TAKEN),
    ...get(EQ),
    ...vOr,
    ...set(TAKEN),
    ...get(DXS),
    ...get(OFF),
    ...add,
    ...set(D),
    ...get(D),
    ...get(D),
    ...vLoad,
    ...get(GV),
    ...get(EQ),
    ...vAnd,
    ...fAdd,
    ...vStore,
  ];
  return body([
    ...i32(0),
    ...set(ROW),
    ...forLoop(S, i32(0), get(SAMPLES), i32(1), [
      ...get(X),
      ...get(S),
      ...get(IN_STRIDE),
      ...mul,
      ...add,
      ...set(XS),
      ...get(DX_PARAM),
      ...get(S),
      ...get(IN_STRIDE),
      ...mul,
      ...add,
      ...set(DXS),
      ...get(TABLE),
      ...set(TP),
      ...forLoop(P, i32(0), get(PIXELS), i32(1), [
        ...forLoop(C, i32(0), get(CBYTES), i32(16), [
          ...get(OUT),
          ...get(ROW),
          ...add,
          ...get(C),
          ...add,
          ...vLoad,
          ...set(YV),
          ...get(G_PARAM),
          ...get(ROW),
          ...add,
          ...get(C),
          ...add,
          ...vLoad,
          ...set(GV),
          ...get(GATE),
          ...ifThen,
          ...get(GV),
          ...get(YV),
          ...vZero,
          ...fGt,
          ...vAnd,
          ...set(GV),
          ...end,
          ...vZero,
          ...set(TAKEN),
          ...forLoop(K, i32(0), get(CELLS), i32(1), cell),
        ]),
        ...get(ROW),
        ...get(CBYTES),
        ...add,
        ...set(ROW),
        ...get(TP),
        ...get(CELLS),
        ...i32(2),
        ...[0x74],
        ...add,
        ...set(TP),
      ]),
    ]),
  ]);
}

function reluMaskBody(): number[] {
  // params: 0 y, 1 g, 2 bytes
  return body(
    forLoop(C, i32(0), get(2), i32(16), [
      ...get(1),
      ...get(C),
      ...add,
      ...get(1),
      ...get(C),
      ...add,
      ...vLoad,
      ...get(0),
      ...get(C),
      ...add,
      ...vLoad,
      ...vZero,
      ...fGt,
      ...vAnd,
      ...vStore,
    ]),
  );
}

function columnSumsBody(): number[] {
  // params: 0 g, 1 out, 2 rows, 3 cbytes, 4 rowStride
  return body(
    forLoop(C, i32(0), get(3), i32(16), [
      ...vZero,
      ...set(ACC),
      ...get(0),
      ...get(C),
      ...add,
      ...set(D),
      ...forLoop(S, i32(0), get(2), i32(1), [
        ...get(ACC),
        ...get(D),
        ...vLoad,
        ...fAdd,
        ...set(ACC),
        ...get(D),
        ...get(4),
        ...add,
        ...set(D),
      ]),
      ...get(1),
      ...get(C),
      ...add,
      ...get(ACC),
      ...vStore,
    ]),
  );
}

/** The kernels over `memory`, or undefined where WebAssembly SIMD is not available. */
export function createImageKernels(memory: WebAssembly.Memory): ImageKernels | undefined {
  try {
    const names = ['im2col', 'col2im', 'maxPool', 'maxPoolGrad', 'reluMask', 'columnSums'] as const;
    const exports = instantiateOnMemory(
      memory,
      Array<number>(PARAMS).fill(I32),
      [...names],
      [im2colBody(false), im2colBody(true), maxPoolBody(), maxPoolGradBody(), reluMaskBody(), columnSumsBody()],
    );
    return Object.fromEntries(names.map((n) => [n, exports[n] as Kernel])) as unknown as ImageKernels;
  } catch {
    return undefined;
  }
}
