/**
 * One training step of a chain of dense layers on the wasm heap, with no tfjs kernel in it:
 * per layer one SIMD product forward (bias and ReLU on the way out), one for the weight gradient
 * (xᵀ·dz) and one for the input gradient (dz·Wᵀ); the loss and small activations in JavaScript;
 * then the optimizer's update written into the tf.Variables' own memory (optimizerUpdate.ts;
 * Adam: one SIMD pass per variable over the weights and both moments).
 *
 * Buffers are this model's own (malloc'd on the wasm heap, rows padded to 4 and widths to 8 so
 * the 4×8 product needs no edge cases). Weights are read where they lie: a layer of 10 units is
 * read as 16, the extra columns ending in padding (see simdMatrixProduct.ts). After an in-place
 * update each variable gets a new id in the backend's C++ table, which drops whatever XNNPACK had
 * packed from the old values, so a later tfjs predict or fit sees the new weights.
 */
import type * as tfType from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { Tf } from '../../tfType';
import { wasmMemoryOf } from '../../wasm/backendMemory';
import type { GemmSimd } from '../../wasm/simdMatrixProduct';
import { createSparseProducts, type SparseProducts } from '../../wasm/sparseProducts';
import { createDenseBackward, type DenseBackward } from '../../wasm/denseBackward';
import { applyDropout, dropoutBackward, drawMultipliers } from './dropoutMask';
import { accuracy, activate, activationBackward, lossAndGradient, type Block } from './lossMath';
import { ImageFront, compactRows, imageKernelsFor } from './imageStages';
import { applyOptimizerUpdate, type WeightUpdate } from './optimizerUpdate';
import { profiledGemm, profiledKernels } from './stepProfile';
import { stateOf, weightsOf, type TrainPlan } from './plan';

interface WasmModuleBits {
  _malloc(bytes: number): number;
  _free(pointer: number): void;
  HEAPU8: Uint8Array;
  tfjs: { registerTensor(id: number, size: number, memoryOffset: number): void; disposeData(id: number): void };
}

interface BackendBits {
  dataIdMap: { get(dataId: object): { id: number; memoryOffset: number } | undefined };
  dataIdNextNumber: number;
  refCount(dataId: object): number;
}

const up = (v: number, to: number) => Math.ceil(v / to) * to;

interface StageBuffers {
  /** Outputs after the activation [rows × n8]. */
  y: number;
  /** d loss / d (pre-activation) [rows × n8]. */
  g: number;
  /** Weight gradient [k4 × n8], compacted to [k × n] before the update. */
  dw: number;
  db: number;
  biasPadded: number;
  /** Wᵀ [n × k8], for the input gradient (not for the first layer). */
  wt: number;
  /** W copied to [k × n8], only used when reading W in place would run past the heap's end. */
  wPadded: number;
  /** The outputs after this layer's dropouts [rows × n8] (y itself stays for the activation's gradient). */
  dropped: number;
}

export class DenseTrainer {
  private readonly wasm: WasmModuleBits;
  private readonly backendBits: BackendBits;
  private capacity = 0;
  private block = 0;
  private input = 0;
  private buffers: StageBuffers[] = [];
  /** The zero-skipping products' lists (8 bytes a step) and allFinite's answer. */
  private scratch = 0;
  private finiteFlag = 0;
  private stepsSinceSample = 0;
  private inputIsSparse = false;
  /** `gemm`, timed while bench/wasm/profile.ts profiles (stepProfile.ts). */
  private readonly products: GemmSimd;
  /** The conv and pooling stages before the dense chain, if any. */
  private readonly front: ImageFront | undefined;
  /** Zero-skipping products for the first layer when its input is mostly zeros (images). */
  private readonly sparse: SparseProducts | undefined;
  /** ReLU's gradient and the bias gradient in SIMD (JavaScript loops where it is missing). */
  private readonly backwardOps: DenseBackward | undefined;

  constructor(
    private readonly tf: Tf,
    private readonly backend: BackendWasm,
    readonly gemm: GemmSimd,
    private readonly plan: TrainPlan,
  ) {
    this.wasm = backend.wasm as unknown as WasmModuleBits;
    this.backendBits = backend as unknown as BackendBits;
    this.products = profiledGemm(gemm);
    this.front =
      plan.front.length > 0
        ? new ImageFront(
            this.wasm,
            this.products,
            plan.front,
            () => this.heapF32(),
            (w) => this.pointer(w.read()),
            profiledKernels(imageKernelsFor(backend)),
          )
        : undefined;
    const memory = wasmMemoryOf(backend);
    this.sparse = memory ? createSparseProducts(memory, gemm.fma) : undefined;
    this.backwardOps = memory ? createDenseBackward(memory) : undefined;
  }

