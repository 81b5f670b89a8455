/** Runs as a terminal table (`tfnb runs`, the end of `tfnb sweep`): name, status, duration, parameters, final metrics. */
import type { RunSummary } from '../runs/runRecord';
import { formatDuration, formatValue, textTable } from './textTable';

/** Metrics where more is better: sorted high first. */
const HIGHER_IS_BETTER = /acc|auc|precision|recall|f1|iou|r2|score/i;

export function sortRuns<T extends RunSummary>(runs: T[], metric: string, reverse: boolean): T[] {
  const descending = HIGHER_IS_BETTER.test(metric) !== reverse;
  // Runs without the metric go last whichever the direction.
  return [...runs].sort((a, b) => {
    const x = a.metrics[metric],
      y = b.metrics[metric];
    if (x === undefined || y === undefined) return (x === undefined ? 1 : 0) - (y === undefined ? 1 : 0);
    return descending ? y - x : x - y;
  });
}

export function runsTable(runs: RunSummary[], options: { sort?: string } = {}): string {
  const params = unionKeys(runs.map((r) => r.parameters));
  const metrics = unionKeys(runs.map((r) => r.metrics));
  if (options.sort && metrics.includes(options.sort)) {
    metrics.splice(metrics.indexOf(options.sort), 1);
    metrics.unshift(options.sort);
  }
  const header = ['run', 'status', 'time', ...params, ...metrics];
  const rows = runs.map((r) => [
    r.id,
    r.status,
    formatDuration(r.durationMs),
    ...params.map((p) => (p in r.parameters ? paramText(r.parameters[p]) : '–')),
    ...metrics.map((m) => formatValue(r.metrics[m])),
  ]);
  return textTable(header, rows);
}

function paramText(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function unionKeys(records: Array<Record<string, unknown>>): string[] {
  const keys: string[] = [];
  for (const r of records) for (const k of Object.keys(r)) if (!keys.includes(k)) keys.push(k);
  return keys;
}
