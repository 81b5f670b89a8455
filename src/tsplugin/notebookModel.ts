/**
 * The plugin's picture of tfnb notebooks inside one TypeScript project: which server files are
 * cells of which notebook, in what order, what each declares, and so what suffix each cell's
 * virtual file gets. Declarations are re-read only for cells whose text changed, and suffixes
 * are rebuilt only when some cell's declarations changed.
 */
import type * as ts from 'typescript';
import { NO_DECLARATIONS, readCellDeclarations, type CellDeclarations } from '../authoring/cellDeclarations';
import { cellKeyOfServerFile, type PluginConfig, type PluginNotebook } from '../authoring/pluginProtocol';
import { buildSuffixes, visibleNames, type CellSuffix } from '../authoring/virtualCell';

export interface CellRef {
  readonly notebook: NotebookState;
  readonly index: number;
}

interface ReadDeclarations {
  version: string;
  declarations: CellDeclarations;
}

export class NotebookState {
  /** Server file name of each cell, once the server has it open. */
  readonly fileNames: (string | undefined)[];
  suffixes: CellSuffix[] = [];
  /** Per cell: bumped whenever its suffix text changes (part of the virtual file's version). */
  suffixVersions: number[];
  signature = '';

  constructor(readonly config: PluginNotebook) {
    this.fileNames = config.cells.map(() => undefined);
    this.suffixVersions = config.cells.map(() => 0);
  }

  get dir(): string {
    return this.config.dir;
  }
  get cells(): PluginNotebook['cells'] {
    return this.config.cells;
  }
}

/** How the model reads the server's real (unsuffixed) cell texts. */
export interface CellSource {
  version(fileName: string): string;
  text(fileName: string): string | undefined;
  /** Changes whenever any file of the project changes. */
  projectVersion(): string;
  /** All root file names of the project. */
  rootFiles(): readonly string[];
  /** Whether the server has the file open (in this project or another). */
  isOpen(fileName: string): boolean;
}

export class NotebookModel {
  private config: PluginConfig | undefined;
  private notebooks: NotebookState[] = [];
  private byKey = new Map<string, CellRef>();
  private declarations = new Map<string, ReadDeclarations>();
  private freshAt: string | undefined;
  /** Bumped on every configuration change; part of every cell's virtual version. */
  generation = 0;

  constructor(
    private readonly tsModule: typeof ts,
    private readonly source: CellSource,
  ) {}

  get typesDir(): string | undefined {
    return this.config?.typesDir;
  }

  configure(config: PluginConfig): void {
    this.config = config;
    this.notebooks = config.notebooks.map((nb) => new NotebookState(nb));
    this.byKey = new Map();
    for (const notebook of this.notebooks) notebook.cells.forEach((cell, index) => this.byKey.set(cell.key, { notebook, index }));
    this.declarations = new Map();
    this.freshAt = undefined;
    this.generation++;
  }

  /** The tfnb cell a server file is, or undefined for any other file. */
  cellOf(fileName: string): CellRef | undefined {
    const key = cellKeyOfServerFile(fileName);
    if (key === undefined) return undefined;
    const ref = this.byKey.get(key);
    // Only the server's own name (not the compiler's absolute form of it) can be imported from.
    if (ref && ref.notebook.fileNames[ref.index] === undefined && fileName.startsWith('^/')) ref.notebook.fileNames[ref.index] = fileName;
    return ref;
  }

  /** The cell's suffix, brought up to date with every cell's current text. */
  suffixOf(ref: CellRef): CellSuffix {
    this.refresh();
    return ref.notebook.suffixes[ref.index] ?? { text: '', importedFrom: new Map() };
  }

  suffixVersionOf(ref: CellRef): string {
    this.refresh();
    return `${this.generation}.${ref.notebook.suffixVersions[ref.index] ?? 0}`;
  }

  /** Names declared by the cells above (not by this cell) -> index of the cell that declares each last. */
  visibleAt(ref: CellRef): Map<string, number> {
    this.refresh();
    const cells = ref.notebook.cells.map((cell, index) => ({
      key: cell.key,
      declarations: ref.notebook.fileNames[index] ? this.declarationsOf({ notebook: ref.notebook, index }) : NO_DECLARATIONS,
    }));
    return visibleNames(cells, ref.index);
  }

  declarationsOf(ref: CellRef): CellDeclarations {
    const fileName = ref.notebook.fileNames[ref.index];
    return fileName ? this.readDeclarations(fileName, ref.notebook.cells[ref.index]!.language === 'javascript') : NO_DECLARATIONS;
  }

  /** Re-reads changed cells and rebuilds suffixes if any declaration changed (once per project version). */
  private refresh(): void {
    const projectVersion = this.source.projectVersion();
    if (this.freshAt === projectVersion) return;
    this.freshAt = projectVersion;
    if (this.notebooks.some((nb) => nb.fileNames.includes(undefined))) {
      for (const fileName of this.source.rootFiles()) this.cellOf(fileName);
      for (const notebook of this.notebooks) this.findOpenSiblings(notebook);
    }
    for (const notebook of this.notebooks) this.refreshNotebook(notebook);
  }

  /**
   * Cells open in the server but not in this project. The server puts cells opened with no
   * project folder (an untitled notebook's, or any notebook's when VS Code has no folder open)
   * each in an inferred project of its own; the other cells are then found by their names,
   * spelled as this project's own cells are, and enter its program through the suffix's imports.
   */
  private findOpenSiblings(notebook: NotebookState): void {
    const knownAt = notebook.fileNames.findIndex((f) => f !== undefined);
    if (knownAt < 0) return;
    const known = notebook.fileNames[knownAt]!;
    const knownKey = notebook.cells[knownAt]!.key;
    if (!known.endsWith(knownKey)) return;
    const prefix = known.slice(0, known.length - knownKey.length);
    notebook.cells.forEach((cell, index) => {
      const candidate = prefix + cell.key;
      if (notebook.fileNames[index] === undefined && this.source.isOpen(candidate)) notebook.fileNames[index] = candidate;
    });
  }

  private refreshNotebook(notebook: NotebookState): void {
    const cells = notebook.cells.map((cell, index) => ({ key: cell.key, declarations: this.declarationsOf({ notebook, index }) }));
    const signature = cells
      .map(
        (c, i) =>
          `${notebook.fileNames[i] ? 1 : 0}${c.declarations.names.join(',')}|${c.declarations.mutable.join(',')}|${c.declarations.exported.join(',')}|${[...c.declarations.identifiers].join(',')}`,
      )
      .join('\n');
    if (signature === notebook.signature) return;
    notebook.signature = signature;
    // A cell the server does not have open cannot be imported from: leave its names out.
    const available = cells.map((c, i) => (notebook.fileNames[i] ? c : { key: c.key, declarations: NO_DECLARATIONS }));
    const next = buildSuffixes(available);
    next.forEach((suffix, i) => {
      if (notebook.suffixes[i]?.text !== suffix.text) notebook.suffixVersions[i] = (notebook.suffixVersions[i] ?? 0) + 1;
    });
    notebook.suffixes = next;
  }

  private readDeclarations(fileName: string, isJavaScript: boolean): CellDeclarations {
    const version = this.source.version(fileName);
    const known = this.declarations.get(fileName);
    if (known && known.version === version) return known.declarations;
    const text = this.source.text(fileName);
    const declarations = text === undefined ? NO_DECLARATIONS : readCellDeclarations(this.tsModule, text, isJavaScript);
    this.declarations.set(fileName, { version, declarations });
    return declarations;
  }
}
