/**
 * complex64 tensors on the wasm backend.
 *
 * BackendWasm already allocates 8 bytes per complex64 element (util.bytesPerElement), but cannot
 * read them back. Here they are stored the way tfjs hands complex data between backends and to
 * `dataSync()`: interleaved float32 pairs [re0, im0, re1, im1, ...]. Only the two readers that
 * refuse the dtype are extended, on this backend instance.
 */
import { util, type DataId, type TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

const patched = new WeakSet<BackendWasm>();

export function supportComplexStorage(backend: BackendWasm): void {
  if (patched.has(backend)) return;
  patched.add(backend);
  const readSync = backend.readSync.bind(backend);
  backend.readSync = (dataId: DataId, start?: number, end?: number) => {
    const data = backend.dataIdMap.get(dataId);
    if (data?.dtype !== 'complex64') return readSync(dataId, start, end);
    const first = start ?? 0;
    const last = end ?? util.sizeFromShape(data.shape);
    return new Float32Array(backend.wasm.HEAPU8.slice(data.memoryOffset + first * 8, data.memoryOffset + last * 8).buffer);
  };
  const typedArrayFromHeap = backend.typedArrayFromHeap.bind(backend);
  backend.typedArrayFromHeap = (t: TensorInfo) => {
    if (t.dtype !== 'complex64') return typedArrayFromHeap(t);
    const offset = backend.dataIdMap.get(t.dataId).memoryOffset;
    return new Float32Array(backend.wasm.HEAPU8.buffer, offset, 2 * util.sizeFromShape(t.shape));
  };
}

/** The interleaved [re, im] float32 view of a complex64 tensor on the wasm heap. */
export function complexView(backend: BackendWasm, t: TensorInfo): Float32Array {
  if (t.dtype !== 'complex64') throw new Error(`expected a complex64 tensor, got ${t.dtype}`);
  return backend.typedArrayFromHeap(t) as Float32Array;
}

/** The float32 view of a real tensor on the wasm heap (int32 and bool are converted). */
export function realView(backend: BackendWasm, t: TensorInfo): Float32Array {
  const v = backend.typedArrayFromHeap(t);
  return v instanceof Float32Array ? v : Float32Array.from(v);
}
