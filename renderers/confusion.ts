/**
 * Confusion matrix (rows = true class, columns = predicted) with a counts / row-normalised
 * toggle, a colour scale that follows the theme's chart colour, cell details on hover
 * (title) and keyboard focus (arrow keys), and a classification report beside it.
 */
import { classReport, type ClassReport } from './classMetrics';
import { h, heading, segmented } from './dom';
import { formatCount, formatMetric, formatPercent } from './format';
import type { ConfusionView } from './payloads';
import type { CreateView } from './view';

type Mode = 'counts' | 'normalized';

/** Above this many classes the cells show colour only (values stay in title and status). */
const MAX_CLASSES_WITH_TEXT = 30;

function formatCell(value: number): string {
  return Number.isInteger(value) ? formatCount(value) : formatMetric(value);
}

function matrixTable(cm: ConfusionView, mode: Mode, status: HTMLElement): HTMLTableElement {
  const n = cm.classes.length;
  const rowTotals = cm.matrix.map((row) => row.reduce((a, b) => a + b, 0));
  const maxCount = Math.max(0, ...cm.matrix.flat());
  const showText = n <= MAX_CLASSES_WITH_TEXT;
  const table = h('table', {
    class: `tfnb-cm${n > 6 ? ' tfnb-cm-vertical' : ''}${showText ? '' : ' tfnb-cm-dense'}`,
    attrs: { 'aria-label': `Confusion matrix, ${n} classes: rows are true classes, columns predicted classes` },
  });
  const head = h('tr', {}, h('th', { class: 'tfnb-corner', text: 'true ╲ predicted' }));
  for (const label of cm.classes) head.appendChild(h('th', { attrs: { scope: 'col' }, title: `predicted ${label}` }, h('span', { text: label })));
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
        const detail = `true ${cm.classes[i]}, predicted ${cm.classes[j]}: ${formatCell(count)} (${formatPercent(rowTotals[i]! > 0 ? share : null)} of true ${cm.classes[i]})`;
        const td = h('td', {
          class: `${i === j ? 'tfnb-cm-diagonal' : ''}${intensity > 0.55 ? ' tfnb-cm-strong' : ''}`,
          text: showText ? (mode === 'counts' ? formatCell(count) : formatPercent(rowTotals[i]! > 0 ? share : null, 0)) : '',
          title: detail,
          attrs: { tabindex: i === 0 && j === 0 ? 0 : -1, 'data-row': i, 'data-col': j, 'aria-label': detail },
        });
        // Only numbers reach the style: the mix percentage is computed here.
        td.style.backgroundColor = `color-mix(in srgb, var(--tfnb-accent) ${Math.round(intensity * 100)}%, transparent)`;
        const showDetail = (): void => {
          status.textContent = detail;
        };
        td.addEventListener('mouseenter', showDetail);
        td.addEventListener('focus', showDetail);
        tr.appendChild(td);
        return td;
      }),
    );
    body.appendChild(tr);
  });
  // Roving focus: one cell is in the Tab order, arrow keys move within the matrix.
  body.addEventListener('keydown', (event) => {
    const target = event.target as HTMLElement;
    const row = Number(target.dataset['row']);
    const col = Number(target.dataset['col']);
    if (!Number.isInteger(row) || !Number.isInteger(col)) return;
    const moves: Record<string, [number, number]> = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1], Home: [-n, -n], End: [n, n] };
    const move = moves[event.key];
    if (!move) return;
    event.preventDefault();
    const next = cells[Math.min(n - 1, Math.max(0, row + move[0]))]![Math.min(n - 1, Math.max(0, col + move[1]))]!;
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
    h('thead', {}, h('tr', {}, ...['class', 'precision', 'recall', 'F1', 'support'].map((t) => h('th', { attrs: { scope: 'col' }, text: t })))),
  );
  const body = h('tbody');
  const numbers = (values: Array<number | null>, support: number): HTMLTableCellElement[] => [
    ...values.map((v) => h('td', { text: v === null ? '—' : v.toFixed(3) })),
    h('td', { text: formatCell(support) }),
  ];
  for (const r of report.rows) {
    body.appendChild(h('tr', { attrs: { 'data-class': r.label } }, h('th', { attrs: { scope: 'row' }, text: r.label }), ...numbers([r.precision, r.recall, r.f1], r.support)));
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
  for (const [name, avg] of [['macro avg', report.macro], ['weighted avg', report.weighted]] as const) {
    foot.appendChild(h('tr', { attrs: { 'data-class': name } }, h('th', { attrs: { scope: 'row' }, text: name }), ...numbers([avg.precision, avg.recall, avg.f1], avg.support)));
  }
  table.append(body, foot);
  return table;
}

export const createConfusionView: CreateView<ConfusionView> = (host, initial) => {
  let payload = initial;
  let mode: Mode = 'counts';

  const render = (): void => {
    const report = classReport(payload.classes, payload.matrix, payload);
    const status = h('div', { class: 'tfnb-status', attrs: { 'aria-live': 'polite' }, text: 'Hover or focus a cell for details; arrow keys move between cells.' });
    const slot = h('div', { class: 'tfnb-cm-wrap' }, matrixTable(payload, mode, status));
    const toggle = segmented(
      'Confusion matrix values',
      [
        { value: 'counts', label: 'Counts' },
        { value: 'normalized', label: 'Normalised by row' },
      ],
      mode,
      (next) => {
        mode = next;
        slot.replaceChildren(matrixTable(payload, mode, status));
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

  render();
  return {
    update(next) {
      payload = next;
      render();
    },
    refreshTheme() {
      // Colours are CSS (color-mix with the theme's chart colour): nothing to redraw.
    },
    dispose() {
      host.replaceChildren();
    },
  };
};
