/**
 * The image stages of the fused training step (conv2d, depthwise conv2d, max and average
 * pooling, batch normalisation; NHWC), run on the wasm heap before the dense chain of
 * denseStep.ts. A convolution is im2col + the SIMD product: its [kh·kw·cin × cout] kernel is the tensor itself
 * read row-major, so the forward product, the weight gradient (patchesᵀ·dz, a tn product) and
 * the patches' gradient (dz·Wᵀ, scattered back by col2im) need no transposed copy of anything
 * large. Pooling is a loop over the windows; its gradient goes to the first maximum in row
 * order, as tfjs's MaxPoolGrad picks it. The elementwise loops run in WebAssembly SIMD
 * (simdImageKernels.ts) where the shapes allow (im2col, col2im, the bias sums and the ReLU gate
 * always; max pooling with channels a multiple of 4 and no padding, its gradient folding in the
 * ReLU of a convolution before it); JavaScript loops do the rest (depthwise products, average
 * pooling, batch normalisation, other activations).
 *
 * Every activation and gradient is compact NHWC ([samples × H × W × C]); buffers are this
 * model's own, sized for batches rounded up to 4 samples, with slack so the 4×8 product may read
 * past a row's end into columns it then ignores (see simdMatrixProduct.ts).
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { wasmMemoryOf } from '../../wasm/backendMemory';
import { createImageKernels, type ImageKernels } from '../../wasm/simdImageKernels';
import type { GemmSimd } from '../../wasm/simdMatrixProduct';
import { activate, activationBackward } from './lossMath';
import type { BatchNormStage, ConvStage, DepthwiseStage, ImageStage, LayerWeight, PoolStage, Window } from './plan';

const up = (v: number, to: number) => Math.ceil(v / to) * to;
const SLACK = 16;

interface StageBuffers {
  /** The stage's output (after its activation), compact NHWC. */
  y: number;
  /** d loss / d output; a convolution turns it into d loss / d pre-activation in place. */
  g: number;
  /** Convolutions: the im2col patches [M × k8], then (backward) their gradient. */
  patches: number;
  /** Convolutions: the kernel gradient [up(K, 4) × n8], compacted to [K × cout]. */
  dw: number;
  db: number;
  biasPadded: number;
  /** The kernel copied to [K × n8] when cout is not a multiple of 8. */
  wPadded: number;
  /** Wᵀ [cout × k8], for the input gradient (not for the first stage). */
  wt: number;
}

interface HeapAllocator {
  _malloc(bytes: number): number;
  _free(pointer: number): void;
}

/** A convolution's matrix sizes: patches are [M × K] (row stride k8), the kernel [K × cout]. */
function convSizes(s: ConvStage | DepthwiseStage) {
  const K = s.size[0] * s.size[1] * s.input.channels;
  const cout = s.output.channels;
  return { K, k8: up(K, 8), cout, n8: up(cout, 8), pixels: s.output.height * s.output.width };
}

const kernelsByMemory = new WeakMap<WebAssembly.Memory, ImageKernels | null>();

/** The SIMD loops on the backend's heap (one module per heap), or undefined without SIMD or when turned off. */
export function imageKernelsFor(backend: BackendWasm): ImageKernels | undefined {
  if (process.env.TFNB_FUSED_IMAGE_SIMD === 'off') return undefined;
  const memory = wasmMemoryOf(backend);
  if (!memory) return undefined;
  let kernels = kernelsByMemory.get(memory);
  if (kernels === undefined) kernelsByMemory.set(memory, (kernels = createImageKernels(memory) ?? null));
  return kernels ?? undefined;
}

const pixelsOf = (s: ImageStage) => s.output.height * s.output.width;

export class ImageFront {
  private block = 0;
  private capacity = 0;
  private buffers: StageBuffers[] = [];
  /** Max pooling: for each output value, the input value (float offset from the input's start) it came from; -1 for none. */
  private argmax: Array<Int32Array | undefined> = [];
  private biasSums = new Float32Array(0);
  /** Batch normalisation: 1/√(variance + ε) of the last forward pass, per channel. */
  private readonly invStd: Array<Float32Array | undefined> = [];

