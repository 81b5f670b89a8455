/**
 * The source of the ES module loader hooks moduleHooks.ts registers. Node runs them on its
 * loader thread, which cannot hold the kernel's objects: a TensorFlow.js name resolves to
 * `tfnb-kernel:<name>`, whose source reads the object from a global of the user's thread and
 * re-exports each of its names (sent here as `data` when the hooks are registered).
 */
export const KERNEL_MODULE_SCHEME = 'tfnb-kernel:';

export interface EsmHooksData {
  scheme: string;
  /** Symbol.for(key) holds the Map of module name → object on the user's thread. */
  key: string;
  /** A parent URL containing this is a TensorFlow.js package's own file: left alone. */
  tfjsPackageDir: string;
  exportNames: Record<string, string[]>;
}

export const ESM_HOOKS_SOURCE = `
let options;
export function initialize(data) { options = data; }
export async function resolve(specifier, context, nextResolve) {
  if (options && Object.hasOwn(options.exportNames, specifier) && !(context.parentURL || '').includes(options.tfjsPackageDir)) {
    return { url: options.scheme + specifier, format: 'module', shortCircuit: true };
  }
  return nextResolve(specifier, context);
}
export async function load(url, context, nextLoad) {
  if (options && url.startsWith(options.scheme)) {
    const name = url.slice(options.scheme.length);
    const names = options.exportNames[name] || [];
    const source = 'const m = globalThis[Symbol.for(' + JSON.stringify(options.key) + ')].get(' + JSON.stringify(name) + ');\\n'
      + 'export default m.default;\\n'
      + (names.length ? 'export const { ' + names.join(', ') + ' } = m;\\n' : '');
    return { format: 'module', source, shortCircuit: true };
  }
  return nextLoad(url, context);
}
`;
