/**
 * tfnb's kernel-side display API: rich MIME bundles for tensors, models and training histories
 * (`display(x)`), and a tfjs-vis-compatible `tfvis` that draws inline, with live training output.
 * The kernel passes in the `tf` it uses; nothing here imports tfjs values.
 */
import type { MimeBundle } from '../../protocol/mime';
import { resolveContext, type DisplayContext } from './displayContext';
import { isHistory, isLayersModel, isTensor } from './detect';
import { historyPayload } from './history';
import { modelSummaryBundle } from './modelSummary';
import { SurfaceOutputs } from './surfaces';
import { tensorBundle } from './tensorBundle';
import { createTfvis } from './tfvis';
import type { Tfvis } from '../../api/tfvis';
import { trainingBundle } from './trainingOutput';
import { TrainingRuns } from './trainingCharts';

export type { Tf, DisplayOptions, DisplaySink, DisplayContext } from './displayContext';
export type { Tfvis } from '../../api/tfvis';
export { createRichDisplay, customBundle, type RichDisplay, type AudioOptions, type AudioSamples } from './rich';
export type { ImagesOptions, ImageTensor } from './imageGrid';
export type { ClassificationReport, ClassMetrics } from './metrics';
export type { TfvisFitCallbacks, FitCallbacksOptions } from './fitCallbacks';

/**
 * Rich bundle for tf.Tensor, tf.LayersModel / tf.Sequential, tf.History (result of fit), or
 * undefined for other values (the kernel then shows util.inspect text). Always includes
 * 'text/plain' and a static image ('image/svg+xml' or 'image/png') for the rich ones.
 */
export function toMimeBundle(value: unknown, ctx: DisplayContext): MimeBundle | undefined {
  const { tf, maxPayloadBytes } = resolveContext(ctx);
  if (isTensor(value, tf)) return tensorBundle(value, maxPayloadBytes);
  if (isLayersModel(value, tf)) return modelSummaryBundle(value, maxPayloadBytes);
  if (isHistory(value, tf)) return trainingBundle(historyPayload(value, tf), maxPayloadBytes);
  return undefined;
}

export interface DisplayApi {
  tfvis: Tfvis;
  /** Called by the kernel when a renderer asks to stop a training run. Returns true if a run was found. */
  stopTraining(trainingId: string): boolean;
  /**
   * Call at the start of each cell: drawing to a tfvis surface updates that surface's output in
   * place; after this, the next drawing to it creates a new output in the running cell.
   */
  resetSurfaces(): void;
  /**
   * Call when a cell ends, before its 'done': live training outputs send their latest state now,
   * and end unless the cell that started them still has a fit running (`stillTraining`).
   */
  settleTraining(stillTraining: (executionId: string) => boolean): void;
}

export function createDisplayApi(ctx: DisplayContext): DisplayApi {
  const resolved = resolveContext(ctx);
  const runs = new TrainingRuns();
  const surfaces = new SurfaceOutputs(resolved.sink);
  return {
    tfvis: createTfvis(resolved, runs, surfaces),
    stopTraining: (trainingId) => runs.stop(trainingId),
    resetSurfaces: () => surfaces.reset(),
    settleTraining: (stillTraining) => runs.settle(stillTraining),
  };
}
