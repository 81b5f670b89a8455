/**
 * What the extension tells the TypeScript server plugin (through the TypeScript extension's
 * `configurePlugin`), and how both name a notebook cell. No `vscode` or `typescript` imports:
 * the plugin and the extension both bundle this file.
 */

/** The plugin's package name: `contributes.typescriptServerPlugins[].name` and `node_modules/<name>/` in the .vsix. */
export const PLUGIN_NAME = 'tfnb-tsplugin';

export type CellLanguage = 'typescript' | 'javascript';

export interface PluginCell {
  /** The cell's key: see cellKeyOfUri. */
  readonly key: string;
  readonly language: CellLanguage;
}

export interface PluginNotebook {
  /** The notebook file's folder on disk: imports resolve from its node_modules first. */
  readonly dir: string;
  /** Code cells in notebook order (markdown cells left out). */
  readonly cells: readonly PluginCell[];
  /**
   * False when the kernel will not try tfjs-node(-gpu) (the tfnb.backend setting is wasm or
   * cpu): its tf is then tfnb's bundled tfjs even where a native package is installed. Default true.
   */
  readonly nativeBackends?: boolean;
}

export interface PluginConfig {
  /** Folder of the types tfnb ships: kernel.d.ts, tfjs-vis.d.ts and node_modules/ with tfjs's and Node's types. */
  readonly typesDir: string;
  /** Notebooks run by tfnb that are open; cells of any other notebook are left as they are. */
  readonly notebooks: readonly PluginNotebook[];
}

/**
 * A cell's key: its URI's path and fragment, `/dir/nb.ipynb#W1sZmlsZQ==`. The TypeScript
 * extension names an open cell `^/vscode-notebook-cell/<authority>/<path>#<fragment>` in the
 * server; both sides can derive the same key without agreeing on the authority's spelling.
 */
export function cellKeyOfUri(uri: { path: string; fragment: string }): string {
  return `${uri.path.startsWith('/') ? '' : '/'}${uri.path}#${uri.fragment}`;
}

const SERVER_CELL_PREFIX = '^/vscode-notebook-cell/';

/** The key of a cell from its file name in the TypeScript server, or undefined if it is not a notebook cell. */
export function cellKeyOfServerFile(fileName: string): string | undefined {
  // The compiler also names a file by its absolute form, the server's current folder + '/^/...'.
  const at = fileName.indexOf(SERVER_CELL_PREFIX);
  if (at < 0 || (at > 0 && fileName[at - 1] !== '/')) return undefined;
  const rest = fileName.slice(at + SERVER_CELL_PREFIX.length);
  const slash = rest.indexOf('/');
  return slash < 0 || !rest.includes('#') ? undefined : rest.slice(slash);
}

export function isPluginConfig(value: unknown): value is PluginConfig {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.typesDir === 'string' &&
    Array.isArray(v.notebooks) &&
    v.notebooks.every((nb: unknown) => {
      const n = nb as Record<string, unknown> | null;
      return (
        !!n &&
        typeof n.dir === 'string' &&
        Array.isArray(n.cells) &&
        (n.nativeBackends === undefined || typeof n.nativeBackends === 'boolean') &&
        n.cells.every((c: unknown) => {
          const cell = c as Record<string, unknown> | null;
          return !!cell && typeof cell.key === 'string' && (cell.language === 'typescript' || cell.language === 'javascript');
        })
      );
    })
  );
}
