/**
 * Answers made to read as if a notebook's cells were one program (see languageServiceProxy.ts
 * for what is hidden): assigning to a `let`/`var`/`function`/`class` of an earlier cell is
 * allowed, as the kernel allows it; completions list every name of the cells above (a cell
 * imports only the names it mentions); hovers and completion details of a name from an
 * earlier cell describe its declaration there, and the kernel's globals read as globals, not as
 * generated imports; other cells are never offered as modules to auto-import from.
 */
import type * as ts from 'typescript';
import { KERNEL_GLOBALS } from '../authoring/virtualCell';
import { ForeignGlobals } from './foreignGlobals';
import { KERNEL_NAME_SORT_TEXT, kernelNameConstants } from './kernelNameConstants';
import type { CellRef, NotebookModel } from './notebookModel';
import type { VirtualFiles } from './virtualFiles';

/** "Cannot assign to '{0}' because it is an import." */
const ASSIGN_TO_IMPORT = 2632;
/** "Cannot assign to '{0}' because it is a constant." */
const ASSIGN_TO_CONSTANT = 2588;

type Ls = ts.LanguageService;

/** Overrides the proxy's diagnostics, hovers and completions (`ls` is the real service). */
export function installNotebookAnswers(tsModule: typeof ts, ls: Ls, proxy: Ls, model: NotebookModel, files: VirtualFiles): void {
  const cellDiagnostics = <D extends ts.Diagnostic>(fileName: string, diagnostics: D[]): D[] => {
    const length = files.cellLength(fileName);
    if (length === undefined) return diagnostics;
    const ref = model.cellOf(fileName)!;
    const text = ref && ls.getProgram()?.getSourceFile(fileName)?.text;
    const result: D[] = [];
    for (const d of diagnostics) {
      if (d.start !== undefined && d.start >= length) continue; // in the generated suffix
      if (d.code === ASSIGN_TO_IMPORT && text && d.start !== undefined && d.length !== undefined) {
        // Assigning to a name of an earlier cell: fine for let/var/function/class, as in the kernel; a const stays constant.
        const name = text.slice(d.start, d.start + d.length);
        const source = model.suffixOf(ref).importedFrom.get(name);
        const declarations = source !== undefined ? model.declarationsOf({ notebook: ref.notebook, index: source }) : undefined;
        if (declarations?.mutable.includes(name)) continue;
        if (declarations?.kinds.get(name) === 'const') {
          result.push({ ...d, code: ASSIGN_TO_CONSTANT, messageText: `Cannot assign to '${name}' because it is a constant.` });
          continue;
        }
      }
      result.push(d);
    }
    return result;
  };

  const foreign = new ForeignGlobals(tsModule);
  /** Uses of names the server knows but the kernel does not: the DOM, other notebooks' and scripts' globals. */
  const foreignUses = (fileName: string): ts.Diagnostic[] => {
    const length = files.cellLength(fileName);
    const program = ls.getProgram();
    const file = program?.getSourceFile(fileName);
    return length === undefined || !program || !file ? [] : foreign.diagnostics(program, file, length);
  };

  proxy.getSemanticDiagnostics = (fileName) => {
    const diagnostics = cellDiagnostics(fileName, ls.getSemanticDiagnostics(fileName));
    const uses = foreignUses(fileName);
    return uses.length ? [...diagnostics, ...uses].sort((a, b) => (a.start ?? 0) - (b.start ?? 0)) : diagnostics;
  };
  proxy.getSyntacticDiagnostics = (fileName) => cellDiagnostics(fileName, ls.getSyntacticDiagnostics(fileName));
  proxy.getSuggestionDiagnostics = (fileName) => cellDiagnostics(fileName, ls.getSuggestionDiagnostics(fileName));

  /** Hover of a name's declaration in the earlier cell that declares it. */
  const quickInfoInCell = (ref: CellRef, name: string, source: number): ts.QuickInfo | undefined => {
    const fileName = ref.notebook.fileNames[source];
    const at = model.declarationsOf({ notebook: ref.notebook, index: source }).positions.get(name);
    return fileName && at !== undefined ? ls.getQuickInfoAtPosition(fileName, at) : undefined;
  };

  proxy.getQuickInfoAtPosition = (fileName, position, ...rest) => {
    const info = ls.getQuickInfoAtPosition(fileName, position, ...rest);
    const ref = model.cellOf(fileName);
    if (!ref || info?.kind !== tsModule.ScriptElementKind.alias) return info;
    const name =
      ls
        .getProgram()
        ?.getSourceFile(fileName)
        ?.text.slice(info.textSpan.start, info.textSpan.start + info.textSpan.length) ?? '';
    const source = model.suffixOf(ref).importedFrom.get(name);
    const there = source !== undefined ? quickInfoInCell(ref, name, source) : undefined;
    if (there) return { ...there, textSpan: info.textSpan };
    return isKernelGlobal(ref, name) ? asKernelGlobal(info, name) : info;
  };

  const isKernelGlobal = (ref: CellRef, name: string): boolean =>
    KERNEL_GLOBALS.includes(name) && !model.declarationsOf(ref).names.includes(name) && !model.visibleAt(ref).has(name);

  proxy.getCompletionsAtPosition = (fileName, position, options, formatting) => {
    const result = ls.getCompletionsAtPosition(fileName, position, options, formatting);
    const ref = model.cellOf(fileName);
    if (!result || !ref) return result;
    const fromCell = (e: ts.CompletionEntry) =>
      (e.data?.fileName !== undefined && model.cellOf(e.data.fileName) !== undefined) ||
      CELL_MODULE.test(e.source ?? '') ||
      CELL_MODULE.test(e.data?.moduleSpecifier ?? '');
    const program = ls.getProgram();
    const file = program?.getSourceFile(fileName);
    const hidden = program && file && !result.isMemberCompletion ? foreign.namesInScope(program, file) : undefined;
    const kernelNames = program && result.isMemberCompletion ? kernelNameConstants(tsModule, program) : undefined;
    const entries = result.entries
      .filter((e) => !(e.hasAction && fromCell(e)) && !(hidden?.has(e.name) && e.source === undefined))
      .map((e) => (e.kind === 'const' && kernelNames?.has(e.name) ? { ...e, sortText: KERNEL_NAME_SORT_TEXT } : e));
    if (result.isGlobalCompletion && !result.isMemberCompletion) entries.push(...earlierNames(ref, entries));
    return { ...result, entries };
  };

  /** Completion entries for names of the cells above that the cell does not mention yet (so does not import). */
  const earlierNames = (ref: CellRef, present: readonly ts.CompletionEntry[]): ts.CompletionEntry[] => {
    const listed = new Set(present.map((e) => e.name));
    // In a type position the server lists no plain values (no global `var`/`function` either).
    const valuesWanted = present.some((e) => VALUE_KINDS.has(e.kind));
    const added: ts.CompletionEntry[] = [];
    for (const [name, source] of model.visibleAt(ref)) {
      if (listed.has(name)) continue;
      const kind = model.declarationsOf({ notebook: ref.notebook, index: source }).kinds.get(name) ?? 'const';
      if (!valuesWanted && VALUE_KINDS.has(kind)) continue;
      added.push({ name, kind: kind as ts.ScriptElementKind, kindModifiers: '', sortText: LOCAL_SORT_TEXT });
    }
    return added;
  };

  proxy.getCompletionEntryDetails = (fileName, position, entryName, formatOptions, source, preferences, data) => {
    const details = ls.getCompletionEntryDetails(fileName, position, entryName, formatOptions, source, preferences, data);
    const ref = model.cellOf(fileName);
    if (!ref || source !== undefined || (details && details.kind !== tsModule.ScriptElementKind.alias)) return details;
    const from = model.visibleAt(ref).get(entryName);
    const there = from !== undefined ? quickInfoInCell(ref, entryName, from) : undefined;
    if (there) {
      return {
        name: entryName,
        kind: there.kind,
        kindModifiers: there.kindModifiers,
        displayParts: there.displayParts ?? [],
        documentation: there.documentation,
        tags: there.tags,
        codeActions: details?.codeActions,
        sourceDisplay: details?.sourceDisplay,
      };
    }
    if (details && isKernelGlobal(ref, entryName)) return asKernelGlobal(details, entryName);
    return details;
  };
}

