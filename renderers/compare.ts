/**
 * Compare Runs (src/extension/compareRuns.ts): chosen runs' curves overlaid, one metric at a
 * time, and a table of their parameters and final metrics. Drawn by the chart view of
 * `application/vnd.tfnb.chart+json` (a line chart, a table), so it looks and reads as every
 * tfnb output does.
 */
import type { RunRecord } from '../src/runs/runRecord';
import { createChartView } from './chart';
import { h, heading, listen } from './dom';
import { chartPayload } from './payloads';
import type { View } from './view';

/** What the panel is given: each run as stored in its run.json (docs/experiments.md). */
export type CompareRun = Pick<RunRecord, 'id' | 'name' | 'status' | 'parameters' | 'metrics' | 'series'>;
export interface ComparePayload {
  runs: CompareRun[];
  /** The metric shown first (default: val_loss, else loss, else the first there is). */
  metric?: string;
}

/** The metrics to offer: every curve any run has, validation and loss first. */
export function metricsOf(runs: readonly CompareRun[]): string[] {
  const names: string[] = [];
  for (const run of runs) for (const name of Object.keys(run.series)) if (!names.includes(name)) names.push(name);
  const rank = (n: string) => (n === 'val_loss' ? 0 : n === 'loss' ? 1 : n.startsWith('val_') ? 2 : n.includes('/') ? 4 : 3);
  return names.sort((a, b) => rank(a) - rank(b));
}

/**
 * Each run's label: its name, with its start time (from its id) when another run has the same
 * name (two Run Alls of one notebook are both named after it).
 */
export function runLabels(runs: readonly CompareRun[]): Map<string, string> {
  const count = new Map<string, number>();
  for (const run of runs) count.set(run.name, (count.get(run.name) ?? 0) + 1);
  const labels = new Map<string, string>();
  for (const run of runs) {
    const time = /T(\d\d)-(\d\d)-(\d\d)/.exec(run.id);
    const suffix = time ? `${time[1]}:${time[2]}:${time[3]}` : run.id;
    labels.set(run.id, count.get(run.name)! > 1 ? `${run.name} ${suffix}` : run.name);
  }
  return labels;
}

export function createCompareView(host: HTMLElement, initial: ComparePayload): View<ComparePayload> {
  let payload = initial;
  let metric = initial.metric;
  let chart: View<unknown> | undefined;
  let table: View<unknown> | undefined;

  const render = (): void => {
    chart?.dispose();
    table?.dispose();
    const metrics = metricsOf(payload.runs);
    if (!metric || !metrics.includes(metric)) metric = metrics[0];
    const select = h('select', { class: 'tfnb-compare-metric', attrs: { 'aria-label': 'Metric' } });
    for (const name of metrics) {
      const option = h('option', { text: name, attrs: { value: name } });
      option.selected = name === metric;
      select.appendChild(option);
    }
    listen(select, 'change', () => {
      metric = select.value;
      render();
    });
    const chartHost = h('div', { class: 'tfnb-output tfnb-compare-chart' });
    const tableHost = h('div', { class: 'tfnb-output tfnb-compare-table' });
    host.replaceChildren(
      h(
        'div',
        { class: 'tfnb-output' },
        heading(`${payload.runs.length} run${payload.runs.length === 1 ? '' : 's'}`, 'Compare runs', metrics.length ? select : null),
      ),
      metrics.length ? chartHost : h('div', { class: 'tfnb-output tfnb-note', text: 'These runs recorded no metrics.' }),
      tableHost,
    );
    if (metric) {
      const shown = metric;
      const labels = runLabels(payload.runs);
      const series = payload.runs
        .filter((run) => run.series[shown]?.length)
        .map((run) => ({ name: labels.get(run.id)!, points: run.series[shown]!.map(([x, y]) => ({ x, y })) }));
      chart = createChartView(chartHost, chartPayload({ kind: 'line', series, title: shown, xLabel: xLabelOf(shown), yLabel: shown }, ''), {
        uiState: new Map(),
        outputId: 'compare-chart',
      }) as View<unknown>;
    }
    table = createChartView(tableHost, chartPayload(tableOf(payload.runs), ''), {
      uiState: new Map(),
      outputId: 'compare-table',
    }) as View<unknown>;
  };
  render();
  return {
    update(next) {
      payload = next;
      render();
    },
    refreshTheme() {
      chart?.refreshTheme();
    },
    dispose() {
      chart?.dispose();
      table?.dispose();
      host.replaceChildren();
    },
  };
}

/** Fit logs are per epoch; a `tfnb.log` scalar's steps are the cell's own. */
function xLabelOf(metric: string): string {
  return /(^|\/)(val_)?(loss|acc|accuracy|mae|mse)$/.test(metric) ? 'epoch' : 'step';
}

/** Run, status, parameters, final metrics: one row per run. */
export function tableOf(runs: readonly CompareRun[]): {
  kind: 'table';
  title: string;
  headers: string[];
  rows: Array<Array<string | number | null>>;
} {
  const params: string[] = [];
  const finals: string[] = [];
  for (const run of runs) {
    for (const p of Object.keys(run.parameters)) if (!params.includes(p)) params.push(p);
    for (const m of Object.keys(run.metrics)) if (!finals.includes(m)) finals.push(m);
  }
  const labels = runLabels(runs);
  const orderedFinals = metricsOf(runs).filter((m) => finals.includes(m));
  for (const m of finals) if (!orderedFinals.includes(m)) orderedFinals.push(m);
  return {
    kind: 'table',
    title: 'Parameters and final metrics',
    headers: ['run', 'status', ...params, ...orderedFinals],
    rows: runs.map((run) => [
      labels.get(run.id)!,
      run.status,
      ...params.map((p) => (p in run.parameters ? parameterCell(run.parameters[p]) : null)),
      ...orderedFinals.map((m) => run.metrics[m] ?? null),
    ]),
  };
}

function parameterCell(v: unknown): string | number {
  return typeof v === 'number' ? v : typeof v === 'string' ? v : JSON.stringify(v);
}
