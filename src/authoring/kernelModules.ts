/**
 * Module names the kernel answers itself (src/kernel/runtime.ts). `@tensorflow/tfjs-vis`,
 * `tfnb/datasets` and `tslab` are always the kernel's own objects, whatever is installed, so they always get
 * the types tfnb ships. Every TensorFlow.js package name is the kernel's one `tf`: the first of
 * NATIVE_TF_PACKAGES installed from the notebook's folder upward (the backend ladder of
 * src/kernel/backend.ts), else tfnb's bundled tfjs; all those names get that module's types.
 */
import { DATASETS_MODULE, TF_PACKAGES, TFVIS_MODULE, TSLAB_MODULE } from '../protocol/modules';

export { TF_PACKAGES };

/** The native packages the kernel's backend ladder tries first, in its order (tensorflow-gpu, tensorflow). */
export const NATIVE_TF_PACKAGES: readonly string[] = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'];

/** Files of the shipped types folder (see build/shipTypes.mjs). */
export const TYPES_FILES = { kernel: 'kernel.d.ts' } as const;

/** Modules that are always the kernel's: module name -> file of the shipped types folder. */
export const KERNEL_PROVIDED: ReadonlyMap<string, string> = new Map([
  [TFVIS_MODULE, 'tfjs-vis.d.ts'],
  [DATASETS_MODULE, 'tfnb-datasets.d.ts'],
  [TSLAB_MODULE, 'tslab.d.ts'],
]);
