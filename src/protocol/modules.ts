/**
 * Module names the kernel answers itself (src/kernel/runtime.ts) — also what the authoring
 * plugin gives types for (src/authoring/kernelModules.ts): one list for both.
 */
/** Every TensorFlow.js package name: `import`/`require` of any returns the kernel's one `tf`. */
export const TF_PACKAGES: readonly string[] = [
  '@tensorflow/tfjs',
  '@tensorflow/tfjs-core',
  '@tensorflow/tfjs-layers',
  '@tensorflow/tfjs-data',
  '@tensorflow/tfjs-converter',
  '@tensorflow/tfjs-node',
  '@tensorflow/tfjs-node-gpu',
];
/** Always the kernel's own objects, whatever is installed beside the notebook. */
export const TFVIS_MODULE = '@tensorflow/tfjs-vis';
export const DATASETS_MODULE = 'tfnb/datasets';
/** tslab's module (`display`, `newDisplay`), for notebooks written for tslab. */
export const TSLAB_MODULE = 'tslab';
