/**
 * Cells that are already plain JavaScript skip esbuild. Its transform is a round trip to
 * esbuild's service process (about 0.5 ms a cell, most of a trivial cell's cost), and for such a
 * cell it would change nothing. A TypeScript cell counts as plain only when TypeScript cannot read
 * it differently from JavaScript: it parses as a JavaScript module, has no `<` (`a < b > (c)` is
 * a generic call in TypeScript) and no `class` (TypeScript compiles class fields as assignments).
 * Everything else, and anything that does not parse, goes through esbuild as before (which also
 * words syntax errors best).
 */
import * as acorn from 'acorn';
import type { CellLanguage } from '../protocol/messages';

/** The cell's JavaScript syntax tree when it is plain JavaScript (see above), else undefined. */
export function plainJavaScriptProgram(code: string, language: CellLanguage): acorn.Program | undefined {
  // V8 counts a lone \r as a line break; the identity source map counts \n only.
  if (code.includes('\r')) return undefined;
  if (language === 'typescript' && (code.includes('<') || /\bclass\b/.test(code))) return undefined;
  try {
    return acorn.parse(code, { ecmaVersion: 'latest', sourceType: 'module', allowAwaitOutsideFunction: true, allowHashBang: true });
  } catch {
    return undefined;
  }
}

export function isPlainJavaScript(code: string, language: CellLanguage): boolean {
  return plainJavaScriptProgram(code, language) !== undefined;
}

/** A source map (v3) mapping each line of `code` to the same line of the cell. */
export function identitySourceMap(code: string, scriptName: string): string {
  let lines = 1;
  for (let i = 0; i < code.length; i++) if (code.charCodeAt(i) === 10) lines++;
  // First segment "AAAA" (line 0, column 0); each later line "AACA" (one source line down).
  const mappings = lines === 1 ? 'AAAA' : `AAAA${';AACA'.repeat(lines - 1)}`;
  return JSON.stringify({ version: 3, sources: [scriptName], sourcesContent: [code], names: [], mappings });
}