  dispose(): void {
    this.front?.dispose();
    this.freeBlock();
  }

  private freeBlock(): void {
    if (this.block) this.wasm._free(this.block);
    this.block = 0;
    this.capacity = 0;
  }

  private pointer(t: { dataId: object }): number {
    return this.backendBits.dataIdMap.get(t.dataId)!.memoryOffset;
  }

  private heapF32(): Float32Array {
    return new Float32Array(this.wasm.HEAPU8.buffer);
  }

  /** (Re)allocates the buffers for batches of up to `rows` rows. */
  private reserve(rows: number): void {
    const padded = up(rows, 4);
    if (padded <= this.capacity) return;
    this.freeBlock();
    const sizes: number[] = [];
    const take = (floats: number) => {
      const at = sizes.reduce((a, b) => a + b, 0);
      sizes.push(up(floats, 4) + 4);
      return at;
    };
    const input = take(padded * up(this.plan.inputSize, 4));
    // The zero-skipping products' lists, for the first dense layer's input (after any image stages).
    const scratch = take(2 * Math.max(up(this.plan.stages[0]!.inputs, 4), padded));
    const finiteFlag = take(4);
    const layout = this.plan.stages.map((s, l) => ({
      y: take(padded * up(s.units, 8)),
      g: take(padded * up(s.units, 8)),
      dw: take(up(s.inputs, 4) * up(s.units, 8)),
      db: take(up(s.units, 8)),
      biasPadded: take(up(s.units, 8)),
      wt: l > 0 || this.front ? take(s.units * up(s.inputs, 8)) : 0,
      wPadded: s.units % 8 !== 0 ? take(s.inputs * up(s.units, 8)) : 0,
      dropped: s.dropouts.length > 0 ? take(padded * up(s.units, 8)) : 0,
    }));
    const floats = sizes.reduce((a, b) => a + b, 0);
    const block = this.wasm._malloc(floats * 4 + 16) >>> 0;
    if (!block) throw new Error('the fused training step could not allocate its buffers');
    this.block = block;
    this.capacity = padded;
    const base = up(block, 16);
    this.heapF32().fill(0, base / 4, base / 4 + floats);
    const at = (floatOffset: number) => base + floatOffset * 4;
    this.input = at(input);
    this.scratch = at(scratch);
    this.finiteFlag = at(finiteFlag);
    this.buffers = layout.map((b) => ({
      y: at(b.y),
      g: at(b.g),
      dw: at(b.dw),
      db: at(b.db),
      biasPadded: at(b.biasPadded),
      wt: at(b.wt),
      wPadded: at(b.wPadded),
      dropped: at(b.dropped),
    }));
  }

  /** Makes sure no other tensor shares the variable's memory before it is written in place. */
  private ownMemory(v: tfType.Variable): void {
    if (this.backendBits.refCount(v.dataId) === 1) return;
    const tf = this.tf;
    tf.tidy(() => v.assign(tf.mul(v, tf.scalar(1))));
  }

  /** A new id in the backend's C++ table for the variable's memory: drops XNNPACK's packed copies. */
  private rekey(v: tfType.Variable): void {
    const info = this.backendBits.dataIdMap.get(v.dataId)!;
    this.wasm.tfjs.disposeData(info.id);
    info.id = this.backendBits.dataIdNextNumber++;
    this.wasm.tfjs.registerTensor(info.id, v.size, info.memoryOffset);
  }

