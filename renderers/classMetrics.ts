/**
 * Per-class precision, recall, F1 and support from a confusion matrix (rows = true class,
 * columns = predicted), plus accuracy and macro / weighted averages, as in scikit-learn's
 * classification_report: an undefined ratio (0/0) shows as "—" per class and counts as 0 in
 * the averages, which cover the classes that occur (as true or predicted class).
 */
import type { ClassMetricsRow } from './payloads';

export interface AverageMetrics {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface ClassReport {
  rows: ClassMetricsRow[];
  accuracy: number | null;
  macro: AverageMetrics;
  weighted: AverageMetrics;
  total: number;
}

export function perClassMetrics(classes: readonly string[], matrix: readonly (readonly number[])[]): ClassMetricsRow[] {
  const n = classes.length;
  return classes.map((label, i) => {
    let actual = 0;
    let predicted = 0;
    for (let j = 0; j < n; j++) {
      actual += matrix[i]![j]!;
      predicted += matrix[j]![i]!;
    }
    const hits = matrix[i]![i]!;
    const precision = predicted > 0 ? hits / predicted : null;
    const recall = actual > 0 ? hits / actual : null;
    const f1 = precision === null || recall === null ? null : precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    return { label, precision, recall, f1, support: actual };
  });
}

export function classReport(
  classes: readonly string[],
  matrix: readonly (readonly number[])[],
  given?: { perClass?: ClassMetricsRow[]; accuracy?: number },
): ClassReport {
  const rows = given?.perClass ?? perClassMetrics(classes, matrix);
  let total = 0;
  let hits = 0;
  const predicted = new Array<number>(classes.length).fill(0);
  matrix.forEach((row, i) =>
    row.forEach((v, j) => {
      total += v;
      predicted[j]! += v;
      if (i === j) hits += v;
    }),
  );
  const occurring = rows.filter((r, i) => r.support > 0 || predicted[i]! > 0);
  const support = rows.reduce((sum, r) => sum + r.support, 0);
  const average = (weight: (r: ClassMetricsRow) => number, denominator: number): AverageMetrics => {
    const mean = (pick: (r: ClassMetricsRow) => number | null): number =>
      denominator > 0 ? occurring.reduce((sum, r) => sum + (pick(r) ?? 0) * weight(r), 0) / denominator : 0;
    return { precision: mean((r) => r.precision), recall: mean((r) => r.recall), f1: mean((r) => r.f1), support };
  };
  return {
    rows,
    accuracy: given?.accuracy ?? (total > 0 ? hits / total : null),
    macro: average(() => 1, occurring.length),
    weighted: average((r) => r.support, support),
    total,
  };
}
