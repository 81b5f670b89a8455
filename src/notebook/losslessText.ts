/**
 * Writes a changed notebook back as the original text with only the changed values replaced.
 * Every value tfnb left as it was (cells, metadata, unknown fields) is copied from the file byte
 * for byte — its numbers (12345678901234567890, 1e400), key order, string escapes and spacing —
 * which a parse + JSON.stringify would not do. New values (outputs, execution counts, an
 * injected cell, repaired ids) are written in the file's own indentation (Jupyter's is one
 * space; a compact file stays compact).
 *
 * Change is judged by value: each value of the edited notebook is compared (as JSON) with the
 * same value parsed afresh from the original text. Cells are matched by object identity, so a caller must
 * change cells in place (or add new cell objects), never replace a kept cell by a copy.
 */
import { NotebookFormatError } from './errors';
import type { JsonNode, JsonProperty } from './jsonShape';

export interface OriginalText {
  text: string;
  /** jsonShape(text, 3): the top object, its fields, the cells, each cell's fields. */
  shape: JsonNode;
  /** The notebook parsed from `text` and never changed. */
  pristine: unknown;
  /** Each cell object handed to the caller → its index in the original `cells`. */
  cellOrigin: ReadonlyMap<object, number>;
}

interface Style {
  newline: string;
  unit: string;
}

export function renderLossless(original: OriginalText, edited: unknown): string {
  const { text, shape } = original;
  const style = detectStyle(text, shape);
  const r = new Renderer(original, style);
  return text.slice(0, shape.start) + r.value(shape, original.pristine, edited, [], '') + text.slice(shape.end);
}

class Renderer {
  constructor(
    private readonly original: OriginalText,
    private readonly style: Style,
  ) {}

  private slice(from: number, to: number): string {
    return this.original.text.slice(from, to);
  }

  /** The value's text: the original where it is unchanged, else edited or written anew. */
  value(node: JsonNode, before: unknown, after: unknown, path: ReadonlyArray<string | number>, indent: string): string {
    if (sameJson(before, after)) return this.slice(node.start, node.end);
    if (node.kind === 'object' && isPlainObject(before) && isPlainObject(after) && node.properties.length > 0)
      return this.object(node.properties, node, before, after, path);
    if (
      node.kind === 'array' &&
      path.length === 1 &&
      path[0] === 'cells' &&
      Array.isArray(before) &&
      Array.isArray(after) &&
      node.items.length > 0
    )
      return this.cells(node.items, node, before, after, path);
    return this.fresh(after, indent);
  }

  private object(
    props: JsonProperty[],
    node: JsonNode,
    before: Record<string, unknown>,
    after: Record<string, unknown>,
    path: ReadonlyArray<string | number>,
  ): string {
    const last = new Map(props.map((p, i) => [p.key, i]));
    const memberIndent = this.lineIndent(props[0]!.keyStart);
    const pieces: Array<{ at: number | undefined; text: string }> = [];
    props.forEach((p, i) => {
      const a = after[p.key];
      if (!Object.hasOwn(after, p.key) || a === undefined) return; // removed
      const b = before[p.key];
      const indent = this.lineIndent(p.keyStart);
      // Only a key's last occurrence is what JSON.parse kept; an earlier duplicate is rewritten whole.
      const valueText = sameJson(b, a)
        ? this.slice(p.value.start, p.value.end)
        : last.get(p.key) === i
          ? this.value(p.value, b, a, [...path, p.key], indent)
          : this.fresh(a, indent);
      pieces.push({ at: i, text: this.slice(p.keyStart, p.value.start) + valueText });
    });
    const colon = this.slice(props[0]!.keyEnd, props[0]!.value.start);
    for (const key of Object.keys(after)) {
      if (last.has(key) || after[key] === undefined) continue;
      pieces.push({ at: undefined, text: JSON.stringify(key) + colon + this.fresh(after[key], memberIndent) });
    }
    if (pieces.length === 0) return '{}';
    const separator = (i: number) => this.slice(props[i]!.value.end, props[i + 1]!.keyStart);
    const anySeparator = props.length > 1 ? separator(0) : this.style.unit ? `,${this.style.newline}${memberIndent}` : ',';
    let out = this.slice(node.start, props[0]!.keyStart);
    pieces.forEach((piece, j) => {
      if (j > 0) {
        const prev = pieces[j - 1]!.at;
        out += prev !== undefined && piece.at === prev + 1 ? separator(prev) : anySeparator;
      }
      out += piece.text;
    });
    return out + this.slice(props[props.length - 1]!.value.end, node.end);
  }

