/**
 * Maps errors from generated cell scripts back to the cell and line the user wrote:
 * `at f (tfnb-cell-7.js:3:9)` becomes `at f (cell 3, line 5)`. Frames below the outermost
 * cell frame are the kernel's own machinery and are dropped.
 */
import { LEAST_UPPER_BOUND, TraceMap, originalPositionFor } from '@jridgewell/trace-mapping';

/** The map stays a string until an error needs it: most cells never throw. */
interface CellScript { cellName: string; sourceMap: string; map?: TraceMap }

const MAX_REMEMBERED = 2000;
const FRAME = /([\w.-]*tfnb-cell-\d+\.js):(\d+):(\d+)/g;

export interface FormattedError { ename: string; evalue: string; traceback: string[] }

export class CellScripts {
  private scripts = new Map<string, CellScript>();

  register(scriptName: string, cellName: string, sourceMap: string): void {
    this.scripts.set(scriptName, { cellName, sourceMap });
    if (this.scripts.size > MAX_REMEMBERED) this.scripts.delete(this.scripts.keys().next().value!);
  }

  /** `cell 3, line 5` for a generated position (1-based line, 1-based column). */
  locate(scriptName: string, line: number, column: number): string | undefined {
    const script = this.scripts.get(scriptName);
    if (!script) return undefined;
    script.map ??= new TraceMap(script.sourceMap);
    const pos = originalPositionFor(script.map, { line, column: Math.max(0, column - 1) });
    const mapped = pos.line ?? nearestMappedLine(script.map, line);
    return mapped === undefined ? script.cellName : `${script.cellName}, line ${mapped}`;
  }

  mapStackLine(line: string): string {
    return line.replace(FRAME, (whole, name: string, l: string, c: string) => this.locate(name, Number(l), Number(c)) ?? whole);
  }

  format(error: unknown): FormattedError {
    if (!(error instanceof Error) && !(error && typeof error === 'object' && 'stack' in error)) {
      return { ename: 'Error', evalue: describeThrown(error), traceback: [`Uncaught ${describeThrown(error)}`] };
    }
    const err = error as Error;
    const ename = err.name || 'Error';
    const evalue = err.message ?? '';
    const stack = typeof err.stack === 'string' ? err.stack.split('\n') : [];
    const frames = stack.filter((l) => /^\s+at /.test(l));
    let lastCellFrame = -1;
    frames.forEach((f, i) => { if (FRAME.test(f)) lastCellFrame = i; FRAME.lastIndex = 0; });
    const kept = lastCellFrame >= 0 ? frames.slice(0, lastCellFrame + 1) : frames.filter((f) => !isKernelFrame(f));
    const header = `${ename}: ${evalue}`;
    return { ename, evalue, traceback: [header, ...kept.map((f) => this.mapStackLine(f))] };
  }
}

function nearestMappedLine(map: TraceMap, line: number): number | undefined {
  for (let col = 0; col < 200; col += 4) {
    const pos = originalPositionFor(map, { line, column: col, bias: LEAST_UPPER_BOUND });
    if (pos.line) return pos.line;
  }
  return undefined;
}

function isKernelFrame(frame: string): boolean {
  return /node:inspector|node:internal|AsyncLocalStorage|[\\/]dist[\\/]kernel\.js/.test(frame);
}

export function describeThrown(value: unknown): string {
  if (typeof value === 'string') return value;
  try { return JSON.stringify(value) ?? String(value); } catch { return String(value); }
}
