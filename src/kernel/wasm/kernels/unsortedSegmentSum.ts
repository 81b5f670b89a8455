/**
 * UnsortedSegmentSum in one pass: row i of x is added to row segmentIds[i] of the output; ids
 * outside [0, numSegments) are dropped, as in TensorFlow. It is the gradient of tf.gather, so
 * of every embedding lookup (tf.layers.embedding). The cpu kernel the generic path would run
 * builds a mask and a sum per segment: seconds per batch for a few thousand words.
 */
import type { UnsortedSegmentSumAttrs } from '@tensorflow/tfjs';
import { input, type FastKernel } from './types';

export const unsortedSegmentSum: FastKernel = ({ inputs, backend, attrs }) => {
  const x = input(inputs, 'x');
  const ids = input(inputs, 'segmentIds');
  if ((x.dtype !== 'float32' && x.dtype !== 'int32') || ids.dtype !== 'int32') return null;
  if (ids.shape.length !== 1 || x.shape.length < 1 || ids.shape[0] !== x.shape[0]) return null;
  const { numSegments } = attrs as unknown as UnsortedSegmentSumAttrs;
  const rowShape = x.shape.slice(1);
  const rowSize = rowShape.reduce((a, b) => a * b, 1);
  // float32 for int32 data too, as the cpu kernel gives.
  const out = backend.makeOutput([numSegments, ...rowShape], 'float32');
  // Views after the allocation: it can move the heap.
  const xs = backend.typedArrayFromHeap(x) as Float32Array | Int32Array;
  const segment = backend.typedArrayFromHeap(ids) as Int32Array;
  const sums = backend.typedArrayFromHeap(out) as Float32Array;
  sums.fill(0);
  for (let i = 0; i < segment.length; i++) {
    const s = segment[i]!;
    if (s < 0 || s >= numSegments) continue;
    const from = i * rowSize;
    const to = s * rowSize;
    for (let j = 0; j < rowSize; j++) sums[to + j]! += xs[from + j]!;
  }
  return out;
};
