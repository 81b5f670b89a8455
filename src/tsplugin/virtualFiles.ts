/**
 * Makes the server's program see each tfnb cell as its virtual file (cell text + suffix) and
 * resolve the suffix's imports: other cells, the kernel's globals, and packages as the kernel
 * finds them (its own modules, then the notebook's folder, then the packages tfnb ships). `tf`
 * and every TensorFlow.js package name are the module the kernel's backend ladder loads for the
 * notebook. Every other file, and every cell of a notebook tfnb does not run, is left exactly as
 * the server has it.
 */
import { join } from 'node:path';
import type * as ts from 'typescript';
import { KERNEL_PROVIDED, NATIVE_TF_PACKAGES, TF_PACKAGES, TYPES_FILES } from '../authoring/kernelModules';
import { cellKeyOfSpecifier, KERNEL_MODULE, KERNEL_TF_MODULE } from '../authoring/virtualCell';
import type { CellRef, NotebookModel } from './notebookModel';

/**
 * A cell's text with its suffix; edits inside the cell keep the server's incremental parsing.
 * A new plugin configuration (`generation`) parses every cell afresh: the server reuses a
 * source file whose text did not change, and with it the file's module resolutions, which can
 * depend on the configuration (the notebook's folder, whether the kernel tries tfjs-node).
 */
class VirtualSnapshot implements ts.IScriptSnapshot {
  private text: string | undefined;
  constructor(
    readonly inner: ts.IScriptSnapshot,
    readonly suffix: string,
    readonly generation: number,
  ) {}
  getText(start: number, end: number): string {
    this.text ??= this.inner.getText(0, this.inner.getLength()) + this.suffix;
    return this.text.slice(start, end);
  }
  getLength(): number {
    return this.inner.getLength() + this.suffix.length;
  }
  getChangeRange(old: ts.IScriptSnapshot): ts.TextChangeRange | undefined {
    if (!(old instanceof VirtualSnapshot) || old.suffix !== this.suffix || old.generation !== this.generation) return undefined;
    return this.inner.getChangeRange(old.inner);
  }
}

export interface VirtualFiles {
  /** Length of the cell's own text in `fileName` when it is a tfnb cell (the rest is suffix). */
  cellLength(fileName: string): number | undefined;
}

export function installVirtualFiles(tsModule: typeof ts, host: ts.LanguageServiceHost, model: NotebookModel): VirtualFiles {
  const getScriptSnapshot = host.getScriptSnapshot.bind(host);
  const getScriptVersion = host.getScriptVersion.bind(host);
  const resolveModuleNameLiterals = host.resolveModuleNameLiterals?.bind(host);
  const snapshots = new Map<string, VirtualSnapshot>();

  host.getScriptSnapshot = (fileName) => {
    const inner = getScriptSnapshot(fileName);
    const ref = inner && model.cellOf(fileName);
    if (!inner || !ref) {
      snapshots.delete(fileName);
      return inner;
    }
    const suffix = model.suffixOf(ref).text;
    const known = snapshots.get(fileName);
    if (known && known.inner === inner && known.suffix === suffix && known.generation === model.generation) return known;
    const snapshot = new VirtualSnapshot(inner, suffix, model.generation);
    snapshots.set(fileName, snapshot);
    return snapshot;
  };

  host.getScriptVersion = (fileName) => {
    const version = getScriptVersion(fileName);
    const ref = model.cellOf(fileName);
    return ref ? `${version}+${model.suffixVersionOf(ref)}` : version;
  };

  host.resolveModuleNameLiterals = (literals, containingFile, redirected, options, containingSourceFile, reusedNames) => {
    const ref = model.cellOf(containingFile);
    if (!ref || model.typesDir === undefined) {
      if (resolveModuleNameLiterals)
        return resolveModuleNameLiterals(literals, containingFile, redirected, options, containingSourceFile, reusedNames);
      return literals.map((l) => tsModule.resolveModuleName(l.text, containingFile, options, moduleHost(host)));
    }
    return literals.map((l) => resolveFromCell(tsModule, host, ref, model.typesDir!, l.text, options, kernelTf));
  };

  // The kernel's tf per notebook folder, looked up again once anything in the project changed.
  let tfAt: { version: string | undefined; byDir: Map<string, ts.ResolvedModuleWithFailedLookupLocations> } = {
    version: undefined,
    byDir: new Map(),
  };
  const kernelTf: KernelTf = (dir, nativeBackends, typesDir, options) => {
    const version = host.getProjectVersion?.();
    if (version === undefined || tfAt.version !== version) tfAt = { version, byDir: new Map() };
    const key = `${nativeBackends ? 'native' : 'bundled'}\0${dir}`;
    let found = tfAt.byDir.get(key);
    if (!found) {
      found = resolveKernelTf(tsModule, moduleHost(host), nativeBackends ? dir : undefined, typesDir, options);
      tfAt.byDir.set(key, found);
    }
    return found;
  };

  return {
    cellLength(fileName) {
      if (!model.cellOf(fileName)) return undefined;
      return getScriptSnapshot(fileName)?.getLength();
    },
  };
}

