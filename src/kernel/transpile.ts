/**
 * Turns a cell's TypeScript/JavaScript into a script for V8's REPL-mode evaluation:
 * esbuild strips types (keeping every value import, since later cells may use it; a cell that
 * is already plain JavaScript skips it, see plainCell.ts), then static
 * `import`s become `await __tfnb.import(...)` declarations and `export` keywords are dropped,
 * because a REPL evaluation is a script, not a module. Line numbers are preserved by the
 * rewrite, so esbuild's source map still maps generated lines back to the cell's lines.
 */
import { TraceMap, originalPositionFor } from '@jridgewell/trace-mapping';
import * as acorn from 'acorn';
import { transform, type TransformFailure } from 'esbuild';
import type { CellLanguage } from '../protocol/messages';
import { identitySourceMap, plainJavaScriptProgram } from './plainCell';
import { keepTrailingExpression, RESULT_GLOBAL } from './trailingExpression';

export interface TranspiledCell {
  /** Script text to evaluate (ends with a sourceURL comment naming `scriptName`). */
  script: string;
  scriptName: string;
  /** esbuild's source map (v3 JSON) from `script` back to the cell source. */
  sourceMap: string;
  /**
   * True when the cell ends with an expression statement: the script passes its value to
   * `__tfnb_result` (the cell's result), and the script's own completion value is undefined.
   */
  hasResult: boolean;
}

/** A cell that does not compile: the message and the 1-based line/column in the cell. */
export class CellSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
    this.name = 'SyntaxError';
  }
}

/** Name of the kernel object cells call into (imports). Not enumerable on globalThis. */
export const RUNTIME_GLOBAL = '__tfnb';

export async function transpileCell(code: string, language: CellLanguage, scriptName: string): Promise<TranspiledCell> {
  const plain = plainJavaScriptProgram(code, language);
  const { js, map } = plain ? { js: code, map: identitySourceMap(code, scriptName) } : await viaEsbuild(code, language, scriptName);
  let rewritten: { script: string; hasResult: boolean };
  try {
    rewritten = rewriteForRepl(js, plain);
  } catch (e) {
    // acorn is stricter than esbuild in places (a function declared twice in a module): its
    // position is in esbuild's output, so map it back to the cell.
    if (e instanceof CellSyntaxError) throw toCellPosition(e, map);
    throw e;
  }
  const { script, hasResult } = rewritten;
  // The result reaches the kernel through __tfnb_result, in this realm. The completion value
  // the inspector would return is always undefined (`void 0` ends the script): a primitive
  // comes back by value, JSON-encoded, and a 100-million-character string took minutes.
  return { script: `${script}\n;void 0;\n//# sourceURL=${scriptName}`, scriptName, sourceMap: map, hasResult };
}

async function viaEsbuild(code: string, language: CellLanguage, scriptName: string): Promise<{ js: string; map: string }> {
  try {
    const out = await transform(keepTrailingExpression(code, language), {
      loader: language === 'typescript' ? 'ts' : 'js',
      // No `format`: esbuild keeps the cell's syntax as it is. With 'esm', a cell that uses
      // `module` or `exports` (CommonJS code pasted from a Node.js script) was wrapped as a
      // CommonJS module, and its top-level declarations were lost to later cells.
      target: 'node20',
      sourcemap: 'external',
      sourcefile: scriptName,
      // Keep imports whose bindings look unused: a later cell may use them.
      tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true } },
      supported: { 'top-level-await': true },
      logLevel: 'silent',
    });
    return { js: out.code, map: out.map };
  } catch (e) {
    const failure = e as TransformFailure;
    const first = failure.errors?.[0];
    if (first) {
      throw new CellSyntaxError(first.text, first.location?.line ?? 1, (first.location?.column ?? 0) + 1);
    }
    throw e;
  }
}