  constructor(
    private readonly allocator: HeapAllocator,
    private readonly gemm: GemmSimd,
    readonly stages: ImageStage[],
    private readonly heapOf: () => Float32Array,
    private readonly pointerOf: (w: LayerWeight) => number,
    private readonly kernels: ImageKernels | undefined,
  ) {
    this.simdPool = stages.map((s) => !!kernels && s.kind === 'maxPool' && s.input.channels % 4 === 0 && !windowTable(s).includes(-1));
    this.runs = stages.map((s) => (s.kind === 'conv' || s.kind === 'depthwise' ? patchRuns(s) : undefined));
    this.tables = stages.map((s, i) => this.runs[i]?.table ?? (s.kind !== 'batchNorm' && this.simdPool[i] ? windowTable(s) : undefined));
    this.gated = stages.map((s, i) => s.kind === 'conv' && s.activation === 'relu' && !!this.simdPool[i + 1]);
  }

  dispose(): void {
    if (this.block) this.allocator._free(this.block);
    this.block = 0;
    this.capacity = 0;
  }

  /** The last stage's output: the dense chain's input, [samples × width] compact. */
  get output(): number {
    return this.buffers[this.buffers.length - 1]!.y;
  }

  /** Window tables (simdImageKernels.ts): byte offsets of each output pixel's cells in one sample's input. */
  private readonly tables: Array<Int32Array | undefined>;
  /** Convolutions: how their patches are copied (runs per output pixel, bytes per run) and the table of runs. */
  private readonly runs: Array<PatchRuns | undefined>;
  private tablePointers: number[] = [];
  /** Per stage: whether it is max pooling done in SIMD. */
  private readonly simdPool: boolean[];
  /** Per stage: whether a convolution's ReLU gradient is folded into the max pooling after it. */
  private readonly gated: boolean[];

  /** Where the dense chain writes d loss / d output (row stride up(width, 8) first, then compacted by the caller). */
  get outputGradient(): number {
    return this.buffers[this.buffers.length - 1]!.g;
  }

  /** (Re)allocates the buffers for batches of up to `rows` samples. */
  reserve(rows: number): void {
    const samples = up(rows, 4);
    if (samples <= this.capacity) return;
    this.dispose();
    let total = 0;
    const take = (floats: number) => {
      const at = total;
      total += up(floats, 4) + SLACK;
      return at;
    };
    const layout = this.stages.map((s, index) => {
      // Room for the rows padded to 4 samples, and for a row stride of up(channels, 8) (the
      // product's output before compaction; the dense chain's gradient before compaction).
      const activation = samples * pixelsOf(s) * up(s.output.channels, 8) + samples * 8;
      const b = { y: take(activation), g: take(activation), patches: 0, dw: 0, db: 0, biasPadded: 0, wPadded: 0, wt: 0 };
      if (s.kind === 'batchNorm') {
        // The normalised input x̂, kept for the gradient; γ's and β's gradients.
        b.patches = take(samples * pixelsOf(s) * s.input.channels);
        b.dw = take(up(s.input.channels, 4));
        b.db = take(up(s.input.channels, 4));
      } else if (s.kind === 'depthwise') {
        const { K, k8, pixels } = convSizes(s);
        b.patches = take(up(samples * pixels, 4) * k8);
        b.dw = take(up(K, 4));
        b.db = take(up(s.input.channels, 4));
      } else if (s.kind === 'conv') {
        const { K, k8, cout, n8, pixels } = convSizes(s);
        b.patches = take(up(samples * pixels, 4) * k8);
        b.dw = take(up(K, 4) * n8);
        b.db = take(n8);
        b.biasPadded = take(n8);
        b.wPadded = cout % 8 !== 0 ? take(K * n8) : 0;
        b.wt = index > 0 ? take(cout * k8) : 0;
      }
      return b;
    });
    const tableAt = this.tables.map((t) => (t ? take(t.length) : 0));
    const block = this.allocator._malloc(total * 4 + 16) >>> 0;
    if (!block) throw new Error('the fused training step could not allocate its buffers');
    this.block = block;
    this.capacity = samples;
    const base = up(block, 16);
    this.heapOf().fill(0, base / 4, base / 4 + total);
    const at = (floatOffset: number) => base + floatOffset * 4;
    this.buffers = layout.map((b) => ({
      y: at(b.y),
      g: at(b.g),
      patches: at(b.patches),
      dw: at(b.dw),
      db: at(b.db),
      biasPadded: at(b.biasPadded),
      wPadded: at(b.wPadded),
      wt: at(b.wt),
    }));
    const ints = new Int32Array(this.heapOf().buffer);
    this.tablePointers = this.tables.map((t, i) => {
      if (!t) return 0;
      ints.set(t, at(tableAt[i]!) / 4);
      return at(tableAt[i]!);
    });
    this.argmax = this.stages.map((s, i) =>
      s.kind === 'maxPool' && !this.simdPool[i] ? new Int32Array(samples * pixelsOf(s) * s.output.channels) : undefined,
    );
    this.biasSums = new Float32Array(Math.max(0, ...this.stages.map((s) => s.output.channels)));
  }

