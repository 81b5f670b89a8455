/**
 * tfnb's MIME types and the JSON payloads they carry. The kernel produces these, the
 * renderers draw them; both import this file. Schemas are documented in docs/mime-types.md.
 * Payloads are compact and bounded (default 256 KB): the kernel summarises, the renderer draws.
 * These are the kernel's in-memory types. On the wire, a NaN number becomes JSON `null`
 * (JSON.stringify), so renderers accept `null` wherever a metric, point or cell value may be
 * (they draw a gap); renderers/payloads.ts holds the validated wire-side views.
 */

export const MIME = {
  tensor: 'application/vnd.tfnb.tensor+json',
  training: 'application/vnd.tfnb.training+json',
  confusionMatrix: 'application/vnd.tfnb.confusion-matrix+json',
  modelSummary: 'application/vnd.tfnb.model-summary+json',
  chart: 'application/vnd.tfnb.chart+json',
} as const;

export type TfnbMimeType = (typeof MIME)[keyof typeof MIME];

/**
 * Above this many values a tensor is shown summarised (long axes show their edges), as NumPy's
 * print does: the kernel when it builds a tensor payload, the renderer when it lays one out.
 */
export const TENSOR_SUMMARY_THRESHOLD = 1000;

/** A MIME bundle as in Jupyter's display_data: MIME type -> data (string or JSON). */
export type MimeBundle = Record<string, unknown> & { 'text/plain': string };

/** Summary statistics over the finite values of a tensor. */
export interface TensorStats {
  min: number | null;
  max: number | null;
  mean: number | null;
  std: number | null;
  nanCount: number;
  infCount: number;
}

export interface TensorPayload {
  shape: number[];
  dtype: string;
  size: number;
  stats?: TensorStats;
  /**
   * Values summarised like NumPy's print: nested arrays of numbers (or strings/booleans),
   * with `null` standing where an edge-item summary elides entries ("..."). Non-finite numbers
   * are the strings "NaN", "Infinity", "-Infinity"; complex values are strings like "1+3j".
   */
  values?: unknown;
  /** True when `values` is summarised, not complete. */
  truncated?: boolean;
  /** For 2-D tensors (or a slice): a downsampled grid for a heatmap, row-major. */
  /** `null` marks a block with no finite values. */
  heatmap?: { rows: number; cols: number; data: Array<number | null>; sourceShape: number[] };
  /** Images for tensors shaped like images ([h,w,c] or [n,h,w,c] with c in 1,3,4). PNG data URLs. */
  images?: {
    width: number;
    height: number;
    channels: number;
    pngDataUrls: string[];
    total: number;
    /** The most images the kernel sends for this tensor; fewer than both this and `total` means the size budget stopped them. */
    limit?: number;
  };
  histogram?: { binEdges: number[]; counts: number[] };
  title?: string;
}

/** One finished epoch: the metric names tf reports (loss, acc, val_loss, ...) -> value; `epoch` is 1-based. */
export type EpochLogs = Record<string, number> & { epoch?: number };

export interface TrainingPayload {
  /** Required: one entry per finished epoch. */
  epochs: EpochLogs[];
  /** Optional batch-level series, downsampled in the kernel; `step` is the global batch index. */
  batches?: Array<Record<string, number> & { step: number }>;
  progress?: {
    epoch: number; // 1-based epoch in progress
    totalEpochs?: number;
    batch: number; // 1-based batch within the epoch
    batchesPerEpoch?: number;
    elapsedMs: number;
    etaMs?: number;
    done: boolean;
    stopped?: boolean;
  };
  /** Which metrics to show (defaults: all seen). */
  metrics?: string[];
  /** Id the renderer sends back to stop this training run. */
  trainingId?: string;
  title?: string;
}

export interface ConfusionMatrixPayload {
  classes: string[];
  /** rows = true class, columns = predicted class */
  matrix: number[][];
  title?: string;
  /** Per-class metrics computed in the kernel (renderer may recompute from matrix). */
  perClass?: Array<{ label: string; precision: number; recall: number; f1: number; support: number }>;
  accuracy?: number;
}

export interface ModelLayerSummary {
  name: string;
  className: string;
  outputShape: string;
  params: number;
  trainable: boolean;
}

export interface ModelSummaryPayload {
  name?: string;
  layers: ModelLayerSummary[];
  totalParams: number;
  trainableParams: number;
  nonTrainableParams: number;
  /** Layers left out of `layers` to keep the payload bounded (their parameters are in a placeholder row). */
  omittedLayers?: number;
  title?: string;
}

export interface ChartSeries {
  name: string;
  /** x/y points; for bar charts `x` is an index into `labels` or a category string. */
  points: Array<{ x: number | string; y: number }>;
}

export type ChartPayload =
  | { kind: 'line' | 'scatter'; series: ChartSeries[]; xLabel?: string; yLabel?: string; title?: string; logY?: boolean }
  | { kind: 'bar'; bars: Array<{ label: string; value: number }>; xLabel?: string; yLabel?: string; title?: string }
  | { kind: 'histogram'; binEdges: number[]; counts: number[]; xLabel?: string; yLabel?: string; title?: string; stats?: TensorStats }
  /** heatmap `data` is row-major; a NaN block (no finite values) arrives as JSON `null`. */
  | {
      kind: 'heatmap';
      rows: number;
      cols: number;
      data: number[];
      domain?: [number, number];
      xTickLabels?: string[];
      yTickLabels?: string[];
      xLabel?: string;
      yLabel?: string;
      title?: string;
      colorMap?: string;
    }
  | { kind: 'table'; headers: string[]; rows: Array<Array<string | number | null>>; title?: string };

/** Messages a renderer posts to the kernel (via the controller's renderer messaging). */
export type RendererToKernelMessage = { type: 'stop-training'; trainingId: string };
