/**
 * A uPlot line/scatter chart themed from VS Code's variables, sized to its container.
 * Data is uPlot's aligned form: [x, y1, y2, …] with null gaps. setData() is the cheap path
 * for live updates; a change of series or scale rebuilds the plot (series hidden from the
 * legend stay hidden). The chart never takes keyboard focus on a click or a drag-zoom and
 * lets every mouse and key event bubble, so the notebook webview hands keys to VS Code.
 */
import uPlot from 'uplot';
import { legendKeyboardPlugin } from './chartLegend';
import { DRAW_ERROR_EVENT, h } from './dom';
import { logSplits } from './logTicks';
import { canvasFont, chartColors, withAlpha } from './theme';

export type AlignedData = [number[], ...Array<Array<number | null>>];

export interface LineSeriesStyle {
  label: string;
  /** Index into the theme's series colours. */
  color: number;
  alpha?: number;
  width?: number;
  dash?: number[];
  /** Draw a marker at every point (epoch values, scatter). */
  points?: boolean;
  /** Draw the connecting line (false for scatter). */
  line?: boolean;
}

export interface LineChartConfig {
  series: LineSeriesStyle[];
  label: string;
  xLabel?: string;
  yLabel?: string;
  logY: boolean;
  height: number;
  /** Formats x tick values (e.g. category names). */
  formatX?: (value: number) => string;
  /** Allowed x tick steps (e.g. whole epochs); uPlot's default otherwise. */
  xIncrements?: number[];
}

const MIN_WIDTH = 240;

export class LineChart {
  readonly element: HTMLElement;
  private plot: uPlot | null = null;
  private readonly resizeObserver: ResizeObserver;
  private config: LineChartConfig;
  private data: AlignedData;
  /** Labels of the series the user hid from the legend; kept across rebuilds. */
  private readonly hidden = new Set<string>();

  constructor(config: LineChartConfig, data: AlignedData) {
    this.config = config;
    this.data = data;
    // A figure, not an img: an img's content is hidden from assistive tech, and the legend
    // inside holds real controls. The plot area itself is marked aria-hidden after build.
    this.element = h('div', { class: 'tfnb-chart', attrs: { role: 'figure', 'aria-label': config.label } });
    this.resizeObserver = new ResizeObserver(() => {
      try {
        this.fit();
      } catch {
        // A failed resize keeps the old size; the next update redraws.
      }
    });
    this.resizeObserver.observe(this.element);
    // Built lazily: uPlot measures the container, which has no width until it is in the page.
    queueMicrotask(() => {
      try {
        if (!this.plot) this.build();
      } catch (error) {
        this.element.dispatchEvent(new CustomEvent(DRAW_ERROR_EVENT, { bubbles: true, detail: error }));
      }
    });
  }

  setData(data: AlignedData, label?: string): void {
    this.data = data;
    if (label) this.element.setAttribute('aria-label', label);
    if (this.plot) this.plot.setData(data);
    else this.build();
    this.element.dataset['points'] = String(data[0].length);
  }

  reconfigure(config: LineChartConfig, data: AlignedData): void {
    this.config = config;
    this.data = data;
    this.element.setAttribute('aria-label', config.label);
    this.build();
  }

  refreshTheme(): void {
    this.build();
  }

  destroy(): void {
    this.resizeObserver.disconnect();
    this.plot?.destroy();
    this.plot = null;
  }

  private width(): number {
    return Math.max(MIN_WIDTH, Math.floor(this.element.clientWidth || this.element.parentElement?.clientWidth || 600));
  }

  private fit(): void {
    if (!this.plot) return;
    const width = this.width();
    if (Math.abs(width - this.plot.width) > 1) this.plot.setSize({ width, height: this.config.height });
  }

  private build(): void {
    this.plot?.destroy();
    const { config } = this;
    const colors = chartColors(this.element);
    const font = canvasFont(this.element);
    const axis = (label: string | undefined, extra: uPlot.Axis): uPlot.Axis => ({
      stroke: colors.muted,
      grid: { stroke: colors.grid, width: 1 },
      ticks: { stroke: colors.grid, width: 1 },
      font,
      labelFont: font,
      ...(label ? { label, labelSize: 18, labelGap: 0 } : {}),
      ...extra,
    });
    const xAxis = axis(config.xLabel, {
      size: 30,
      ...(config.formatX ? { values: (_u: uPlot, splits: number[]) => splits.map(config.formatX!) } : {}),
      ...(config.xIncrements ? { incrs: config.xIncrements } : {}),
    });
    const formatX = config.formatX ?? ((v: number) => String(Number(v.toPrecision(6))));
    const series: uPlot.Series[] = [
      { label: config.xLabel ?? 'x', value: (_u: uPlot, v: number | null) => (v === null || v === undefined ? '—' : formatX(v)) },
      ...config.series.map((s): uPlot.Series => {
        // High-contrast themes have no faint lines: a translucent series (training's batch values) takes the foreground colour.
        const faint = s.alpha !== undefined && s.alpha < 1;
        const color =
          faint && colors.highContrast ? colors.foreground : withAlpha(colors.series[s.color % colors.series.length]!, s.alpha ?? 1);
        return {
          label: s.label,
          show: !this.hidden.has(s.label),
          stroke: color,
          width: s.width ?? 1.5,
          spanGaps: true,
          ...(s.dash ? { dash: s.dash } : {}),
          ...(s.line === false ? { paths: () => null } : {}),
          points: s.points
            ? { show: true, size: s.line === false ? 4 : 6, stroke: color, fill: s.line === false ? color : colors.background }
            : { show: false },
          value: (_u: uPlot, v: number | null) => (v === null || v === undefined ? '—' : String(Number(v.toPrecision(4)))),
        };
      }),
    ];
    const options: uPlot.Options = {
      width: this.width(),
      height: config.height,
      series,
      scales: { x: { time: false }, y: config.logY ? { distr: 3, log: 10 } : { distr: 1 } },
      axes: [xAxis, axis(config.yLabel, config.logY ? { splits: logSplits } : {})],
      legend: { show: true, live: true },
      // uPlot swallows the click that ends a drag-zoom (stopPropagation); let it bubble so
      // the notebook webview sees the output was clicked, like any other click.
      cursor: { drag: { x: true, y: false, click: () => undefined } },
      plugins: [
        legendKeyboardPlugin((index, shown) => {
          const label = series[index]?.label;
          if (typeof label !== 'string') return;
          if (shown) this.hidden.delete(label);
          else this.hidden.add(label);
        }),
      ],
    };
    this.plot = new uPlot(options, this.data, this.element);
    // Canvas, cursor and selection say nothing to a screen reader; the figure's label does.
    this.plot.root.querySelector('.u-wrap')?.setAttribute('aria-hidden', 'true');
    this.element.dataset['points'] = String(this.data[0].length);
    // What uPlot actually uses, for tests and debugging.
    this.element.dataset['yScale'] = this.plot.scales['y']?.distr === 3 ? 'log' : 'linear';
    this.element.dataset['axisColor'] = colors.muted;
  }
}
