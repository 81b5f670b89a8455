/**
 * Two small passes of a dense layer's backward step in WebAssembly SIMD, on the wasm heap (the
 * same loops in JavaScript cost about 0.1 ms a step of the MNIST tutorial, most of it float32 ↔
 * float64 conversion and a branch per value):
 *
 * reluMask(g, y, count): g[i] = y[i] > 0 ? g[i] : 0 over `count` floats (a multiple of 4): the
 *   ReLU's gradient, y being the layer's output (NaN in y clears g, as `!(y > 0)` does).
 * columnSums(g, out, rows, cols, stride): out[j] = Σ_r g[r·stride + j], added row after row in
 *   float32 — the bias gradient, rounded as wasm's Sum (and a float32 loop) round it; cols a
 *   multiple of 4.
 */
import { I32, V128, functionBody, instantiateOnMemory } from './assembler';
import { op } from './simdOps';

export interface DenseBackward {
  reluMask(g: number, y: number, count: number, ...unused: number[]): void;
  columnSums(g: number, out: number, rows: number, cols: number, stride: number): void;
}

const [P0, P1, P2, P3, P4] = [0, 1, 2, 3, 4];
const PARAMS = 5;
const [Q, END, ROW, PG] = [5, 6, 7, 8];
const ACC = 9;

const f32x4Gt = [0xfd, 0x44];
const v128And = [0xfd, 0x4e];

function reluMask(): number[] {
  const code = [
    ...op.get(P2),
    ...op.i32(2),
    ...op.shl,
    ...op.set(END),
    ...op.i32(0),
    ...op.set(Q),
    ...op.block,
    ...op.get(END),
    ...op.eqz,
    ...op.brIf(0),
    ...op.loop,
    // g = g & (y > 0)
    ...op.get(P0),
    ...op.get(Q),
    ...op.add,
    ...op.get(P0),
    ...op.get(Q),
    ...op.add,
    ...op.load(0),
    ...op.get(P1),
    ...op.get(Q),
    ...op.add,
    ...op.load(0),
    ...op.zero,
    ...f32x4Gt,
    ...v128And,
    ...op.store(0),
    ...op.get(Q),
    ...op.i32(16),
    ...op.add,
    ...op.tee(Q),
    ...op.get(END),
    ...op.ltU,
    ...op.brIf(0),
    ...op.end,
    ...op.end,
    ...op.end,
  ];
  return functionBody(
    [
      [4, I32],
      [1, V128],
    ],
    code,
  );
}

function columnSums(): number[] {
  // For each group of four columns: acc = 0; for each row acc += g[row][j…j+3]; out[j…] = acc.
  const code = [
    ...op.get(P3),
    ...op.i32(2),
    ...op.shl,
    ...op.set(END),
    ...op.i32(0),
    ...op.set(Q),
    ...op.block,
    ...op.get(END),
    ...op.eqz,
    ...op.brIf(0),
    ...op.loop,
    ...op.zero,
    ...op.set(ACC),
    ...op.get(P0),
    ...op.get(Q),
    ...op.add,
    ...op.set(PG),
    ...op.i32(0),
    ...op.set(ROW),
    ...op.block,
    ...op.get(P2),
    ...op.eqz,
    ...op.brIf(0),
    ...op.loop,
    ...op.get(ACC),
    ...op.get(PG),
    ...op.load(0),
    ...op.fadd,
    ...op.set(ACC),
    ...op.get(PG),
    ...op.get(P4),
    ...op.i32(2),
    ...op.shl,
    ...op.add,
    ...op.set(PG),
    ...op.get(ROW),
    ...op.i32(1),
    ...op.add,
    ...op.tee(ROW),
    ...op.get(P2),
    ...op.ltU,
    ...op.brIf(0),
    ...op.end,
    ...op.end,
    ...op.get(P1),
    ...op.get(Q),
    ...op.add,
    ...op.get(ACC),
    ...op.store(0),
    ...op.get(Q),
    ...op.i32(16),
    ...op.add,
    ...op.tee(Q),
    ...op.get(END),
    ...op.ltU,
    ...op.brIf(0),
    ...op.end,
    ...op.end,
    ...op.end,
  ];
  return functionBody(
    [
      [4, I32],
      [1, V128],
    ],
    code,
  );
}

const made = new WeakMap<WebAssembly.Memory, DenseBackward | undefined>();

/** The two passes over `memory` (one module per memory), or undefined without WebAssembly SIMD. */
export function createDenseBackward(memory: WebAssembly.Memory): DenseBackward | undefined {
  if (!made.has(memory)) made.set(memory, build(memory));
  return made.get(memory);
}

function build(memory: WebAssembly.Memory): DenseBackward | undefined {
  try {
    const exports = instantiateOnMemory(memory, Array<number>(PARAMS).fill(I32), ['relu_mask', 'column_sums'], [reluMask(), columnSums()]);
    return { reluMask: exports.relu_mask as DenseBackward['reluMask'], columnSums: exports.column_sums as DenseBackward['columnSums'] };
  } catch {
    return undefined;
  }
}
