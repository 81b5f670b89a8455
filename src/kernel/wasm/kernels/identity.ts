/**
 * wasm's Identity copies the tensor; the cpu and webgl backends share the data
 * (reference-counted), which is safe because no kernel writes into its inputs. Optimizers and
 * tfjs-layers call it dozens of times per training step.
 */
import { input, type FastKernel } from './types';

export const sharedIdentity: FastKernel = ({ inputs, backend }) => {
  const x = input(inputs, 'x');
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape.slice(), dtype: x.dtype };
};
