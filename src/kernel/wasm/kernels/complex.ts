/**
 * Complex, Real, Imag and ComplexAbs on the wasm heap: single passes over interleaved
 * [re, im] float32 pairs (see complexStorage.ts), with no copies through JavaScript arrays.
 */
import { util } from '@tensorflow/tfjs';
import { complexView, realView } from '../complexStorage';
import { input, type FastKernel } from './types';

export const complex: FastKernel = ({ inputs, backend }) => {
  const real = input(inputs, 'real');
  const imag = input(inputs, 'imag');
  util.assertShapesMatch(real.shape, imag.shape, 'real and imaginary shapes do not match in Complex:');
  const out = backend.makeOutput(real.shape.slice(), 'complex64');
  const re = realView(backend, real);
  const im = realView(backend, imag);
  const z = complexView(backend, out);
  for (let i = 0; i < re.length; i++) {
    z[2 * i] = re[i]!;
    z[2 * i + 1] = im[i]!;
  }
  return out;
};

function part(which: 0 | 1): FastKernel {
  return ({ inputs, backend }) => {
    const x = input(inputs, 'input');
    const out = backend.makeOutput(x.shape.slice(), 'float32');
    const z = complexView(backend, x);
    const o = realView(backend, out);
    for (let i = 0; i < o.length; i++) o[i] = z[2 * i + which]!;
    return out;
  };
}

export const real: FastKernel = part(0);
export const imag: FastKernel = part(1);

export const complexAbs: FastKernel = ({ inputs, backend }) => {
  const x = input(inputs, 'x');
  const out = backend.makeOutput(x.shape.slice(), 'float32');
  const z = complexView(backend, x);
  const o = realView(backend, out);
  for (let i = 0; i < o.length; i++) o[i] = Math.hypot(z[2 * i]!, z[2 * i + 1]!);
  return out;
};
