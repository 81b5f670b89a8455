/**
 * Turns a cell's TypeScript/JavaScript into a script for V8's REPL-mode evaluation:
 * esbuild strips types (keeping every value import, since later cells may use it), then static
 * `import`s become `await __tfnb.import(...)` declarations and `export` keywords are dropped,
 * because a REPL evaluation is a script, not a module. Line numbers are preserved by the
 * rewrite, so esbuild's source map still maps generated lines back to the cell's lines.
 */
import * as acorn from 'acorn';
import { transform, type TransformFailure } from 'esbuild';
import type { CellLanguage } from '../protocol/messages';
import { keepTrailingExpression } from './trailingExpression';

export interface TranspiledCell {
  /** Script text to evaluate (ends with a sourceURL comment naming `scriptName`). */
  script: string;
  scriptName: string;
  /** esbuild's source map (v3 JSON) from `script` back to the cell source. */
  sourceMap: string;
  /** True when the cell ends with an expression statement whose value is the cell's result. */
  hasResult: boolean;
}

/** A cell that does not compile: the message and the 1-based line/column in the cell. */
export class CellSyntaxError extends Error {
  constructor(message: string, readonly line: number, readonly column: number) {
    super(message);
    this.name = 'SyntaxError';
  }
}

/** Name of the kernel object cells call into (imports). Not enumerable on globalThis. */
export const RUNTIME_GLOBAL = '__tfnb';

export async function transpileCell(code: string, language: CellLanguage, scriptName: string): Promise<TranspiledCell> {
  let js: string;
  let map: string;
  try {
    const out = await transform(keepTrailingExpression(code, language), {
      loader: language === 'typescript' ? 'ts' : 'js',
      format: 'esm',
      target: 'node20',
      sourcemap: 'external',
      sourcefile: scriptName,
      // Keep imports whose bindings look unused: a later cell may use them.
      tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true } },
      supported: { 'top-level-await': true },
      logLevel: 'silent',
    });
    js = out.code;
    map = out.map;
  } catch (e) {
    const failure = e as TransformFailure;
    const first = failure.errors?.[0];
    if (first) {
      throw new CellSyntaxError(first.text, first.location?.line ?? 1, (first.location?.column ?? 0) + 1);
    }
    throw e;
  }
  const { script, hasResult } = rewriteForRepl(js);
  return { script: `${script}\n//# sourceURL=${scriptName}`, scriptName, sourceMap: map, hasResult };
}

interface Edit { start: number; end: number; text: string }

/** Rewrites module syntax into REPL-script syntax without changing line numbers. */
export function rewriteForRepl(js: string): { script: string; hasResult: boolean } {
  let program: acorn.Program;
  try {
    program = acorn.parse(js, { ecmaVersion: 'latest', sourceType: 'module', allowAwaitOutsideFunction: true, allowHashBang: true });
  } catch (e) {
    const err = e as SyntaxError & { loc?: { line: number; column: number } };
    throw new CellSyntaxError(err.message, err.loc?.line ?? 1, (err.loc?.column ?? 0) + 1);
  }
  const edits: Edit[] = [];
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
    const declaration = node.type === 'ExportNamedDeclaration' ? node.declaration : node;
    if (declaration) unifyDeclarationKind(declaration, edits);
  }
  collectDynamicImports(program, edits);
  edits.sort((a, b) => b.start - a.start);
  let script = js;
  for (const edit of edits) {
    const replaced = script.slice(edit.start, edit.end);
    const lostLines = countNewlines(replaced) - countNewlines(edit.text);
    script = script.slice(0, edit.start) + edit.text + '\n'.repeat(Math.max(0, lostLines)) + script.slice(edit.end);
  }
  // esbuild may move `export` lists to the end; they are not the cell's last statement.
  const statements = program.body.filter((n) => !(n.type === 'ExportNamedDeclaration' && !n.declaration));
  const last = statements[statements.length - 1];
  const hasResult = last !== undefined && last.type === 'ExpressionStatement';
  return { script, hasResult };
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
 * V8's REPL mode lets a later evaluation redeclare a top-level name only with the same kind
 * (`let` after `let`), so re-running a cell edited from `let x` to `const x` would fail with
 * "already declared". Top-level `const` and `class` therefore become `let` bindings. The cost:
 * assigning to a top-level const is not a run-time error (the type checker still flags it).
 */
function unifyDeclarationKind(node: acorn.Node, edits: Edit[]): void {
  if (node.type === 'VariableDeclaration') {
    const decl = node as acorn.VariableDeclaration;
    if (decl.kind === 'const') edits.push({ start: decl.start, end: decl.start + 'const'.length, text: 'let  ' });
  } else if (node.type === 'ClassDeclaration') {
    const cls = node as acorn.ClassDeclaration;
    if (cls.id) {
      edits.push({ start: cls.start, end: cls.start, text: `let ${cls.id.name} = ` });
      edits.push({ start: cls.end, end: cls.end, text: ';' });
    }
  }
}

/** `import(x)` cannot run in a REPL evaluation (no module host); route it to the kernel. */
function collectDynamicImports(program: acorn.Program, edits: Edit[]): void {
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) { for (const v of value) visit(v); return; }
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
