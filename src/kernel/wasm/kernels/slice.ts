/**
 * Slice straight from the wasm heap. The package's kernel first copies the whole input out of
 * the heap (readSync), so taking one image of a 60,000-image tensor copied 188 MB: 8-25 ms for a
 * few hundred bytes. Here the input is read through a view and only the slice is copied, one
 * contiguous run at a time. Strings and complex64 (stored apart) keep the package's kernel.
 */
import { slice_util, util, type SliceAttrs } from '@tensorflow/tfjs';
import { input, type FastKernel } from './types';

export const heapSlice: FastKernel = ({ inputs, backend, attrs }) => {
  const x = input(inputs, 'x');
  if (x.dtype === 'string' || x.dtype === 'complex64') return null;
  const { begin, size } = attrs as unknown as SliceAttrs;
  const [start, extent] = slice_util.parseSliceParams(x as never, begin, size) as [number[], number[]];
  const out = backend.makeOutput(extent, x.dtype);
  if (util.sizeFromShape(extent) === 0) return out;
  // Views after the allocation: it can move the heap.
  const from = backend.typedArrayFromHeap(x);
  const to = backend.typedArrayFromHeap(out);
  const rank = x.shape.length;
  const strides = util.computeStrides(x.shape);
  const stride = (d: number) => (d === rank - 1 ? 1 : strides[d]!);
  // The innermost dimensions taken whole, and the one partly taken above them, form one run.
  let d = rank - 1;
  let run = 1;
  while (d >= 0 && start[d] === 0 && extent[d] === x.shape[d]) run *= x.shape[d--]!;
  if (d < 0) {
    to.set(from.subarray(0, run));
    return out;
  }
  run *= extent[d]!;
  const outer = extent.slice(0, d);
  const count = util.sizeFromShape(outer);
  const index = new Array<number>(d).fill(0);
  for (let r = 0; r < count; r++) {
    let offset = start[d]! * stride(d);
    for (let k = 0; k < d; k++) offset += (start[k]! + index[k]!) * stride(k);
    to.set(from.subarray(offset, offset + run), r * run);
    for (let k = d - 1; k >= 0; k--) {
      if (++index[k]! < outer[k]!) break;
      index[k] = 0;
    }
  }
  return out;
};
