/**
 * Training payloads (live fit progress, or a finished History) with their text and SVG: loss and
 * metric curves, train and validation overlaid, and a progress line.
 */
import { MIME, type EpochLogs, type MimeBundle, type TrainingPayload } from '../../protocol/mime';
import { decimate, fitWithin, formatNumber } from './budget';
import { DecimatedSeries } from './decimatedSeries';
import { PALETTE, svgDocument, text, xyPanel, type PlotSeries } from './svg';

export const MAX_BATCH_POINTS = 1000;
export const MAX_EPOCH_POINTS = 2000;

export type BatchEntry = Record<string, number> & { step: number };

/** Collects epoch and batch logs of one run, bounded however long it runs. */
export class TrainingRecorder {
  readonly epochs = new DecimatedSeries<EpochLogs>(MAX_EPOCH_POINTS);
  readonly batches = new DecimatedSeries<BatchEntry>(MAX_BATCH_POINTS);

  addBatch(logs: Record<string, number>): void {
    this.batches.add({ ...logs, step: this.batches.count });
  }

  /** `epoch` is 1-based. */
  addEpoch(epoch: number, logs: Record<string, number>): void {
    this.epochs.add({ ...logs, epoch });
  }
}

const NOT_METRICS = new Set(['epoch', 'step', 'batch', 'size']);

function metricNames(p: TrainingPayload): string[] {
  if (p.metrics?.length) return p.metrics;
  const names = new Set<string>();
  for (const e of p.epochs) for (const k of Object.keys(e)) if (!NOT_METRICS.has(k)) names.add(k);
  for (const b of p.batches ?? []) for (const k of Object.keys(b)) if (!NOT_METRICS.has(k)) names.add(k);
  // training metrics first, validation after: "loss · val_loss · acc · val_acc" in text
  return [...names].sort((a, b) => Number(a.startsWith('val_')) - Number(b.startsWith('val_')));
}

function duration(ms: number): string {
  const s = ms / 1000;
  if (s < 60) return `${s < 10 ? s.toFixed(1) : Math.round(s)}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m ${Math.round(s % 60)}s` : `${Math.floor(m / 60)}h ${m % 60}m`;
}

/** The progress without the word "Training": the title, shown just before it, says that. */
export function progressLine(p: TrainingPayload): string | undefined {
  const g = p.progress;
  if (!g) return undefined;
  const epochs = `epoch ${g.epoch}${g.totalEpochs ? `/${g.totalEpochs}` : ''}`;
  if (g.done) return `${g.stopped ? 'stopped at' : 'done:'} ${epochs} · ${duration(g.elapsedMs)}`;
  const batch = `batch ${g.batch}${g.batchesPerEpoch ? `/${g.batchesPerEpoch}` : ''}`;
  const eta = g.etaMs !== undefined ? ` · ~${duration(g.etaMs)} left` : '';
  return `${epochs} · ${batch} · ${duration(g.elapsedMs)} elapsed${eta}`;
}

/** Every metric with 4 decimals, so "acc 1.0000" lines up with "loss 0.4942" (not "acc 1"). */
export function formatMetric(x: number): string {
  const a = Math.abs(x);
  return Number.isFinite(x) && (a === 0 || (a >= 1e-4 && a < 1e6)) ? x.toFixed(4) : formatNumber(x);
}

function logsLine(prefix: string, logs: Record<string, number>, names: string[]): string {
  const shown = names.flatMap((n) => [n, `val_${n}`]).filter((n, i, all) => logs[n] !== undefined && all.indexOf(n) === i);
  return `${prefix}: ${shown.map((n) => `${n} ${formatMetric(logs[n]!)}`).join(' · ')}`;
}

