/**
 * Payload fixtures for the renderer tests and benchmark, built the way the kernel builds
 * them: statistics over all values, values summarised like NumPy's print (3 edge items
 * when a tensor has more than 1000 values), a downsampled heatmap, a histogram and PNGs.
 */
import { deflateSync } from 'node:zlib';
import type { ConfusionMatrixPayload, ModelSummaryPayload, TensorPayload, TrainingPayload } from '../../src/protocol/mime';

export const TENSOR = 'application/vnd.tfnb.tensor+json';
export const TRAINING = 'application/vnd.tfnb.training+json';
export const CONFUSION = 'application/vnd.tfnb.confusion-matrix+json';
export const MODEL = 'application/vnd.tfnb.model-summary+json';
export const CHART = 'application/vnd.tfnb.chart+json';

// ------------------------------------------------------------------ tensor helpers

export function statsOf(data: ArrayLike<number>): NonNullable<TensorPayload['stats']> {
  let n = 0,
    sum = 0,
    min = Infinity,
    max = -Infinity,
    nanCount = 0,
    infCount = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (Number.isNaN(v)) nanCount++;
    else if (!Number.isFinite(v)) infCount++;
    else {
      n++;
      sum += v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  const mean = n ? sum / n : null;
  let sq = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (Number.isFinite(v)) sq += (v - mean!) ** 2;
  }
  return { min: n ? min : null, max: n ? max : null, mean, std: n ? Math.sqrt(sq / n) : null, nanCount, infCount };
}

function jsonValue(v: number): number | string {
  return Number.isNaN(v) ? 'NaN' : v === Infinity ? 'Infinity' : v === -Infinity ? '-Infinity' : v;
}

/** NumPy-style summary: nested arrays, the middle of long axes replaced by one null. */
export function summarise(data: ArrayLike<number>, shape: number[], edgeItems = 3): unknown {
  const size = shape.reduce((a, b) => a * b, 1);
  const summarising = size > 1000;
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const walk = (axis: number, offset: number): unknown => {
    if (axis === shape.length) return jsonValue(data[offset]!);
    const n = shape[axis]!;
    const indices =
      summarising && n > 2 * edgeItems
        ? [...Array.from({ length: edgeItems }, (_, i) => i), -1, ...Array.from({ length: edgeItems }, (_, i) => n - edgeItems + i)]
        : Array.from({ length: n }, (_, i) => i);
    return indices.map((i) => (i < 0 ? null : walk(axis + 1, offset + i * strides[axis]!)));
  };
  return walk(0, 0);
}

export function heatmapOf(data: ArrayLike<number>, rows: number, cols: number, maxSide = 64): NonNullable<TensorPayload['heatmap']> {
  const outRows = Math.min(rows, maxSide);
  const outCols = Math.min(cols, maxSide);
  const out: Array<number | null> = [];
  for (let r = 0; r < outRows; r++) {
    for (let c = 0; c < outCols; c++) {
      const r0 = Math.floor((r * rows) / outRows),
        r1 = Math.floor(((r + 1) * rows) / outRows);
      const c0 = Math.floor((c * cols) / outCols),
        c1 = Math.floor(((c + 1) * cols) / outCols);
      let sum = 0,
        n = 0;
      for (let i = r0; i < r1; i++)
        for (let j = c0; j < c1; j++) {
          const v = data[i * cols + j]!;
          if (Number.isFinite(v)) {
            sum += v;
            n++;
          }
        }
      out.push(n ? sum / n : null);
    }
  }
  return { rows: outRows, cols: outCols, data: out, sourceShape: [rows, cols] };
}

export function histogramOf(data: ArrayLike<number>, bins = 30): NonNullable<TensorPayload['histogram']> {
  const { min, max } = statsOf(data);
  const lo = min ?? 0,
    hi = max === min ? lo + 1 : (max ?? 1);
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (!Number.isFinite(v)) continue;
    counts[Math.min(bins - 1, Math.floor(((v - lo) / (hi - lo)) * bins))]!++;
  }
  return { binEdges: Array.from({ length: bins + 1 }, (_, i) => lo + ((hi - lo) * i) / bins), counts };
}

export function tensorPayload(data: Float32Array | number[], shape: number[], dtype = 'float32', title?: string): TensorPayload {
  const size = shape.reduce((a, b) => a * b, 1);
  return {
    shape,
    dtype,
    size,
    stats: statsOf(data),
    values: summarise(data, shape),
    truncated: size > 1000,
    ...(shape.length === 2 ? { heatmap: heatmapOf(data, shape[0]!, shape[1]!) } : {}),
    histogram: histogramOf(data),
    ...(title ? { title } : {}),
  };
}

