/**
 * The `tfvis` global and the `@tensorflow/tfjs-vis` module cells see: the names and argument
 * shapes of @tensorflow/tfjs-vis (1.x), so existing code runs unchanged, plus tfnb's additions
 * (marked). Chart-styling options are accepted; the notebook renderer decides the look.
 * Hand-written, with the documentation shown on hover; the kernel's implementation
 * (src/kernel/display/tfvis.ts) is typed against it. Types only: nothing here may import
 * implementation code.
 */
import type { Tensor, LayersModel, layers } from '@tensorflow/tfjs';

export interface SurfaceInfo {
  name: string;
  tab?: string;
  styles?: Record<string, unknown>;
}

/** Stands in for the HTMLElements of a tfjs-vis surface; usable as a container itself. */
export interface SurfaceElement {
  readonly name: string;
  readonly tab: string;
}

export interface VisorSurface {
  readonly name: string;
  readonly tab: string;
  container: SurfaceElement;
  label: SurfaceElement;
  drawArea: SurfaceElement;
}

/**
 * Anything tfjs-vis accepts as a container (HTMLElement, {name, tab}, Surface, {drawArea}), or a
 * plain title. The name is the output's title; drawing to the same surface again in a cell
 * updates its output in place.
 */
export type Drawable = string | SurfaceInfo | VisorSurface | { drawArea: unknown } | object | null | undefined;

/** tfjs-vis's visor has no place in a notebook: outputs appear inline. Its surfaces are containers. */
export interface Visor {
  el: SurfaceElement;
  /** @example const surface = tfvis.visor().surface({ name: 'Loss', tab: 'Training' }); */
  surface(options: SurfaceInfo): VisorSurface;
  isOpen(): boolean;
  isFullscreen(): boolean;
  open(): void;
  close(): void;
  toggle(): void;
  toggleFullScreen(): void;
  bindKeys(): void;
  unbindKeys(): void;
  setActiveTab(tabName: string): void;
}

/** Labels or predictions: class ids (array or tensor), [n, 1] ids, or [n, k] scores (argmax per row). */
export type ClassIds = unknown;

export interface ClassMetrics {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}
export interface AveragedMetrics {
  precision: number;
  recall: number;
  f1: number;
}

export interface ClassificationReport {
  /** One entry per class id 0..numClasses-1. */
  perClass: ClassMetrics[];
  accuracy: number;
  /** Unweighted mean over classes present in labels or predictions. */
  macro: AveragedMetrics;
  /** Mean weighted by support. */
  weighted: AveragedMetrics;
  /** Number of samples. */
  support: number;
  /** rows = true class, columns = predicted class */
  confusionMatrix: number[][];
}

/** tfjs-vis's options (chart options are accepted and ignored: the renderer draws). */
export interface FitCallbacksOptions {
  /** Which events to record, as in tfjs-vis: default ['onEpochEnd', 'onBatchEnd']. */
  callbacks?: string[];
  /** tfnb: overrides the kernel's live update interval for this output. */
  updateIntervalMs?: number;
  [option: string]: unknown;
}

/** Callbacks for `model.fit`: a live chart of the chosen metrics, with a Stop button. */
export interface TfvisFitCallbacks {
  onTrainBegin(logs?: unknown): Promise<void>;
  onTrainEnd(logs?: unknown): Promise<void>;
  onEpochBegin(epoch: number, logs?: unknown): Promise<void>;
  onEpochEnd(epoch: number, logs?: unknown): Promise<void>;
  onBatchBegin(batch: number, logs?: unknown): Promise<void>;
  onBatchEnd(batch: number, logs?: unknown): Promise<void>;
}

export interface Point2D {
  x: number;
  y: number;
}

export interface VisOptions {
  width?: number;
  height?: number;
  xLabel?: string;
  yLabel?: string;
  fontSize?: number;
  xType?: string;
  yType?: string;
}

export interface XYPlotOptions extends VisOptions {
  xAxisDomain?: [number, number];
  yAxisDomain?: [number, number];
  zoomToFit?: boolean;
  seriesColors?: string[];
}

export interface XYPlotData {
  values: Point2D[][] | Point2D[];
  series?: string[];
}

export interface BarChartOptions extends VisOptions {
  color?: string | string[];
}

export interface HistogramStats {
  numVals?: number;
  min?: number;
  max?: number;
  numNans?: number;
  numZeros?: number;
  numInfs?: number;
}

export interface HistogramOptions extends VisOptions {
  stats?: HistogramStats | false;
  maxBins?: number;
  color?: string;
}

export type NamedColorMap = 'greyscale' | 'viridis' | 'blues';

/** `values[x][y]` (column-major) unless `rowMajor`; a Tensor2D is read the same way. */
export interface HeatmapData {
  values: number[][] | Tensor;
  xTickLabels?: string[];
  yTickLabels?: string[];
}

export interface HeatmapOptions extends VisOptions {
  colorMap?: NamedColorMap;
  domain?: number[];
  rowMajor?: boolean;
}

export interface ConfusionMatrixData {
  values: number[][];
  tickLabels?: string[];
}

export interface ConfusionMatrixOptions extends VisOptions {
  shadeDiagonal?: boolean;
  showTextOverlay?: boolean;
  colorMap?: NamedColorMap | [string, string];
}

export interface TableData {
  headers: string[];
  values: unknown[][];
}

export type HistoryInput =
  | { history: Record<string, ArrayLike<unknown>>; epoch?: number[] }
  | Array<Record<string, unknown>>
  | Array<Array<Record<string, unknown>>>;

export interface HistoryOptions extends XYPlotOptions {
  zoomToFitAccuracy?: boolean;
}

