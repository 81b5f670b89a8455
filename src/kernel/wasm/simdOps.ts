/**
 * The WebAssembly instructions tfnb's hand-assembled products use, as byte sequences to splice
 * into a function body (assembler.ts builds the module around them). SIMD instructions are the
 * 0xfd prefix and their opcode in unsigned LEB128; memory accesses carry (align, offset).
 */
import { sleb, uleb } from './assembler';

const simd = (opcode: number) => [0xfd, ...uleb(opcode)];
const memarg = (offset: number) => [4, ...uleb(offset)];

export const op = {
  get: (i: number) => [0x20, ...uleb(i)],
  set: (i: number) => [0x21, ...uleb(i)],
  tee: (i: number) => [0x22, ...uleb(i)],
  i32: (v: number) => [0x41, ...sleb(v)],
  add: [0x6a],
  sub: [0x6b],
  mul: [0x6c],
  and: [0x71],
  ltU: [0x49],
  eqz: [0x45],
  ne: [0x47],
  shl: [0x74],
  shrU: [0x76],
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  if: [0x04, 0x40],
  else: [0x05],
  end: [0x0b],
  br: (d: number) => [0x0c, d],
  brIf: (d: number) => [0x0d, d],
  /** i32.load / i32.store (align 4). */
  loadI32: (offset = 0) => [0x28, 2, ...uleb(offset)],
  storeI32: (offset = 0) => [0x36, 2, ...uleb(offset)],
  load: (offset = 0) => [...simd(0x00), ...memarg(offset)],
  loadSplat: (offset = 0) => [...simd(0x09), 2, ...uleb(offset)],
  store: (offset = 0) => [...simd(0x0b), ...memarg(offset)],
  zero: [...simd(0x0c), ...Array<number>(16).fill(0)],
  negInf: [...simd(0x0c), ...[0, 0, 0x80, 0xff, 0, 0, 0x80, 0xff, 0, 0, 0x80, 0xff, 0, 0, 0x80, 0xff]],
  fadd: simd(0xe4),
  // f32x4.relaxed_madd(a, b, c) = a * b + c, fused where the CPU can.
  fma: simd(0x105),
  fmul: simd(0xe6),
  fmax: simd(0xe9),
  feq: simd(0x41),
  anyTrue: simd(0x53),
  allTrueI32: simd(0xa3),
};

/** acc += a * b, with a and b on the stack: fused (relaxed SIMD) or a multiply and an add. */
export const multiplyAdd = (fma: boolean, acc: number) => (fma ? [...op.get(acc), ...op.fma] : [...op.fmul, ...op.get(acc), ...op.fadd]);

/** Each `[ld, stride]` pair of locals: stride = ld · 4, a row stride from floats to bytes. */
export const byteStrides = (pairs: Array<[ld: number, stride: number]>) =>
  pairs.flatMap(([ld, stride]) => [...op.get(ld), ...op.i32(2), ...op.shl, ...op.set(stride)]);

/** floor = relu ? 0 : -Infinity, so an epilogue's max(·, floor) changes nothing without relu. */
export const reluFloor = (relu: number, floor: number) => [
  ...op.negInf,
  ...op.set(floor),
  ...op.get(relu),
  ...op.if,
  ...op.zero,
  ...op.set(floor),
  ...op.end,
];
