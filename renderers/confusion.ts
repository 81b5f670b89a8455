/**
 * Confusion matrix (rows = true class, columns = predicted) with a counts / row-normalised
 * toggle, a colour scale that follows the theme's chart colour, cell details on hover
 * (title) and keyboard focus (arrow keys), and a classification report beside it. Past 100
 * classes the matrix is a canvas heatmap: 250,000 table cells took seconds to lay out.
 */
import { classReport, type ClassReport } from './classMetrics';
import { gridKeyMove, h, hasModifier, heading, segmented } from './dom';
import { formatCount, formatMetric, formatPercent } from './format';
import { heatmap } from './heatmap';
import type { ConfusionView } from './payloads';
import { redrawingView, type CreateView } from './view';

type Mode = 'counts' | 'normalized';

/** Above this many classes the cells show colour only (values stay in title and status). */
const MAX_CLASSES_WITH_TEXT = 30;
/** Above this many classes the matrix is drawn on a canvas instead of as a table. */
const MAX_CLASSES_AS_TABLE = 100;

function formatCell(value: number): string {
  return Number.isInteger(value) ? formatCount(value) : formatMetric(value);
}

function cellDetail(cm: ConfusionView, rowTotals: number[], i: number, j: number): string {
  const count = cm.matrix[i]![j]!;
  const share = rowTotals[i]! > 0 ? count / rowTotals[i]! : null;
  return `true ${cm.classes[i]}, predicted ${cm.classes[j]}: ${formatCell(count)} (${formatPercent(share)} of true ${cm.classes[i]})`;
}

/** Many classes: one canvas pixel per cell, with the heatmap's hover and arrow-key details. */
function matrixHeatmap(cm: ConfusionView, mode: Mode): HTMLElement {
  const n = cm.classes.length;
  const rowTotals = cm.matrix.map((row) => row.reduce((a, b) => a + b, 0));
  const data = cm.matrix.flatMap((row, i) =>
    row.map((count) => (mode === 'counts' ? count : rowTotals[i]! > 0 ? count / rowTotals[i]! : 0)),
  );
  return heatmap({
    rows: n,
    cols: n,
    data,
    colorMap: 'viridis',
    maxSize: 500,
    label: `Confusion matrix, ${n} classes (${mode === 'counts' ? 'counts' : 'normalised by row'}): rows are true classes, columns predicted classes`,
    xLabel: 'predicted',
    yLabel: 'true',
    describeCell: (i, j) => cellDetail(cm, rowTotals, i, j),
  });
}

function matrixView(cm: ConfusionView, mode: Mode, status: HTMLElement): HTMLElement {
  const canvas = cm.classes.length > MAX_CLASSES_AS_TABLE;
  status.hidden = canvas; // the heatmap has a status line of its own
  return canvas ? matrixHeatmap(cm, mode) : matrixTable(cm, mode, status);
}

function matrixTable(cm: ConfusionView, mode: Mode, status: HTMLElement): HTMLTableElement {
  const n = cm.classes.length;
  const rowTotals = cm.matrix.map((row) => row.reduce((a, b) => a + b, 0));
  // reduce, not Math.max(...): 500 classes are 250,000 cells, too many arguments for a spread.
  const maxCount = cm.matrix.reduce((m, row) => row.reduce((a, b) => Math.max(a, b), m), 0);
  const showText = n <= MAX_CLASSES_WITH_TEXT;
  const table = h('table', {
    class: `tfnb-cm${n > 6 ? ' tfnb-cm-vertical' : ''}${showText ? '' : ' tfnb-cm-dense'}`,
    attrs: { 'aria-label': `Confusion matrix, ${n} classes: rows are true classes, columns predicted classes` },
  });
  const head = h('tr', {}, h('th', { class: 'tfnb-corner', text: 'true ╲ predicted' }));
  for (const label of cm.classes)
    head.appendChild(h('th', { attrs: { scope: 'col' }, title: `predicted ${label}` }, h('span', { text: label })));
  const body = h('tbody');
  const cells: HTMLTableCellElement[][] = [];
  cm.matrix.forEach((row, i) => {
    const tr = h('tr', {}, h('th', { attrs: { scope: 'row' }, title: `true ${cm.classes[i]}`, text: cm.classes[i] }));
    cells.push(
      row.map((count, j) => {
        const share = rowTotals[i]! > 0 ? count / rowTotals[i]! : 0;
        const scaled = mode === 'counts' ? (maxCount > 0 ? count / maxCount : 0) : share;
        // A faint floor keeps small non-zero cells (the interesting mistakes) visible.
        const intensity = count > 0 ? 0.08 + 0.92 * scaled : 0;
        const detail = cellDetail(cm, rowTotals, i, j);
        const td = h('td', {
          class: `${i === j ? 'tfnb-cm-diagonal' : ''}${intensity > 0.55 ? ' tfnb-cm-strong' : ''}`,
          text: showText ? (mode === 'counts' ? formatCell(count) : formatPercent(rowTotals[i]! > 0 ? share : null, 0)) : '',
          title: detail,
          attrs: { tabindex: i === 0 && j === 0 ? 0 : -1, 'data-row': i, 'data-col': j, 'aria-label': detail },
        });
        // Only numbers reach the style: the mix percentage is computed here. Empty cells get
        // none (500 classes are 250,000 cells, most of them 0).
        if (intensity > 0) td.style.backgroundColor = `color-mix(in srgb, var(--tfnb-accent) ${Math.round(intensity * 100)}%, transparent)`;
        tr.appendChild(td);
        return td;
      }),
    );
    body.appendChild(tr);
  });
  // One listener for all cells (not two per cell): the status line names the cell under the
  // mouse or with focus.
  const showDetail = (event: Event): void => {
    const label = (event.target as HTMLElement).closest?.('td[data-row]')?.getAttribute('aria-label');
    if (label) status.textContent = label;
  };
  body.addEventListener('mouseover', showDetail);
  body.addEventListener('focusin', showDetail);
  // Roving focus: one cell is in the Tab order, arrow keys move within the matrix.
  body.addEventListener('keydown', (event) => {
    if (hasModifier(event)) return;
    const target = event.target as HTMLElement;
    const row = Number(target.dataset['row']);
    const col = Number(target.dataset['col']);
    if (!Number.isInteger(row) || !Number.isInteger(col)) return;
    const move = gridKeyMove(event.key, row, col, n, n);
    if (!move) return;
    event.preventDefault();
    const next = cells[move[0]]![move[1]]!;
    target.tabIndex = -1;
    next.tabIndex = 0;
    next.focus();
  });
  table.append(h('thead', {}, head), body);
  return table;
}

