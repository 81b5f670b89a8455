/**
 * How a cell's `import`/`require` find modules: the notebook's folder upward first (the user's
 * own node_modules), then the packages bundled with tfnb. Node built-ins work; ESM-only packages
 * load through a real dynamic import. TensorFlow.js package names return the kernel's one `tf`.
 */
import { builtinModules, createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import { exports as resolveExports, legacy as resolveLegacy } from 'resolve.exports';

export type ModuleNamespace = Record<string, unknown>;

export interface ModuleLoader {
  import(specifier: string): Promise<unknown>;
  require(specifier: string): unknown;
  /** `require.resolve` with the same order as `require`: the notebook's folder, then tfnb's. */
  resolve(specifier: string): string;
  /** `require.resolve.paths`: the folders searched for a package name (null for a built-in). */
  resolvePaths(specifier: string): string[] | null;
  /** `require.cache` and `require.extensions`: Node's own, shared by every module. */
  cache: NodeJS.Require['cache'];
  extensions: NodeJS.Require['extensions'];
  /** `import x from` semantics over what `import` returned. */
  defaultOf(ns: unknown): unknown;
  /** `import { a } from` semantics: a named export, or a property of a CommonJS default. */
  namedOf(ns: unknown): Record<string, unknown>;
}

/**
 * A real dynamic import from this file-backed module (a REPL evaluation has no module host).
 * esbuild leaves `import()` with a non-literal argument as it is, so it can load ES modules.
 */
const nativeImport = (url: string): Promise<ModuleNamespace> => import(url);

export function createModuleLoader(notebookDir: string, specialModules: ReadonlyMap<string, () => unknown>): ModuleLoader {
  const userRequire = createRequire(join(notebookDir, '__tfnb_notebook__.js'));
  const ownRequire = createRequire(__filename);
  const builtins = new Set(builtinModules);

  const isBuiltin = (s: string) => s.startsWith('node:') || builtins.has(s) || builtins.has(s.split('/')[0]!);
  const isPath = (s: string) =>
    s.startsWith('./') || s.startsWith('../') || s === '.' || s === '..' || isAbsolute(s) || s.startsWith('file:');

  /** Resolves a specifier to a file path (or a builtin name), with import conditions. */
  function resolveForImport(specifier: string): string {
    if (isBuiltin(specifier)) return specifier;
    if (specifier.startsWith('file:')) return specifier;
    if (isPath(specifier)) return pathToFileURL(userRequire.resolve(resolvePath(notebookDir, specifier))).href;
    for (const base of [notebookDir, dirname(__filename)]) {
      const esm = resolveEsmPackage(specifier, base);
      if (esm) return pathToFileURL(esm).href;
    }
    for (const req of [userRequire, ownRequire]) {
      try {
        return pathToFileURL(req.resolve(specifier)).href;
      } catch {
        /* next */
      }
    }
    throw moduleNotFound(specifier, notebookDir);
  }

  const loader: ModuleLoader = {
    async import(specifier: string) {
      const special = specialModules.get(specifier);
      if (special) return special();
      return nativeImport(resolveForImport(specifier));
    },
    require(specifier: string) {
      const special = specialModules.get(specifier);
      if (special) return special();
      if (isBuiltin(specifier)) return ownRequire(specifier);
      if (isPath(specifier)) return explainEsm(specifier, notebookDir, () => userRequire(resolvePath(notebookDir, specifier)));
      for (const [req, base] of [
        [userRequire, notebookDir],
        [ownRequire, dirname(__filename)],
      ] as const) {
        try {
          return explainEsm(specifier, base, () => req(specifier));
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw e;
        }
      }
      throw moduleNotFound(specifier, notebookDir);
    },
    resolve(specifier: string) {
      if (specialModules.has(specifier)) return specifier;
      if (isBuiltin(specifier)) return specifier;
      if (isPath(specifier)) return userRequire.resolve(resolvePath(notebookDir, specifier));
      for (const req of [userRequire, ownRequire]) {
        try {
          return req.resolve(specifier);
        } catch {
          /* next */
        }
      }
      throw moduleNotFound(specifier, notebookDir);
    },
    resolvePaths: (specifier: string) => userRequire.resolve.paths(specifier),
    cache: userRequire.cache,
    extensions: userRequire.extensions,
    defaultOf(ns: unknown) {
      if (ns !== null && typeof ns === 'object' && 'default' in ns) return (ns as ModuleNamespace).default;
      return ns;
    },
    namedOf(ns: unknown) {
      const target = (ns ?? {}) as ModuleNamespace;
      const fallback = (target.default ?? {}) as ModuleNamespace;
      return new Proxy(target, {
        get: (t, key) => (key in t ? t[key as string] : fallback[key as string]),
      });
    },
  };
  return loader;
}

/** Finds `node_modules/<pkg>` from `base` upward and resolves its ESM entry ("import" condition). */
function resolveEsmPackage(specifier: string, base: string): string | undefined {
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
  const subpath = '.' + specifier.slice(name.length);
  for (let dir = resolvePath(base); ; dir = dirname(dir)) {
    const pkgDir = join(dir, 'node_modules', name);
    const pkgJson = join(pkgDir, 'package.json');
    if (existsSync(pkgJson)) {
      const pkg = JSON.parse(readFileSync(pkgJson, 'utf8')) as Record<string, unknown>;
      // Only packages that are ES modules need this path; CommonJS ones go through require.resolve.
      const isEsm = pkg.type === 'module' || (pkg.exports !== undefined && !hasRequireCondition(pkg.exports));
      if (!isEsm) return undefined;
      let entries: string[] | undefined;
      try {
        entries = resolveExports(pkg, subpath, { conditions: ['node', 'import'] }) ?? undefined;
      } catch {
        entries = undefined;
      }
      if (!entries && subpath === '.') {
        const legacy = resolveLegacy(pkg, { fields: ['module', 'main'] });
        entries = typeof legacy === 'string' ? [legacy] : undefined;
      }
      const entry = entries?.[0];
      return entry ? join(pkgDir, entry) : undefined;
    }
    if (dirname(dir) === dir) return undefined;
  }
}

function hasRequireCondition(exportsField: unknown): boolean {
  if (typeof exportsField === 'string') return true;
  if (Array.isArray(exportsField)) return exportsField.some(hasRequireCondition);
  if (exportsField && typeof exportsField === 'object') {
    for (const [k, v] of Object.entries(exportsField)) {
      if (k === 'require' || k === 'default') return true;
      if (hasRequireCondition(v)) return true;
    }
  }
  return false;
}

/**
 * Node 20's `require()` cannot load an ES module: an ESM-only package fails with a cryptic
 * `No "exports" main defined` (ERR_PACKAGE_PATH_NOT_EXPORTED) or ERR_REQUIRE_ESM. Say what to do.
 */
function explainEsm<T>(specifier: string, base: string, load: () => T): T {
  try {
    return load();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const esm =
      code === 'ERR_REQUIRE_ESM' || (code === 'ERR_PACKAGE_PATH_NOT_EXPORTED' && resolveEsmPackage(specifier, base) !== undefined);
    if (!esm) throw e;
    const name = JSON.stringify(specifier);
    const why =
      code === 'ERR_REQUIRE_ESM'
        ? `is an ES module, which require() cannot load on Node ${process.version}`
        : 'is an ES module package with no entry for require() (its "exports" name only an "import" entry)';
    const explained = new Error(
      `'${specifier}' ${why}. Use import instead: \`import * as m from ${name}\` or \`const m = await import(${name})\`.`,
    );
    (explained as NodeJS.ErrnoException).code = 'ERR_REQUIRE_ESM';
    throw explained;
  }
}

function moduleNotFound(specifier: string, notebookDir: string): Error {
  const e = new Error(
    `Cannot find module '${specifier}' from the notebook's folder (${notebookDir}) or tfnb's bundled packages. Install it next to the notebook: npm install ${specifier}`,
  );
  (e as NodeJS.ErrnoException).code = 'MODULE_NOT_FOUND';
  return e;
}
