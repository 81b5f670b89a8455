/**
 * Classification metrics, computed in JS from the tensors' values (no tensor ops, nothing to
 * dispose). tfjs-vis's accuracy, perClassAccuracy and confusionMatrix, plus precisionRecallF1.
 * Class ids: a 1-D tensor (or array) of ids, an [n,1] tensor, or [n,k] scores/one-hot (argmax).
 */
import type { Tf } from './displayContext';
import { isTensor } from './detect';
import type { ClassIds, AveragedMetrics, ClassificationReport } from '../../api/tfvis';
export type { ClassIds, ClassMetrics, AveragedMetrics, ClassificationReport } from '../../api/tfvis';

interface Values {
  data: ArrayLike<number>;
  shape: number[];
}

async function readValues(x: unknown, what: string, tf: Tf): Promise<Values> {
  if (isTensor(x, tf)) return { data: (await x.data()) as ArrayLike<number>, shape: x.shape.slice() };
  if (Array.isArray(x) && x.length > 0 && Array.isArray(x[0])) {
    const rows = x as unknown[][];
    return { data: rows.flat().map(Number), shape: [rows.length, rows[0]!.length] };
  }
  if (Array.isArray(x) || ArrayBuffer.isView(x)) {
    const arr = Array.from(x as ArrayLike<unknown>, Number);
    return { data: arr, shape: [arr.length] };
  }
  throw new TypeError(`${what} must be a tf.Tensor or an array of class ids`);
}

/** Class ids from ids, [n,1] ids, or [n,k] scores (argmax per row). */
async function readClassIds(x: unknown, what: string, tf: Tf): Promise<number[]> {
  const { data, shape } = await readValues(x, what, tf);
  if (shape.length === 1 || (shape.length === 2 && shape[1] === 1)) {
    return Array.from(data, (v) => {
      if (!Number.isFinite(v)) throw new RangeError(`${what} contains ${v}; expected class ids`);
      return Math.trunc(v);
    });
  }
  if (shape.length === 2) {
    const [n, k] = shape as [number, number];
    const ids = new Array<number>(n);
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let j = 1; j < k; j++) if (data[i * k + j]! > data[i * k + best]!) best = j;
      ids[i] = best;
    }
    return ids;
  }
  throw new RangeError(`${what} must be 1-D class ids or 2-D [samples, classes] scores; got shape [${shape.join(',')}]`);
}

async function readPair(labels: unknown, predictions: unknown, tf: Tf): Promise<[number[], number[]]> {
  const [l, p] = await Promise.all([readClassIds(labels, 'labels', tf), readClassIds(predictions, 'predictions', tf)]);
  if (l.length !== p.length) throw new RangeError(`labels and predictions must be the same length (${l.length} vs ${p.length})`);
  return [l, p];
}

function classCount(l: number[], p: number[], numClasses: number | undefined): number {
  let max = -1;
  for (let i = 0; i < l.length; i++) max = Math.max(max, l[i]!, p[i]!);
  const n = numClasses ?? max + 1;
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`numClasses must be a non-negative integer; got ${numClasses}`);
  for (let i = 0; i < l.length; i++) {
    if (l[i]! < 0 || l[i]! >= n || p[i]! < 0 || p[i]! >= n)
      throw new RangeError(`class id ${l[i]! < 0 || l[i]! >= n ? l[i]! : p[i]!} is outside 0..${n - 1}`);
  }
  return n;
}

function matrixOf(l: number[], p: number[], n: number, weights?: ArrayLike<number>): number[][] {
  const m = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < l.length; i++) m[l[i]!]![p[i]!]! += weights ? weights[i]! : 1;
  return m;
}

/** tfjs-vis metrics.confusionMatrix: rows = label, columns = prediction. */
export async function confusionMatrix(
  tf: Tf,
  labels: ClassIds,
  predictions: ClassIds,
  numClasses?: number,
  weights?: unknown,
): Promise<number[][]> {
  const [l, p] = await readPair(labels, predictions, tf);
  const n = classCount(l, p, numClasses);
  let w: ArrayLike<number> | undefined;
  if (weights !== undefined && weights !== null) {
    w = (await readValues(weights, 'weights', tf)).data;
    if (w.length !== l.length) throw new RangeError('weights must be the same length as predictions');
  }
  return matrixOf(l, p, n, w);
}

/** tfjs-vis metrics.accuracy: the fraction of elements where labels equal predictions (0 when empty). */
export async function accuracy(tf: Tf, labels: unknown, predictions: unknown): Promise<number> {
  const [a, b] = await Promise.all([readValues(labels, 'labels', tf), readValues(predictions, 'predictions', tf)]);
  if (a.shape.join(',') !== b.shape.join(','))
    throw new RangeError(`Error computing accuracy. Shapes [${a.shape}] and [${b.shape}] must match`);
  let equal = 0;
  for (let i = 0; i < a.data.length; i++) if (a.data[i] === b.data[i]) equal++;
  return a.data.length ? equal / a.data.length : 0;
}

/** tfjs-vis metrics.perClassAccuracy: per class, the fraction of its samples predicted right. */
export async function perClassAccuracy(
  tf: Tf,
  labels: ClassIds,
  predictions: ClassIds,
  numClasses?: number,
): Promise<Array<{ accuracy: number; count: number }>> {
  const [l, p] = await readPair(labels, predictions, tf);
  const m = matrixOf(l, p, classCount(l, p, numClasses));
  return m.map((row, i) => {
    const count = row.reduce((a, b) => a + b, 0);
    return { accuracy: count ? row[i]! / count : 0, count };
  });
}

/** Per-class precision/recall/F1 (0, never NaN, when undefined), accuracy, macro and weighted means. */
export function reportFromMatrix(matrix: number[][]): ClassificationReport {
  const n = matrix.length;
  const support = matrix.map((row) => row.reduce((a, b) => a + b, 0));
  const predicted = Array.from({ length: n }, (_, j) => matrix.reduce((a, row) => a + row[j]!, 0));
  const total = support.reduce((a, b) => a + b, 0);
  let correct = 0;
  const perClass = matrix.map((row, i) => {
    const tp = row[i]!;
    correct += tp;
    const precision = predicted[i]! ? tp / predicted[i]! : 0;
    const recall = support[i]! ? tp / support[i]! : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    return { precision, recall, f1, support: support[i]! };
  });
  const present = perClass.filter((_, i) => support[i]! > 0 || predicted[i]! > 0);
  const mean = (key: keyof AveragedMetrics): number => (present.length ? present.reduce((a, c) => a + c[key], 0) / present.length : 0);
  const weightedMean = (key: keyof AveragedMetrics): number => (total ? perClass.reduce((a, c) => a + c[key] * c.support, 0) / total : 0);
  return {
    perClass,
    accuracy: total ? correct / total : 0,
    macro: { precision: mean('precision'), recall: mean('recall'), f1: mean('f1') },
    weighted: { precision: weightedMean('precision'), recall: weightedMean('recall'), f1: weightedMean('f1') },
    support: total,
    confusionMatrix: matrix,
  };
}

export async function precisionRecallF1(
  tf: Tf,
  labels: ClassIds,
  predictions: ClassIds,
  numClasses?: number,
): Promise<ClassificationReport> {
  return reportFromMatrix(await confusionMatrix(tf, labels, predictions, numClasses));
}
