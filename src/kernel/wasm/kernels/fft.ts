/**
 * FFT and IFFT over the innermost axis of a complex64 tensor on the wasm heap, in float64 with
 * an O(n log n) transform for every length (the cpu backend falls back to an O(n^2) DFT for
 * lengths that are not powers of two). IFFT divides by n, as TensorFlow's does.
 */
import { util } from '@tensorflow/tfjs';
import { complexView } from '../complexStorage';
import { fftPlan } from './fftMath';
import { input, type FastKernel } from './types';

function transformKernel(inverse: boolean): FastKernel {
  return ({ inputs, backend }) => {
    const x = input(inputs, 'input');
    if (x.dtype !== 'complex64') return null;
    const out = backend.makeOutput(x.shape.slice(), 'complex64');
    const n = x.shape[x.shape.length - 1] ?? 1;
    const size = util.sizeFromShape(x.shape);
    if (size === 0) return out;
    const src = complexView(backend, x);
    const dst = complexView(backend, out);
    const plan = fftPlan(n);
    const re = new Float64Array(n);
    const im = new Float64Array(n);
    const scale = inverse ? 1 / n : 1;
    for (let row = 0; row < size / n; row++) {
      const base = 2 * row * n;
      for (let j = 0; j < n; j++) {
        re[j] = src[base + 2 * j]!;
        im[j] = src[base + 2 * j + 1]!;
      }
      plan.transform(re, im, inverse);
      for (let k = 0; k < n; k++) {
        dst[base + 2 * k] = re[k]! * scale;
        dst[base + 2 * k + 1] = im[k]! * scale;
      }
    }
    return out;
  };
}

export const fft: FastKernel = transformKernel(false);
export const ifft: FastKernel = transformKernel(true);