  /** Runs the stages on `x` (byte offset of [rows × H × W × C] float32). */
  forward(x: number, rows: number): void {
    let input = x;
    this.stages.forEach((s, i) => {
      const b = this.buffers[i]!;
      if (s.kind === 'conv') this.convForward(s, i, b, input, rows);
      else if (s.kind === 'batchNorm') this.normForward(s, i, b, input, rows);
      else if (s.kind === 'depthwise') this.depthwiseForward(s, i, b, input, rows);
      else this.poolForward(s, i, b, input, rows);
      input = b.y;
    });
  }

  /** From d loss / d output (in `outputGradient`, compact) back through every stage. */
  backward(rows: number): void {
    for (let i = this.stages.length - 1; i >= 0; i--) {
      const s = this.stages[i]!;
      const b = this.buffers[i]!;
      const previous = i > 0 ? this.buffers[i - 1]! : undefined;
      if (s.kind === 'conv') this.convBackward(s, i, b, previous, rows);
      else if (s.kind === 'batchNorm') this.normBackward(s, i, b, previous, rows);
      else if (s.kind === 'depthwise') this.depthwiseBackward(s, i, b, previous, rows);
      else if (previous) this.poolBackward(s, i, b, previous, rows);
    }
  }

  /** The convolutions' gradients, for the optimizer's update. */
  updates(): Array<{ weight: LayerWeight; gradient: number }> {
    return this.stages.flatMap((s, i) => {
      const b = this.buffers[i]!;
      if (s.kind === 'batchNorm')
        return [
          { weight: s.gamma, gradient: b.dw },
          { weight: s.beta, gradient: b.db },
        ];
      if (s.kind !== 'conv' && s.kind !== 'depthwise') return [];
      return [{ weight: s.kernel, gradient: b.dw }, ...(s.bias ? [{ weight: s.bias, gradient: b.db }] : [])];
    });
  }

  /** The patches of a convolution's input, rows `k8` floats apart. */
  private patches(s: ConvStage | DepthwiseStage, index: number, b: StageBuffers, input: number, rows: number): void {
    const { k8, pixels } = convSizes(s);
    const { height: H, width: W, channels: C } = s.input;
    if (this.kernels) {
      const { count, bytes } = this.runs[index]!;
      this.kernels.im2col(input, b.patches, this.tablePointers[index]!, pixels, count, bytes, rows, H * W * C * 4, k8 * 4);
    } else im2col(this.heapOf(), s, input / 4, rows, b.patches / 4, k8);
  }

