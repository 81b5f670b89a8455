/**
 * Keeps a cell's trailing expression alive through esbuild. esbuild deletes expression
 * statements that fold to a primitive (`NaN`, `-5`, `"a" + "b"`, `undefined`), so a cell ending
 * in one would show no result. Wrapping the trailing expression in a call to an identity
 * function keeps it, and the call's value is still the cell's completion value. Only the
 * expression's line changes (by columns), so line numbers in tracebacks stay right.
 */
import * as acorn from 'acorn';
import { tsPlugin } from '@sveltejs/acorn-typescript';
import type { CellLanguage } from '../protocol/messages';

/** Hidden global identity function the wrapped trailing expression calls. */
export const RESULT_GLOBAL = '__tfnb_result';

let typeScriptParser: typeof acorn.Parser | undefined;

/** `code` with its trailing expression statement (if any) wrapped in `__tfnb_result((...))`. */
export function keepTrailingExpression(code: string, language: CellLanguage): string {
  const range = trailingExpressionRange(code, language);
  if (!range) return code;
  return `${code.slice(0, range.start)}${RESULT_GLOBAL}((${code.slice(range.start, range.end)}))${code.slice(range.end)}`;
}

/** Source range of the expression of the cell's last top-level statement, when that is an expression statement. */
export function trailingExpressionRange(code: string, language: CellLanguage): { start: number; end: number } | undefined {
  const parser = language === 'typescript' ? (typeScriptParser ??= acorn.Parser.extend(tsPlugin())) : acorn.Parser;
  let program: acorn.Program;
  try {
    program = parser.parse(code, { ecmaVersion: 'latest', sourceType: 'module', allowAwaitOutsideFunction: true, allowHashBang: true });
  } catch {
    // esbuild reports syntax errors with better messages; a parser disagreement only costs the wrap.
    return undefined;
  }
  const last = program.body[program.body.length - 1];
  if (!last || last.type !== 'ExpressionStatement' || ('directive' in last && typeof last.directive === 'string')) return undefined;
  return { start: last.expression.start, end: last.expression.end };
}