function moduleHost(host: ts.LanguageServiceHost): ts.ModuleResolutionHost {
  return {
    fileExists: (f) => host.fileExists(f),
    readFile: (f) => host.readFile(f),
    directoryExists: host.directoryExists ? (d) => host.directoryExists!(d) : undefined,
    realpath: host.realpath ? (p) => host.realpath!(p) : undefined,
    getCurrentDirectory: () => host.getCurrentDirectory(),
    getDirectories: host.getDirectories ? (d) => host.getDirectories!(d) : undefined,
    useCaseSensitiveFileNames:
      typeof host.useCaseSensitiveFileNames === 'function' ? host.useCaseSensitiveFileNames() : host.useCaseSensitiveFileNames,
  };
}

type KernelTf = (
  dir: string,
  nativeBackends: boolean,
  typesDir: string,
  options: ts.CompilerOptions,
) => ts.ResolvedModuleWithFailedLookupLocations;

/**
 * The module the kernel's `tf` is for a notebook in `dir`, found as its backend ladder finds it
 * (src/kernel/backend.ts): tfjs-node-gpu, then tfjs-node, installed from the folder upward; else
 * (or without `dir`: the backend setting skips the native packages) the tfjs tfnb bundles.
 */
function resolveKernelTf(
  tsModule: typeof ts,
  mHost: ts.ModuleResolutionHost,
  dir: string | undefined,
  typesDir: string,
  options: ts.CompilerOptions,
): ts.ResolvedModuleWithFailedLookupLocations {
  for (const name of dir === undefined ? [] : NATIVE_TF_PACKAGES) {
    const native = tsModule.resolveModuleName(name, join(dir!, '__tfnb_cell__.ts'), options, mHost);
    if (native.resolvedModule) return native;
  }
  return tsModule.resolveModuleName('@tensorflow/tfjs', join(typesDir, '__tfnb_cell__.ts'), options, mHost);
}

function resolveFromCell(
  tsModule: typeof ts,
  host: ts.LanguageServiceHost,
  ref: CellRef,
  typesDir: string,
  specifier: string,
  options: ts.CompilerOptions,
  kernelTf: KernelTf,
): ts.ResolvedModuleWithFailedLookupLocations {
  const cellKey = cellKeyOfSpecifier(specifier);
  if (cellKey !== undefined) {
    const index = ref.notebook.cells.findIndex((c) => c.key === cellKey);
    const fileName = ref.notebook.fileNames[index];
    if (!fileName) return { resolvedModule: undefined };
    const extension = ref.notebook.cells[index]!.language === 'javascript' ? tsModule.Extension.Js : tsModule.Extension.Ts;
    return { resolvedModule: { resolvedFileName: fileName, extension, isExternalLibraryImport: false } };
  }
  const shipped = specifier === KERNEL_MODULE ? TYPES_FILES.kernel : KERNEL_PROVIDED.get(specifier);
  if (shipped) {
    return {
      resolvedModule: { resolvedFileName: join(typesDir, shipped), extension: tsModule.Extension.Dts, isExternalLibraryImport: false },
    };
  }
  // Every TensorFlow.js package name is the kernel's one tf (src/kernel/runtime.ts).
  if (specifier === KERNEL_TF_MODULE || TF_PACKAGES.includes(specifier))
    return kernelTf(ref.notebook.dir, ref.notebook.config.nativeBackends !== false, typesDir, options);
  const mHost = moduleHost(host);
  // As the kernel: the notebook's folder (and the folders above it) first...
  const own = tsModule.resolveModuleName(specifier, join(ref.notebook.dir, '__tfnb_cell__.ts'), options, mHost);
  if (own.resolvedModule) return own;
  // ...then what tfnb bundles.
  const fallback = tsModule.resolveModuleName(specifier, join(typesDir, '__tfnb_cell__.ts'), options, mHost);
  if (fallback.resolvedModule) return fallback;
  return own;
}
