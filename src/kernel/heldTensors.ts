/**
 * Tensors a cell left that the notebook's top-level names still reach (`const data = await
 * mnist.load()`, a class holding its `xs`): kept on purpose, so the leak notice counts them apart
 * from tensors nothing can reach any more. The walk is shallow and bounded: a few levels into
 * arrays and objects, a fixed number of values, getters never called.
 */
import type { Tf } from './backend';

export interface HeldTensors {
  count: number;
  bytes: number;
  /** The top-level names that reach them, in the order given. */
  names: string[];
}

/** Top-level names the leak notice looks through (a notebook with more is not walked past them). */
export const HELD_NAMES_LOOKED_AT = 10_000;
/** How deep the walk goes below a top-level value (data.train.images is depth 2). */
const MAX_DEPTH = 3;
/** Values looked at in all, across every name: bounds a cell that holds a million-element array. */
const MAX_VISITS = 100_000;

type TensorLike = { id: number; size: number; dtype: string; isDisposed: boolean };

/** The id the next tensor will get: tensors with an id from it on are newer than this moment. */
export function nextTensorId(tf: Tf): number {
  const id = (tf.engine().constructor as { nextTensorId?: unknown }).nextTensorId;
  return typeof id === 'number' ? id : 0;
}

/**
 * Live tensors (not tf.Variables) with an id of at least `sinceId` that `entries` reach.
 * Anything odd (a Proxy whose traps throw, a revoked one) is skipped, never thrown.
 */
export function heldTensors(tf: Tf, entries: Array<[string, unknown]>, sinceId: number): HeldTensors {
  const found = new Set<TensorLike>();
  const seen = new Set<object>();
  const names: string[] = [];
  let bytes = 0;
  let visits = 0;

  const visit = (value: unknown, depth: number): boolean => {
    if (++visits > MAX_VISITS || value === null || typeof value !== 'object') return false;
    if (seen.has(value)) return false;
    seen.add(value);
    if (value instanceof tf.Tensor) {
      const t = value as unknown as TensorLike;
      if (t.isDisposed || t.id < sinceId || value instanceof tf.Variable || found.has(t)) return false;
      found.add(t);
      bytes += t.dtype === 'string' ? 0 : t.size * tf.util.bytesPerElement(t.dtype as 'float32');
      return true;
    }
    if (depth >= MAX_DEPTH || ArrayBuffer.isView(value)) return false;
    let reached = false;
    if (Array.isArray(value)) {
      for (const item of value as unknown[]) {
        if (visits > MAX_VISITS) break;
        if (visit(item, depth + 1)) reached = true;
      }
      return reached;
    }
    if (value instanceof Map) {
      for (const item of value.values() as Iterable<unknown>) {
        if (visits > MAX_VISITS) break;
        if (visit(item, depth + 1)) reached = true;
      }
      return reached;
    }
    for (const key of Object.keys(value)) {
      if (visits > MAX_VISITS) break;
      const descriptor = Object.getOwnPropertyDescriptor(value, key);
      if (descriptor && 'value' in descriptor && visit(descriptor.value, depth + 1)) reached = true;
    }
    return reached;
  };

  for (const [name, value] of entries) {
    if (visits > MAX_VISITS) break;
    let reached = false;
    try {
      reached = visit(value, 0);
    } catch {
      // A value that cannot be looked at holds nothing we can name.
    }
    if (reached) names.push(name);
  }
  return { count: found.size, bytes, names };
}