// ------------------------------------------------------------------ PNG

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** An 8-bit PNG data URL; pixels are row-major, `channels` bytes each (1 grey, 3 RGB, 4 RGBA). */
export function pngDataUrl(width: number, height: number, channels: 1 | 3 | 4, pixels: Uint8Array): string {
  const colorType = channels === 1 ? 0 : channels === 3 ? 2 : 6;
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, colorType, 0, 0, 0], 8);
  const raw = Buffer.alloc(height * (1 + width * channels));
  for (let y = 0; y < height; y++) {
    raw[y * (1 + width * channels)] = 0;
    raw.set(pixels.subarray(y * width * channels, (y + 1) * width * channels), y * (1 + width * channels) + 1);
  }
  const png = Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
  return `data:image/png;base64,${png.toString('base64')}`;
}

// ------------------------------------------------------------------ fixtures

/** 3×4 float tensor with known values. */
export function smallTensor(): TensorPayload {
  const data = [0.5, -1.25, 2, 3.5, 0, 1, -2, 4.25, 1.5, 2.5, -0.5, 3];
  return tensorPayload(data, [3, 4], 'float32', 'weights');
}

/** A 1000×1000 tensor, summarised like the kernel would. */
export function bigTensor(): TensorPayload {
  const n = 1000;
  const data = new Float32Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) data[i * n + j] = Math.sin(i / 60) * Math.cos(j / 90) + ((i * 31 + j * 17) % 101) / 500;
  return tensorPayload(data, [n, n], 'float32', 'activations');
}

/** A float tensor with NaN and Infinity (sent as strings) and a 2×3×4 rank-3 layout. */
export function nonFiniteTensor(): TensorPayload {
  const data = Array.from({ length: 24 }, (_, i) => i / 4);
  data[5] = NaN;
  data[6] = Infinity;
  data[17] = -Infinity;
  return tensorPayload(data, [2, 3, 4]);
}

/** Four 28×28 grey "digits" (rings and bars), like tf.data MNIST images [4, 28, 28, 1]. */
export function imageTensor(): TensorPayload {
  const w = 28,
    h = 28,
    count = 4;
  const data = new Float32Array(count * w * h);
  const urls: string[] = [];
  for (let k = 0; k < count; k++) {
    const pixels = new Uint8Array(w * h);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const d = Math.hypot(x - 13.5, y - 13.5);
        const ring = Math.abs(d - (5 + k * 2)) < 1.8 ? 1 : 0;
        const bar = k % 2 === 1 && Math.abs(x - 13.5) < 1.5 ? 1 : 0;
        const v = Math.max(ring, bar);
        pixels[y * w + x] = v * 255;
        data[k * w * h + y * w + x] = v;
      }
    urls.push(pngDataUrl(w, h, 1, pixels));
  }
  return {
    ...tensorPayload(data, [count, h, w, 1], 'float32', 'x_train[:4]'),
    images: { width: w, height: h, channels: 1, pngDataUrls: urls, total: count },
  };
}

/** Training half way: 6 of 10 epochs done, batch-level series, a trainingId. */
export function trainingRun(epochsDone = 5, opts: { done?: boolean; stopped?: boolean; batchesPerEpoch?: number } = {}): TrainingPayload {
  const perEpoch = opts.batchesPerEpoch ?? 100;
  const epochs = Array.from({ length: epochsDone }, (_, e) => ({
    epoch: e + 1, // 1-based, as the kernel sends it
    loss: 1.2 * Math.exp(-e / 3) + 0.08,
    acc: 0.6 + 0.35 * (1 - Math.exp(-e / 2.5)),
    val_loss: 1.25 * Math.exp(-e / 3.4) + 0.12,
    val_acc: 0.58 + 0.33 * (1 - Math.exp(-e / 2.8)),
  }));
  const steps = epochsDone * perEpoch + (opts.done ? 0 : 30);
  const batches = Array.from({ length: steps }, (_, s) => ({
    step: s,
    loss: 1.2 * Math.exp(-s / perEpoch / 3) + 0.08 + 0.05 * Math.sin(s * 1.7),
    acc: 0.6 + 0.35 * (1 - Math.exp(-s / perEpoch / 2.5)) + 0.02 * Math.cos(s * 2.3),
  }));
  return {
    title: 'mnist convnet',
    trainingId: 'run-1',
    epochs,
    batches,
    progress: {
      epoch: opts.done ? epochsDone : epochsDone + 1,
      totalEpochs: 10,
      batch: opts.done ? perEpoch : 30,
      batchesPerEpoch: perEpoch,
      elapsedMs: 53_000,
      ...(opts.done ? {} : { etaMs: 47_000 }),
      done: opts.done ?? false,
      ...(opts.stopped ? { stopped: true } : {}),
    },
  };
}

