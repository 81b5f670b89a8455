/**
 * The values of a tensor as grids, summarised like NumPy's print (see tensorValues.ts);
 * headers show the real indices.
 */
import { h } from './dom';
import { tensorValueFormatter } from './format';
import { PayloadError } from './validate';
import { axisIndices, collectLeaves, summariseValues } from './tensorValues';

const MAX_SLICES = 200;

type Format = (value: unknown) => string;

function labelOf(index: number | null): string {
  return index === null ? '…' : String(index);
}

function cell(value: unknown, format: Format, position: string): HTMLTableCellElement {
  const text = format(value);
  const nonFinite = text === 'nan' || text === 'inf' || text === '-inf';
  return h('td', { class: nonFinite ? 'tfnb-nonfinite' : undefined, text, title: `${position} = ${text}` });
}

/** A 1-D (one row) or 2-D grid. `prefix` holds the indices of the leading axes. */
function grid2d(
  rows: unknown[][] | null,
  row: unknown[] | null,
  shape: number[],
  prefix: number[],
  format: Format,
  where: string,
): HTMLTableElement {
  const twoD = rows !== null;
  const rowItems: unknown[] = twoD ? rows : [row];
  const rowIndex = twoD ? axisIndices(shape[0]!, rowItems, where) : [null];
  const colLength = shape[twoD ? 1 : 0]!;
  const firstRow = rowItems.find((items) => items !== null);
  const colIndex = Array.isArray(firstRow) ? axisIndices(colLength, firstRow, `${where}[0]`) : [];
  const table = h('table', { class: 'tfnb-values' });
  const body = h('tbody');
  rowItems.forEach((items, r) => {
    const tr = h('tr');
    if (twoD) tr.appendChild(h('th', { attrs: { scope: 'row' }, text: labelOf(rowIndex[r]!) }));
    if (items === null) {
      tr.className = 'tfnb-elided-row';
      tr.appendChild(h('td', { text: '⋮', attrs: { colspan: Math.max(1, colIndex.length) } }));
      body.appendChild(tr);
      return;
    }
    if (!Array.isArray(items)) throw new PayloadError(`${where}[${r}]: expected an array`);
    const cols = axisIndices(colLength, items, twoD ? `${where}[${r}]` : where);
    if (cols.length !== colIndex.length) throw new PayloadError(`${where}[${r}]: rows differ in length`);
    items.forEach((value, c) => {
      if (cols[c] === null) {
        tr.appendChild(h('td', { class: 'tfnb-elided', text: '…' }));
        return;
      }
      const position = `[${[...prefix, ...(twoD ? [rowIndex[r]!] : []), cols[c]!].join(', ')}]`;
      tr.appendChild(cell(value, format, position));
    });
    body.appendChild(tr);
  });
  const head = h('tr', {}, twoD ? h('th', { class: 'tfnb-corner' }) : null);
  for (const index of colIndex) head.appendChild(h('th', { attrs: { scope: 'col' }, text: labelOf(index) }));
  table.append(h('thead', {}, head), body);
  return table;
}

/** Values of any rank as grids (rank ≥ 3: one 2-D grid per leading index). */
export function valuesGrid(allValues: unknown, shape: number[], dtype: string): HTMLElement {
  const { values, summarised } = summariseValues(allValues, shape);
  const grid = valuesGridOf(values, shape, dtype);
  return summarised
    ? h(
        'div',
        {},
        grid,
        h('div', { class: 'tfnb-note', text: 'Only the edge values of long axes are shown (the payload held every value).' }),
      )
    : grid;
}

function valuesGridOf(values: unknown, shape: number[], dtype: string): HTMLElement {
  const leaves: unknown[] = [];
  collectLeaves(values, shape.length, 'values', leaves);
  const format = tensorValueFormatter(leaves, dtype);
  if (shape.length === 0) return h('div', { class: 'tfnb-scalar', text: format(values) });
  if (shape.length === 1) return h('div', { class: 'tfnb-values-scroll' }, grid2d(null, values as unknown[], shape, [], format, 'values'));
  if (shape.length === 2)
    return h('div', { class: 'tfnb-values-scroll' }, grid2d(values as unknown[][], null, shape, [], format, 'values'));

  const box = h('div', { class: 'tfnb-values-scroll tfnb-slices' });
  let slices = 0;
  const walk = (items: unknown[], axis: number, prefix: number[], where: string): void => {
    const indices = axisIndices(shape[axis]!, items, where);
    items.forEach((item, i) => {
      if (slices >= MAX_SLICES) return;
      const index = indices[i]!;
      if (index === null) {
        const hidden = shape[axis]! - (items.length - 1);
        box.appendChild(h('div', { class: 'tfnb-elided-slices', text: `⋮ ${hidden} more along axis ${axis}` }));
        return;
      }
      const next = [...prefix, index];
      if (axis === shape.length - 3) {
        slices++;
        const label = `[${[...next, ':', ':'].join(', ')}]`;
        box.appendChild(h('div', { class: 'tfnb-slice-label', text: label }));
        box.appendChild(grid2d(item as unknown[][], null, shape.slice(-2), next, format, `${where}[${i}]`));
      } else walk(item as unknown[], axis + 1, next, `${where}[${i}]`);
    });
  };
  walk(values as unknown[], 0, [], 'values');
  if (slices >= MAX_SLICES) box.appendChild(h('div', { class: 'tfnb-note', text: `Showing the first ${MAX_SLICES} slices.` }));
  return box;
}