  /** The patches' gradient (in the patches' buffer) summed back into the input's gradient. */
  private unpatch(s: ConvStage | DepthwiseStage, index: number, b: StageBuffers, previous: StageBuffers, rows: number): void {
    const { k8, pixels } = convSizes(s);
    const { height: H, width: W, channels: C } = s.input;
    if (this.kernels) {
      this.heapOf().fill(0, previous.g / 4, previous.g / 4 + rows * H * W * C);
      const { count, bytes } = this.runs[index]!;
      this.kernels.col2im(previous.g, b.patches, this.tablePointers[index]!, pixels, count, bytes, rows, H * W * C * 4, k8 * 4);
    } else col2im(this.heapOf(), s, b.patches / 4, k8, previous.g / 4, rows);
  }

  /**
   * A depthwise convolution on the patches: y[r][c] = Σ_cell patch[r][cell, c] · w[cell, c]
   * (+ bias), in float32, in JavaScript (one multiply-add per patch value: no product to use).
   */
  private depthwiseForward(s: DepthwiseStage, index: number, b: StageBuffers, input: number, rows: number): void {
    this.patches(s, index, b, input, rows);
    const { K, k8, pixels } = convSizes(s);
    const C = s.input.channels;
    const heap = this.heapOf();
    const w = this.pointerOf(s.kernel) / 4;
    const bias = s.bias ? this.pointerOf(s.bias) / 4 : -1;
    const m = rows * pixels;
    const acc = new Float32Array(C);
    for (let r = 0; r < m; r++) {
      const p = b.patches / 4 + r * k8;
      acc.fill(0);
      for (let k = 0; k < K; k += C) for (let c = 0; c < C; c++) acc[c] = acc[c]! + Math.fround(heap[p + k + c]! * heap[w + k + c]!);
      const y = b.y / 4 + r * C;
      for (let c = 0; c < C; c++) {
        const v = bias >= 0 ? Math.fround(acc[c]! + heap[bias + c]!) : acc[c]!;
        heap[y + c] = s.activation === 'relu' && !(v > 0) ? 0 : v;
      }
    }
    activate(s.activation, { data: heap, offset: b.y / 4, rows: m, units: C, stride: C });
  }

  private depthwiseBackward(s: DepthwiseStage, index: number, b: StageBuffers, previous: StageBuffers | undefined, rows: number): void {
    const { K, k8, pixels } = convSizes(s);
    const C = s.input.channels;
    const m = rows * pixels;
    const heap = this.heapOf();
    const block = { data: heap, rows: m, units: C, stride: C };
    activationBackward(s.activation, { ...block, offset: b.y / 4 }, { ...block, offset: b.g / 4 });
    const g = b.g / 4;
    const dw = new Float32Array(K);
    const db = new Float32Array(C);
    for (let r = 0; r < m; r++) {
      const p = b.patches / 4 + r * k8;
      for (let k = 0; k < K; k += C)
        for (let c = 0; c < C; c++) dw[k + c] = dw[k + c]! + Math.fround(heap[p + k + c]! * heap[g + r * C + c]!);
      for (let c = 0; c < C; c++) db[c] = db[c]! + heap[g + r * C + c]!;
    }
    heap.set(dw, b.dw / 4);
    heap.set(db, b.db / 4);
    if (!previous) return;
    const w = this.pointerOf(s.kernel) / 4;
    for (let r = 0; r < m; r++) {
      const p = b.patches / 4 + r * k8;
      for (let k = 0; k < K; k += C) for (let c = 0; c < C; c++) heap[p + k + c] = Math.fround(heap[g + r * C + c]! * heap[w + k + c]!);
    }
    this.unpatch(s, index, b, previous, rows);
  }

  private convForward(s: ConvStage, index: number, b: StageBuffers, input: number, rows: number): void {
    const { K, k8, cout, n8, pixels } = convSizes(s);
    this.patches(s, index, b, input, rows);
    const heap = this.heapOf();
    let w = this.pointerOf(s.kernel);
    let ldb = cout;
    if (cout !== n8) {
      // Reading the kernel as n8 columns could run past the heap's end: pack it.
      for (let r = 0; r < K; r++) heap.copyWithin(b.wPadded / 4 + r * n8, w / 4 + r * cout, w / 4 + (r + 1) * cout);
      w = b.wPadded;
      ldb = n8;
    }
    let bias = 0;
    if (s.bias) {
      const p = this.pointerOf(s.bias) / 4;
      heap.copyWithin(b.biasPadded / 4, p, p + cout);
      bias = b.biasPadded;
    }
    const m = rows * pixels;
    this.gemm.nn(b.patches, w, b.y, bias, up(m, 4), n8, K, s.activation === 'relu' ? 1 : 0, k8, ldb, n8);
    if (cout !== n8) compactRows(heap, b.y / 4, m, n8, cout);
    activate(s.activation, { data: heap, offset: b.y / 4, rows: m, units: cout, stride: cout });
  }