/** 3 classes, rows = true class. */
export function confusion3(): ConfusionMatrixPayload {
  return {
    title: 'validation set',
    classes: ['cat', 'dog', 'bird'],
    matrix: [
      [50, 8, 2],
      [10, 35, 5],
      [0, 4, 36],
    ],
  };
}

export function confusion10(): ConfusionMatrixPayload {
  const classes = Array.from({ length: 10 }, (_, i) => `digit ${i}`);
  const matrix = classes.map((_, i) =>
    classes.map((_, j) => (i === j ? 900 + ((i * 37) % 90) : (i * 7 + j * 13) % 11 === 0 ? 25 + i : (i + j) % 4)),
  );
  return { classes, matrix, title: 'MNIST test set' };
}

export function modelSummary(): ModelSummaryPayload {
  const layers = [
    { name: 'conv2d_Conv2D1', className: 'Conv2D', outputShape: '[null,26,26,8]', params: 80, trainable: true },
    { name: 'max_pooling2d_MaxPooling2D1', className: 'MaxPooling2D', outputShape: '[null,13,13,8]', params: 0, trainable: true },
    { name: 'conv2d_Conv2D2', className: 'Conv2D', outputShape: '[null,11,11,16]', params: 1168, trainable: true },
    { name: 'flatten_Flatten1', className: 'Flatten', outputShape: '[null,1936]', params: 0, trainable: true },
    { name: 'dense_Dense1', className: 'Dense', outputShape: '[null,64]', params: 123968, trainable: false },
    { name: 'dense_Dense2', className: 'Dense', outputShape: '[null,10]', params: 650, trainable: true },
  ];
  const total = layers.reduce((s, l) => s + l.params, 0);
  const frozen = layers.filter((l) => !l.trainable).reduce((s, l) => s + l.params, 0);
  return { name: 'sequential_1', layers, totalParams: total, trainableParams: total - frozen, nonTrainableParams: frozen };
}

export const charts = {
  line: {
    kind: 'line' as const,
    title: 'learning rate schedules',
    xLabel: 'step',
    yLabel: 'lr',
    series: [
      { name: 'cosine', points: Array.from({ length: 50 }, (_, i) => ({ x: i, y: (0.01 * (1 + Math.cos((Math.PI * i) / 49))) / 2 })) },
      { name: 'step', points: Array.from({ length: 50 }, (_, i) => ({ x: i, y: 0.01 * 0.5 ** Math.floor(i / 15) })) },
    ],
  },
  scatter: {
    kind: 'scatter' as const,
    title: 'embedding',
    series: [
      { name: 'class A', points: Array.from({ length: 60 }, (_, i) => ({ x: Math.cos(i) * 2 + (i % 7) / 7, y: Math.sin(i * 1.3) + 1 })) },
      { name: 'class B', points: Array.from({ length: 60 }, (_, i) => ({ x: Math.sin(i * 0.7) * 2 + 3, y: Math.cos(i * 1.1) - 1 })) },
    ],
  },
  bar: {
    kind: 'bar' as const,
    title: 'per-class accuracy',
    bars: [
      { label: 'cat', value: 0.83 },
      { label: 'dog', value: 0.7 },
      { label: 'bird', value: 0.9 },
      { label: 'a label that is rather long', value: 0.42 },
    ],
  },
  histogram: {
    kind: 'histogram' as const,
    title: 'weights',
    xLabel: 'value',
    ...histogramOf(
      Array.from({ length: 2000 }, (_, i) => (Math.sin(i * 12.9898) * 43758.5453) % 1),
      20,
    ),
  },
  heatmap: {
    kind: 'heatmap' as const,
    title: 'attention',
    rows: 6,
    cols: 8,
    data: Array.from({ length: 48 }, (_, i) => Math.exp(-(((i % 8) - Math.floor(i / 8)) ** 2) / 4)),
    xTickLabels: ['the', 'cat', 'sat', 'on', 'the', 'mat', 'and', 'slept'],
    yTickLabels: ['le', 'chat', 'assis', 'sur', 'le', 'tapis'],
    xLabel: 'source',
    yLabel: 'target',
  },
  table: {
    kind: 'table' as const,
    title: 'metrics',
    headers: ['model', 'accuracy', 'params', 'notes'],
    rows: [
      ['mlp', 0.9712, 101770, null],
      ['convnet', 0.9891, 125866, 'best'],
    ],
  },
};