  /**
   * Trains on one batch: `x` [rows, ...] float32, `y` the targets. Returns the loss and the
   * metrics, as tfjs's train function would.
   */
  step(x: tfType.Tensor, y: tfType.Tensor, optimizer: unknown): number[] {
    const { stages, inputSize } = this.plan;
    const rows = x.shape[0]!;
    const padded = up(rows, 4);
    for (const w of [...weightsOf(this.plan), ...stateOf(this.plan)]) this.ownMemory(w.read());
    this.front?.reserve(rows);
    this.reserve(rows);
    // Before the heap's view: drawing allocates a tensor, which can grow the heap.
    const masks = stages.map((s) => s.dropouts.map((d) => drawMultipliers(this.tf, d, rows, s.units)));
    const heap = this.heapF32();
    const gemm = this.products;

    // The input: read in place when its rows are a multiple of 4 and its width of 4, else a padded copy.
    let a = this.pointer(x);
    let lda = inputSize;
    if (this.front) {
      // The image stages' output: rows padded to 4, compact, with slack past its end.
      this.front.forward(a, rows);
      a = this.front.output;
      lda = stages[0]!.inputs;
    } else if (rows % 4 !== 0 || inputSize % 4 !== 0) {
      lda = up(inputSize, 4);
      const src = a / 4;
      for (let r = 0; r < rows; r++) heap.copyWithin(this.input / 4 + r * lda, src + r * inputSize, src + (r + 1) * inputSize);
      heap.fill(0, this.input / 4 + rows * lda, this.input / 4 + padded * lda);
      a = this.input;
    }
    const inputs: Array<[pointer: number, stride: number]> = [];
    // Images are mostly background: the first layer's products then skip the zeros of its input.
    const sparseInput = this.sparse !== undefined && this.sparseInput(a, rows, lda, stages[0]!.inputs);

    // Forward.
    stages.forEach((s, l) => {
      const b = this.buffers[l]!;
      const n8 = up(s.units, 8);
      const kernel = s.kernel.read();
      let w = this.pointer(kernel);
      let ldb = s.units;
      if (s.units % 8 !== 0 && w + (s.inputs * s.units + 8) * 4 > heap.byteLength) {
        // Reading the last row as 8 columns would run off the heap: pack W instead.
        for (let r = 0; r < s.inputs; r++) heap.copyWithin(b.wPadded / 4 + r * n8, w / 4 + r * s.units, w / 4 + (r + 1) * s.units);
        w = b.wPadded;
        ldb = n8;
      }
      let bias = 0;
      if (s.bias) {
        const p = this.pointer(s.bias.read()) / 4;
        heap.copyWithin(b.biasPadded / 4, p, p + s.units);
        bias = b.biasPadded;
      }
      inputs.push([a, lda]);
      const relu = s.activation === 'relu' ? 1 : 0;
      // nnRows reads each row in groups of four: past the row's end there must be zeros (a padded copy).
      const rowsPadded = s.inputs % 4 === 0 || a === this.input;
      if (l === 0 && sparseInput && rowsPadded && this.finite(this.pointer(kernel), s.inputs * s.units)) {
        this.sparse!.nnRows(a, w, b.y, bias, padded, n8, s.inputs, relu, lda, ldb, n8, this.scratch);
      } else {
        gemm.nn(a, w, b.y, bias, padded, n8, s.inputs, relu, lda, ldb, n8);
      }
      activate(s.activation, { data: heap, offset: b.y / 4, rows, units: s.units, stride: n8 });
      a = b.y;
      lda = n8;
      if (masks[l]!.length > 0) {
        const y = { data: heap, offset: b.y / 4, rows, units: s.units, stride: n8 };
        applyDropout(masks[l]!, y, { ...y, offset: b.dropped / 4 });
        a = b.dropped;
      }
    });

    // Loss and metrics.
    const last = stages.length - 1;
    const lastStage = stages[last]!;
    const lastOut = masks[last]!.length > 0 ? this.buffers[last]!.dropped : this.buffers[last]!.y;
    const out: Block = { data: heap, offset: lastOut / 4, rows, units: lastStage.units, stride: up(lastStage.units, 8) };
    const labels = this.backend.typedArrayFromHeap(y) as Float32Array;
    const epsilon = this.tf.backend().epsilon();
    const grad: Block = { ...out, offset: this.buffers[last]!.g / 4 };
    const loss = lossAndGradient(this.plan.loss, out, labels, epsilon, grad);
    const metrics = this.plan.metrics.map((m) => accuracy(m, out, labels));

    // Backward, from the last layer: dz, then dW = xᵀ·dz, db = Σ dz, dx = dz·Wᵀ.
    for (let l = last; l >= 0; l--) {
      const s = stages[l]!;
      const b = this.buffers[l]!;
      const n8 = up(s.units, 8);
      if (masks[l]!.length > 0) dropoutBackward(masks[l]!, { data: heap, offset: b.g / 4, rows, units: s.units, stride: n8 });
      if (s.activation === 'relu' && this.backwardOps) this.backwardOps.reluMask(b.g, b.y, rows * n8);
      else
        activationBackward(
          s.activation,
          { data: heap, offset: b.y / 4, rows, units: s.units, stride: n8 },
          { data: heap, offset: b.g / 4, rows, units: s.units, stride: n8 },
        );
      const [x, ldx] = inputs[l]!;
      // The input layer's xᵀ·dz skips all-zero groups of four inputs when the batch has many
      // (images' background); exact only while dz is finite, so checked first.
      if (l === 0 && sparseInput && this.finite(b.g, rows * n8)) {
        this.sparse!.tnBlocks(x, b.g, b.dw, 0, up(s.inputs, 4), n8, rows, 0, ldx, n8, n8, this.scratch);
      } else {
        gemm.tn(x, b.g, b.dw, 0, up(s.inputs, 4), n8, rows, 0, ldx, n8, n8);
      }
      if (n8 !== s.units) {
        for (let r = 0; r < s.inputs; r++) heap.copyWithin(b.dw / 4 + r * s.units, b.dw / 4 + r * n8, b.dw / 4 + r * n8 + s.units);
      }
      if (s.bias && this.backwardOps) {
        this.backwardOps.columnSums(b.g, b.db, rows, n8, n8);
      } else if (s.bias) {
        const db = b.db / 4;
        const g0 = b.g / 4;
        for (let j = 0; j < s.units; j++) {
          let sum = 0;
          // In float32, row after row, as wasm's Sum does (the same rounding as tfjs's bias gradient).
          for (let r = 0; r < rows; r++) sum = Math.fround(sum + heap[g0 + r * n8 + j]!);
          heap[db + j] = sum;
        }
      }
      if (l > 0 || this.front) {
        const k8 = up(s.inputs, 8);
        const w = this.pointer(s.kernel.read()) / 4;
        const wt = b.wt / 4;
        for (let i = 0; i < s.inputs; i++) for (let j = 0; j < s.units; j++) heap[wt + j * k8 + i] = heap[w + i * s.units + j]!;
        // dx lands in the previous layer's gradient buffer (same width), its activation applied next;
        // the image stages want theirs compact.
        const target = l > 0 ? this.buffers[l - 1]!.g : this.front!.outputGradient;
        gemm.nn(b.g, b.wt, target, 0, padded, k8, s.units, 0, n8, k8, k8);
        if (l === 0 && k8 !== s.inputs) compactRows(this.heapF32(), target / 4, rows, k8, s.inputs);
      }
    }
    this.front?.backward(rows);

    // The update, in the optimizer's order of variables.
    const updates: WeightUpdate[] = this.front?.updates() ?? [];
    stages.forEach((s, l) => {
      updates.push({ weight: s.kernel, gradient: this.buffers[l]!.dw });
      if (s.bias) updates.push({ weight: s.bias, gradient: this.buffers[l]!.db });
    });
    applyOptimizerUpdate(this.tf, this.plan.optimizer, optimizer, this.plan.trainable, updates, {
      backend: this.backend,
      heap: () => this.heapF32(),
      pointer: (t) => this.pointer(t),
      ownMemory: (v) => this.ownMemory(v),
      rekey: (v) => this.rekey(v),
    });
    return [loss, ...metrics];
  }

