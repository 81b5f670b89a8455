/**
 * Papermill-style parameters: the cell tagged `parameters` holds defaults; `-p name=value`
 * overrides them through a new cell tagged `injected-parameters` placed right after it (the
 * kernel lets a later cell redeclare a name, so `let epochs = 1;` simply wins). A cell injected
 * by an earlier run is replaced.
 */
import { parse } from 'acorn';
import { NotebookFormatError, type NbCell, type Notebook } from './ipynb';

export type ParameterValue = string | number | boolean | null | unknown[] | Record<string, unknown>;

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** `name=value`; the value is JSON when it parses as JSON (1, true, "s", [1,2]), else a string. */
export function parseParameter(arg: string): [string, ParameterValue] {
  const eq = arg.indexOf('=');
  if (eq <= 0) throw new NotebookFormatError(`parameter "${arg}" must look like name=value`);
  const name = arg.slice(0, eq).trim();
  if (!IDENTIFIER.test(name)) throw new NotebookFormatError(`parameter name "${name}" is not a valid identifier`);
  checkDeclarable(name);
  const raw = arg.slice(eq + 1);
  try {
    return [name, JSON.parse(raw) as ParameterValue];
  } catch {
    return [name, raw];
  }
}

/** All `-p` arguments, checked before anything runs: each valid, no name given twice. */
export function parseParameters(args: readonly string[]): Array<[string, ParameterValue]> {
  const params = args.map(parseParameter);
  const seen = new Set<string>();
  for (const [name] of params) {
    if (seen.has(name)) throw new NotebookFormatError(`parameter "${name}" is given twice; give each -p name once`);
    seen.add(name);
  }
  return params;
}

/** Globals that a top-level `let` cannot redeclare (they are non-configurable). */
const UNDECLARABLE = new Set(['undefined', 'NaN', 'Infinity']);

/**
 * The injected cell says `let NAME = …;`: NAME must be a name that declaration accepts in
 * strict module code (not `class`, `let`, `await`, `yield`, `enum`, `eval`, …). acorn decides.
 */
function checkDeclarable(name: string): void {
  let ok = !UNDECLARABLE.has(name);
  if (ok) {
    try {
      parse(`let ${name} = 0;`, { ecmaVersion: 'latest', sourceType: 'module' });
    } catch {
      ok = false;
    }
  }
  if (!ok)
    throw new NotebookFormatError(
      `parameter name "${name}" cannot be declared in a cell (\`let ${name} = …\` is an error: a reserved word or a built-in constant); rename the variable in the notebook`,
    );
}

const hasTag = (cell: NbCell, tag: string) => {
  const tags = cell.metadata?.tags;
  return Array.isArray(tags) && tags.includes(tag);
};

export function injectParameters(nb: Notebook, params: ReadonlyArray<[string, ParameterValue]>): void {
  if (params.length === 0) return;
  nb.cells = nb.cells.filter((c) => !hasTag(c, 'injected-parameters'));
  const at = nb.cells.findIndex((c) => hasTag(c, 'parameters'));
  const source = [
    '// Parameters injected by `tfnb run -p`\n',
    ...params.map(([name, value]) => `let ${name} = ${JSON.stringify(value)};\n`),
  ];
  const cell: NbCell = {
    cell_type: 'code',
    id: `injected-parameters-${Date.now().toString(36)}`,
    metadata: { tags: ['injected-parameters'] },
    source,
    outputs: [],
    execution_count: null,
  };
  if (nb.nbformat_minor < 5) delete cell.id;
  nb.cells.splice(at + 1, 0, cell);
}
