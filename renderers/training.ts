/**
 * Live training curves. The kernel replaces this output in place while fit() runs, so
 * update() only patches text, the progress bar and the chart's data; the chosen metric,
 * log scale and batch toggle live in env.uiState and survive updates and re-mounts.
 */
import { checkbox, h, heading, listen } from './dom';
import { formatDuration, formatEpochMetric } from './format';
import { LineChart, type LineChartConfig, type LineSeriesStyle } from './lineChart';
import type { TrainingView } from './payloads';
import { baseMetrics, buildCurve, type Curve } from './trainingData';
import type { CreateView } from './view';

interface TrainingUiState {
  metric: string | null;
  logY: boolean;
  showBatches: boolean;
  stopRequested: boolean;
}

/** Batch points given to the chart at most (min/max decimated beyond this). */
const MAX_BATCH_POINTS = 2000;
const CHART_HEIGHT = 260;

type Progress = NonNullable<TrainingView['progress']>;

function progressFraction(p: Progress): number | null {
  if (p.done) return 1;
  if (!p.totalEpochs) return null;
  const withinEpoch = p.batchesPerEpoch ? Math.min(1, p.batch / p.batchesPerEpoch) : 0;
  return Math.min(1, (p.epoch - 1 + withinEpoch) / p.totalEpochs);
}

function progressText(p: Progress, epochsDone: number): string {
  if (p.done) {
    const what = p.stopped
      ? `Stopped after ${epochsDone} epoch${epochsDone === 1 ? '' : 's'}`
      : `Done: ${epochsDone} epoch${epochsDone === 1 ? '' : 's'}`;
    return `${what} in ${formatDuration(p.elapsedMs)}`;
  }
  const parts = [
    `Epoch ${p.epoch}${p.totalEpochs ? `/${p.totalEpochs}` : ''}`,
    `Batch ${p.batch}${p.batchesPerEpoch ? `/${p.batchesPerEpoch}` : ''}`,
    `${formatDuration(p.elapsedMs)} elapsed`,
  ];
  const fraction = progressFraction(p);
  const eta = p.etaMs ?? (fraction && fraction > 0 ? (p.elapsedMs / fraction) * (1 - fraction) : undefined);
  if (eta !== undefined) parts.push(`~${formatDuration(eta)} left`);
  return parts.join(' · ');
}

function seriesStyles(metric: string, curve: Curve): LineSeriesStyle[] {
  return curve.series.map((kind) =>
    kind === 'batch'
      ? { label: `${metric} (batches)`, color: 0, alpha: 0.45, width: 1 }
      : kind === 'train'
        ? { label: metric, color: 0, width: 2, points: true }
        : { label: `val_${metric}`, color: 1, width: 2, dash: [6, 4], points: true },
  );
}