function reportTable(report: ClassReport): HTMLTableElement {
  const table = h('table', { class: 'tfnb-report', attrs: { 'aria-label': 'Per-class precision, recall, F1 and support' } });
  table.appendChild(
    h(
      'thead',
      {},
      h('tr', {}, ...['class', 'precision', 'recall', 'F1', 'support'].map((t) => h('th', { attrs: { scope: 'col' }, text: t }))),
    ),
  );
  const body = h('tbody');
  const numbers = (values: Array<number | null>, support: number): HTMLTableCellElement[] => [
    ...values.map((v) => h('td', { text: v === null ? '—' : v.toFixed(3) })),
    h('td', { text: formatCell(support) }),
  ];
  for (const r of report.rows) {
    body.appendChild(
      h(
        'tr',
        { attrs: { 'data-class': r.label } },
        h('th', { attrs: { scope: 'row' }, text: r.label }),
        ...numbers([r.precision, r.recall, r.f1], r.support),
      ),
    );
  }
  const foot = h('tbody', { class: 'tfnb-report-summary' });
  foot.appendChild(
    h(
      'tr',
      { attrs: { 'data-class': 'accuracy' } },
      h('th', { attrs: { scope: 'row' }, text: 'accuracy' }),
      h('td'),
      h('td'),
      h('td', { text: report.accuracy === null ? '—' : report.accuracy.toFixed(3) }),
      h('td', { text: formatCell(report.total) }),
    ),
  );
  for (const [name, avg] of [
    ['macro avg', report.macro],
    ['weighted avg', report.weighted],
  ] as const) {
    foot.appendChild(
      h(
        'tr',
        { attrs: { 'data-class': name } },
        h('th', { attrs: { scope: 'row' }, text: name }),
        ...numbers([avg.precision, avg.recall, avg.f1], avg.support),
      ),
    );
  }
  table.append(body, foot);
  return table;
}

export const createConfusionView: CreateView<ConfusionView> = (host, initial) => {
  let payload = initial;
  let mode: Mode = 'counts';

  const render = (): void => {
    const report = classReport(payload.classes, payload.matrix, payload);
    const status = h('div', {
      class: 'tfnb-status',
      attrs: { 'aria-live': 'polite' },
      text: 'Hover or focus a cell for details; arrow keys move between cells.',
    });
    const slot = h('div', { class: 'tfnb-cm-wrap' }, matrixView(payload, mode, status));
    const toggle = segmented(
      'Confusion matrix values',
      [
        { value: 'counts', label: 'Counts' },
        { value: 'normalized', label: 'Normalised by row' },
      ],
      mode,
      (next) => {
        mode = next;
        slot.replaceChildren(matrixView(payload, mode, status));
      },
    );
    host.replaceChildren(
      heading(
        payload.title,
        'Confusion matrix',
        h('span', { class: 'tfnb-muted', text: `${formatCell(report.total)} samples · accuracy ${formatPercent(report.accuracy)}` }),
      ),
      h('div', { class: 'tfnb-toolbar' }, toggle.element),
      h('div', { class: 'tfnb-cm-layout' }, slot, reportTable(report)),
      status,
    );
  };

  // Colours are CSS (color-mix with the theme's chart colour): a theme change redraws nothing.
  return redrawingView(host, render, (next) => {
    payload = next;
  });
};
