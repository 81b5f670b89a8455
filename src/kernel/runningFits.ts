/**
 * The kernel's registry of running fits: which models are training for which execution. It is
 * the one place that stops a fit (`stopModel`): an interrupt stops every fit of its execution
 * (`stopTrainingFor`), a live chart's Stop button one model (display/trainingCharts.ts, whose
 * runs are charts, not fits, ask here). fit ends after its current batch.
 */
import type { LayersModel } from '@tensorflow/tfjs';
import { currentExecutionId } from './executionContext';
import type { Tf } from './backend';

const active = new Map<LayersModel, string | null>();

type FitMethod = (this: LayersModel, ...args: unknown[]) => Promise<unknown>;

/** Wraps LayersModel.fit/fitDataset of the tf in use (Sequential.fit delegates to its inner model). */
export function trackTraining(tf: Tf): void {
  const proto = tf.LayersModel.prototype as unknown as Record<'fit' | 'fitDataset', FitMethod>;
  for (const method of ['fit', 'fitDataset'] as const) {
    const original = proto[method];
    proto[method] = async function (this: LayersModel, ...args: unknown[]) {
      active.set(this, currentExecutionId());
      try {
        return await original.apply(this, args);
      } finally {
        active.delete(this);
      }
    };
  }
}

/** Ends a model's fit after its current batch (fit checks `stopTraining` between batches). */
export function stopModel(model: { stopTraining: boolean }): void {
  model.stopTraining = true;
}

/** Stops every model that the execution is training; returns how many. */
export function stopTrainingFor(executionId: string): number {
  let n = 0;
  for (const [model, id] of active) {
    if (id === executionId) {
      stopModel(model);
      n++;
    }
  }
  return n;
}

/** Whether a model is in fit for the execution (a fit the cell did not await). */
export function isTrainingFor(executionId: string): boolean {
  for (const id of active.values()) if (id === executionId) return true;
  return false;
}
