/**
 * Validators for the five tfnb payloads (src/protocol/mime.ts, docs/mime-types.md).
 * Where the renderer is more lenient than the protocol types (null standing for a NaN
 * metric, which is what JSON.stringify writes), the renderer-local type says so.
 */
import type {
  ChartPayload,
  ConfusionMatrixPayload,
  ModelSummaryPayload,
  TensorPayload,
  TensorStats,
  TrainingPayload,
} from '../src/protocol/mime';
import {
  PayloadError,
  arrayOf,
  boolean,
  count,
  either,
  fail,
  field,
  finiteNumber,
  literal,
  nonNegativeNumber,
  numberOrNull,
  object,
  positiveCount,
  string,
  type Validator,
} from './validate';
import { checkValues } from './tensorValues';

/** Bounds that keep a hostile or buggy payload from freezing the webview. */
const MAX_RANK = 16;
const MAX_GRID_CELLS = 512 * 512;
const MAX_CLASSES = 500;
const MAX_IMAGES = 1024;

// ---------------------------------------------------------------- tensor

const stats: Validator<TensorStats> = object({
  min: numberOrNull,
  max: numberOrNull,
  mean: numberOrNull,
  std: numberOrNull,
  nanCount: count,
  infCount: count,
});

export interface HeatmapGrid {
  rows: number;
  cols: number;
  /** Row-major; null where the value is NaN/Inf (JSON.stringify writes null). */
  data: Array<number | null>;
  sourceShape: number[];
}

function checkGrid<G extends { rows: number; cols: number; data: unknown[] }>(grid: G, path: string): G {
  if (grid.rows * grid.cols > MAX_GRID_CELLS) fail(path, `at most ${MAX_GRID_CELLS} cells`);
  if (grid.data.length !== grid.rows * grid.cols) {
    fail(field(path, 'data'), `rows × cols = ${grid.rows * grid.cols} values`, grid.data);
  }
  return grid;
}

const heatmap: Validator<HeatmapGrid> = (v, path) =>
  checkGrid(
    object({ rows: positiveCount, cols: positiveCount, data: arrayOf(numberOrNull), sourceShape: arrayOf(count, { max: MAX_RANK }) })(
      v,
      path,
    ),
    path,
  );

const pngDataUrl: Validator<string> = (v, path) =>
  typeof v === 'string' && /^data:image\/png;base64,[A-Za-z0-9+/]+=*$/.test(v)
    ? v
    : fail(path, 'a PNG data URL (data:image/png;base64,…)', v);

const images = object(
  {
    width: positiveCount,
    height: positiveCount,
    channels: (v, path) => (v === 1 || v === 3 || v === 4 ? v : fail(path, '1, 3 or 4', v)),
    pngDataUrls: arrayOf(pngDataUrl, { max: MAX_IMAGES }),
    total: count,
  },
  { limit: positiveCount },
);

export interface Histogram {
  binEdges: number[];
  counts: number[];
}

const histogram: Validator<Histogram> = (v, path) => {
  const h = object({ binEdges: arrayOf(finiteNumber, { min: 2 }), counts: arrayOf(nonNegativeNumber) })(v, path);
  if (h.binEdges.length !== h.counts.length + 1)
    fail(field(path, 'binEdges'), `counts.length + 1 = ${h.counts.length + 1} edges`, h.binEdges);
  // Out-of-order edges put bars outside the plot (found by the fuzz test).
  for (let i = 1; i < h.binEdges.length; i++) {
    if (h.binEdges[i]! < h.binEdges[i - 1]!)
      fail(`${field(path, 'binEdges')}[${i}]`, `an edge ≥ the one before (${h.binEdges[i - 1]})`, h.binEdges[i]);
  }
  return h;
};

export type TensorView = Omit<TensorPayload, 'heatmap'> & { heatmap?: HeatmapGrid };

export const tensorPayload: Validator<TensorView> = (v, path) => {
  const t = object(
    { shape: arrayOf(count, { max: MAX_RANK }), dtype: string },
    {
      size: count,
      stats,
      values: (x: unknown) => x,
      truncated: boolean,
      heatmap,
      images,
      histogram,
      title: string,
    },
  )(v, path);
  const size = t.shape.reduce((a, b) => a * b, 1);
  if (t.size !== undefined && t.size !== size) fail('size', `the product of shape (${size})`, t.size);
  if (t.values !== undefined) checkValues(t.values, t.shape);
  return { ...t, size };
};

// ---------------------------------------------------------------- training

/** Metric logs of one epoch; null where tf reported NaN. */
export type MetricLogs = Record<string, number | null>;

export interface TrainingView extends Omit<TrainingPayload, 'epochs' | 'batches'> {
  epochs: MetricLogs[];
  batches?: Array<MetricLogs & { step: number }>;
}

/**
 * Metric logs: every field a finite number or null, the counter fields (`epoch`, `step`)
 * whole numbers ≥ 0. Written out flat: a live payload can carry 10^5 of these.
 */
function metricLogs<K extends string>(counters: readonly K[], required: K | null): Validator<MetricLogs & { [P in K]?: number }> {
  return (v, path) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail(path, 'an object', v);
    const logs = v as Record<string, unknown>;
    for (const key in logs) {
      const x = logs[key];
      if (x === null || (typeof x === 'number' && Number.isFinite(x))) continue;
      fail(field(path, key), 'a finite number or null', x);
    }
    for (const key of counters) {
      const x = logs[key];
      if (x === undefined && key !== required) continue;
      if (x === undefined) fail(field(path, key), 'a value (required)');
      count(x, field(path, key));
    }
    return logs as MetricLogs & { [P in K]?: number };
  };
}

