/**
 * The forward pass alone of a chain of dense layers on the wasm heap, for predict and evaluate:
 * per layer one SIMD product with bias and ReLU on the way out, other activations in JavaScript
 * (lossMath.ts), the same code and rounding as the training step's forward pass. Dropout is the
 * identity here, as in tfjs outside training. Each output row depends on its input row only,
 * so a batch can be run in chunks of any size with the same results.
 *
 * Buffers (per model, malloc'd on the heap, rows padded to 4 and widths to 8) hold one chunk:
 * every layer's outputs, a padded copy of the input when it cannot be read in place, and W padded
 * to 8 columns where reading it in place would run past the heap's end (see denseStep.ts).
 */
import type * as tfType from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { GemmSimd } from '../../wasm/simdMatrixProduct';
import { activate, type Block } from './lossMath';
import type { ForwardPlan } from './plan';

interface WasmModuleBits {
  _malloc(bytes: number): number;
  _free(pointer: number): void;
  HEAPU8: Uint8Array;
}

interface BackendBits {
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
}

const up = (v: number, to: number) => Math.ceil(v / to) * to;

export class DenseForward {
  private readonly wasm: WasmModuleBits;
  private readonly backendBits: BackendBits;
  private capacity = 0;
  private block = 0;
  private input = 0;
  private outputs: number[] = [];
  private biases: number[] = [];
  private paddedWeights: number[] = [];

  constructor(
    backend: BackendWasm,
    readonly gemm: GemmSimd,
    readonly plan: ForwardPlan,
  ) {
    this.wasm = backend.wasm as unknown as WasmModuleBits;
    this.backendBits = backend as unknown as BackendBits;
  }

  dispose(): void {
    if (this.block) this.wasm._free(this.block);
    this.block = 0;
    this.capacity = 0;
  }

  /** The byte offset of a tensor's data on the heap, or undefined when it is not on this backend. */
  pointer(t: { dataId: object }): number | undefined {
    return this.backendBits.dataIdMap.get(t.dataId)?.memoryOffset;
  }

  private heapF32(): Float32Array {
    return new Float32Array(this.wasm.HEAPU8.buffer);
  }

  /** (Re)allocates the buffers for chunks of up to `rows` rows. */
  private reserve(rows: number): void {
    const padded = up(rows, 4);
    if (padded <= this.capacity) return;
    this.dispose();
    let floats = 0;
    const take = (n: number) => {
      const at = floats;
      floats += up(n, 4) + 4;
      return at;
    };
    const input = take(padded * up(this.plan.inputSize, 4));
    const outputs = this.plan.stages.map((s) => take(padded * up(s.units, 8)));
    const biases = this.plan.stages.map((s) => take(up(s.units, 8)));
    const weights = this.plan.stages.map((s) => (s.units % 8 !== 0 ? take(s.inputs * up(s.units, 8)) : 0));
    const block = this.wasm._malloc(floats * 4 + 16) >>> 0;
    if (!block) throw new Error('the fused forward pass could not allocate its buffers');
    this.block = block;
    this.capacity = padded;
    const base = up(block, 16);
    this.heapF32().fill(0, base / 4, base / 4 + floats);
    const at = (floatOffset: number) => base + floatOffset * 4;
    this.input = at(input);
    this.outputs = outputs.map(at);
    this.biases = biases.map(at);
    this.paddedWeights = weights.map(at);
  }

  /**
   * Runs `rows` rows of the float32 input at byte offset `x` (packed rows of plan.inputSize) and
   * returns the last layer's outputs on the heap, valid until the next call or heap allocation.
   */
  run(x: number, rows: number): Block {
    const { stages, inputSize } = this.plan;
    this.reserve(rows);
    const padded = up(rows, 4);
    const heap = this.heapF32();
    let a = x;
    let lda = inputSize;
    if (rows % 4 !== 0 || inputSize % 4 !== 0) {
      lda = up(inputSize, 4);
      const src = x / 4;
      for (let r = 0; r < rows; r++) heap.copyWithin(this.input / 4 + r * lda, src + r * inputSize, src + (r + 1) * inputSize);
      heap.fill(0, this.input / 4 + rows * lda, this.input / 4 + padded * lda);
      a = this.input;
    }
    let out: Block | undefined;
    stages.forEach((s, l) => {
      const n8 = up(s.units, 8);
      let w = this.pointer(s.kernel.read())!;
      let ldb = s.units;
      if (s.units % 8 !== 0 && w + (s.inputs * s.units + 8) * 4 > heap.byteLength) {
        const to = this.paddedWeights[l]! / 4;
        for (let r = 0; r < s.inputs; r++) heap.copyWithin(to + r * n8, w / 4 + r * s.units, w / 4 + (r + 1) * s.units);
        w = this.paddedWeights[l]!;
        ldb = n8;
      }
      let bias = 0;
      if (s.bias) {
        const p = this.pointer(s.bias.read())! / 4;
        heap.copyWithin(this.biases[l]! / 4, p, p + s.units);
        bias = this.biases[l]!;
      }
      const y = this.outputs[l]!;
      this.gemm.nn(a, w, y, bias, padded, n8, s.inputs, s.activation === 'relu' ? 1 : 0, lda, ldb, n8);
      out = { data: heap, offset: y / 4, rows, units: s.units, stride: n8 };
      activate(s.activation, out);
      a = y;
      lda = n8;
    });
    return out!;
  }

  /** Whether every weight of the chain lives on this backend (a tfjs op moves it otherwise). */
  weightsOnBackend(): boolean {
    return this.plan.stages.every((s) => [s.kernel, s.bias].every((w) => !w || this.pointer(w.read()) !== undefined));
  }
}

/** The input tensor of a batch when the fused pass can read it: float32, on the backend, of the plan's width. */
export function readableInput(forward: DenseForward, x: tfType.Tensor | undefined): number | undefined {
  if (!x || x.dtype !== 'float32') return undefined;
  const rows = x.shape[0] ?? 0;
  if (rows === 0 || x.size !== rows * forward.plan.inputSize) return undefined;
  return forward.pointer(x);
}
