/**
 * Where each value of a JSON text lies, for the first few levels: the top-level object, its
 * properties, the items of those arrays and objects, and so on to `depth`. Deeper values are
 * spans only, skipped without recursion, so 100,000-deep nesting costs no stack.
 * The text must already be valid JSON (JSON.parse accepted it); jsonc-parser's scanner tokenises.
 */
// The ESM build: esbuild cannot follow the UMD build's dynamic requires.
import { createScanner, type JSONScanner } from 'jsonc-parser/lib/esm/main.js';

// jsonc-parser's SyntaxKind is a const enum, which esbuild cannot inline from a .d.ts.
const OPEN_BRACE = 1,
  CLOSE_BRACE = 2,
  OPEN_BRACKET = 3,
  CLOSE_BRACKET = 4,
  COMMA = 5,
  STRING = 10,
  EOF = 17;

export interface JsonSpan {
  start: number;
  end: number;
}
export interface JsonProperty {
  key: string;
  keyStart: number;
  keyEnd: number;
  value: JsonNode;
}
export type JsonNode =
  | (JsonSpan & { kind: 'object'; properties: JsonProperty[] })
  | (JsonSpan & { kind: 'array'; items: JsonNode[] })
  | (JsonSpan & { kind: 'leaf' });

export function jsonShape(text: string, depth: number): JsonNode {
  const scanner = createScanner(text, true);
  scanner.scan();
  return readNode(scanner, depth);
}

/** Reads the value whose first token is current; leaves the scanner on its last token. */
function readNode(scanner: JSONScanner, depth: number): JsonNode {
  const start = scanner.getTokenOffset();
  const token = scanner.getToken();
  if (depth > 0 && token === OPEN_BRACE) {
    const properties: JsonProperty[] = [];
    for (let t = scanner.scan(); t !== CLOSE_BRACE; t = scanner.scan()) {
      if (t === EOF) throw new Error('unexpected end of JSON');
      if (t !== STRING) continue; // a comma
      const key = scanner.getTokenValue();
      const keyStart = scanner.getTokenOffset();
      const keyEnd = tokenEnd(scanner);
      scanner.scan(); // the colon
      scanner.scan();
      properties.push({ key, keyStart, keyEnd, value: readNode(scanner, depth - 1) });
    }
    return { kind: 'object', start, end: tokenEnd(scanner), properties };
  }
  if (depth > 0 && token === OPEN_BRACKET) {
    const items: JsonNode[] = [];
    for (let t = scanner.scan(); t !== CLOSE_BRACKET; t = scanner.scan()) {
      if (t === EOF) throw new Error('unexpected end of JSON');
      if (t === COMMA) continue;
      items.push(readNode(scanner, depth - 1));
    }
    return { kind: 'array', start, end: tokenEnd(scanner), items };
  }
  if (token === OPEN_BRACE || token === OPEN_BRACKET) {
    for (let open = 1; open > 0;) {
      const t = scanner.scan();
      if (t === OPEN_BRACE || t === OPEN_BRACKET) open++;
      else if (t === CLOSE_BRACE || t === CLOSE_BRACKET) open--;
      else if (t === EOF) throw new Error('unexpected end of JSON');
    }
  }
  return { kind: 'leaf', start, end: tokenEnd(scanner) };
}

function tokenEnd(scanner: JSONScanner): number {
  return scanner.getTokenOffset() + scanner.getTokenLength();
}