export const createTrainingView: CreateView<TrainingView> = (host, initial, env) => {
  const stateKey = `training:${initial.trainingId ?? env.outputId}`;
  const state: TrainingUiState = (env.uiState.get(stateKey) as TrainingUiState | undefined) ?? {
    metric: null,
    logY: false,
    showBatches: true,
    stopRequested: false,
  };
  env.uiState.set(stateKey, state);
  // A click on the chart or the text focuses the output itself, not the page's body. VS Code
  // answers a click in an output by focusing the output's first control unless the focus is
  // already inside it, and a click on the chart should not put the focus (and the arrow keys)
  // on the metric select.
  host.tabIndex = -1;
  let payload = initial;
  let chart: LineChart | null = null;
  let chartShape = '';

  const title = heading(initial.title, 'Training');
  const runState = h('span', { class: 'tfnb-muted tfnb-run-state' });
  title.appendChild(runState);
  const bar = h('div', { class: 'tfnb-progress-fill' });
  const progressBar = h(
    'div',
    { class: 'tfnb-progress', attrs: { role: 'progressbar', 'aria-label': 'Training progress', 'aria-valuemin': 0, 'aria-valuemax': 100 } },
    bar,
  );
  const progressLabel = h('span', { class: 'tfnb-progress-text' });
  const stop = h('button', { class: 'tfnb-stop', text: 'Stop', attrs: { type: 'button', title: 'Stop training after the current batch' } });
  const progressRow = h('div', { class: 'tfnb-progress-row' }, progressBar, progressLabel, stop);
  const metricSelect = h('select', { attrs: { 'aria-label': 'Metric' } });
  const metricLabel = h('label', { class: 'tfnb-select' }, 'Metric ', metricSelect);
  const logToggle = checkbox('Log scale', state.logY, (checked) => {
    state.logY = checked;
    drawChart();
  });
  const batchToggle = checkbox('Batches', state.showBatches, (checked) => {
    state.showBatches = checked;
    drawChart();
  });
  const toolbar = h('div', { class: 'tfnb-toolbar' }, metricLabel, logToggle, batchToggle);
  const chartSlot = h('div', { class: 'tfnb-chart-slot' });
  const latest = h('div', { class: 'tfnb-latest' });
  host.replaceChildren(title, progressRow, toolbar, chartSlot, latest);

  listen(metricSelect, 'change', () => {
    state.metric = metricSelect.value;
    drawChart();
  });
  listen(stop, 'click', () => {
    if (!payload.trainingId || !env.postMessage || state.stopRequested) return;
    state.stopRequested = true;
    env.postMessage({ type: 'stop-training', trainingId: payload.trainingId });
    drawStop();
  });

  /**
   * The Stop button is taken out of the page, not hidden, once training is over, and stays
   * focusable (aria-disabled, not disabled) while stopping. VS Code focuses an output by
   * focusing its first button, input or select; when that element cannot take focus, the
   * notebook asks again and again, each time taking the focus from the Command Palette, quick
   * picks and menus (issue #13). So no control here is ever disabled or hidden in place.
   */
  function drawStop(): void {
    const running = payload.progress ? !payload.progress.done : true;
    const shown = Boolean(env.postMessage && payload.trainingId && running && payload.progress);
    if (!shown) stop.remove();
    else if (!stop.isConnected) progressRow.append(stop);
    stop.setAttribute('aria-disabled', String(state.stopRequested));
    stop.textContent = state.stopRequested ? 'Stopping…' : 'Stop';
  }

  function drawProgress(): void {
    const p = payload.progress;
    progressRow.hidden = !p;
    runState.textContent = p ? (p.done ? (p.stopped ? 'stopped' : 'done') : 'running') : '';
    if (p) {
      const fraction = progressFraction(p);
      bar.style.width = fraction === null ? '100%' : `${(fraction * 100).toFixed(1)}%`;
      progressBar.classList.toggle('tfnb-indeterminate', fraction === null);
      if (fraction === null) progressBar.removeAttribute('aria-valuenow');
      else progressBar.setAttribute('aria-valuenow', (fraction * 100).toFixed(0));
      progressLabel.textContent = progressText(p, payload.epochs.length);
      progressBar.setAttribute('aria-valuetext', progressLabel.textContent);
    }
    drawStop();
  }

  function drawMetricOptions(metrics: string[]): void {
    const current = Array.from(metricSelect.options, (o) => o.value);
    if (current.join('\n') !== metrics.join('\n')) {
      metricSelect.replaceChildren(...metrics.map((m) => h('option', { text: m, attrs: { value: m } })));
    }
    if (!state.metric || !metrics.includes(state.metric)) state.metric = metrics[0] ?? null;
    if (state.metric) metricSelect.value = state.metric;
    // aria-disabled, not disabled: see drawStop.
    metricSelect.setAttribute('aria-disabled', String(metrics.length < 2));
    batchToggle.hidden = !(payload.batches?.length && payload.progress?.batchesPerEpoch);
  }

  function drawLatest(): void {
    const last = payload.epochs[payload.epochs.length - 1];
    if (!last) {
      latest.textContent = payload.progress && !payload.progress.done ? 'Waiting for the first epoch to finish…' : 'No epochs finished.';
      return;
    }
    const entries = Object.entries(last).filter(([k]) => k !== 'epoch');
    latest.textContent = `Epoch ${last['epoch'] ?? payload.epochs.length}: ${entries.map(([k, v]) => `${k} ${formatEpochMetric(v)}`).join(' · ')}`;
  }

  function drawChart(): void {
    const metric = state.metric;
    if (!metric) {
      chart?.destroy();
      chart = null;
      chartShape = '';
      chartSlot.replaceChildren(h('div', { class: 'tfnb-note', text: 'No metrics yet.' }));
      return;
    }
    const curve = buildCurve(payload, metric, { logY: state.logY, showBatches: state.showBatches, maxBatchPoints: MAX_BATCH_POINTS });
    const label = `Training curve of ${metric}${curve.series.includes('val') ? ` and val_${metric}` : ''} over ${payload.epochs.length} epochs; latest ${metric} ${formatEpochMetric(curve.lastTrain)}${curve.series.includes('val') ? `, val_${metric} ${formatEpochMetric(curve.lastVal)}` : ''}`;
    const shape = `${metric}|${state.logY}|${curve.series.join(',')}`;
    if (chart && shape === chartShape) {
      chart.setData(curve.data, label);
      return;
    }
    const config: LineChartConfig = {
      series: seriesStyles(metric, curve),
      label,
      xLabel: 'epoch',
      yLabel: metric,
      logY: state.logY,
      height: CHART_HEIGHT,
      xIncrements: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000],
    };
    if (chart) chart.reconfigure(config, curve.data);
    else {
      chart = new LineChart(config, curve.data);
      chartSlot.replaceChildren(chart.element);
    }
    chartShape = shape;
  }

  function render(): void {
    drawProgress();
    drawMetricOptions(baseMetrics(payload));
    drawLatest();
    drawChart();
  }

  render();
  return {
    update(next) {
      payload = next;
      if (payload.progress?.done) state.stopRequested = false;
      render();
    },
    refreshTheme() {
      chart?.refreshTheme();
    },
    dispose() {
      chart?.destroy();
      host.replaceChildren();
    },
  };
};
