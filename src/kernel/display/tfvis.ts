/**
 * The `tfvis` object: tfjs-vis's render/show/metrics/visor, drawing inline in the notebook. Each
 * call computes a bounded payload in the kernel and displays it on the container's output.
 */
import type { ChartPayload, ChartSeries } from '../../protocol/mime';
import { clip } from './budget';
import { chartBundle } from './charts';
import { toColorMapName } from './colormap';
import { confusionBundle } from './confusionBundle';
import type { ResolvedContext, Tf } from './displayContext';
import { isLayersModel, isLayer, isTensor } from './detect';
import { createFitCallbacks } from './fitCallbacks';
import { historyPayload } from './history';
import * as m from './metrics';
import { modelSummaryBundle } from './modelSummary';
import { SurfaceOutputs, createVisor, surfaceTitle, type Drawable } from './surfaces';
import { computeHistogram, computeStats, publicStats } from './tensorData';
import { trainingBundle } from './trainingOutput';
import type { TrainingRuns } from './trainingCharts';
import type { HeatmapData, HistogramOptions, Point2D, TableData, Tfvis, XYPlotData } from '../../api/tfvis';

async function numbersOf(x: unknown, what: string, tf: Tf): Promise<number[]> {
  if (isTensor(x, tf)) return Array.from((await x.data()) as ArrayLike<number>, Number);
  if (Array.isArray(x) && x.length > 0 && typeof x[0] === 'object' && x[0] !== null && 'value' in x[0])
    return x.map((d: { value: unknown }) => Number(d.value));
  if (Array.isArray(x) || ArrayBuffer.isView(x)) return Array.from(x as ArrayLike<unknown>, Number);
  throw new TypeError(`${what} must be an array of numbers, an array of {value}, a typed array or a tensor`);
}

function xySeries(data: XYPlotData): ChartSeries[] {
  if (!data || !Array.isArray(data.values)) throw new TypeError('data.values must be an array of {x, y} points or an array of such arrays');
  const nested = (data.values.length > 0 && Array.isArray(data.values[0]) ? data.values : [data.values]) as Point2D[][];
  const names = data.series ?? nested.map((_, i) => `Series ${i + 1}`);
  if (names.length !== nested.length) throw new Error('Must have an equal number of series labels as there are data series');
  return nested.map((points, i) => ({ name: String(names[i]), points: points.map((p) => ({ x: Number(p.x), y: Number(p.y) })) }));
}

/** Row-major grid from tfjs-vis heatmap data (`values[x][y]` unless rowMajor). */
async function heatmapGrid(data: HeatmapData, rowMajor: boolean, tf: Tf): Promise<{ rows: number; cols: number; data: number[] }> {
  let outer: number, inner: number, at: (i: number, j: number) => number;
  if (isTensor(data.values, tf)) {
    if (data.values.rank !== 2) throw new Error('Input to renderHeatmap must be a 2d array or Tensor2d');
    const flat = (await data.values.data()) as ArrayLike<number>;
    [outer, inner] = data.values.shape as [number, number];
    at = (i, j) => flat[i * inner + j]!;
  } else if (Array.isArray(data.values)) {
    const values = data.values;
    outer = values.length;
    inner = outer ? values[0]!.length : 0;
    at = (i, j) => Number(values[i]?.[j]);
  } else {
    throw new TypeError('data.values must be a 2-D array or a Tensor2D');
  }
  const rows = rowMajor ? outer : inner,
    cols = rowMajor ? inner : outer;
  const grid = new Array<number>(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) grid[r * cols + c] = rowMajor ? at(r, c) : at(c, r);
  return { rows, cols, data: grid };
}

function tableCell(v: unknown): string | number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (typeof v === 'object' && 'shape' in v && 'dtype' in v)
    return `Tensor ${String((v as { dtype: unknown }).dtype)} [${String((v as { shape: unknown }).shape)}]`;
  try {
    return clip(JSON.stringify(v) ?? String(v), 500);
  } catch {
    return String(v);
  }
}

function shapeText(shape: ReadonlyArray<number | null>): string {
  return shape.length ? `[${shape.map((d) => d ?? 'batch').join(',')}]` : 'Scalar';
}

