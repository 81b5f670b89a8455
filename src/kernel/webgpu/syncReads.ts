/**
 * Synchronous reads (`dataSync()`, `arraySync()`, the sync displays) on the webgpu backend.
 * In a browser tfjs-backend-webgpu reads GPU memory synchronously through an OffscreenCanvas;
 * Node.js has none, and Dawn's binding offers only `mapAsync`, so a sync read of a tensor that
 * lives on the GPU cannot work. Values already on the CPU (after `await t.data()`, or a tensor
 * made from JS values and not yet used by a GPU kernel) read as usual; the rest fail with an
 * error that says what to do instead of "OffscreenCanvas is not defined".
 */

interface WebgpuBackendLike {
  readSync(dataId: object): unknown;
  tensorMap: { get(dataId: object): { values?: unknown; dtype: string; complexTensorInfos?: unknown } | undefined };
}

export const SYNC_READ_MESSAGE =
  'dataSync()/arraySync() cannot read a tensor that lives on the GPU on the webgpu backend in Node.js (no synchronous GPU read exists there). ' +
  'Use `await t.data()` or `await t.array()` (after which dataSync() works on that tensor), or run with --backend wasm';

/** The webgpu backend whose sync reads are guarded (the kernel starts one). */
let guarded: WebgpuBackendLike | undefined;

export function guardSyncReads(backend: WebgpuBackendLike): void {
  guarded = backend;
  const original = backend.readSync.bind(backend);
  backend.readSync = (dataId: object): unknown => {
    const entry = backend.tensorMap.get(dataId);
    if (entry && entry.values == null && entry.dtype !== 'string' && entry.dtype !== 'complex64') throw new Error(SYNC_READ_MESSAGE);
    return original(dataId);
  };
}

/**
 * Brings a GPU tensor's values to the CPU before a synchronous renderer reads them (a cell's
 * result is rendered synchronously). Anything else (every value on cpu and wasm) is left alone.
 */
export async function readToCpu(value: unknown): Promise<void> {
  if (!livesOnGpu(value)) return;
  const tensor = value as { data?: unknown };
  if (typeof tensor.data === 'function') await (tensor.data as () => Promise<unknown>).call(value).catch(() => undefined);
}

/** A tensor whose values are on the GPU only: reading it synchronously would fail. */
export function livesOnGpu(value: unknown): boolean {
  if (!guarded || typeof value !== 'object' || value === null || !('dataId' in value)) return false;
  const tensor = value as { dataId: object; isDisposed?: boolean };
  if (tensor.isDisposed) return false;
  const entry = guarded.tensorMap.get(tensor.dataId);
  return entry !== undefined && entry.values == null && entry.dtype !== 'string' && entry.dtype !== 'complex64';
}