  private convBackward(s: ConvStage, index: number, b: StageBuffers, previous: StageBuffers | undefined, rows: number): void {
    const { K, k8, cout, n8, pixels } = convSizes(s);
    const m = rows * pixels;
    let heap = this.heapOf();
    const kernels = this.kernels;
    if (s.activation === 'relu' && kernels) {
      if (!this.gated[index]) kernels.reluMask(b.y, b.g, up(m * cout, 4) * 4);
    } else {
      const block = { data: heap, rows: m, units: cout, stride: cout };
      activationBackward(s.activation, { ...block, offset: b.y / 4 }, { ...block, offset: b.g / 4 });
    }
    // dW = patchesᵀ · dz (the kernel's layout: [kh·kw·cin × cout]).
    this.gemm.tn(b.patches, b.g, b.dw, 0, up(K, 4), n8, m, 0, k8, cout, n8);
    heap = this.heapOf();
    if (cout !== n8) compactRows(heap, b.dw / 4, K, n8, cout);
    if (s.bias && kernels) {
      // Σ over every pixel of every sample, in float32 in row order, as tfjs's Sum of the bias gradient.
      kernels.columnSums(b.g, b.db, m, up(cout, 4) * 4, cout * 4);
    } else if (s.bias) {
      // Σ over every pixel of every sample, in float32 in row order, as tfjs's Sum of the bias gradient.
      const sums = this.biasSums;
      sums.fill(0);
      const g = b.g / 4;
      for (let r = 0; r < m; r++) {
        const base = g + r * cout;
        for (let j = 0; j < cout; j++) sums[j] = sums[j]! + heap[base + j]!;
      }
      heap.set(sums.subarray(0, cout), b.db / 4);
    }
    if (!previous) return;
    // d patches = dz · Wᵀ, into the patches' buffer (no longer needed), then summed back into the input's gradient.
    const w = this.pointerOf(s.kernel) / 4;
    const wt = b.wt / 4;
    for (let i = 0; i < K; i++) for (let j = 0; j < cout; j++) heap[wt + j * k8 + i] = heap[w + i * cout + j]!;
    this.gemm.nn(b.g, b.wt, b.patches, 0, up(m, 4), k8, cout, 0, cout, k8, k8);
    this.unpatch(s, index, b, previous, rows);
  }

  /**
   * Batch normalisation in training mode, as tfjs-layers does it: the batch's mean and (biased)
   * variance per channel (tf.moments), y = γ·(x − mean)/√(variance + ε) + β, and the moving
   * statistics moved towards the batch's: moving − (moving − value)·(1 − momentum). In float32.
   */
  private normForward(s: BatchNormStage, index: number, b: StageBuffers, input: number, rows: number): void {
    const heap = this.heapOf();
    const C = s.input.channels;
    const m = rows * pixelsOf(s);
    const x = input / 4;
    const sums = new Float32Array(C);
    for (let r = 0; r < m; r++) for (let c = 0; c < C; c++) sums[c] = sums[c]! + heap[x + r * C + c]!;
    const mean = sums.map((v) => v / m);
    sums.fill(0);
    for (let r = 0; r < m; r++)
      for (let c = 0; c < C; c++) {
        const d = Math.fround(heap[x + r * C + c]! - mean[c]!);
        sums[c] = sums[c]! + Math.fround(d * d);
      }
    const variance = sums.map((v) => v / m);
    const invStd = variance.map((v) => 1 / Math.sqrt(Math.fround(v + s.epsilon)));
    const gamma = heap.subarray(this.pointerOf(s.gamma) / 4, this.pointerOf(s.gamma) / 4 + C);
    const beta = heap.subarray(this.pointerOf(s.beta) / 4, this.pointerOf(s.beta) / 4 + C);
    const xhat = b.patches / 4;
    const y = b.y / 4;
    for (let r = 0; r < m; r++)
      for (let c = 0, p = r * C; c < C; c++, p++) {
        const n = Math.fround(Math.fround(heap[x + p]! - mean[c]!) * invStd[c]!);
        heap[xhat + p] = n;
        heap[y + p] = Math.fround(n * gamma[c]!) + beta[c]!;
      }
    this.invStd[index] = invStd;
    const decay = Math.fround(1 - s.momentum);
    for (const [weight, value] of [
      [s.movingMean, mean],
      [s.movingVariance, variance],
    ] as const) {
      const p = this.pointerOf(weight) / 4;
      for (let c = 0; c < C; c++) heap[p + c] = heap[p + c]! - Math.fround(Math.fround(heap[p + c]! - value[c]!) * decay);
    }
  }

