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
  /** Finds the package of a parent URL (moduleHooks.ts PACKAGE_IN_PATH); files of the packages in exportNames are left alone. */
  packageInPath: string;
  exportNames: Record<string, string[]>;
}

export const ESM_HOOKS_SOURCE = `
let options;
export function initialize(data) { options = data; }
function packageOf(url) {
  const all = [...(url || '').matchAll(new RegExp(options.packageInPath, 'g'))];
  return all.length ? all[all.length - 1][1].replace(/\\\\/g, '/') : '';
}
export async function resolve(specifier, context, nextResolve) {
  if (options && Object.hasOwn(options.exportNames, specifier) && !Object.hasOwn(options.exportNames, packageOf(context.parentURL))) {
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