export function trainingText(p: TrainingPayload): string {
  const lines: string[] = [p.title ?? 'Training'];
  const progress = progressLine(p);
  if (progress) lines.push(progress);
  const names = metricNames(p);
  const lastEpoch = p.epochs[p.epochs.length - 1];
  const lastBatch = p.batches?.[p.batches.length - 1];
  if (lastEpoch) lines.push(logsLine(`epoch ${lastEpoch.epoch ?? p.epochs.length}`, lastEpoch, names));
  else if (lastBatch) lines.push(logsLine(`batch ${lastBatch.step + 1}`, lastBatch, names));
  if (!lastEpoch && !lastBatch) lines.push('no training logs yet');
  return lines.join('\n');
}

/** Metric groups: `loss` with `val_loss`, `acc` with `val_acc`, ... */
function groups(names: string[]): string[] {
  const out: string[] = [];
  for (const n of names) {
    const base = n.startsWith('val_') ? n.slice(4) : n;
    if (!out.includes(base)) out.push(base);
  }
  return out;
}

export function trainingSvg(p: TrainingPayload): string {
  const names = metricNames(p);
  const useEpochs = p.epochs.length >= 2 || !p.batches?.length;
  const rows: Array<Record<string, number>> = useEpochs ? p.epochs : (p.batches ?? []);
  const xKey = useEpochs ? 'epoch' : 'step';
  const panelW = 340,
    panelH = 210,
    header = 44;
  const panels = groups(names).slice(0, 8);
  const columns = Math.min(2, Math.max(1, panels.length));
  const width = columns * panelW,
    height = header + Math.ceil(Math.max(1, panels.length) / columns) * panelH;
  let body = text(8, 16, p.title ?? 'Training', 'font-weight="bold" font-size="13"');
  const progress = progressLine(p);
  const g = p.progress;
  if (progress && g) {
    body += text(8, 32, progress, 'fill="#555"');
    const frac =
      g.done && !g.stopped
        ? 1
        : g.totalEpochs && g.batchesPerEpoch
          ? Math.min(1, ((g.epoch - 1) * g.batchesPerEpoch + g.batch) / (g.totalEpochs * g.batchesPerEpoch))
          : 0;
    body += `<rect x="8" y="37" width="${width - 16}" height="4" fill="#eee"/><rect x="8" y="37" width="${Math.round((width - 16) * frac)}" height="4" fill="${g.stopped ? PALETTE[3] : PALETTE[2]}"/>`;
  }
  panels.forEach((base, i) => {
    const series: PlotSeries[] = [];
    for (const [name, color, dashed] of [
      [base, PALETTE[0], false],
      [`val_${base}`, PALETTE[1], true],
    ] as const) {
      if (!names.includes(name) && !(name === `val_${base}` && rows.some((r) => r[name] !== undefined))) continue;
      const points = rows.filter((r) => r[name] !== undefined).map((r) => ({ x: r[xKey] ?? 0, y: r[name]! }));
      if (points.length) series.push({ name, points, color, dashed });
    }
    const box = { x: (i % columns) * panelW, y: header + Math.floor(i / columns) * panelH, width: panelW, height: panelH };
    body += xyPanel({
      box,
      series,
      title: base,
      xLabel: useEpochs ? 'epoch' : 'batch',
      yDomain: /acc/.test(base) && series.every((s) => s.points.every((pt) => pt.y >= 0 && pt.y <= 1)) ? [0, 1] : undefined,
    });
  });
  return svgDocument(width, height, body);
}

export function trainingBundle(full: TrainingPayload, maxBytes: number): MimeBundle {
  const limits = [
    { batches: MAX_BATCH_POINTS, epochs: MAX_EPOCH_POINTS },
    { batches: 300, epochs: 600 },
    { batches: 60, epochs: 200 },
    { batches: 0, epochs: 50 },
  ];
  return fitWithin(maxBytes, limits.length - 1, (level) => {
    const l = limits[level]!;
    const p: TrainingPayload = { ...full, epochs: decimate(full.epochs, l.epochs) };
    if (full.batches) p.batches = decimate(full.batches, l.batches);
    return { [MIME.training]: p, 'text/plain': trainingText(p), 'image/svg+xml': trainingSvg(p) };
  });
}
