/** The globals of a CommonJS module, for a cell: code pasted from a Node.js script runs as it did there. */
import { join } from 'node:path';
import type { ModuleLoader } from './imports';

/** `__filename` when the client did not name the notebook file (the folder is always known). */
export const NOTEBOOK_PLACEHOLDER = 'notebook.ipynb';

/**
 * What a CommonJS module sees, so code pasted from a Node.js script runs: `__dirname` and
 * `__filename` (the notebook's folder and file), `require` (with `resolve` and `cache`), and a
 * `module` whose `exports` starts as the `exports` global (`module.exports = …` works).
 * `require.main` stays undefined, as in Node's REPL: a pasted script's
 * `if (require.main === module) main();` does not start its main un-awaited in the background.
 */
export function commonJsGlobals(notebookDir: string, notebookPath: string | undefined, loader: ModuleLoader): Record<string, unknown> {
  const filename = notebookPath ?? join(notebookDir, NOTEBOOK_PLACEHOLDER);
  const cellRequire: NodeJS.Require = Object.assign((id: string): unknown => loader.require(id), {
    resolve: Object.assign((id: string): string => loader.resolve(id), { paths: (id: string) => loader.resolvePaths(id) }),
    cache: loader.cache,
    extensions: loader.extensions,
    main: undefined,
  });
  const exports: Record<string, unknown> = {};
  const module = {
    id: '.',
    path: notebookDir,
    filename,
    exports,
    loaded: false,
    children: [] as unknown[],
    paths: loader.resolvePaths('x') ?? [],
    require: cellRequire,
    parent: null,
    isPreloading: false,
  };
  return { require: cellRequire, module, exports, __dirname: notebookDir, __filename: filename };
}