  /** dγ = Σ dy·x̂, dβ = Σ dy, dx = γ/σ · (dy − mean(dy) − x̂·mean(dy·x̂)): the batch statistics' gradients included. */
  private normBackward(s: BatchNormStage, index: number, b: StageBuffers, previous: StageBuffers | undefined, rows: number): void {
    const heap = this.heapOf();
    const C = s.input.channels;
    const m = rows * pixelsOf(s);
    const g = b.g / 4;
    const xhat = b.patches / 4;
    const dgamma = new Float32Array(C);
    const dbeta = new Float32Array(C);
    for (let r = 0; r < m; r++)
      for (let c = 0, p = r * C; c < C; c++, p++) {
        dbeta[c] = dbeta[c]! + heap[g + p]!;
        dgamma[c] = dgamma[c]! + Math.fround(heap[g + p]! * heap[xhat + p]!);
      }
    heap.set(dgamma, b.dw / 4);
    heap.set(dbeta, b.db / 4);
    if (!previous) return;
    const invStd = this.invStd[index]!;
    const gamma = heap.subarray(this.pointerOf(s.gamma) / 4, this.pointerOf(s.gamma) / 4 + C);
    const scale = Array.from(gamma, (v, c) => (v * invStd[c]!) / m);
    const dx = previous.g / 4;
    for (let r = 0; r < m; r++)
      for (let c = 0, p = r * C; c < C; c++, p++) heap[dx + p] = scale[c]! * (m * heap[g + p]! - dbeta[c]! - heap[xhat + p]! * dgamma[c]!);
  }

  private poolForward(s: PoolStage, index: number, b: StageBuffers, input: number, rows: number): void {
    const heap = this.heapOf();
    const { height: H, width: W, channels: C } = s.input;
    const { height: OH, width: OW } = s.output;
    if (this.simdPool[index]) {
      this.kernels!.maxPool(input, b.y, this.tablePointers[index]!, OH * OW, s.size[0] * s.size[1], C * 4, rows, H * W * C * 4);
      return;
    }
    const [ph, pw] = s.size;
    const [sh, sw] = s.strides;
    const x = input / 4;
    let out = b.y / 4;
    const arg = this.argmax[index];
    const scale = Math.fround(1 / (ph * pw));
    let e = 0;
    for (let n = 0; n < rows; n++) {
      for (let oh = 0; oh < OH; oh++) {
        const ih0 = oh * sh - s.padTop;
        for (let ow = 0; ow < OW; ow++, out += C, e += C) {
          const iw0 = ow * sw - s.padLeft;
          if (arg) {
            for (let c = 0; c < C; c++) {
              heap[out + c] = -Infinity;
              arg[e + c] = -1;
            }
          } else {
            for (let c = 0; c < C; c++) heap[out + c] = 0;
          }
          for (let fy = 0; fy < ph; fy++) {
            const ih = ih0 + fy;
            if (ih < 0 || ih >= H) continue;
            for (let fx = 0; fx < pw; fx++) {
              const iw = iw0 + fx;
              if (iw < 0 || iw >= W) continue;
              const at = ((n * H + ih) * W + iw) * C;
              if (arg) {
                for (let c = 0; c < C; c++) {
                  const v = heap[x + at + c]!;
                  if (v > heap[out + c]!) {
                    heap[out + c] = v;
                    arg[e + c] = at + c;
                  }
                }
              } else {
                for (let c = 0; c < C; c++) heap[out + c] = heap[out + c]! + heap[x + at + c]!;
              }
            }
          }
          if (!arg) for (let c = 0; c < C; c++) heap[out + c] = heap[out + c]! * scale;
        }
      }
    }
  }

