/**
 * Turns a training payload into chart series for one metric: epoch values (train and
 * val_) at x = epoch number (1-based: the end of that epoch), batch values at x =
 * (step + 1) / batchesPerEpoch with the 0-based global step, merged into uPlot's
 * aligned form. Linear in the number of points, so live updates stay cheap.
 */
import { decimateMinMax } from './decimate';
import type { AlignedData } from './lineChart';
import type { MetricLogs, TrainingView } from './payloads';

/** Keys of the logs that are counters, not metrics. */
const NOT_METRICS = new Set(['epoch', 'step', 'batch', 'size']);

/** Metric names without the val_ prefix, loss first, in the order first seen. */
export function baseMetrics(payload: TrainingView): string[] {
  const seen = new Set<string>();
  const add = (name: string): void => {
    if (NOT_METRICS.has(name)) return;
    seen.add(name.startsWith('val_') ? name.slice(4) : name);
  };
  if (payload.metrics?.length) payload.metrics.forEach(add);
  else {
    for (const logs of payload.epochs) Object.keys(logs).forEach(add);
    // Batch logs are downsampled and regular: the first and last name them all.
    const batches = payload.batches ?? [];
    for (const logs of [batches[0], batches[batches.length - 1]]) if (logs) Object.keys(logs).forEach(add);
  }
  const names = [...seen];
  return names.includes('loss') ? ['loss', ...names.filter((n) => n !== 'loss')] : names;
}

export interface Curve {
  data: AlignedData;
  /** Which series are present, in the order of data[1..]. */
  series: Array<'batch' | 'train' | 'val'>;
  lastTrain: number | null;
  lastVal: number | null;
}

function value(logs: MetricLogs, key: string, logY: boolean): number | null {
  const v = logs[key];
  if (v === null || v === undefined || !Number.isFinite(v)) return null;
  return logY && v <= 0 ? null : v;
}

export function buildCurve(
  payload: TrainingView,
  metric: string,
  options: { logY: boolean; showBatches: boolean; maxBatchPoints: number },
): Curve {
  const { logY } = options;
  const valKey = `val_${metric}`;
  const epochs = payload.epochs;
  const hasTrain = epochs.some((e) => e[metric] !== undefined);
  const hasVal = epochs.some((e) => e[valKey] !== undefined);
  // `epoch` is 1-based (src/protocol/mime.ts); logs without it count from 1.
  const ex = epochs.map((e, i) => e['epoch'] ?? i + 1);
  const order = ex.every((x, i) => i === 0 || x > ex[i - 1]!) ? null : ex.map((_, i) => i).sort((a, b) => ex[a]! - ex[b]!);
  const at = (i: number): number => (order ? order[i]! : i);

  const perEpoch = payload.progress?.batchesPerEpoch;
  const batches = options.showBatches && perEpoch ? (payload.batches ?? []) : [];
  const hasBatch = batches.some((b) => b[metric] !== undefined);
  let bx: number[] = [];
  let by: Array<number | null> = [];
  if (hasBatch) {
    ({ x: bx, y: by } = decimateMinMax(
      batches.length,
      (i) => (batches[i]!.step + 1) / perEpoch!,
      (i) => value(batches[i]!, metric, logY),
      options.maxBatchPoints,
    ));
  }

  const series: Curve['series'] = [];
  if (hasBatch) series.push('batch');
  if (hasTrain) series.push('train');
  if (hasVal) series.push('val');
  const x: number[] = [];
  const columns = series.map(() => [] as Array<number | null>);
  const batchCol = series.indexOf('batch');
  const trainCol = series.indexOf('train');
  const valCol = series.indexOf('val');

  // Merge the two ascending x sequences; equal x values share a row.
  let i = 0;
  let j = 0;
  while (i < epochs.length || j < bx.length) {
    const nextEpoch = i < epochs.length ? ex[at(i)]! : Infinity;
    const nextBatch = j < bx.length ? bx[j]! : Infinity;
    const rowX = Math.min(nextEpoch, nextBatch);
    x.push(rowX);
    for (const column of columns) column.push(null);
    const row = x.length - 1;
    if (nextBatch === rowX) {
      columns[batchCol]![row] = by[j]!;
      j++;
    }
    if (nextEpoch === rowX) {
      const logs = epochs[at(i)]!;
      if (trainCol >= 0) columns[trainCol]![row] = value(logs, metric, logY);
      if (valCol >= 0) columns[valCol]![row] = value(logs, valKey, logY);
      i++;
    }
  }
  const last = epochs.length ? epochs[at(epochs.length - 1)]! : null;
  return {
    data: [x, ...columns],
    series,
    lastTrain: last ? value(last, metric, false) : null,
    lastVal: last ? value(last, valKey, false) : null,
  };
}