/** `tfvis.render`: charts of plain data, each drawn as an output titled by its container. */
export interface TfvisRender {
  /** @example await tfvis.render.linechart({ name: 'Loss' }, { values: [{ x: 1, y: 0.9 }, { x: 2, y: 0.4 }], series: ['loss'] }); */
  linechart(container: Drawable, data: XYPlotData, opts?: XYPlotOptions): Promise<void>;
  /** @example await tfvis.render.scatterplot('Points', { values: [[{ x: 1, y: 2 }, { x: 2, y: 3 }]] }, { xLabel: 'x', yLabel: 'y' }); */
  scatterplot(container: Drawable, data: XYPlotData, opts?: XYPlotOptions): Promise<void>;
  /** @example await tfvis.render.barchart('Counts', [{ index: 'cat', value: 3 }, { index: 'dog', value: 5 }]); */
  barchart(container: Drawable, data: Array<{ index: number | string; value: number }>, opts?: BarChartOptions): Promise<void>;
  /** @example await tfvis.render.histogram('Weights', Array.from(await tf.randomNormal([1000]).data())); */
  histogram(container: Drawable, data: Array<{ value: number }> | number[] | ArrayLike<number>, opts?: HistogramOptions): Promise<void>;
  /** @example await tfvis.render.heatmap('Grid', { values: [[1, 2], [3, 4]], xTickLabels: ['a', 'b'] }); */
  heatmap(container: Drawable, data: HeatmapData, opts?: HeatmapOptions): Promise<void>;
  /** @example await tfvis.render.confusionMatrix('Confusion', { values: [[8, 2], [1, 9]], tickLabels: ['no', 'yes'] }); */
  confusionMatrix(container: Drawable, data: ConfusionMatrixData, opts?: ConfusionMatrixOptions): Promise<void>;
  /** @example await tfvis.render.table('Scores', { headers: ['model', 'accuracy'], values: [['dense', 0.97]] }); */
  table(container: Drawable, data: TableData, opts?: VisOptions): Promise<void>;
}

/** `tfvis.show`: charts of models, training and tensors. */
export interface TfvisShow {
  /** @example await model.fit(xs, ys, { epochs: 5, callbacks: tfvis.show.fitCallbacks({ name: 'Training' }, ['loss', 'acc']) }); */
  fitCallbacks(container: Drawable, metrics: string[], opts?: FitCallbacksOptions): TfvisFitCallbacks;
  /** @example await tfvis.show.history('Training', await model.fit(xs, ys, { epochs: 5 }), ['loss']); */
  history(container: Drawable, history: HistoryInput, metrics: string[], opts?: HistoryOptions): Promise<void>;
  /** @example await tfvis.show.modelSummary({ name: 'Model' }, model); */
  modelSummary(container: Drawable, model: LayersModel): Promise<void>;
  /** @example await tfvis.show.layer('First layer', model.getLayer(undefined, 0)); */
  layer(container: Drawable, layer: layers.Layer): Promise<void>;
  /** @example await tfvis.show.valuesDistribution('Weights', model.getWeights()[0]); */
  valuesDistribution(container: Drawable, tensor: Tensor): Promise<void>;
  /** @example await tfvis.show.perClassAccuracy('Accuracy', await tfvis.metrics.perClassAccuracy(labels, predictions), ['cat', 'dog']); */
  perClassAccuracy(container: Drawable, classAccuracy: Array<{ accuracy: number; count: number }>, classLabels?: string[]): Promise<void>;
  /**
   * tfnb: confusion matrix with per-class precision/recall/F1, straight from labels and predictions.
   * @example await tfvis.show.confusionMatrix('Test set', testLabels, model.predict(testImages), mnistData.classes);
   */
  confusionMatrix(container: Drawable, labels: ClassIds, predictions: ClassIds, classNames?: string[], numClasses?: number): Promise<void>;
}

/** `tfvis.metrics`: classification metrics. */
export interface TfvisMetrics {
  /** @example const acc = await tfvis.metrics.accuracy(tf.tensor1d([0, 1, 1]), tf.tensor1d([0, 1, 0])); // 0.667 */
  accuracy(labels: Tensor | ArrayLike<number>, predictions: Tensor | ArrayLike<number>): Promise<number>;
  /** @example const perClass = await tfvis.metrics.perClassAccuracy(labels, predictions, 10); */
  perClassAccuracy(labels: ClassIds, predictions: ClassIds, numClasses?: number): Promise<Array<{ accuracy: number; count: number }>>;
  /** @example const matrix = await tfvis.metrics.confusionMatrix(tf.tensor1d([0, 1, 1], 'int32'), tf.tensor1d([0, 1, 0], 'int32')); */
  confusionMatrix(labels: ClassIds, predictions: ClassIds, numClasses?: number, weights?: Tensor | ArrayLike<number>): Promise<number[][]>;
  /**
   * tfnb: per-class precision/recall/F1/support, accuracy, macro and weighted averages.
   * @example const report = await tfvis.metrics.precisionRecallF1(labels, predictions); report.macro.f1;
   */
  precisionRecallF1(labels: ClassIds, predictions: ClassIds, numClasses?: number): Promise<ClassificationReport>;
}

/** tfjs-vis's API (render, show, metrics, visor), drawing into the notebook. */
export interface Tfvis {
  /** Charts of plain data: `tfvis.render.linechart(container, data, opts)` and the like. */
  render: TfvisRender;
  /** Charts of models, training and tensors: `tfvis.show.fitCallbacks(container, metrics)` and the like. */
  show: TfvisShow;
  /** Classification metrics computed in the kernel. */
  metrics: TfvisMetrics;
  /** The visor's API, for code written for the browser; outputs appear inline. */
  visor(): Visor;
}