  private poolBackward(s: PoolStage, index: number, b: StageBuffers, previous: StageBuffers, rows: number): void {
    const heap = this.heapOf();
    const { height: H, width: W, channels: C } = s.input;
    const { height: OH, width: OW } = s.output;
    const dx = previous.g / 4;
    heap.fill(0, dx, dx + rows * H * W * C);
    if (this.simdPool[index]) {
      const cells = s.size[0] * s.size[1];
      const gate = this.gated[index - 1] ? 1 : 0;
      this.kernels!.maxPoolGrad(
        previous.y,
        b.y,
        this.tablePointers[index]!,
        OH * OW,
        cells,
        C * 4,
        rows,
        H * W * C * 4,
        b.g,
        previous.g,
        gate,
      );
      return;
    }
    const g = b.g / 4;
    const outputs = rows * OH * OW * C;
    const arg = this.argmax[index];
    if (arg) {
      for (let e = 0; e < outputs; e++) {
        const a = arg[e]!;
        if (a >= 0) heap[dx + a] = heap[dx + a]! + heap[g + e]!;
      }
      return;
    }
    const [ph, pw] = s.size;
    const [sh, sw] = s.strides;
    const scale = Math.fround(1 / (ph * pw));
    let e = g;
    for (let n = 0; n < rows; n++) {
      for (let oh = 0; oh < OH; oh++) {
        for (let ow = 0; ow < OW; ow++, e += C) {
          for (let fy = 0; fy < ph; fy++) {
            const ih = oh * sh - s.padTop + fy;
            if (ih < 0 || ih >= H) continue;
            for (let fx = 0; fx < pw; fx++) {
              const iw = ow * sw - s.padLeft + fx;
              if (iw < 0 || iw >= W) continue;
              const at = dx + ((n * H + ih) * W + iw) * C;
              for (let c = 0; c < C; c++) heap[at + c] = heap[at + c]! + Math.fround(heap[e + c]! * scale);
            }
          }
        }
      }
    }
  }
}

interface PatchRuns {
  table: Int32Array;
  /** Runs per output pixel. */
  count: number;
  bytes: number;
}

/**
 * A convolution's patches as runs of adjacent input values: one run per window row (kw·cin
 * values) when no window reaches into the padding, else one per window cell (cin values, -1 in
 * the padding). Either way the runs land one after another in the kernel's (i, j, c) order.
 */
function patchRuns(s: Window): PatchRuns {
  const cells = windowTable(s);
  const [kh, kw] = s.size;
  const channelBytes = s.input.channels * 4;
  if (cells.includes(-1) || kw === 1) return { table: cells, count: kh * kw, bytes: channelBytes };
  // Every cell is inside: keep each window row's first cell.
  const rowsTable = new Int32Array(cells.length / kw);
  for (let r = 0; r < rowsTable.length; r++) rowsTable[r] = cells[r * kw]!;
  return { table: rowsTable, count: kh, bytes: kw * channelBytes };
}

/**
 * For each output pixel of one sample, the byte offset in the sample's input of each cell of its
 * window (row-major over the window, the kernel's order), -1 where the cell is in the padding.
 */
