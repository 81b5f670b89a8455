// Shared by the wasm backend tests: starts the backend once per test process and compares a
// kernel's result on wasm with the cpu backend's on the same inputs.
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { setupWasmBackend, type WasmReport, type WasmSetupOptions } from '../../../src/kernel/wasm/index';

export { tf };

export const WASM_DIR = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');

export const logged: string[] = [];

export async function startWasm(overrides: Partial<WasmSetupOptions> = {}): Promise<WasmReport> {
  return setupWasmBackend(tf, { wasmDir: WASM_DIR, threads: 'auto', log: (m) => logged.push(m), ...overrides });
}

/** Plain data for a tensor, so each backend builds its own copy. */
export interface HostTensor {
  values: Float32Array | Int32Array | Uint8Array | string[];
  shape: number[];
  dtype: tf.DataType;
}

let seed = 12345;
/** Deterministic normal-ish floats (sum of uniforms), different on every call. */
export function randomHost(shape: number[], scale = 1): HostTensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < 3; k++) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      s += seed / 2147483648;
    }
    values[i] = (s - 1.5) * 2 * scale;
  }
  return { values, shape, dtype: 'float32' };
}

export function host(values: number[] | string[], shape: number[], dtype: tf.DataType = 'float32'): HostTensor {
  if (dtype === 'string') return { values: values as string[], shape, dtype };
  const typed =
    dtype === 'int32'
      ? Int32Array.from(values as number[])
      : dtype === 'bool'
        ? Uint8Array.from(values as number[])
        : Float32Array.from(values as number[]);
  return { values: typed, shape, dtype };
}

export interface KernelResult {
  shape: number[];
  dtype: tf.DataType;
  values: ArrayLike<number> | string[];
}

/** Runs one kernel on `backend` through the engine, as an op would, and reads its outputs. */
export async function runKernel(
  backend: 'cpu' | 'wasm',
  kernel: string,
  inputs: Record<string, HostTensor> | HostTensor[],
  attrs: object = {},
): Promise<KernelResult[]> {
  assert.ok(await tf.setBackend(backend));
  const make = (h: HostTensor) => tf.tensor(h.values as never, h.shape, h.dtype);
  const out = tf.tidy(() => {
    const ins = Array.isArray(inputs) ? inputs.map(make) : Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, make(v)]));
    const r = tf.engine().runKernel(kernel, ins as unknown as tf.NamedTensorMap, attrs as tf.NamedAttrMap);
    return Array.isArray(r) ? r : [r];
  });
  const results: KernelResult[] = [];
  for (const t of out) {
    const values =
      t.dtype === 'string'
        ? ((await t.data()) as unknown as Uint8Array[]).map((b) => new TextDecoder().decode(b))
        : Array.from((await t.data()) as ArrayLike<number>);
    results.push({ shape: t.shape, dtype: t.dtype, values });
    t.dispose();
  }
  return results;
}

/** max |got - want| / max |want|; NaN or a missing value makes it Infinity. */
export function relativeError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  if (got.length !== want.length) return Infinity;
  let err = 0;
  let scale = 0;
  for (let i = 0; i < want.length; i++) {
    const g = Number(got[i]);
    const w = Number(want[i]);
    if (Number.isNaN(g) !== Number.isNaN(w)) return Infinity;
    if (Number.isNaN(w)) continue;
    err = Math.max(err, Math.abs(g - w));
    scale = Math.max(scale, Math.abs(w));
  }
  if (Number.isNaN(err)) return Infinity;
  return scale === 0 ? err : err / scale;
}

export const TOLERANCE = 1e-4;

export function assertClose(got: KernelResult, want: KernelResult, label: string): void {
  assert.deepEqual(got.shape, want.shape, `${label}: shape`);
  assert.equal(got.dtype, want.dtype, `${label}: dtype`);
  if (want.dtype === 'string') {
    assert.deepEqual(got.values, want.values, `${label}: values`);
    return;
  }
  const e = relativeError(got.values as ArrayLike<number>, want.values as ArrayLike<number>);
  assert.ok(e <= TOLERANCE, `${label}: relative error ${e} > ${TOLERANCE}`);
}

/** Runs `kernel` on wasm and cpu with the same inputs and checks every output. */
export async function checkAgainstCpu(
  kernel: string,
  inputs: Record<string, HostTensor> | HostTensor[],
  attrs: object,
  label = kernel,
): Promise<void> {
  const want = await runKernel('cpu', kernel, inputs, attrs);
  const got = await runKernel('wasm', kernel, inputs, attrs);
  assert.equal(got.length, want.length, `${label}: number of outputs`);
  got.forEach((g, i) => assertClose(g, want[i]!, `${label} output ${i}`));
}

/** Values of a tensor-returning function computed on `backend`. */
export async function onBackend(backend: 'cpu' | 'wasm', f: () => tf.Tensor | tf.Tensor[]): Promise<KernelResult[]> {
  assert.ok(await tf.setBackend(backend));
  const out = tf.tidy(f);
  const list = Array.isArray(out) ? out : [out];
  const results: KernelResult[] = [];
  for (const t of list) {
    results.push({ shape: t.shape, dtype: t.dtype, values: Array.from((await t.data()) as ArrayLike<number>) });
    t.dispose();
  }
  return results;
}

/** Same function on both backends, every output compared. */
export async function checkFunction(label: string, f: () => tf.Tensor | tf.Tensor[]): Promise<void> {
  const want = await onBackend('cpu', f);
  const got = await onBackend('wasm', f);
  assert.equal(got.length, want.length);
  got.forEach((g, i) => assertClose(g, want[i]!, `${label} [${i}]`));
}

export function tensorOf(h: HostTensor): tf.Tensor {
  return tf.tensor(h.values as never, h.shape, h.dtype);
}
