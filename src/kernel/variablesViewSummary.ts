/**
 * One value's summary for the variables view: its kind, shape, dtype, bytes and a short preview,
 * from metadata only. Nothing here reads a tensor's data, walks an array or lists an object's
 * keys, so a 1 GB tensor or a million-element array costs the same as a number.
 */
import type { VariableSummary } from '../protocol/messages';
import type { Tf } from './backend';
import { isLayersModel, isTensor } from './display/detect';

const PREVIEW_CHARS = 100;

export function summarize(name: string, value: unknown, tf: Tf): VariableSummary {
  try {
    return summarizeValue(name, value, tf);
  } catch (e) {
    // A Proxy whose traps throw, a getter-laden object: still listed, with what went wrong.
    return { name, kind: 'object', type: 'unknown', preview: clip(`(cannot be read: ${e instanceof Error ? e.message : String(e)})`) };
  }
}

function summarizeValue(name: string, value: unknown, tf: Tf): VariableSummary {
  switch (typeof value) {
    case 'number':
    case 'bigint':
      return { name, kind: 'number', type: typeof value, preview: String(value) + (typeof value === 'bigint' ? 'n' : '') };
    case 'string':
      return {
        name,
        kind: 'string',
        type: 'string',
        shape: [value.length],
        bytes: value.length * 2,
        preview: clip(JSON.stringify(clip(value))),
      };
    case 'boolean':
      return { name, kind: 'boolean', type: 'boolean', preview: String(value) };
    case 'undefined':
      return { name, kind: 'undefined', type: 'undefined' };
    case 'symbol':
      return { name, kind: 'object', type: 'symbol', preview: clip(value.toString()) };
    case 'function':
      return { name, kind: 'function', type: isClass(value) ? 'class' : 'function', preview: clip(signature(value)) };
    case 'object':
      break;
  }
  if (value === null || value === undefined) return { name, kind: 'null', type: 'null' };
  if (isTensor(value, tf)) return tensorSummary(name, value, tf);
  if (isLayersModel(value, tf)) return modelSummary(name, value, tf);
  if (isDataset(value, tf)) {
    const size = (value as { size?: unknown }).size;
    // tf.data's datasets are anonymous subclasses: their constructor names say nothing.
    return { name, kind: 'dataset', type: 'Dataset', preview: typeof size === 'number' ? `${size} elements` : 'size unknown' };
  }
  if (ArrayBuffer.isView(value)) {
    const length = value instanceof DataView ? value.byteLength : (value as unknown as { length: number }).length;
    return { name, kind: 'array', type: constructorName(value), shape: [length], bytes: value.byteLength, preview: `${length} elements` };
  }
  if (Array.isArray(value)) return { name, kind: 'array', type: 'Array', shape: [value.length], preview: `${value.length} items` };
  const size = value instanceof Map || value instanceof Set ? value.size : undefined;
  return { name, kind: 'object', type: constructorName(value), preview: size === undefined ? undefined : `${size} entries` };
}

function tensorSummary(name: string, t: import('./display/detect').Tensor, tf: Tf): VariableSummary {
  const variable = t instanceof tf.Variable || (t as { trainable?: unknown }).trainable !== undefined;
  const disposed = t.isDisposed;
  return {
    name,
    kind: variable ? 'variable' : 'tensor',
    type: variable ? 'Variable' : 'Tensor', // not the constructor's name, which the bundler may change
    shape: [...t.shape],
    dtype: t.dtype,
    bytes: disposed ? 0 : bytesOf(t.size, t.dtype, tf),
    ...(disposed ? { disposed: true, preview: 'disposed' } : {}),
  };
}

function modelSummary(name: string, model: import('./display/detect').LayersModel, tf: Tf): VariableSummary {
  let params: number | undefined;
  try {
    params = model.countParams();
  } catch {
    params = undefined; // not built yet
  }
  let bytes = 0;
  for (const w of model.weights)
    bytes += bytesOf(
      w.shape.reduce<number>((a, b) => a * (b ?? 0), 1),
      w.dtype,
      tf,
    );
  // getClassName(): the bundler may rename the class itself (`Sequential2`).
  const type = typeof model.getClassName === 'function' ? model.getClassName() : constructorName(model);
  return { name, kind: 'model', type, params, bytes, preview: `${model.layers.length} layers` };
}

function bytesOf(size: number, dtype: string, tf: Tf): number {
  return dtype === 'string' ? 0 : size * tf.util.bytesPerElement(dtype as 'float32');
}

function isDataset(v: object, tf: Tf): boolean {
  if (v instanceof tf.data.Dataset) return true;
  const o = v as Record<string, unknown>;
  return typeof o.iterator === 'function' && typeof o.batch === 'function' && typeof o.forEachAsync === 'function';
}

function constructorName(v: object): string {
  const proto: unknown = Object.getPrototypeOf(v);
  if (proto === null) return 'Object';
  const ctor = (proto as { constructor?: { name?: unknown } }).constructor;
  return typeof ctor?.name === 'string' && ctor.name ? ctor.name : 'Object';
}

function isClass(fn: object): boolean {
  return Function.prototype.toString.call(fn).startsWith('class');
}

/** `f(a, b)`: its name and parameter list, from the source's first line. */
function signature(fn: object): string {
  const source = Function.prototype.toString.call(fn).slice(0, 300);
  const name = (fn as { name?: unknown }).name;
  if (source.startsWith('class')) return `class ${typeof name === 'string' ? name : ''}`;
  const params = /\(([^)]*)\)/.exec(source)?.[1]?.replace(/\s+/g, ' ').trim() ?? '';
  const isAsync = source.startsWith('async');
  return `${isAsync ? 'async ' : ''}${typeof name === 'string' ? name : ''}(${params})`;
}

function clip(text: string): string {
  return text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS - 1)}…` : text;
}