  /** Whether the `count` floats at `pointer` are all finite (skipping a zero of x is exact only then). */
  private finite(pointer: number, count: number): boolean {
    this.sparse!.allFinite(pointer, count, this.finiteFlag);
    const heap = this.heapF32();
    if (new Int32Array(heap.buffer)[this.finiteFlag / 4] !== 1) return false;
    for (let i = count - (count % 4); i < count; i++) if (!Number.isFinite(heap[pointer / 4 + i]!)) return false;
    return true;
  }

  /**
   * Whether the input has enough all-zero groups of four values for the skipping product to pay
   * (a third or more), sampled on a batch every 64 steps.
   */
  private sparseInput(x: number, rows: number, ldx: number, width: number): boolean {
    if (this.stepsSinceSample++ % 64 !== 0) return this.inputIsSparse;
    const heap = this.heapF32();
    const bits = new Int32Array(heap.buffer, heap.byteOffset, heap.length);
    let zero = 0;
    let groups = 0;
    for (let r = 0; r < rows; r++) {
      const base = x / 4 + r * ldx;
      for (let i = 0; i + 4 <= width; i += 4, groups++) {
        if ((bits[base + i]! | bits[base + i + 1]! | bits[base + i + 2]! | bits[base + i + 3]!) === 0) zero++;
      }
    }
    this.inputIsSparse = groups > 0 && zero * 3 >= groups;
    return this.inputIsSparse;
  }
}
