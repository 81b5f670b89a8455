/**
 * Keyboard access to uPlot's legend: every data series' legend entry is a toggle button
 * (Tab reaches it, Enter or Space shows or hides the series, aria-pressed says whether it
 * is shown). uPlot already toggles on click; this adds the keyboard and the state.
 * Keys other than a plain Enter or Space are left alone (no preventDefault, no
 * stopPropagation) so VS Code's shortcuts (F1, Ctrl+Shift+P, …) still reach the workbench.
 */
import type uPlot from 'uplot';
import { hasModifier, listen } from './dom';

interface LegendToggle {
  /** Index into u.series (≥ 1: the x series is not toggled). */
  index: number;
  element: HTMLElement;
}

/** The legend entry (th) of each data series. The x series has a row only in a live legend. */
function legendToggles(u: uPlot): LegendToggle[] {
  const rows = Array.from(u.root.querySelectorAll<HTMLTableRowElement>('.u-legend tr.u-series'));
  const offset = u.series.length - rows.length;
  const toggles: LegendToggle[] = [];
  rows.forEach((row, k) => {
    const element = row.querySelector('th');
    if (k + offset >= 1 && element) toggles.push({ index: k + offset, element });
  });
  return toggles;
}

function syncPressed(u: uPlot): void {
  for (const { index, element } of legendToggles(u)) element.setAttribute('aria-pressed', String(u.series[index]?.show !== false));
}

function makeAccessible(u: uPlot): void {
  // A layout table: the entries are the controls, the table adds nothing for assistive tech.
  u.root.querySelector('.u-legend')?.setAttribute('role', 'presentation');
  for (const { index, element } of legendToggles(u)) {
    const label = element.textContent ?? '';
    element.tabIndex = 0;
    element.setAttribute('role', 'button');
    // The name is the series label alone (not the live legend's ":" from CSS).
    element.setAttribute('aria-label', label);
    element.title = `Show or hide ${label} (click, Enter or Space)`;
    listen(element, 'keydown', (event) => {
      if ((event.key !== 'Enter' && event.key !== ' ') || hasModifier(event) || event.repeat) return;
      event.preventDefault(); // Space would scroll the output
      u.setSeries(index, { show: !u.series[index]!.show });
    });
  }
  syncPressed(u);
}

/** A uPlot plugin: legend entries become toggle buttons; `onToggle` hears every show/hide. */
export function legendKeyboardPlugin(onToggle: (seriesIndex: number, shown: boolean) => void): uPlot.Plugin {
  return {
    hooks: {
      init: (u) => makeAccessible(u),
      setSeries: (u, seriesIndex, options) => {
        syncPressed(u);
        if (seriesIndex !== null && options.show !== undefined) onToggle(seriesIndex, options.show);
      },
    },
  };
}