export function createTfvis(ctx: ResolvedContext, runs: TrainingRuns, surfaces: SurfaceOutputs): Tfvis {
  const { tf, maxPayloadBytes: max } = ctx;
  const chart = (container: Drawable, payload: ChartPayload): void => surfaces.show(container, chartBundle(payload, max));
  const title = surfaceTitle;

  const histogramPayload = (values: number[], opts: HistogramOptions, name: string | undefined): ChartPayload => {
    const stats = computeStats(values);
    const integer = values.every((v) => !Number.isFinite(v) || Number.isInteger(v));
    const hist = computeHistogram(values, stats, Math.min(1000, Math.max(1, Math.floor(opts.maxBins ?? 30))), integer) ?? {
      binEdges: [0, 1],
      counts: [0],
    };
    const payload: ChartPayload = { kind: 'histogram', ...hist, xLabel: opts.xLabel, yLabel: opts.yLabel, title: name };
    if (opts.stats !== false) {
      const given = opts.stats;
      payload.stats = given
        ? {
            ...publicStats(stats),
            min: given.min ?? stats.min,
            max: given.max ?? stats.max,
            nanCount: given.numNans ?? stats.nanCount,
            infCount: given.numInfs ?? stats.infCount,
          }
        : publicStats(stats);
    }
    return payload;
  };

  return {
    render: {
      async linechart(container, data, opts = {}) {
        chart(container, { kind: 'line', series: xySeries(data), xLabel: opts.xLabel, yLabel: opts.yLabel, title: title(container) });
      },
      async scatterplot(container, data, opts = {}) {
        chart(container, { kind: 'scatter', series: xySeries(data), xLabel: opts.xLabel, yLabel: opts.yLabel, title: title(container) });
      },
      async barchart(container, data, opts = {}) {
        if (!Array.isArray(data)) throw new TypeError('data must be an array of {index, value}');
        chart(container, {
          kind: 'bar',
          bars: data.map((d) => ({ label: String(d.index), value: Number(d.value) })),
          xLabel: opts.xLabel,
          yLabel: opts.yLabel,
          title: title(container),
        });
      },
      async histogram(container, data, opts = {}) {
        chart(container, histogramPayload(await numbersOf(data, 'data', tf), opts, title(container)));
      },
      async heatmap(container, data, opts = {}) {
        const grid = await heatmapGrid(data, opts.rowMajor === true, tf);
        if (data.xTickLabels && data.xTickLabels.length !== grid.cols)
          throw new Error(`Length of xTickLabels (${data.xTickLabels.length}) must match number of rows (${grid.cols})`);
        if (data.yTickLabels && data.yTickLabels.length !== grid.rows)
          throw new Error(`Length of yTickLabels (${data.yTickLabels.length}) must match number of columns (${grid.rows})`);
        chart(container, {
          kind: 'heatmap',
          ...grid,
          xTickLabels: data.xTickLabels?.map(String),
          yTickLabels: data.yTickLabels?.map(String),
          xLabel: opts.xLabel,
          yLabel: opts.yLabel,
          title: title(container),
          colorMap: opts.colorMap ?? 'viridis',
        });
      },
      async confusionMatrix(container, data, opts = {}) {
        if (!data || !Array.isArray(data.values)) throw new TypeError('data.values must be a square 2-D array of counts');
        const values = data.values.map((row) => row.map(Number));
        surfaces.show(
          container,
          confusionBundle(values, data.tickLabels, max, {
            title: title(container),
            colorMap: typeof opts.colorMap === 'string' ? toColorMapName(opts.colorMap) : undefined,
          }),
        );
      },
      async table(container, data: TableData) {
        if (!data || !Array.isArray(data.headers) || !Array.isArray(data.values))
          throw new TypeError('data must be {headers: string[], values: any[][]}');
        chart(container, {
          kind: 'table',
          headers: data.headers.map(String),
          rows: data.values.map((r) => (Array.isArray(r) ? r : [r]).map(tableCell)),
          title: title(container),
        });
      },
    },
    show: {
      fitCallbacks(container, metrics, opts = {}) {
        return createFitCallbacks(ctx, runs, title(container), metrics, opts);
      },
      async history(container, history, metrics) {
        surfaces.show(container, trainingBundle(historyPayload(history, tf, metrics, title(container)), max));
      },
      async modelSummary(container, model) {
        if (!isLayersModel(model, tf)) throw new TypeError('modelSummary expects a tf.LayersModel');
        surfaces.show(container, modelSummaryBundle(model, max, title(container)));
      },
      async layer(container, layer) {
        if (!isLayer(layer)) throw new TypeError('layer expects a tf.layers.Layer');
        const weights = layer.getWeights();
        const rows = await Promise.all(
          weights.map(async (w, i) => {
            const values = (await w.data()) as ArrayLike<number>;
            const s = computeStats(values);
            let zeros = 0;
            for (let j = 0; j < values.length; j++) if (values[j] === 0) zeros++;
            return [layer.weights[i]?.name ?? `weight ${i}`, shapeText(w.shape), s.min, s.max, w.size, zeros, s.nanCount, s.infCount];
          }),
        );
        chart(container, {
          kind: 'table',
          headers: ['Weight Name', 'Shape', 'Min', 'Max', '# Params', '# Zeros', '# NaNs', '# Infinity'],
          rows,
          title: title(container) ?? layer.name,
        });
      },
      async valuesDistribution(container, tensor) {
        if (!isTensor(tensor, tf)) throw new TypeError('valuesDistribution expects a tf.Tensor');
        chart(container, histogramPayload(await numbersOf(tensor, 'tensor', tf), {}, title(container)));
      },
      async perClassAccuracy(container, classAccuracy, classLabels) {
        const rows = classAccuracy.map((c, i) => [classLabels?.[i] ?? String(i), c.accuracy, c.count]);
        chart(container, { kind: 'table', headers: ['Class', 'Accuracy', '# Samples'], rows, title: title(container) });
      },
      async confusionMatrix(container, labels, predictions, classNames, numClasses) {
        const matrix = await m.confusionMatrix(tf, labels, predictions, numClasses ?? classNames?.length);
        surfaces.show(container, confusionBundle(matrix, classNames, max, { title: title(container) }));
      },
    },
    metrics: {
      accuracy: (labels, predictions) => m.accuracy(tf, labels, predictions),
      perClassAccuracy: (labels, predictions, numClasses) => m.perClassAccuracy(tf, labels, predictions, numClasses),
      confusionMatrix: (labels, predictions, numClasses, weights) => m.confusionMatrix(tf, labels, predictions, numClasses, weights),
      precisionRecallF1: (labels, predictions, numClasses) => m.precisionRecallF1(tf, labels, predictions, numClasses),
    },
    visor: (() => {
      const visor = createVisor();
      return () => visor;
    })(),
  };
}
