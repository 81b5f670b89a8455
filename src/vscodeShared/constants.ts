/** Identifiers shared by the extension's parts and its package.json contributions. */
export const NOTEBOOK_TYPE = 'jupyter-notebook';
export const CONTROLLER_ID = 'tfnb.kernel';
export const CONTROLLER_LABEL = 'tfnb (TypeScript · TensorFlow.js)';
export const RENDERER_ID = 'tfnb.renderer';
export const SUPPORTED_LANGUAGES = ['typescript', 'javascript'] as const;

/** The kernelspec tfnb writes into notebooks it creates, and recognises when one is opened. */
export const KERNELSPEC = { name: 'tfnb', display_name: 'TypeScript (tfnb)', language: 'typescript' } as const;
export const LANGUAGE_INFO = { name: 'typescript', file_extension: '.ts', mimetype: 'text/typescript' } as const;

export const COMMANDS = {
  newNotebook: 'tfnb.newNotebook',
  openSample: 'tfnb.openSample',
  restartKernel: 'tfnb.restartKernel',
  interruptKernel: 'tfnb.interruptKernel',
  selectBackend: 'tfnb.selectBackend',
  showLog: 'tfnb.showLog',
  kernelMenu: 'tfnb.kernelMenu',
} as const;