/** Text that names another cell or the kernel module as a module (the server's name, or a suffix's specifier). */
export const CELL_MODULE = /vscode-notebook-cell|tfnb:(cell|kernel|tf)/;
const VALUE_KINDS: ReadonlySet<string> = new Set(['const', 'let', 'var', 'function']);
/** The server's sort text for names in scope (ts.Completions.SortText.LocationPriority). */
const LOCAL_SORT_TEXT = '11';

/** "(alias) const tfvis: Tfvis\nimport tfvis" -> "const tfvis: Tfvis"; "import tf" alone -> "namespace tf". */
function unaliased(parts: readonly ts.SymbolDisplayPart[] | undefined, name: string): ts.SymbolDisplayPart[] {
  let list = [...(parts ?? [])];
  if (list[0]?.text === '(' && list[1]?.text === 'alias' && list[2]?.text === ')') list = list.slice(list[3]?.kind === 'space' ? 4 : 3);
  const importAt = list.findIndex((p, i) => p.kind === 'keyword' && p.text === 'import' && (i === 0 || list[i - 1]!.kind === 'lineBreak'));
  if (importAt >= 0) list = list.slice(0, Math.max(0, importAt - 1));
  return list.length
    ? list
    : [
        { text: 'namespace', kind: 'keyword' },
        { text: ' ', kind: 'space' },
        { text: name, kind: 'moduleName' },
      ];
}

const KERNEL_KINDS: Readonly<Record<string, ts.ScriptElementKind>> = {
  tf: 'module' as ts.ScriptElementKind,
  display: 'function' as ts.ScriptElementKind,
  tfvis: 'const' as ts.ScriptElementKind,
  require: 'const' as ts.ScriptElementKind,
};

/** `tf` is a module, not a declaration with its own comment (see virtualCell.ts KERNEL_TF_MODULE). */
const TF_DOCUMENTATION: ts.SymbolDisplayPart[] = [
  {
    kind: 'text',
    text: "TensorFlow.js as the kernel loads it: @tensorflow/tfjs-node-gpu or @tensorflow/tfjs-node when installed from the notebook's folder upward, else tfnb's bundled tfjs (on the backend the kernel chose).",
  },
];

/** A kernel global's hover or details, read as the global it is: `function display(…)`, `namespace tf`. */
function asKernelGlobal<
  T extends { kind: ts.ScriptElementKind; displayParts?: ts.SymbolDisplayPart[]; documentation?: ts.SymbolDisplayPart[] },
>(info: T, name: string): T {
  const kind = KERNEL_KINDS[name] ?? info.kind;
  let parts = unaliased(info.displayParts, name);
  if (kind === 'function' && parts[0]?.text === name)
    parts = [{ text: 'function', kind: 'keyword' }, { text: ' ', kind: 'space' }, ...parts];
  const documentation = name === 'tf' && !info.documentation?.length ? TF_DOCUMENTATION : info.documentation;
  return { ...info, kind, displayParts: parts, documentation };
}
