/**
 * The `tfvis` object's types: the names and argument shapes of @tensorflow/tfjs-vis (1.x), so
 * existing code runs unchanged, plus tfnb's additions (marked). Chart-styling options are
 * accepted; the notebook renderer decides the look.
 */
import type { ClassIds, ClassificationReport } from './metrics';
import type { Layer, LayersModel, Tensor } from './detect';
import type { FitCallbacksOptions, TfvisFitCallbacks } from './fit-callbacks';
import type { Drawable, Visor } from './surfaces';

export interface Point2D { x: number; y: number }

export interface VisOptions { width?: number; height?: number; xLabel?: string; yLabel?: string; fontSize?: number; xType?: string; yType?: string }

export interface XYPlotOptions extends VisOptions { xAxisDomain?: [number, number]; yAxisDomain?: [number, number]; zoomToFit?: boolean; seriesColors?: string[] }

export interface XYPlotData { values: Point2D[][] | Point2D[]; series?: string[] }

export interface BarChartOptions extends VisOptions { color?: string | string[] }

export interface HistogramStats { numVals?: number; min?: number; max?: number; numNans?: number; numZeros?: number; numInfs?: number }

export interface HistogramOptions extends VisOptions { stats?: HistogramStats | false; maxBins?: number; color?: string }

export type NamedColorMap = 'greyscale' | 'viridis' | 'blues';

/** `values[x][y]` (column-major) unless `rowMajor`; a Tensor2D is read the same way. */
export interface HeatmapData { values: number[][] | Tensor; xTickLabels?: string[]; yTickLabels?: string[] }

export interface HeatmapOptions extends VisOptions { colorMap?: NamedColorMap; domain?: number[]; rowMajor?: boolean }

export interface ConfusionMatrixData { values: number[][]; tickLabels?: string[] }

export interface ConfusionMatrixOptions extends VisOptions { shadeDiagonal?: boolean; showTextOverlay?: boolean; colorMap?: NamedColorMap | [string, string] }

export interface TableData { headers: string[]; values: unknown[][] }

export type HistoryInput = { history: Record<string, ArrayLike<unknown>>; epoch?: number[] } | Array<Record<string, unknown>> | Array<Array<Record<string, unknown>>>;

export interface HistoryOptions extends XYPlotOptions { zoomToFitAccuracy?: boolean }

export interface TfvisRender {
  linechart(container: Drawable, data: XYPlotData, opts?: XYPlotOptions): Promise<void>;
  scatterplot(container: Drawable, data: XYPlotData, opts?: XYPlotOptions): Promise<void>;
  barchart(container: Drawable, data: Array<{ index: number | string; value: number }>, opts?: BarChartOptions): Promise<void>;
  histogram(container: Drawable, data: Array<{ value: number }> | number[] | ArrayLike<number>, opts?: HistogramOptions): Promise<void>;
  heatmap(container: Drawable, data: HeatmapData, opts?: HeatmapOptions): Promise<void>;
  confusionMatrix(container: Drawable, data: ConfusionMatrixData, opts?: ConfusionMatrixOptions): Promise<void>;
  table(container: Drawable, data: TableData, opts?: VisOptions): Promise<void>;
}

export interface TfvisShow {
  fitCallbacks(container: Drawable, metrics: string[], opts?: FitCallbacksOptions): TfvisFitCallbacks;
  history(container: Drawable, history: HistoryInput, metrics: string[], opts?: HistoryOptions): Promise<void>;
  modelSummary(container: Drawable, model: LayersModel): Promise<void>;
  layer(container: Drawable, layer: Layer): Promise<void>;
  valuesDistribution(container: Drawable, tensor: Tensor): Promise<void>;
  perClassAccuracy(container: Drawable, classAccuracy: Array<{ accuracy: number; count: number }>, classLabels?: string[]): Promise<void>;
  /** tfnb: confusion matrix with per-class precision/recall/F1, straight from labels and predictions. */
  confusionMatrix(container: Drawable, labels: ClassIds, predictions: ClassIds, classNames?: string[], numClasses?: number): Promise<void>;
}

export interface TfvisMetrics {
  accuracy(labels: Tensor | ArrayLike<number>, predictions: Tensor | ArrayLike<number>): Promise<number>;
  perClassAccuracy(labels: ClassIds, predictions: ClassIds, numClasses?: number): Promise<Array<{ accuracy: number; count: number }>>;
  confusionMatrix(labels: ClassIds, predictions: ClassIds, numClasses?: number, weights?: Tensor | ArrayLike<number>): Promise<number[][]>;
  /** tfnb: per-class precision/recall/F1/support, accuracy, macro and weighted averages. */
  precisionRecallF1(labels: ClassIds, predictions: ClassIds, numClasses?: number): Promise<ClassificationReport>;
}

export interface Tfvis {
  render: TfvisRender;
  show: TfvisShow;
  metrics: TfvisMetrics;
  visor(): Visor;
}