function toCellPosition(e: CellSyntaxError, sourceMap: string): CellSyntaxError {
  const pos = originalPositionFor(new TraceMap(sourceMap), { line: e.line, column: e.column - 1 });
  const message = e.message.replace(/ \(\d+:\d+\)$/, '');
  return pos.line === null ? new CellSyntaxError(message, e.line, e.column) : new CellSyntaxError(message, pos.line, pos.column + 1);
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

/** Rewrites module syntax into REPL-script syntax without changing line numbers. */
export function rewriteForRepl(js: string, parsed?: acorn.Program): { script: string; hasResult: boolean } {
  let program: acorn.Program;
  try {
    // A plain cell's tree is already at hand (plainCell.ts parsed the same text).
    program =
      parsed ?? acorn.parse(js, { ecmaVersion: 'latest', sourceType: 'module', allowAwaitOutsideFunction: true, allowHashBang: true });
  } catch (e) {
    const err = e as SyntaxError & { loc?: { line: number; column: number } };
    throw new CellSyntaxError(err.message, err.loc?.line ?? 1, (err.loc?.column ?? 0) + 1);
  }
  const edits: Edit[] = [];
  const hoisted: Hoisted = { vars: new Set(), functions: new Map() };
  let moduleCounter = 0;
  for (const node of program.body) {
    if (node.type === 'ImportDeclaration') {
      edits.push({ start: node.start, end: node.end, text: importDeclarationToScript(node, moduleCounter++) });
    } else if (node.type === 'ExportNamedDeclaration' && node.declaration) {
      edits.push({ start: node.start, end: node.declaration.start, text: '' });
    } else if (node.type === 'ExportNamedDeclaration' || node.type === 'ExportAllDeclaration') {
      edits.push({ start: node.start, end: node.end, text: '' });
    } else if (node.type === 'ExportDefaultDeclaration') {
      edits.push({ start: node.start, end: node.declaration.start, text: '' });
    }
    const declaration = node.type === 'ExportNamedDeclaration' || node.type === 'ExportDefaultDeclaration' ? node.declaration : node;
    if (declaration) unifyDeclarationKind(declaration, edits, hoisted);
    rewriteVars(node, edits, hoisted);
  }
  collectDynamicImports(program, edits);
  const prelude = hoistedDeclaration(hoisted);
  if (prelude) {
    // After a directive prologue ("use strict"), on its line: no line moves.
    let at = 0;
    for (const node of program.body) {
      if (node.type === 'ExpressionStatement' && typeof (node as acorn.ExpressionStatement & { directive?: string }).directive === 'string')
        at = node.end;
      else break;
    }
    edits.push({ start: at, end: at, text: at === 0 ? prelude : ` ${prelude}` });
  }
  // esbuild may move `export` lists to the end; they are not the cell's last statement.
  const statements = program.body.filter((n) => !(n.type === 'ExportNamedDeclaration' && !n.declaration));
  const last = statements[statements.length - 1];
  const hasResult = last !== undefined && last.type === 'ExpressionStatement';
  if (hasResult && !isResultCall(last.expression)) {
    // A cell that skipped esbuild (or that acorn-typescript could not read) is wrapped here.
    edits.push({ start: last.expression.start, end: last.expression.start, text: `${RESULT_GLOBAL}((` });
    edits.push({ start: last.expression.end, end: last.expression.end, text: '))' });
  }
  // Last first; at one position, a replacement before an insertion (which lands in front of it).
  edits.sort((a, b) => b.start - a.start || b.end - a.end);
  let script = js;
  for (const edit of edits) {
    const replaced = script.slice(edit.start, edit.end);
    const lostLines = countNewlines(replaced) - countNewlines(edit.text);
    script = script.slice(0, edit.start) + edit.text + '\n'.repeat(Math.max(0, lostLines)) + script.slice(edit.end);
  }
  return { script, hasResult };
}

/** `__tfnb_result(...)`: the trailing expression keepTrailingExpression wrapped before esbuild. */
function isResultCall(expression: acorn.Expression): boolean {
  return expression.type === 'CallExpression' && expression.callee.type === 'Identifier' && expression.callee.name === RESULT_GLOBAL;
}

function importDeclarationToScript(node: acorn.ImportDeclaration, index: number): string {
  const source = JSON.stringify(String(node.source.value));
  const load = `await ${RUNTIME_GLOBAL}.import(${source})`;
  if (node.specifiers.length === 0) return `${load};`;
  const moduleVar = `${RUNTIME_GLOBAL}_m${index}`;
  const parts: string[] = [`${moduleVar} = ${load}`];
  const named: string[] = [];
  for (const spec of node.specifiers) {
    if (spec.type === 'ImportNamespaceSpecifier') parts.push(`${spec.local.name} = ${moduleVar}`);
    else if (spec.type === 'ImportDefaultSpecifier') parts.push(`${spec.local.name} = ${RUNTIME_GLOBAL}.defaultOf(${moduleVar})`);
    else {
      const imported = spec.imported.type === 'Identifier' ? spec.imported.name : String(spec.imported.value);
      named.push(`${JSON.stringify(imported)}: ${spec.local.name}`);
    }
  }
  if (named.length) parts.push(`{ ${named.join(', ')} } = ${RUNTIME_GLOBAL}.namedOf(${moduleVar})`);
  return `let ${parts.join(', ')};`;
}

/**
 * V8's REPL mode lets a later evaluation redeclare a top-level name only as a `let` after a
 * `let` (a `var` or `function` is a property of the global object, which a `let` may not
 * shadow, and the other way round). So every top-level declaration becomes a `let` binding, and
 * a cell may redeclare any name with any kind, as often as it likes:
 * - `const x` becomes `let   x` (assigning to a top-level const is then not a run-time error;
 *   the type checker still flags it);
 * - `class C {}` becomes `let C = class C {};`
 * - `var` declarations (anywhere outside functions, so also in `for (var i …)` and blocks) become
 *   assignments, `var a = 1, b;` → `(a = 1, b);`, and every var name is declared once in a `let`
 *   the script starts with;
 * - `function f() {}` keeps its place and body but declares a hidden name (`__tfnb_fn_f`); the
 *   `let` the script starts with binds `f` to it, so a call before the declaration still works
 *   (function declarations are hoisted) and the function's `name` is still `f`.
 * The added `let` goes on the first line, so no line moves.
 */
function unifyDeclarationKind(node: acorn.Node, edits: Edit[], hoisted: Hoisted): void {
  if (node.type === 'VariableDeclaration') {
    const decl = node as acorn.VariableDeclaration;
    if (decl.kind === 'const') edits.push({ start: decl.start, end: decl.start + 'const'.length, text: 'let  ' });
  } else if (node.type === 'ClassDeclaration') {
    const cls = node as acorn.ClassDeclaration;
    if (cls.id) {
      edits.push({ start: cls.start, end: cls.start, text: `let ${cls.id.name} = ` });
      edits.push({ start: cls.end, end: cls.end, text: ';' });
    }
  } else if (node.type === 'FunctionDeclaration') {
    const fn = node as acorn.FunctionDeclaration;
    if (fn.id) {
      const hidden = `${HIDDEN_FUNCTION_PREFIX}${fn.id.name}`;
      edits.push({ start: fn.id.start, end: fn.id.end, text: hidden });
      hoisted.functions.set(fn.id.name, hidden);
    }
  }
}

/** Names the script's first-line `let` declares: var names, and functions with their hidden declaration. */
interface Hoisted {
  vars: Set<string>;
  functions: Map<string, string>;
}

/** Prefix of the hidden name a top-level function declaration gets (see unifyDeclarationKind). */
export const HIDDEN_FUNCTION_PREFIX = '__tfnb_fn_';

/**
 * Rewrites the `var` declarations that belong to the script's top-level scope (not those inside
 * functions or class bodies) into assignments, collecting their names.
 */
function rewriteVars(statement: acorn.Node | null | undefined, edits: Edit[], hoisted: Hoisted): void {
  if (!statement) return;
  const s = statement as acorn.AnyNode;
  switch (s.type) {
    case 'VariableDeclaration':
      if (s.kind === 'var') varToAssignment(s, 'statement', edits, hoisted);
      return;
    case 'BlockStatement':
      for (const b of s.body) rewriteVars(b, edits, hoisted);
      return;
    case 'IfStatement':
      rewriteVars(s.consequent, edits, hoisted);
      rewriteVars(s.alternate, edits, hoisted);
      return;
    case 'LabeledStatement':
    case 'WhileStatement':
    case 'DoWhileStatement':
    case 'WithStatement':
      rewriteVars(s.body, edits, hoisted);
      return;
    case 'ForStatement':
      if (s.init?.type === 'VariableDeclaration' && s.init.kind === 'var') varToAssignment(s.init, 'for-init', edits, hoisted);
      rewriteVars(s.body, edits, hoisted);
      return;
    case 'ForInStatement':
    case 'ForOfStatement':
      if (s.left.type === 'VariableDeclaration' && s.left.kind === 'var') varToAssignment(s.left, 'for-in', edits, hoisted);
      rewriteVars(s.body, edits, hoisted);
      return;
    case 'TryStatement':
      rewriteVars(s.block, edits, hoisted);
      rewriteVars(s.handler?.body, edits, hoisted);
      rewriteVars(s.finalizer, edits, hoisted);
      return;
    case 'SwitchStatement':
      for (const c of s.cases) for (const b of c.consequent) rewriteVars(b, edits, hoisted);
      return;
    case 'ExportNamedDeclaration':
      rewriteVars(s.declaration, edits, hoisted);
      return;
    default:
      return;
  }
}

function varToAssignment(
  decl: acorn.VariableDeclaration,
  where: 'statement' | 'for-init' | 'for-in',
  edits: Edit[],
  hoisted: Hoisted,
): void {
  for (const d of decl.declarations) collectBindingNames(d.id, hoisted.vars);
  const keywordEnd = decl.start + 'var'.length;
  if (where !== 'statement') {
    // `for (var i = 0, n; …)` → `for (i = 0, n; …)`; `for (var k of o)` → `for (k of o)`.
    edits.push({ start: decl.start, end: keywordEnd, text: '' });
    return;
  }
  // `var a = 1, { b } = o, c;` → `(a = 1, { b } = o, c);`: a declarator without a value is just
  // read (the hoisted `let` made it undefined). esbuild always ends the statement with `;`.
  const last = decl.declarations[decl.declarations.length - 1]!;
  edits.push({ start: decl.start, end: keywordEnd, text: '(' });
  edits.push({ start: last.end, end: last.end, text: ')' });
}

function collectBindingNames(pattern: acorn.Pattern, names: Set<string>): void {
  switch (pattern.type) {
    case 'Identifier':
      names.add(pattern.name);
      return;
    case 'ObjectPattern':
      for (const p of pattern.properties) collectBindingNames(p.type === 'RestElement' ? p.argument : p.value, names);
      return;
    case 'ArrayPattern':
      for (const e of pattern.elements) if (e) collectBindingNames(e, names);
      return;
    case 'RestElement':
      collectBindingNames(pattern.argument, names);
      return;
    case 'AssignmentPattern':
      collectBindingNames(pattern.left, names);
      return;
    default:
      return;
  }
}

/** The `let` the script starts with: var names, then each function bound to its hidden declaration. */
function hoistedDeclaration(hoisted: Hoisted): string {
  const parts: string[] = [];
  for (const name of hoisted.vars) if (!hoisted.functions.has(name)) parts.push(name);
  for (const [name, hidden] of hoisted.functions)
    parts.push(`${name} = ${RUNTIME_GLOBAL}.nameFunction(${hidden}, ${JSON.stringify(name)})`);
  return parts.length ? `let ${parts.join(', ')}; ` : '';
}

/** `import(x)` cannot run in a REPL evaluation (no module host); route it to the kernel. */
function collectDynamicImports(program: acorn.Program, edits: Edit[]): void {
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const v of value) visit(v);
      return;
    }
    if (!value || typeof value !== 'object') return;
    const node = value as acorn.Node & Record<string, unknown>;
    if (typeof node.type !== 'string') return;
    if (node.type === 'ImportExpression') {
      // Replace just the `import` keyword: `import(x)` -> `__tfnb.import(x)`.
      edits.push({ start: node.start, end: node.start + 'import'.length, text: `${RUNTIME_GLOBAL}.import` });
    }
    for (const key of Object.keys(node)) {
      if (key !== 'type' && key !== 'start' && key !== 'end' && key !== 'loc') visit(node[key]);
    }
  };
  visit(program.body);
}

function countNewlines(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) === 10) n++;
  return n;
}
