/**
 * The language service the server uses, as seen through tfnb cells: the real service's
 * answers, with everything that lies in a cell's generated suffix taken out (it is not text a
 * person can see or edit): references, rename, navigation, folding, formatting, code fixes,
 * inlay hints and colouring; diagnostics, hovers and completions are notebookAnswers.ts's.
 */
import type * as ts from 'typescript';
import { CELL_MODULE, installNotebookAnswers } from './notebookAnswers';
import type { NotebookModel } from './notebookModel';
import type { VirtualFiles } from './virtualFiles';

type Ls = ts.LanguageService;

export function createLanguageServiceProxy(tsModule: typeof ts, ls: Ls, model: NotebookModel, files: VirtualFiles): Ls {
  const proxy = Object.create(null) as Ls;
  for (const key of Object.keys(ls) as (keyof Ls)[]) {
    const member = ls[key];
    (proxy as unknown as Record<string, unknown>)[key] =
      typeof member === 'function' ? (member as (...a: unknown[]) => unknown).bind(ls) : member;
  }

  /** True when (fileName, pos) is in a tfnb cell's generated suffix. */
  const generated = (fileName: string | undefined, pos: number | undefined): boolean => {
    if (fileName === undefined || pos === undefined) return false;
    const length = files.cellLength(fileName);
    return length !== undefined && pos >= length;
  };
  const visibleSpan = <T extends { fileName: string; textSpan: ts.TextSpan }>(items: readonly T[] | undefined): T[] | undefined =>
    items?.filter((i) => !generated(i.fileName, i.textSpan.start));
  const visibleChanges = (changes: readonly ts.FileTextChanges[]): ts.FileTextChanges[] =>
    changes
      .map((c) => ({ ...c, textChanges: c.textChanges.filter((t) => !generated(c.fileName, t.span.start)) }))
      .filter((c) => c.textChanges.length > 0);
  const mentionsCells = (changes: readonly ts.FileTextChanges[]): boolean =>
    changes.some((c) => c.textChanges.some((t) => CELL_MODULE.test(t.newText)));

  proxy.getDefinitionAtPosition = (fileName, position) => visibleSpan(ls.getDefinitionAtPosition(fileName, position));
  proxy.getDefinitionAndBoundSpan = (fileName, position) => {
    const result = ls.getDefinitionAndBoundSpan(fileName, position);
    return result && { ...result, definitions: visibleSpan(result.definitions) };
  };
  proxy.getTypeDefinitionAtPosition = (fileName, position) => visibleSpan(ls.getTypeDefinitionAtPosition(fileName, position));
  proxy.getImplementationAtPosition = (fileName, position) => visibleSpan(ls.getImplementationAtPosition(fileName, position));
  proxy.getReferencesAtPosition = (fileName, position) => visibleSpan(ls.getReferencesAtPosition(fileName, position));
  proxy.findReferences = (fileName, position) =>
    ls
      .findReferences(fileName, position)
      ?.map((s) => ({ ...s, references: visibleSpan(s.references) ?? [] }))
      .filter((s) => s.references.length > 0);
  proxy.findRenameLocations = ((
    fileName: string,
    position: number,
    findInStrings: boolean,
    findInComments: boolean,
    preferences?: ts.UserPreferences | boolean,
  ) =>
    visibleSpan(
      ls.findRenameLocations(fileName, position, findInStrings, findInComments, preferences as ts.UserPreferences),
    )) as Ls['findRenameLocations'];
  proxy.getDocumentHighlights = (fileName, position, filesToSearch) =>
    ls
      .getDocumentHighlights(fileName, position, filesToSearch)
      ?.map((h) => ({ ...h, highlightSpans: h.highlightSpans.filter((s) => !generated(h.fileName, s.textSpan.start)) }));

  proxy.getNavigationTree = (fileName) => {
    const tree = ls.getNavigationTree(fileName);
    const prune = (item: ts.NavigationTree): ts.NavigationTree | undefined => {
      if (item.spans.every((s) => generated(fileName, s.start))) return undefined;
      return { ...item, childItems: item.childItems?.map(prune).filter((c): c is ts.NavigationTree => c !== undefined) };
    };
    return files.cellLength(fileName) === undefined ? tree : (prune(tree) ?? { ...tree, childItems: [] });
  };
  proxy.getNavigationBarItems = (fileName) => {
    const items = ls.getNavigationBarItems(fileName);
    if (files.cellLength(fileName) === undefined) return items;
    const prune = (list: ts.NavigationBarItem[]): ts.NavigationBarItem[] =>
      list.filter((i) => !i.spans.every((s) => generated(fileName, s.start))).map((i) => ({ ...i, childItems: prune(i.childItems) }));
    return prune(items);
  };
  proxy.getOutliningSpans = (fileName) =>
    ls.getOutliningSpans(fileName).filter((s) => !generated(fileName, s.textSpan.start + s.textSpan.length - 1));

  proxy.getFormattingEditsForDocument = (fileName, options) =>
    ls.getFormattingEditsForDocument(fileName, options).filter((e) => !generated(fileName, e.span.start));
  proxy.getFormattingEditsForRange = (fileName, start, end, options) =>
    ls.getFormattingEditsForRange(fileName, start, end, options).filter((e) => !generated(fileName, e.span.start));
  proxy.getFormattingEditsAfterKeystroke = (fileName, position, key, options) =>
    ls.getFormattingEditsAfterKeystroke(fileName, position, key, options).filter((e) => !generated(fileName, e.span.start));

  proxy.getCodeFixesAtPosition = (fileName, start, end, errorCodes, formatOptions, preferences) =>
    ls
      .getCodeFixesAtPosition(fileName, start, end, errorCodes, formatOptions, preferences)
      .filter((f) => !mentionsCells(f.changes))
      .map((f) => ({ ...f, changes: visibleChanges(f.changes) }))
      .filter((f) => f.changes.length > 0 || (f.commands?.length ?? 0) > 0);
  proxy.getCombinedCodeFix = (scope, fixId, formatOptions, preferences) => {
    const fix = ls.getCombinedCodeFix(scope, fixId, formatOptions, preferences);
    return { ...fix, changes: mentionsCells(fix.changes) ? [] : visibleChanges(fix.changes) };
  };
  proxy.organizeImports = (args, formatOptions, preferences) => {
    const changes = ls.organizeImports(args, formatOptions, preferences);
    return model.cellOf(args.fileName) ? visibleChanges(changes) : changes;
  };

  proxy.provideInlayHints = (fileName, span, preferences) =>
    ls.provideInlayHints(fileName, span, preferences).filter((h) => !generated(fileName, h.position));
  proxy.getEncodedSemanticClassifications = (fileName, span, format) =>
    withoutGeneratedSpans(fileName, ls.getEncodedSemanticClassifications(fileName, span, format), generated);
  proxy.getEncodedSyntacticClassifications = (fileName, span) =>
    withoutGeneratedSpans(fileName, ls.getEncodedSyntacticClassifications(fileName, span), generated);

  installNotebookAnswers(tsModule, ls, proxy, model, files);
  return proxy;
}

/** Classifications come as (start, length, class) triples. */
function withoutGeneratedSpans(
  fileName: string,
  c: ts.Classifications,
  generated: (f: string, pos: number) => boolean,
): ts.Classifications {
  const spans: number[] = [];
  for (let i = 0; i + 2 < c.spans.length; i += 3) {
    if (!generated(fileName, c.spans[i]!)) spans.push(c.spans[i]!, c.spans[i + 1]!, c.spans[i + 2]!);
  }
  return { ...c, spans };
}
