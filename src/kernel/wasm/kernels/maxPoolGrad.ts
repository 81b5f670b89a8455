/**
 * MaxPoolGrad in one pass over the input: for every pooling window, the first maximum (in row
 * order, as the cpu kernel picks it) of each channel receives that window's dy. The package's
 * C++ MaxPoolGrad rescans every window for every input position (about 4x slower on a small
 * CNN's pooling layers), and its MaxPoolWithArgmax is no faster than this loop.
 */
import { backend_util, type MaxPoolGradAttrs } from '@tensorflow/tfjs';
import { realView } from '../complexStorage';
import { input, type FastKernel } from './types';

export const maxPoolGrad: FastKernel = ({ inputs, backend, attrs }) => {
  const dy = input(inputs, 'dy');
  const x = input(inputs, 'input');
  if (x.dtype !== 'float32') return null;
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as MaxPoolGradAttrs;
  const info = backend_util.computePool2DInfo(x.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
  const {
    batchSize,
    inHeight,
    inWidth,
    inChannels: channels,
    outHeight,
    outWidth,
    strideHeight,
    strideWidth,
    dilationHeight,
    dilationWidth,
    effectiveFilterHeight,
    effectiveFilterWidth,
  } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const dx = backend.makeOutput(x.shape.slice(), 'float32');
  const xs = realView(backend, x);
  const dys = realView(backend, dy);
  const dxs = realView(backend, dx);
  dxs.fill(0);
  const best = new Float32Array(channels);
  const at = new Int32Array(channels);
  for (let b = 0; b < batchSize; b++) {
    for (let oy = 0; oy < outHeight; oy++) {
      const y0 = oy * strideHeight - top;
      for (let ox = 0; ox < outWidth; ox++) {
        const x0 = ox * strideWidth - left;
        best.fill(-Infinity);
        at.fill(-1);
        for (let fy = 0; fy < effectiveFilterHeight; fy += dilationHeight) {
          const iy = y0 + fy;
          if (iy < 0 || iy >= inHeight) continue;
          for (let fx = 0; fx < effectiveFilterWidth; fx += dilationWidth) {
            const ix = x0 + fx;
            if (ix < 0 || ix >= inWidth) continue;
            const base = ((b * inHeight + iy) * inWidth + ix) * channels;
            for (let c = 0; c < channels; c++) {
              const v = xs[base + c]!;
              if (v > best[c]!) {
                best[c] = v;
                at[c] = base + c;
              }
            }
          }
        }
        const dyBase = ((b * outHeight + oy) * outWidth + ox) * channels;
        for (let c = 0; c < channels; c++) if (at[c]! >= 0) dxs[at[c]!]! += dys[dyBase + c]!;
      }
    }
  }
  return dx;
};
