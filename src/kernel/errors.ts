/**
 * Maps errors from generated cell scripts back to the cell and line the user wrote:
 * `at f (tfnb-cell-7.js:3:9)` becomes `at f (cell 3, line 5)`. Frames below the outermost
 * cell frame are the kernel's own machinery and are dropped.
 */
import { LEAST_UPPER_BOUND, TraceMap, originalPositionFor } from '@jridgewell/trace-mapping';
import type { ErrorOutput } from '../protocol/executionOutputs';
import { BoundedMap } from '../shared/boundedMap';

/** The map stays a string until an error needs it: most cells never throw. */
interface CellScript {
  cellName: string;
  sourceMap: string;
  executionId: string;
  map?: TraceMap;
}

const MAX_REMEMBERED = 2000;
const FRAME = /([\w.-]*tfnb-cell-\d+\.js):(\d+):(\d+)/g;
/** An error's message is cut here (a 280-million-character message took minutes to send). */
export const MAX_ERROR_MESSAGE_CHARS = 10_000;
/** Traceback lines beyond these are cut; a repeated recursion is already one line. */
const MAX_TRACEBACK_LINES = 200;
const MAX_TRACEBACK_LINE_CHARS = 2_000;

/** An error as the kernel reports it (one home: src/protocol/executionOutputs.ts). */
export type FormattedError = ErrorOutput;

export class CellScripts {
  private scripts = new BoundedMap<string, CellScript>(MAX_REMEMBERED);

  register(scriptName: string, cellName: string, sourceMap: string, executionId: string): void {
    this.scripts.set(scriptName, { cellName, sourceMap, executionId });
  }

  /** The execution whose script holds the innermost cell frame of the error's stack, if any. */
  executionOf(error: unknown): string | undefined {
    const stack =
      error instanceof Error || (error && typeof error === 'object' && 'stack' in error) ? (error as { stack?: unknown }).stack : undefined;
    if (typeof stack !== 'string') return undefined;
    const name = new RegExp(FRAME.source).exec(stack)?.[1];
    return name === undefined ? undefined : this.scripts.get(name)?.executionId;
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
  compileError(
    error: unknown,
    where: { scriptName: string; cellName: string; code: string; line: number; column: number },
  ): FormattedError | undefined {
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
      const described = capText(describeThrown(error), MAX_ERROR_MESSAGE_CHARS, 'characters of this value');
      return { ename: 'Error', evalue: described, traceback: [`Uncaught ${described}`] };
    }
    const err = error as Error;
    const ename = capText(String(readSafely(() => err.name) || 'Error'), 200, 'characters');
    const evalue = capText(String(readSafely(() => err.message) ?? ''), MAX_ERROR_MESSAGE_CHARS, 'characters of this message');
    const rawStack = readSafely(() => err.stack);
    // The header (name and message) is evalue's, capped; frames are what follows it.
    const stack = typeof rawStack === 'string' ? framesOf(rawStack) : [];
    const frames = stack.filter((l) => /^\s+at /.test(l));
    let lastCellFrame = -1;
    frames.forEach((f, i) => {
      if (FRAME.test(f)) lastCellFrame = i;
      FRAME.lastIndex = 0;
    });
    const kept = lastCellFrame >= 0 ? frames.slice(0, lastCellFrame + 1) : frames.filter((f) => !isKernelFrame(f));
    const header = `${ename}: ${evalue}`;
    const lines = collapseRepeats(
      summarizeKernelRuns(kept.map((f) => this.mapStackLine(capText(f, MAX_TRACEBACK_LINE_CHARS, 'characters')))),
    );
    if (lines.length > MAX_TRACEBACK_LINES)
      lines.splice(MAX_TRACEBACK_LINES, lines.length, `    ... ${lines.length - MAX_TRACEBACK_LINES} more frames`);
    return { ename, evalue, traceback: [header, ...lines] };
  }
}

/** `text`, or its head and a note of how much was cut. */
export function capText(text: string, maxChars: number, unit: string): string {
  if (text.length <= maxChars) return text;
  return `${text.slice(0, maxChars)}… [tfnb: ${text.length - maxChars} more ${unit} not shown]`;
}

function readSafely<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

/**
 * The frame lines of a stack. Only the first few thousand characters of a line are examined
 * for its header: the message in it may be hundreds of megabytes (errors.ts caps the stack's
 * header too, see installStackTraceCap, but a stack can be any string a program set).
 */
function framesOf(stack: string): string[] {
  const frames: string[] = [];
  let at = 0;
  while (at < stack.length && frames.length < 1000) {
    let end = stack.indexOf('\n', at);
    if (end < 0) end = stack.length;
    if (/^\s+at /.test(stack.slice(at, Math.min(end, at + 16))))
      frames.push(stack.slice(at, Math.min(end, at + MAX_TRACEBACK_LINE_CHARS * 2)));
    at = end + 1;
  }
  return frames;
}

/**
 * Formats `error.stack` as V8 does, with the message in its header cut to
 * MAX_ERROR_MESSAGE_CHARS. The inspector sends a thrown error's stack to the kernel as part of
 * its description, JSON-encoded: with a 280-million-character message that never ended.
 */
export function installStackTraceCap(): void {
  Error.prepareStackTrace = (error: unknown, frames: NodeJS.CallSite[]): string => {
    let header: string;
    try {
      header = errorHeader(error);
    } catch {
      header = 'Error';
    }
    return header + frames.map((f) => `\n    at ${f.toString()}`).join('');
  };
}

/** Error.prototype.toString, with the message capped. */
function errorHeader(error: unknown): string {
  if (!error || typeof error !== 'object') return String(error);
  const rawName = (error as { name?: unknown }).name;
  const rawMessage = (error as { message?: unknown }).message;
  const name = rawName === undefined ? 'Error' : capText(String(rawName), 200, 'characters');
  const message = rawMessage === undefined ? '' : capText(String(rawMessage), MAX_ERROR_MESSAGE_CHARS, 'characters of this message');
  if (!name) return message;
  if (!message) return name;
  return `${name}: ${message}`;
}

/**
 * The wasm backend reports running out of memory as a crash of its code: `memory access out of
 * bounds` (an allocation that failed, then used) or emscripten's `Aborted(...)`. Its memory is
 * a WebAssembly memory, which cannot grow past 4 GB whatever the machine has.
 */
export function explainWasmMemoryExhaustion(error: FormattedError, heapBytes: number | undefined): FormattedError {
  const crash = /memory access out of bounds|^Aborted\(|Cannot enlarge memory|Out of memory/i;
  if (heapBytes === undefined || !crash.test(error.evalue)) return error;
  const gb = (heapBytes / 2 ** 30).toFixed(1);
  const why = `the wasm backend ran out of memory: its heap (now ${gb} GB) cannot grow past WebAssembly's 4 GB limit. Dispose tensors you no longer need (tf.dispose, tf.tidy) and restart the kernel, or use the native backend, which has no such limit (tfnb.backend "tensorflow", or tfnb run --backend tensorflow, with @tensorflow/tfjs-node installed)`;
  return {
    ename: error.ename,
    evalue: `${error.evalue} (${why})`,
    traceback: [`${error.traceback[0] ?? error.ename}`, `    [tfnb] ${why}`, ...error.traceback.slice(1)],
  };
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
    if (isKernelFrame(f)) {
      run++;
      continue;
    }
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
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