  /** The cells array: kept cells found by identity, so inserted or removed cells leave the others' text alone. */
  private cells(items: JsonNode[], node: JsonNode, before: unknown[], after: unknown[], path: ReadonlyArray<string | number>): string {
    if (after.length === 0) return '[]';
    const itemIndent = this.lineIndent(items[0]!.start);
    const origin = after.map((cell) => (typeof cell === 'object' && cell !== null ? this.original.cellOrigin.get(cell) : undefined));
    const separator = (k: number) => this.slice(items[k]!.end, items[k + 1]!.start);
    const anySeparator = items.length > 1 ? separator(0) : this.style.unit ? `,${this.style.newline}${itemIndent}` : ',';
    let out = this.slice(node.start, items[0]!.start);
    after.forEach((cell, j) => {
      if (j > 0) {
        const prev = origin[j - 1];
        out += prev !== undefined && origin[j] === prev + 1 ? separator(prev) : anySeparator;
      }
      const k = origin[j];
      out +=
        k !== undefined && items[k]
          ? this.value(items[k]!, before[k], cell, [...path, k], this.lineIndent(items[k]!.start))
          : this.fresh(cell, itemIndent);
    });
    return out + this.slice(items[items.length - 1]!.end, node.end);
  }

  /** A new value in the file's style; `indent` is the indentation of the line it starts on. */
  private fresh(value: unknown, indent: string): string {
    let json: string | undefined;
    try {
      json = JSON.stringify(value, null, this.style.unit || undefined);
    } catch (e) {
      throw new NotebookFormatError(`the notebook cannot be written back: ${(e as Error).message}`);
    }
    if (json === undefined) throw new NotebookFormatError(`the notebook cannot be written back: a value is ${typeof value}`);
    // JSON.stringify's only raw newlines are its own line breaks (newlines in strings are escaped).
    return this.style.unit || this.style.newline !== '\n' ? json.replace(/\n/g, this.style.newline + indent) : json;
  }

  /** The whitespace that starts the line `at` is on, if only whitespace comes before `at`. */
  private lineIndent(at: number): string {
    const text = this.original.text;
    const lineStart = text.lastIndexOf('\n', at - 1) + 1;
    const lead = text.slice(lineStart, at);
    return /^[ \t]*$/.test(lead) ? lead : '';
  }
}

/** The file's newline and indentation unit, read from its first nested line ('' unit: compact). */
function detectStyle(text: string, shape: JsonNode): Style {
  const first = shape.kind === 'object' ? shape.properties[0]?.keyStart : undefined;
  if (first === undefined) return { newline: '\n', unit: ' ' };
  const between = text.slice(shape.start + 1, first);
  const nl = between.lastIndexOf('\n');
  if (nl < 0) return { newline: '\n', unit: '' };
  return { newline: between[nl - 1] === '\r' ? '\r\n' : '\n', unit: between.slice(nl + 1) };
}

/**
 * Whether two values would be written as the same JSON. Not util.isDeepStrictEqual: that
 * recurses far less deep than JSON.stringify (a 3,000-deep array overflows it).
 */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  try {
    return JSON.stringify(a) === JSON.stringify(b);
  } catch (e) {
    throw new NotebookFormatError(`the notebook cannot be written back: ${(e as Error).message}`);
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
