/**
 * `tfnb sweep`'s grid: `-p lr=0.001,0.01 -p batch=32,64` is every combination, in the order
 * given (the last parameter varies fastest). A value is split at top-level commas only, so
 * `-p layers=[32,16],[64]` is two values; each is read as `tfnb run -p` reads one (JSON, else text).
 */
import { NotebookFormatError } from '../notebook/errors';
import { parseParameter, type ParameterValue } from '../notebook/parameters';

export type GridPoint = Array<[string, ParameterValue]>;

/** The grid's points; throws NotebookFormatError on a malformed or repeated parameter. */
export function sweepGrid(args: readonly string[]): GridPoint[] {
  const axes: Array<Array<[string, ParameterValue]>> = [];
  const seen = new Set<string>();
  for (const arg of args) {
    const eq = arg.indexOf('=');
    if (eq <= 0) throw new NotebookFormatError(`parameter "${arg}" must look like name=value1,value2,…`);
    const name = arg.slice(0, eq).trim();
    if (seen.has(name)) throw new NotebookFormatError(`parameter "${name}" is given twice; list its values in one -p ${name}=a,b`);
    seen.add(name);
    const values = splitTopLevel(arg.slice(eq + 1)).map((v) => parseParameter(`${name}=${v}`));
    axes.push(values);
  }
  let points: GridPoint[] = [[]];
  for (const axis of axes) points = points.flatMap((p) => axis.map((v) => [...p, v]));
  return points;
}

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0,
    quoted = false,
    from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(from, i));
      from = i + 1;
    }
  }
  parts.push(text.slice(from));
  return parts;
}