const epochLogs = metricLogs(['epoch'], null);
const batchLogs = metricLogs(['step'], 'step') as Validator<MetricLogs & { step: number }>;

const progress = object(
  { epoch: count, batch: count, elapsedMs: nonNegativeNumber, done: boolean },
  { totalEpochs: count, batchesPerEpoch: positiveCount, etaMs: nonNegativeNumber, stopped: boolean },
);

export const trainingPayload: Validator<TrainingView> = object(
  { epochs: arrayOf(epochLogs) },
  { batches: arrayOf(batchLogs), progress, metrics: arrayOf(string), trainingId: string, title: string },
);

// ---------------------------------------------------------------- confusion matrix

export interface ClassMetricsRow {
  label: string;
  precision: number | null;
  recall: number | null;
  f1: number | null;
  support: number;
}

export type ConfusionView = Omit<ConfusionMatrixPayload, 'perClass'> & { perClass?: ClassMetricsRow[] };

export const confusionPayload: Validator<ConfusionView> = (v, path) => {
  const cm = object(
    { classes: arrayOf(string, { min: 1, max: MAX_CLASSES }), matrix: arrayOf(arrayOf(nonNegativeNumber)) },
    {
      title: string,
      perClass: arrayOf(
        object({ label: string, precision: numberOrNull, recall: numberOrNull, f1: numberOrNull, support: nonNegativeNumber }),
      ),
      accuracy: finiteNumber,
    },
  )(v, path);
  const n = cm.classes.length;
  if (cm.matrix.length !== n) fail('matrix', `${n} rows (one per class)`, cm.matrix);
  cm.matrix.forEach((row, i) => {
    if (row.length !== n) fail(`matrix[${i}]`, `${n} columns (one per class)`, row);
  });
  if (cm.perClass && cm.perClass.length !== n) fail('perClass', `${n} entries (one per class)`, cm.perClass);
  return cm;
};

// ---------------------------------------------------------------- model summary

export const modelSummaryPayload: Validator<ModelSummaryPayload> = object(
  {
    layers: arrayOf(object({ name: string, className: string, outputShape: string, params: count, trainable: boolean })),
    totalParams: count,
    trainableParams: count,
    nonTrainableParams: count,
  },
  { name: string, title: string, omittedLayers: count },
);

// ---------------------------------------------------------------- charts

const labels = { xLabel: string, yLabel: string, title: string };

export type ChartPoint = { x: number | string; y: number | null };
export type ChartSeriesView = { name: string; points: ChartPoint[] };
export type LineChartView = {
  kind: 'line' | 'scatter';
  series: ChartSeriesView[];
  xLabel?: string;
  yLabel?: string;
  title?: string;
  logY?: boolean;
};
export type HeatmapChartView = Omit<Extract<ChartPayload, { kind: 'heatmap' }>, 'data'> & { data: Array<number | null> };
export type ChartView = LineChartView | Extract<ChartPayload, { kind: 'bar' | 'histogram' | 'table' }> | HeatmapChartView;

const domain: Validator<[number, number]> = (v, path) => {
  const d = arrayOf(finiteNumber, { min: 2, max: 2 })(v, path);
  return d[0]! <= d[1]! ? [d[0]!, d[1]!] : fail(path, '[low, high] with low ≤ high');
};

const point: Validator<ChartPoint> = object({ x: either(finiteNumber, string, 'a finite number or a string'), y: numberOrNull });

const chartByKind = {
  line: object(
    { kind: literal('line', 'scatter'), series: arrayOf(object({ name: string, points: arrayOf(point) })) },
    { ...labels, logY: boolean },
  ),
  bar: object({ kind: literal('bar'), bars: arrayOf(object({ label: string, value: finiteNumber })) }, labels),
  histogram: (v: unknown, path: string) => {
    const h = object(
      { kind: literal('histogram'), binEdges: arrayOf(finiteNumber, { min: 2 }), counts: arrayOf(nonNegativeNumber) },
      { ...labels, stats },
    )(v, path);
    histogram(h, path);
    return h;
  },
  heatmap: (v: unknown, path: string) =>
    checkGrid(
      object(
        { kind: literal('heatmap'), rows: positiveCount, cols: positiveCount, data: arrayOf(numberOrNull) },
        { ...labels, xTickLabels: arrayOf(string), yTickLabels: arrayOf(string), colorMap: string, domain },
      )(v, path),
      path,
    ),
  table: object(
    {
      kind: literal('table'),
      headers: arrayOf(string),
      rows: arrayOf(arrayOf(either(string, numberOrNull, 'a string, a finite number or null'))),
    },
    { title: string },
  ),
} satisfies Record<string, Validator<ChartView>>;

export const chartPayload: Validator<ChartView> = (v, path) => {
  const kind = object({ kind: literal('line', 'scatter', 'bar', 'histogram', 'heatmap', 'table') })(v, path).kind;
  return chartByKind[kind === 'scatter' ? 'line' : kind](v, path);
};

export { PayloadError };
