/**
 * Names a tfnb cell can see in the TypeScript server that the kernel does not have:
 * - the browser DOM's globals (`document`, `window`, `HTMLElement`, …): VS Code's inferred
 *   project has the default lib, which includes the DOM, and its lib cannot change for tfnb's
 *   cells alone (it is one program for every file in it); the kernel is Node.js;
 * - top-level names of script files that share the project's global scope: cells of other
 *   notebooks (VS Code opens every cell as a script) and other open script files.
 * A use of one in a tfnb cell is reported as TypeScript reports a name it cannot find (TS2304),
 * and completions in tfnb cells leave them out. Names that Node's types or the ECMAScript libs
 * declare too (`console`, `setTimeout`, `URL`, `fetch`, …) are the kernel's and stay.
 */
import type * as ts from 'typescript';

/** The default libs that describe a browser, not Node.js. */
const BROWSER_LIB = /(^|[\\/])lib\.(dom|webworker|scripthost)[a-z.]*\.d\.ts$/i;
/** "Cannot find name '{0}'." */
const CANNOT_FIND_NAME = 2304;

export type ForeignKind = 'dom' | 'elsewhere';

export class ForeignGlobals {
  /** Per program: every top-level name of a browser lib or a script file (a superset of what is flagged). */
  private readonly candidates = new WeakMap<ts.Program, ReadonlySet<string>>();
  private readonly topLevel = new WeakMap<ts.SourceFile, readonly string[]>();
  private readonly inScope = new WeakMap<ts.Program, ReadonlySet<string>>();

  constructor(private readonly tsModule: typeof ts) {}

  /** Uses of foreign globals in the first `cellLength` characters of a tfnb cell's file. */
  diagnostics(program: ts.Program, file: ts.SourceFile, cellLength: number): ts.Diagnostic[] {
    const candidates = this.candidateNames(program);
    if (candidates.size === 0) return [];
    const checker = program.getTypeChecker();
    const found: ts.Diagnostic[] = [];
    const visit = (node: ts.Node): void => {
      if (node.pos >= cellLength) return;
      if (this.tsModule.isIdentifier(node) && candidates.has(node.text)) {
        const symbol =
          this.tsModule.isShorthandPropertyAssignment(node.parent) && node.parent.name === node
            ? checker.getShorthandAssignmentValueSymbol(node.parent)
            : checker.getSymbolAtLocation(node);
        const kind = symbol && this.kindOf(program, symbol);
        if (kind) {
          const start = node.getStart(file);
          found.push({
            file,
            start,
            length: node.end - start,
            category: this.tsModule.DiagnosticCategory.Error,
            code: CANNOT_FIND_NAME,
            messageText: message(node.text, kind),
          });
        }
      }
      this.tsModule.forEachChild(node, visit);
    };
    visit(file);
    return found;
  }

  /** Names in scope in a tfnb cell that are foreign globals (for completions to leave out). */
  namesInScope(program: ts.Program, file: ts.SourceFile): ReadonlySet<string> {
    const known = this.inScope.get(program);
    if (known) return known;
    const candidates = this.candidateNames(program);
    const names = new Set<string>();
    if (candidates.size > 0) {
      const flags = this.tsModule.SymbolFlags;
      for (const symbol of program.getTypeChecker().getSymbolsInScope(file, flags.Value | flags.Type | flags.Namespace)) {
        if (candidates.has(symbol.name) && this.kindOf(program, symbol)) names.add(symbol.name);
      }
    }
    this.inScope.set(program, names);
    return names;
  }

  /** Whether every declaration of the symbol is a top-level one in a browser lib or a script file. */
  private kindOf(program: ts.Program, symbol: ts.Symbol): ForeignKind | undefined {
    if (symbol.flags & this.tsModule.SymbolFlags.Alias) return undefined;
    const declarations = symbol.declarations;
    if (!declarations?.length) return undefined;
    let kind: ForeignKind = 'dom';
    for (const declaration of declarations) {
      const file = declaration.getSourceFile();
      if (!isTopLevel(this.tsModule, declaration, file)) return undefined;
      if (this.isBrowserLib(program, file)) continue;
      if (!this.isScript(file)) return undefined;
      kind = 'elsewhere';
    }
    return kind;
  }

  private isBrowserLib(program: ts.Program, file: ts.SourceFile): boolean {
    return file.isDeclarationFile && BROWSER_LIB.test(file.fileName) && program.isSourceFileDefaultLibrary(file);
  }

  /** A source file (not declarations) whose top-level names are globals: no import/export, not CommonJS. */
  private isScript(file: ts.SourceFile): boolean {
    return (
      !file.isDeclarationFile &&
      !this.tsModule.isExternalModule(file) &&
      !(file as { commonJsModuleIndicator?: unknown }).commonJsModuleIndicator
    );
  }

  private candidateNames(program: ts.Program): ReadonlySet<string> {
    const known = this.candidates.get(program);
    if (known) return known;
    const names = new Set<string>();
    for (const file of program.getSourceFiles()) {
      if (!this.isBrowserLib(program, file) && !this.isScript(file)) continue;
      for (const name of this.topLevelNames(file)) names.add(name);
    }
    this.candidates.set(program, names);
    return names;
  }

  private topLevelNames(file: ts.SourceFile): readonly string[] {
    let names = this.topLevel.get(file);
    if (names) return names;
    const t = this.tsModule;
    const list: string[] = [];
    const bindings = (name: ts.BindingName): void => {
      if (t.isIdentifier(name)) list.push(name.text);
      else for (const element of name.elements) if (!t.isOmittedExpression(element)) bindings(element.name);
    };
    for (const statement of file.statements) {
      if (t.isVariableStatement(statement)) for (const d of statement.declarationList.declarations) bindings(d.name);
      else if (
        (t.isFunctionDeclaration(statement) ||
          t.isClassDeclaration(statement) ||
          t.isInterfaceDeclaration(statement) ||
          t.isTypeAliasDeclaration(statement) ||
          t.isEnumDeclaration(statement) ||
          t.isModuleDeclaration(statement)) &&
        statement.name &&
        t.isIdentifier(statement.name)
      )
        list.push(statement.name.text);
    }
    names = list;
    this.topLevel.set(file, names);
    return names;
  }
}

function isTopLevel(t: typeof ts, declaration: ts.Declaration, file: ts.SourceFile): boolean {
  if (t.isVariableDeclaration(declaration)) return declaration.parent.parent.parent === file;
  if (t.isBindingElement(declaration)) {
    let node: ts.Node = declaration;
    while (t.isBindingElement(node) || t.isObjectBindingPattern(node) || t.isArrayBindingPattern(node)) node = node.parent;
    return t.isVariableDeclaration(node) && node.parent.parent.parent === file;
  }
  return (
    (t.isFunctionDeclaration(declaration) ||
      t.isClassDeclaration(declaration) ||
      t.isInterfaceDeclaration(declaration) ||
      t.isTypeAliasDeclaration(declaration) ||
      t.isEnumDeclaration(declaration) ||
      t.isModuleDeclaration(declaration)) &&
    declaration.parent === file
  );
}

function message(name: string, kind: ForeignKind): string {
  return kind === 'dom'
    ? `Cannot find name '${name}'. The tfnb kernel runs in Node.js, which has no browser DOM.`
    : `Cannot find name '${name}'. It is declared outside this notebook (another notebook or script); a tfnb cell sees only the cells above it and the kernel's globals.`;
}
