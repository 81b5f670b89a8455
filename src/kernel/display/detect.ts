/**
 * Recognises tfjs objects. `instanceof` against the given tf's classes first; then duck typing,
 * because values can come from another copy of tfjs (e.g. a user-installed tfjs-node).
 */
import type * as tfType from '@tensorflow/tfjs';
import type { Tf } from './displayContext';

export type Tensor = tfType.Tensor;
export type LayersModel = tfType.LayersModel;
export type Layer = tfType.layers.Layer;

/** What tfjs's History (the result of fit) looks like after fit resolves. */
export interface HistoryLike {
  epoch?: number[];
  history: Record<string, ArrayLike<unknown>>;
}

function record(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;
}

export function isTensor(v: unknown, tf: Tf): v is Tensor {
  if (v instanceof tf.Tensor) return true;
  const o = record(v);
  return (
    !!o &&
    Array.isArray(o.shape) &&
    typeof o.dtype === 'string' &&
    typeof o.size === 'number' &&
    typeof o.dataSync === 'function' &&
    'dataId' in o
  );
}

export function isLayersModel(v: unknown, tf: Tf): v is LayersModel {
  if (v instanceof tf.LayersModel) return true;
  const o = record(v);
  return (
    !!o &&
    Array.isArray(o.layers) &&
    typeof o.countParams === 'function' &&
    typeof o.summary === 'function' &&
    typeof o.getLayer === 'function'
  );
}

export function isLayer(v: unknown): v is Layer {
  const o = record(v);
  return (
    !!o &&
    typeof o.name === 'string' &&
    typeof o.countParams === 'function' &&
    typeof o.getWeights === 'function' &&
    typeof o.getClassName === 'function'
  );
}

export function isHistory(v: unknown, tf: Tf): v is HistoryLike {
  if (v instanceof tf.History) return true;
  const o = record(v);
  const h = o && record(o.history);
  return !!o && !!h && !Array.isArray(h) && Array.isArray(o.epoch) && Object.values(h).every((s) => Array.isArray(s));
}

/** A one-element tensor's value (used for training logs), without creating tensors. */
export async function scalarValue(v: unknown, tf: Tf): Promise<number | undefined> {
  if (typeof v === 'number') return v;
  if (isTensor(v, tf) && v.size === 1 && !v.isDisposed) {
    const data = await v.data();
    return Number(data[0]);
  }
  return undefined;
}

/** Same as scalarValue, synchronously (for History values that were not yet synced). */
export function scalarValueSync(v: unknown, tf: Tf): number | undefined {
  if (typeof v === 'number') return v;
  if (isTensor(v, tf) && v.size === 1 && !v.isDisposed) return Number(v.dataSync()[0]);
  return undefined;
}
