/**
 * Maps errors from generated cell scripts back to the cell and line the user wrote:
 * `at f (tfnb-cell-7.js:3:9)` becomes `at f (cell 3, line 5)`. Frames below the outermost
 * cell frame are the kernel's own machinery and are dropped.
 */
import { LEAST_UPPER_BOUND, TraceMap, originalPositionFor } from '@jridgewell/trace-mapping';
import type { ErrorOutput } from '../protocol/executionOutputs';
import { BoundedMap } from '../shared/boundedMap';

/** The map stays a string until an error needs it: most cells never throw. */
interface CellScript { cellName: string; sourceMap: string; map?: TraceMap }

const MAX_REMEMBERED = 2000;
const FRAME = /([\w.-]*tfnb-cell-\d+\.js):(\d+):(\d+)/g;

/** An error as the kernel reports it (one home: src/protocol/executionOutputs.ts). */
export type FormattedError = ErrorOutput;

export class CellScripts {
  private scripts = new BoundedMap<string, CellScript>(MAX_REMEMBERED);

  register(scriptName: string, cellName: string, sourceMap: string): void {
    this.scripts.set(scriptName, { cellName, sourceMap });
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

  /**
   * A SyntaxError V8 raised compiling a cell's script rather than one the cell threw: its stack
   * holds only the kernel's frames. Named by the cell, and the line where V8 gives a position
   * (0:0 when a name clashes with an earlier evaluation: then the line declaring that name).
   */
  compileError(error: unknown, where: { scriptName: string; cellName: string; code: string; line: number; column: number }): FormattedError | undefined {
    if (!(error instanceof Error) || error.name !== 'SyntaxError') return undefined;
    if (typeof error.stack === 'string' && new RegExp(FRAME.source).test(error.stack)) return undefined;
    let location: string | undefined;
    if (where.line > 0 || where.column > 0) location = this.locate(where.scriptName, where.line + 1, where.column + 1);
    if (!location) {
      const name = /Identifier '([^']+)' has already been declared/.exec(error.message)?.[1];
      const line = name === undefined ? -1 : declarationLine(where.code, name);
      location = line >= 0 ? `${where.cellName}, line ${line + 1}` : where.cellName;
    }
    return { ename: 'SyntaxError', evalue: error.message, traceback: [`SyntaxError: ${error.message}`, `    at ${location}`] };
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
    return { ename, evalue, traceback: [header, ...collapseRepeats(summarizeKernelRuns(kept.map((f) => this.mapStackLine(f))))] };
  }
}

/** 0-based line of the cell source that declares `name`, or -1. */
function declarationLine(code: string, name: string): number {
  const escaped = name.replace(/[$]/g, '\\$&');
  const declares = new RegExp(`(?:^|[^\\w$.])(?:let|const|var|class|function\\s*\\*?|enum|namespace)\\s+${escaped}(?![\\w$])`);
  return code.split('\n').findIndex((l) => declares.test(l));
}

function nearestMappedLine(map: TraceMap, line: number): number | undefined {
  for (let col = 0; col < 200; col += 4) {
    const pos = originalPositionFor(map, { line, column: col, bias: LEAST_UPPER_BOUND });
    if (pos.line) return pos.line;
  }
  return undefined;
}

/**
 * A run of the kernel bundle's own frames (TensorFlow.js is bundled into it) becomes one line:
 * its file positions mean nothing to the user, whose cell frames follow.
 */
function summarizeKernelRuns(frames: string[]): string[] {
  const out: string[] = [];
  let run = 0;
  const flush = () => {
    if (run > 0) out.push(`    ... ${run} frame${run === 1 ? '' : 's'} inside tfnb's kernel (which bundles TensorFlow.js)`);
    run = 0;
  };
  for (const f of frames) {
    if (isKernelFrame(f)) { run++; continue; }
    flush();
    out.push(f);
  }
  flush();
  return out;
}

/** Identical consecutive frames (a recursion) are shown once, with a count. */
function collapseRepeats(frames: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < frames.length;) {
    let j = i + 1;
    while (j < frames.length && frames[j] === frames[i]) j++;
    out.push(frames[i]!);
    const more = j - i - 1;
    if (more === 1) out.push(frames[i]!);
    else if (more > 1) out.push(`    [the line above repeated ${more} more times]`);
    i = j;
  }
  return out;
}

function isKernelFrame(frame: string): boolean {
  return /node:inspector|node:internal|AsyncLocalStorage|[\\/]dist[\\/]kernel\.js/.test(frame);
}

export function describeThrown(value: unknown): string {
  if (typeof value === 'string') return value;
  try { return JSON.stringify(value) ?? String(value); } catch { return String(value); }
}
