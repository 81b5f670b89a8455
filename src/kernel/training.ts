/**
 * Knows which models are training for which execution, so an interrupt (or a renderer's Stop)
 * can set `stopTraining` and fit ends after its current batch.
 */
import type { LayersModel } from '@tensorflow/tfjs';
import { currentExecutionId } from './context';
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

/** Stops every model that the execution is training; returns how many. */
export function stopTrainingFor(executionId: string): number {
  let n = 0;
  for (const [model, id] of active) {
    if (id === executionId) { model.stopTraining = true; n++; }
  }
  return n;
}

/** Whether a model is in fit for the execution (a fit the cell did not await). */
export function isTrainingFor(executionId: string): boolean {
  for (const id of active.values()) if (id === executionId) return true;
  return false;
}