function windowTable(s: Window): Int32Array {
  const { height: H, width: W, channels: C } = s.input;
  const { height: OH, width: OW } = s.output;
  const [kh, kw] = s.size;
  const table = new Int32Array(OH * OW * kh * kw);
  let t = 0;
  for (let oh = 0; oh < OH; oh++) {
    for (let ow = 0; ow < OW; ow++) {
      for (let i = 0; i < kh; i++) {
        const ih = oh * s.strides[0] - s.padTop + i;
        for (let j = 0; j < kw; j++, t++) {
          const iw = ow * s.strides[1] - s.padLeft + j;
          table[t] = ih < 0 || ih >= H || iw < 0 || iw >= W ? -1 : (ih * W + iw) * C * 4;
        }
      }
    }
  }
  return table;
}

/** Rows of `width` floats stored `stride` apart, moved to be adjacent (in place: rows only move down). */
export function compactRows(heap: Float32Array, offset: number, rows: number, stride: number, width: number): void {
  for (let r = 1; r < rows; r++) heap.copyWithin(offset + r * width, offset + r * stride, offset + r * stride + width);
}

/**
 * The patches of a convolution: row (n, oh, ow) holds the kh × kw × cin input values under the
 * window, in the kernel's order, zeros where the window lies in the padding. Offsets in floats.
 */
function im2col(heap: Float32Array, s: Window, x: number, rows: number, patches: number, stride: number): void {
  const { height: H, width: W, channels: C } = s.input;
  const { height: OH, width: OW } = s.output;
  const [kh, kw] = s.size;
  const [sh, sw] = s.strides;
  const run = kw * C;
  let row = patches;
  for (let n = 0; n < rows; n++) {
    for (let oh = 0; oh < OH; oh++) {
      const ih0 = oh * sh - s.padTop;
      for (let ow = 0; ow < OW; ow++, row += stride) {
        const iw0 = ow * sw - s.padLeft;
        const inside = iw0 >= 0 && iw0 + kw <= W;
        let d = row;
        for (let i = 0; i < kh; i++, d += run) {
          const ih = ih0 + i;
          if (ih < 0 || ih >= H) {
            for (let t = 0; t < run; t++) heap[d + t] = 0;
            continue;
          }
          const src = x + ((n * H + ih) * W + iw0) * C;
          if (inside) {
            if (run >= 32) heap.copyWithin(d, src, src + run);
            else for (let t = 0; t < run; t++) heap[d + t] = heap[src + t]!;
            continue;
          }
          for (let j = 0; j < kw; j++) {
            const iw = iw0 + j;
            const inBounds = iw >= 0 && iw < W;
            for (let c = 0; c < C; c++) heap[d + j * C + c] = inBounds ? heap[src + j * C + c]! : 0;
          }
        }
      }
    }
  }
}

/** The inverse of im2col for gradients: each patch value added back to the input value it came from. */
function col2im(heap: Float32Array, s: Window, patches: number, stride: number, dx: number, rows: number): void {
  const { height: H, width: W, channels: C } = s.input;
  const { height: OH, width: OW } = s.output;
  const [kh, kw] = s.size;
  const [sh, sw] = s.strides;
  const run = kw * C;
  heap.fill(0, dx, dx + rows * H * W * C);
  let row = patches;
  for (let n = 0; n < rows; n++) {
    for (let oh = 0; oh < OH; oh++) {
      const ih0 = oh * sh - s.padTop;
      for (let ow = 0; ow < OW; ow++, row += stride) {
        const iw0 = ow * sw - s.padLeft;
        const inside = iw0 >= 0 && iw0 + kw <= W;
        let d = row;
        for (let i = 0; i < kh; i++, d += run) {
          const ih = ih0 + i;
          if (ih < 0 || ih >= H) continue;
          const at = dx + ((n * H + ih) * W + iw0) * C;
          if (inside) {
            for (let t = 0; t < run; t++) heap[at + t] = heap[at + t]! + heap[d + t]!;
            continue;
          }
          for (let j = 0; j < kw; j++) {
            const iw = iw0 + j;
            if (iw < 0 || iw >= W) continue;
            for (let c = 0; c < C; c++) heap[at + j * C + c] = heap[at + j * C + c]! + heap[d + j * C + c]!;
          }
        }
      }
    }
  }
}
