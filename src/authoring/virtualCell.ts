/**
 * What the TypeScript server sees for a cell: the cell's own text, unchanged, followed by a
 * generated suffix that makes the cell a module which exports its top-level names and imports
 * the kernel's globals (`tf` as the module the notebook's kernel loads) and the names it uses from the cells above (each from the cell that
 * declared it last). Imports are hoisted, so the suffix is in scope for the whole cell, and since
 * nothing precedes the cell's text, every position in the cell is the same in the virtual file:
 * positions map back to the cell and line exactly, and anything past the cell's length is the
 * suffix. A name the cell declares itself is not imported, so redeclaring is never flagged; as
 * in the kernel, the latest declaration wins. Only names the cell's text mentions are imported,
 * so a cell's cost to check does not grow with the number of cells above it.
 */
import type { CellDeclarations } from './cellDeclarations';

/** The module that provides the kernel's globals other than `tf` to each cell (resolved by the plugin). */
export const KERNEL_MODULE = 'tfnb:kernel';

/**
 * The module each cell's `tf` is (resolved by the plugin per notebook, as the kernel's backend
 * ladder finds it): @tensorflow/tfjs-node-gpu or -node installed from the notebook's folder
 * upward, else tfnb's bundled tfjs. Every TensorFlow.js package name resolves to it too.
 */
export const KERNEL_TF_MODULE = 'tfnb:tf';

/** Names the kernel gives every cell, and that the kernel module exports. */
export const KERNEL_GLOBALS: readonly string[] = ['tf', 'display', 'tfvis', 'tfnb', 'require'];

const CELL_MODULE_PREFIX = 'tfnb:cell:';

export function cellModuleSpecifier(cellKey: string): string {
  return CELL_MODULE_PREFIX + cellKey;
}

/** The cell key named by a specifier from a suffix, or undefined for any other specifier. */
export function cellKeyOfSpecifier(specifier: string): string | undefined {
  return specifier.startsWith(CELL_MODULE_PREFIX) ? specifier.slice(CELL_MODULE_PREFIX.length) : undefined;
}

export interface CellSuffix {
  /** Text appended after the cell (starts with a line break, so a trailing `//` comment cannot swallow it). */
  readonly text: string;
  /** Each name imported from an earlier cell -> index of the cell whose declaration it is. */
  readonly importedFrom: ReadonlyMap<string, number>;
}

export interface SuffixCell {
  readonly key: string;
  readonly declarations: CellDeclarations;
}

/** The suffix of every cell of a notebook, in notebook order. */
export function buildSuffixes(cells: readonly SuffixCell[]): CellSuffix[] {
  const latest = new Map<string, number>(); // name -> last cell above that declares it
  return cells.map((cell, index) => {
    const suffix = buildSuffix(cells, cell, latest);
    for (const name of cell.declarations.names) latest.set(name, index);
    return suffix;
  });
}

/** Every name the cells above `index` declare -> the last cell that declares it (the cell's own names left out). */
export function visibleNames(cells: readonly SuffixCell[], index: number): Map<string, number> {
  const visible = new Map<string, number>();
  for (let i = 0; i < index; i++) for (const name of cells[i]!.declarations.names) visible.set(name, i);
  for (const name of cells[index]?.declarations.names ?? []) visible.delete(name);
  return visible;
}

function buildSuffix(cells: readonly SuffixCell[], cell: SuffixCell, visible: ReadonlyMap<string, number>): CellSuffix {
  const own = new Set(cell.declarations.names);
  const exported = new Set(cell.declarations.exported);
  const toExport = cell.declarations.names.filter((n) => !exported.has(n));
  const parts = [`\n;export { ${toExport.join(', ')} };`];

  const kernelNames = KERNEL_GLOBALS.filter((n) => !own.has(n) && !visible.has(n));
  const otherKernelNames = kernelNames.filter((n) => n !== 'tf');
  if (otherKernelNames.length) parts.push(`import { ${otherKernelNames.join(', ')} } from ${JSON.stringify(KERNEL_MODULE)};`);
  if (kernelNames.includes('tf')) parts.push(`import * as tf from ${JSON.stringify(KERNEL_TF_MODULE)};`);

  const importedFrom = new Map<string, number>();
  const bySource = new Map<number, string[]>();
  for (const name of cell.declarations.identifiers) {
    const source = visible.get(name);
    if (source === undefined || own.has(name)) continue;
    importedFrom.set(name, source);
    const names = bySource.get(source);
    if (names) names.push(name);
    else bySource.set(source, [name]);
  }
  for (const source of [...bySource.keys()].sort((a, b) => a - b)) {
    parts.push(`import { ${bySource.get(source)!.join(', ')} } from ${JSON.stringify(cellModuleSpecifier(cells[source]!.key))};`);
  }
  return { text: parts.join(''), importedFrom };
}
