/**
 * Module names the kernel answers itself (src/kernel/runtime.ts). `@tensorflow/tfjs-vis` and
 * `tfnb/datasets` are always the kernel's own objects, whatever is installed, so they always get
 * the types tfnb ships. Every TensorFlow.js package is the kernel's `tf`: a copy installed beside
 * the notebook gives its own types (with tfjs-node the kernel's tf is that copy), else tfnb's tfjs.
 */
import { DATASETS_MODULE, TF_PACKAGES, TFVIS_MODULE } from '../protocol/modules';

export { TF_PACKAGES };

/** Files of the shipped types folder (see build/ship-types.mjs). */
export const TYPES_FILES = { kernel: 'kernel.d.ts' } as const;

/** Modules that are always the kernel's: module name -> file of the shipped types folder. */
export const KERNEL_PROVIDED: ReadonlyMap<string, string> = new Map([
  [TFVIS_MODULE, 'tfjs-vis.d.ts'],
  [DATASETS_MODULE, 'tfnb-datasets.d.ts'],
]);
