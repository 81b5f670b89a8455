/**
 * Confusion matrix → payload (with per-class precision/recall/F1 and accuracy), a text table and
 * an SVG heatmap with counts. Very many classes are cut to those with the most samples.
 */
import { MIME, type ConfusionMatrixPayload, type MimeBundle } from '../../protocol/mime';
import { clip, fitWithin, formatNumber, roundSig } from './budget';
import type { ColorMapName } from './colormap';
import { reportFromMatrix } from './metrics';
import { heatmapPanel, svgDocument, text } from './svg';
import { textTable } from './textTable';

export interface ConfusionOptions {
  title?: string;
  colorMap?: ColorMapName;
}

/** The `keep` classes with the most samples (true or predicted), in class order. */
function topClasses(matrix: number[][], keep: number): number[] {
  const n = matrix.length;
  if (n <= keep) return matrix.map((_, i) => i);
  const weight = matrix.map((row, i) => row.reduce((a, b) => a + b, 0) + matrix.reduce((a, r) => a + r[i]!, 0));
  return weight
    .map((w, i): [number, number] => [w, i])
    .sort((a, b) => b[0] - a[0])
    .slice(0, keep)
    .map(([, i]) => i)
    .sort((a, b) => a - b);
}

export function confusionBundle(
  matrix: number[][],
  classNames: string[] | undefined,
  maxBytes: number,
  opts: ConfusionOptions = {},
): MimeBundle {
  const n = matrix.length;
  const names = matrix.map((_, i) => String(classNames?.[i] ?? i));
  const report = reportFromMatrix(matrix);
  const limits = [Infinity, 100, 40, 12];
  return fitWithin(maxBytes, limits.length - 1, (level) => {
    const keep = topClasses(matrix, limits[level]!);
    const shown = keep.map((i) => keep.map((j) => matrix[i]![j]!));
    const title = (opts.title ?? 'Confusion matrix') + (keep.length < n ? ` (${keep.length} of ${n} classes with the most samples)` : '');
    const payload: ConfusionMatrixPayload = {
      classes: keep.map((i) => clip(names[i]!, 60)),
      matrix: shown,
      title,
      perClass: keep.map((i) => ({ label: clip(names[i]!, 60), ...roundMetrics(report.perClass[i]!) })),
      accuracy: roundSig(report.accuracy, 6),
    };
    const labelWidth = 24;
    const lines = [
      `${title} · rows: true class, columns: predicted · accuracy ${formatNumber(report.accuracy)}`,
      ...textTable(
        ['true \\ predicted', ...payload.classes.map((c) => clip(c, 12))],
        shown.map((row, r) => [clip(payload.classes[r]!, labelWidth), ...row]),
        labelWidth,
      ),
      '',
      ...textTable(
        ['class', 'precision', 'recall', 'f1', 'support'],
        payload.perClass!.map((c) => [c.label, c.precision, c.recall, c.f1, c.support]),
      ),
      `macro avg: precision ${formatNumber(report.macro.precision)} · recall ${formatNumber(report.macro.recall)} · f1 ${formatNumber(report.macro.f1)}`,
      `weighted avg: precision ${formatNumber(report.weighted.precision)} · recall ${formatNumber(report.weighted.recall)} · f1 ${formatNumber(report.weighted.f1)}`,
    ];
    const size = Math.min(640, Math.max(260, 28 * keep.length + 140));
    const svg = svgDocument(
      size,
      size + 20,
      text(6, 14, `accuracy ${formatNumber(report.accuracy)}`, 'fill="#555"') +
        heatmapPanel({
          box: { x: 0, y: 16, width: size, height: size },
          rows: keep.length,
          cols: keep.length,
          data: shown.flat(),
          colorMap: opts.colorMap ?? 'blues',
          title,
          xLabel: 'predicted',
          yLabel: 'true',
          xTickLabels: payload.classes.map((c) => clip(c, 16)),
          yTickLabels: payload.classes.map((c) => clip(c, 16)),
          cellText: shown.flat().map((v) => formatNumber(v, 3)),
        }),
    );
    return { [MIME.confusionMatrix]: payload, 'text/plain': lines.join('\n'), 'image/svg+xml': svg };
  });
}

function roundMetrics(c: { precision: number; recall: number; f1: number; support: number }): {
  precision: number;
  recall: number;
  f1: number;
  support: number;
} {
  return { precision: roundSig(c.precision, 6), recall: roundSig(c.recall, 6), f1: roundSig(c.f1, 6), support: c.support };
}
