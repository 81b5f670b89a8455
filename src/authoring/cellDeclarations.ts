/**
 * The names a notebook cell declares at its top level, read from its syntax alone (no type
 * checking), so that later cells can be given exactly those names. The kernel keeps every
 * top-level declaration of a cell (imports become `const`s), so they all count.
 */
import type * as ts from 'typescript';

export interface CellDeclarations {
  /** Every name declared at top level, in source order, each once. */
  readonly names: readonly string[];
  /** Names declared with `let`, `var`, `function` or `class`: the kernel lets later cells assign to them. */
  readonly mutable: readonly string[];
  /** Names the cell already exports itself (`export const x`, `export { x }`). */
  readonly exported: readonly string[];
  /** Offset in the cell of the identifier that declares each name (its last declaration). */
  readonly positions: ReadonlyMap<string, number>;
  /** What each name is, for completion lists (a TypeScript ScriptElementKind string). */
  readonly kinds: ReadonlyMap<string, DeclarationKind>;
  /** Every identifier the cell's text uses anywhere (a superset of the names it needs from other cells). */
  readonly identifiers: ReadonlySet<string>;
}

export type DeclarationKind = 'const' | 'let' | 'var' | 'function' | 'class' | 'interface' | 'type' | 'enum' | 'module' | 'alias';

export const NO_DECLARATIONS: CellDeclarations = {
  names: [],
  mutable: [],
  exported: [],
  positions: new Map(),
  kinds: new Map(),
  identifiers: new Set(),
};

type Ts = typeof ts;

export function readCellDeclarations(tsModule: Ts, text: string, isJavaScript: boolean): CellDeclarations {
  const source = tsModule.createSourceFile(
    isJavaScript ? 'cell.js' : 'cell.ts',
    text,
    tsModule.ScriptTarget.Latest,
    false,
    isJavaScript ? tsModule.ScriptKind.JS : tsModule.ScriptKind.TS,
  );
  const positions = new Map<string, number>();
  const kinds = new Map<string, DeclarationKind>();
  const mutable = new Set<string>();
  const exported = new Set<string>();
  const declare: Declare = (id, kind) => {
    if (!id) return;
    const name = id.text;
    positions.delete(name); // keeps source order of the last declaration
    positions.set(name, id.getStart(source));
    kinds.set(name, kind);
    if (kind === 'let' || kind === 'var' || kind === 'function' || kind === 'class') mutable.add(name);
    else mutable.delete(name);
  };
  for (const statement of source.statements) {
    const isExported = hasModifier(tsModule, statement, tsModule.SyntaxKind.ExportKeyword);
    const before = new Set(positions.keys());
    declareStatement(tsModule, statement, declare);
    if (isExported && !hasModifier(tsModule, statement, tsModule.SyntaxKind.DefaultKeyword)) {
      for (const name of positions.keys()) if (!before.has(name)) exported.add(name);
    }
    if (
      tsModule.isExportDeclaration(statement) &&
      !statement.moduleSpecifier &&
      statement.exportClause &&
      tsModule.isNamedExports(statement.exportClause)
    ) {
      for (const spec of statement.exportClause.elements) exported.add(spec.name.text);
    }
  }
  const identifiers = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (node.kind === tsModule.SyntaxKind.Identifier) identifiers.add((node as ts.Identifier).text);
    else node.forEachChild(visit);
  };
  source.forEachChild(visit);
  return { names: [...positions.keys()], mutable: [...mutable], exported: [...exported], positions, kinds, identifiers };
}

type Declare = (id: ts.Identifier | undefined, kind: DeclarationKind) => void;

function declareStatement(tsModule: Ts, node: ts.Statement, declare: Declare): void {
  if (tsModule.isVariableStatement(node)) {
    const flags = node.declarationList.flags;
    const kind =
      flags & tsModule.NodeFlags.Let
        ? 'let'
        : flags & (tsModule.NodeFlags.Const | tsModule.NodeFlags.Using | tsModule.NodeFlags.AwaitUsing)
          ? 'const'
          : 'var';
    for (const d of node.declarationList.declarations) declareBinding(tsModule, d.name, kind, declare);
  } else if (tsModule.isFunctionDeclaration(node)) declare(node.name, 'function');
  else if (tsModule.isClassDeclaration(node)) declare(node.name, 'class');
  else if (tsModule.isInterfaceDeclaration(node)) declare(node.name, 'interface');
  else if (tsModule.isTypeAliasDeclaration(node)) declare(node.name, 'type');
  else if (tsModule.isEnumDeclaration(node)) declare(node.name, 'enum');
  else if (tsModule.isModuleDeclaration(node)) {
    // `namespace N {}` declares N; `declare global {}` and `declare module "x" {}` declare no local name.
    if (tsModule.isIdentifier(node.name) && !(node.flags & tsModule.NodeFlags.GlobalAugmentation)) declare(node.name, 'module');
  } else if (tsModule.isImportEqualsDeclaration(node)) {
    declare(node.name, 'alias');
  } else if (tsModule.isImportDeclaration(node) && node.importClause) {
    const clause = node.importClause;
    declare(clause.name, 'alias');
    const bindings = clause.namedBindings;
    if (bindings && tsModule.isNamespaceImport(bindings)) declare(bindings.name, 'alias');
    else if (bindings) for (const spec of bindings.elements) declare(spec.name, 'alias');
  }
}

function declareBinding(tsModule: Ts, name: ts.BindingName, kind: DeclarationKind, declare: Declare): void {
  if (tsModule.isIdentifier(name)) {
    declare(name, kind);
    return;
  }
  for (const element of name.elements) {
    if (tsModule.isBindingElement(element)) declareBinding(tsModule, element.name, kind, declare);
  }
}

function hasModifier(tsModule: Ts, node: ts.Node, kind: ts.SyntaxKind): boolean {
  return tsModule.canHaveModifiers(node) && (tsModule.getModifiers(node) ?? []).some((m) => m.kind === kind);
}
