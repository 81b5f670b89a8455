/**
 * tf.Variables a cell made: the weights of the models it built. They count in tf.memory() like
 * any tensor, but they are meant to stay, so the leak notice counts them apart.
 */
import type { Tf } from './backend';

interface VariableLike {
  size: number;
  dtype: string;
  isDisposed?: boolean;
}
export type VariableSnapshot = ReadonlySet<VariableLike>;

function registered(tf: Tf): VariableLike[] {
  const variables = (tf.engine().state as unknown as { registeredVariables?: Record<string, VariableLike> }).registeredVariables;
  return variables ? Object.values(variables) : [];
}

export function variablesNow(tf: Tf): VariableSnapshot {
  return new Set(registered(tf));
}

/** Variables registered now that were not in `before`, and the bytes of their values. */
export function variablesSince(tf: Tf, before: VariableSnapshot): { count: number; bytes: number } {
  let count = 0;
  let bytes = 0;
  for (const v of registered(tf)) {
    if (before.has(v) || v.isDisposed) continue;
    count++;
    bytes += v.dtype === 'string' ? 0 : v.size * tf.util.bytesPerElement(v.dtype as 'float32');
  }
  return { count, bytes };
}
