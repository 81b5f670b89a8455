/**
 * A user's own files beside the notebook (`model.js`, `data.mjs`) that import a TensorFlow.js
 * package get the kernel's instance, not `Cannot find module` (tfjs is bundled inside the
 * kernel, not in a node_modules) nor a second, uninitialised copy. CommonJS `require` goes through
 * Module._load; ES `import` through a `module.register` resolve/load hook (Node ≥ 20.6) that
 * turns the name into a module re-exporting the kernel's object.
 * Files of the packages named (a real tfjs-node, a copy of tfjs beside the notebook) are left
 * alone: they wire themselves as they were built. Any other package — a model library, a backend
 * such as @tensorflow/tfjs-backend-webgpu — gets the kernel's instance, so it registers there.
 */
import Module, { isBuiltin, register } from 'node:module';
import { ESM_HOOKS_SOURCE, KERNEL_MODULE_SCHEME, type EsmHooksData } from './esmHooks';
import type { KernelModule } from './kernelModules';

/** Where the ES module stubs find the kernel's objects (same thread as the user's code). */
export const KERNEL_MODULES_KEY = Symbol.for('tfnb.kernelModules');

type ModuleLoad = (request: string, parent: { filename?: string | null } | null | undefined, isMain: boolean) => unknown;

/** A package folder in a path: node_modules/<name> or node_modules/@scope/<name>. */
export const PACKAGE_IN_PATH = /[\\/]node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/g;

/** The package a file belongs to (the name after its last node_modules), if any. */
export function packageOf(path: string | null | undefined): string | undefined {
  if (!path) return undefined;
  const all = [...path.matchAll(PACKAGE_IN_PATH)];
  return all.length ? all[all.length - 1]![1]!.replace(/\\/g, '/') : undefined;
}

export interface ModuleHooks {
  /** Registers the ES module hooks, once. It costs a loader thread (~25 ms at start), so it waits for user code. */
  registerEsm(): void;
}

let installed: ModuleHooks | undefined;

export function installModuleHooks(modules: ReadonlyMap<string, KernelModule>, log: (message: string) => void): ModuleHooks {
  if (installed) return installed;
  (globalThis as Record<symbol, unknown>)[KERNEL_MODULES_KEY] = modules;

  let esmRegistered = false;
  const hooks: ModuleHooks = {
    registerEsm() {
      if (esmRegistered) return;
      esmRegistered = true;
      const data: EsmHooksData = {
        scheme: KERNEL_MODULE_SCHEME,
        key: KERNEL_MODULES_KEY.description!,
        packageInPath: PACKAGE_IN_PATH.source,
        exportNames: Object.fromEntries([...modules].map(([name, m]) => [name, Object.keys(m).filter(isExportName)])),
      };
      try {
        register(`data:text/javascript,${encodeURIComponent(ESM_HOOKS_SOURCE)}`, { data });
      } catch (e) {
        log(
          `ES modules beside the notebook that import TensorFlow.js will not get the kernel's instance: ${e instanceof Error ? e.message : String(e)}`,
        );
      }
    },
  };

  const loader = Module as unknown as { _load: ModuleLoad };
  const load = loader._load;
  loader._load = function (this: unknown, request, parent, isMain) {
    const kernelModule = modules.get(request);
    if (kernelModule && !modules.has(packageOf(parent?.filename) ?? '')) {
      // User code is running: whatever it import()s next must find the hooks in place.
      hooks.registerEsm();
      return kernelModule;
    }
    return load.call(this, request, parent, isMain);
  };
  installed = hooks;
  return hooks;
}

/**
 * Registers the ES hooks on a cell's first import or require of anything but a Node built-in or
 * a module the kernel answers itself: the only ways user files start to load.
 */
export function registerEsmHooksOnFirstLoad<L extends { import(specifier: string): Promise<unknown>; require(specifier: string): unknown }>(
  loader: L,
  hooks: ModuleHooks,
  answeredByKernel: ReadonlyMap<string, unknown>,
): L {
  const loadsUserCode = (specifier: string) => !answeredByKernel.has(specifier) && !isBuiltin(specifier);
  const importModule = loader.import.bind(loader);
  const requireModule = loader.require.bind(loader);
  loader.import = (specifier) => {
    if (loadsUserCode(specifier)) hooks.registerEsm();
    return importModule(specifier);
  };
  loader.require = (specifier) => {
    if (loadsUserCode(specifier)) hooks.registerEsm();
    return requireModule(specifier);
  };
  return loader;
}

const RESERVED = new Set([
  'default',
  'await',
  'break',
  'case',
  'catch',
  'class',
  'const',
  'continue',
  'debugger',
  'delete',
  'do',
  'else',
  'enum',
  'export',
  'extends',
  'false',
  'finally',
  'for',
  'function',
  'if',
  'import',
  'in',
  'instanceof',
  'new',
  'null',
  'return',
  'super',
  'switch',
  'this',
  'throw',
  'true',
  'try',
  'typeof',
  'var',
  'void',
  'while',
  'with',
  'yield',
  'let',
  'static',
  'implements',
  'interface',
  'package',
  'private',
  'protected',
  'public',
]);

function isExportName(name: string): boolean {
  return /^[A-Za-z_$][\w$]*$/.test(name) && !RESERVED.has(name);
}
