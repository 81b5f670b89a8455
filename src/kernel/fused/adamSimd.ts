/**
 * The Adam update as a tiny WebAssembly SIMD function working on the wasm backend's own memory
 * (it imports that memory), four float32 lanes at a time: about 5x faster than the same loop in
 * JavaScript, which spends most of its time converting float32 to float64 and back. The module is
 * a few hundred bytes, assembled here so the build needs no WebAssembly toolchain.
 *
 * adam(x, g, m, v, xOut, mOut, vOut, n, beta1, 1-beta1, beta2, 1-beta2, lr/c1, 1/c2, epsilon)
 * updates the first n - n % 4 elements (pointers are byte offsets); the caller does the rest.
 */
import { F32, I32, V128, functionBody, instantiateOnMemory, sleb, uleb } from '../wasm/assembler';

export type AdamSimd = (
  x: number,
  g: number,
  m: number,
  v: number,
  xOut: number,
  mOut: number,
  vOut: number,
  n: number,
  beta1: number,
  oneMinusBeta1: number,
  beta2: number,
  oneMinusBeta2: number,
  step: number,
  invCorrection2: number,
  epsilon: number,
) => void;

const op = {
  localGet: (i: number) => [0x20, i],
  localSet: (i: number) => [0x21, i],
  localTee: (i: number) => [0x22, i],
  i32Const: (v: number) => [0x41, ...sleb(v)],
  i32And: [0x71],
  i32Shl: [0x74],
  i32Add: [0x6a],
  i32GeU: [0x4f],
  i32LtU: [0x49],
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  end: [0x0b],
  brIf: (depth: number) => [0x0d, depth],
  // SIMD: prefix 0xfd, then the opcode as unsigned LEB128.
  load: [0xfd, ...uleb(0x00), 4, 0],
  store: [0xfd, ...uleb(0x0b), 4, 0],
  splat: [0xfd, ...uleb(0x13)],
  abs: [0xfd, ...uleb(0xe0)],
  ge: [0xfd, ...uleb(0x46)],
  and: [0xfd, ...uleb(0x4e)],
  f32Const: (v: number) => {
    const b = Buffer.alloc(4);
    b.writeFloatLE(v);
    return [0x43, ...b];
  },
  sqrt: [0xfd, ...uleb(0xe3)],
  add: [0xfd, ...uleb(0xe4)],
  sub: [0xfd, ...uleb(0xe5)],
  mul: [0xfd, ...uleb(0xe6)],
  div: [0xfd, ...uleb(0xe7)],
};

// Parameters 0-6 pointers, 7 n, 8-14 the f32 constants; locals 15 offset, 16 end, 17-23 the
// constants splatted to four lanes, 24-26 g, m', v', 27 the flush threshold.
const [X, G, M, V, XO, MO, VO, N] = [0, 1, 2, 3, 4, 5, 6, 7];
const [OFF, END] = [15, 16];
const [B1, OMB1, B2, OMB2, STEP, INVC2, EPS] = [17, 18, 19, 20, 21, 22, 23];
const [GV, MV, VV, TINY] = [24, 25, 26, 27];

/**
 * Moments below this are stored as 0. Moments of weights whose gradient stays 0 (a dead ReLU
 * unit) decay geometrically into float32's subnormal range, where arithmetic is some 40x slower
 * (WebAssembly cannot flush subnormals itself); at this size they change no update (ε is 1e-7).
 */
export const FLUSH_BELOW = 1e-30;

function body(): number[] {
  const at = (ptr: number) => [...op.localGet(ptr), ...op.localGet(OFF), ...op.i32Add];
  const code = [
    ...[8, 9, 10, 11, 12, 13, 14].flatMap((p, k) => [...op.localGet(p), ...op.splat, ...op.localSet(B1 + k)]),
    ...op.f32Const(FLUSH_BELOW),
    ...op.splat,
    ...op.localSet(TINY),
    // end = (n & ~3) * 4 bytes
    ...op.localGet(N),
    ...op.i32Const(-4),
    ...op.i32And,
    ...op.i32Const(2),
    ...op.i32Shl,
    ...op.localSet(END),
    ...op.block,
    ...op.localGet(OFF),
    ...op.localGet(END),
    ...op.i32GeU,
    ...op.brIf(0),
    ...op.loop,
    ...at(G),
    ...op.load,
    ...op.localSet(GV),
    // m' = beta1 * m + (1 - beta1) * g, flushed to 0 below FLUSH_BELOW
    ...at(M),
    ...op.load,
    ...op.localGet(B1),
    ...op.mul,
    ...op.localGet(GV),
    ...op.localGet(OMB1),
    ...op.mul,
    ...op.add,
    ...op.localSet(MV),
    ...op.localGet(MV),
    ...op.localGet(MV),
    ...op.abs,
    ...op.localGet(TINY),
    ...op.ge,
    ...op.and,
    ...op.localSet(MV),
    ...at(MO),
    ...op.localGet(MV),
    ...op.store,
    // v' = beta2 * v + (1 - beta2) * g * g, likewise
    ...at(V),
    ...op.load,
    ...op.localGet(B2),
    ...op.mul,
    ...op.localGet(GV),
    ...op.localGet(GV),
    ...op.mul,
    ...op.localGet(OMB2),
    ...op.mul,
    ...op.add,
    ...op.localSet(VV),
    ...op.localGet(VV),
    ...op.localGet(VV),
    ...op.localGet(TINY),
    ...op.ge,
    ...op.and,
    ...op.localSet(VV),
    ...at(VO),
    ...op.localGet(VV),
    ...op.store,
    // x' = x - (lr / c1) * m' / (sqrt(v' / c2) + epsilon)
    ...at(XO),
    ...at(X),
    ...op.load,
    ...op.localGet(STEP),
    ...op.localGet(MV),
    ...op.mul,
    ...op.localGet(VV),
    ...op.localGet(INVC2),
    ...op.mul,
    ...op.sqrt,
    ...op.localGet(EPS),
    ...op.add,
    ...op.div,
    ...op.sub,
    ...op.store,
    ...op.localGet(OFF),
    ...op.i32Const(16),
    ...op.i32Add,
    ...op.localTee(OFF),
    ...op.localGet(END),
    ...op.i32LtU,
    ...op.brIf(0),
    ...op.end,
    ...op.end,
    ...op.end,
  ];
  return functionBody(
    [
      [2, I32],
      [11, V128],
    ],
    code,
  );
}

/** The SIMD Adam over `memory`, or undefined where WebAssembly SIMD is not available. */
export function createAdamSimd(memory: WebAssembly.Memory): AdamSimd | undefined {
  try {
    return instantiateOnMemory(memory, [...Array<number>(8).fill(I32), ...Array<number>(7).fill(F32)], ['adam'], [body()]).adam as AdamSimd;
  } catch {
    return undefined;
  }
}
