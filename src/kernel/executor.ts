/**
 * Runs cells. Each cell is transpiled, then evaluated by V8's REPL mode through the in-process
 * inspector: that gives notebook semantics natively — top-level `const`/`let`/`class` persist
 * across evaluations and may be redeclared, top-level `await` works, and the completion value
 * comes back. No port is opened: the inspector session lives inside this process.
 */
import { Session } from 'node:inspector';
import { types } from 'node:util';
import type { ExecuteRequest, ExecutionStatus, MemoryReport } from '../protocol/messages';
import type { MimeBundle } from '../protocol/mime';
import { BoundedSet } from '../shared/boundedMap';
import { executionContext, setRunningExecution } from './executionContext';
import { CellScripts, explainWasmMemoryExhaustion, type FormattedError } from './errors';
import { formatBytes, type OutputRouter } from './output';
import { stopTrainingFor } from './runningFits';
import { RESULT_GLOBAL } from './trailingExpression';
import { CellSyntaxError, transpileCell, type TranspiledCell } from './transpile';
import { variablesNow, variablesSince, type VariableSnapshot } from './variables';
import type { Tf } from './backend';
import { settleGpuDisplays } from './webgpu/gpuDisplay';
import { readToCpu } from './webgpu/syncReads';

interface RemoteObject {
  type: string;
  subtype?: string;
  value?: unknown;
  unserializableValue?: string;
  objectId?: string;
  description?: string;
}
interface EvaluateResult {
  result: RemoteObject;
  exceptionDetails?: { text: string; lineNumber: number; columnNumber: number; exception?: RemoteObject };
}

const OBJECT_GROUP = 'tfnb-cell';
const CAPTURE = Symbol.for('tfnb.capture');
const INTERRUPTED = Symbol('interrupted');
const TERMINATED = Symbol('terminated');
/** Work the cell started failed (a timer threw): its error is sent, the cell ends `error`. */
const FAILED = Symbol('failed');
type Stop = typeof INTERRUPTED | typeof FAILED;
type Settled = { ok: true; value: unknown } | { ok: false; error: unknown };
/** Executions that did not end ok, remembered so a cell chained `after` one is cancelled (oldest forgotten first). */
const REMEMBERED_FAILURES = 1000;

/** The interrupt worker's Runtime.terminateExecution makes the inspector reject the evaluation. */
function terminatedOrThrow(e: unknown): typeof TERMINATED {
  if (e instanceof Error && /Execution was terminated/.test(e.message)) return TERMINATED;
  throw e;
}

export interface ExecutorDeps {
  tf: Tf;
  output: OutputRouter;
  /** Turns a value into a MIME bundle (rich where tfnb knows the type). */
  toBundle: (value: unknown) => MimeBundle;
  /** Runs before each cell (e.g. tfvis surfaces start new outputs in the new cell). */
  beforeCell?: () => void;
  /** The latest interrupt epoch (published by the interrupt worker): cells sent before it are cancelled. */
  interruptEpoch: () => number;
  /** The wasm backend's heap size in bytes; undefined on other backends. */
  wasmHeapBytes?: () => number | undefined;
}

type Transpiled = { ok: true; cell: TranspiledCell } | { ok: false; error: unknown };

export class CellExecutor {
  private readonly session = new Session();
  private readonly scripts = new CellScripts();
  private scriptCounter = 0;
  private queue: Promise<void> = Promise.resolve();
  /** The cell being evaluated (or awaited): how to end it early. */
  private running: { executionId: string; stop: (why: Stop) => void } | undefined;
  /** The cell from its start to its `done`, and whether work it started has failed. */
  private current: { executionId: string; failed: boolean } | undefined;
  /**
   * What a cell's trailing expression gave `__tfnb_result`, and which execution's it is: an
   * interrupted cell's evaluation may still finish while a later cell runs.
   */
  private result: { executionId: string | undefined; value: unknown } | undefined;
  private captured: unknown;
  private globalObjectId = '';
  /** Whether the last evaluation left objects in OBJECT_GROUP to release. */
  private groupHolds = false;
  private earlyInterrupts = new Set<string>();
  /** Executions that did not end ok (bounded): cells sent `after` one of them are cancelled. */
  private notOk = new BoundedSet<string>(REMEMBERED_FAILURES);
  /** Work that waits for the running cell's end (the variables view's requests). */
  private afterCell: Array<() => void> = [];

  constructor(private readonly deps: ExecutorDeps) {
    this.session.connect();
    // A session still connected at exit makes Node print "Waiting for the debugger to disconnect".
    process.once('exit', () => this.session.disconnect());
    Object.defineProperty(globalThis, CAPTURE, {
      value: (v: unknown) => {
        this.captured = v;
      },
      enumerable: false,
    });
    // The trailing expression's value comes here, in this realm: nothing is serialized, however
    // big, and a promise stays a promise (to be awaited). It returns undefined, so the script's
    // completion value, which the inspector would serialize, is undefined.
    Object.defineProperty(globalThis, RESULT_GLOBAL, {
      value: (value: unknown): undefined => {
        this.result = { executionId: executionContext.getStore()?.executionId, value };
        return undefined;
      },
      enumerable: false,
    });
  }

  async init(): Promise<void> {
    const r = await this.post<EvaluateResult>('Runtime.evaluate', { expression: 'globalThis' });
    this.globalObjectId = r.result.objectId!;
  }

  /**
   * Queues a cell; cells run one at a time, in the order they were sent. Compiling starts at
   * once, so a cell sent ahead is ready when the one before it ends.
   */
  execute(request: ExecuteRequest): Promise<void> {
    const scriptName = `tfnb-cell-${++this.scriptCounter}.js`;
    const transpiling: Promise<Transpiled> = transpileCell(request.code, request.language, scriptName).then(
      (cell) => ({ ok: true, cell }),
      (error: unknown) => ({ ok: false, error }),
    );
    const run = this.queue.then(() => this.run(request, transpiling));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Interrupt for a cell that is awaiting (the event loop is free): abandon the wait, stop fit. */
  interrupt(executionId: string): void {
    stopTrainingFor(executionId);
    if (this.running?.executionId === executionId) this.running.stop(INTERRUPTED);
    // It may still be queued or compiling: it will end as interrupted when it gets there.
    else this.earlyInterrupts.add(executionId);
  }

  /** Runs `task` now when no cell runs, else right after the running cell's `done`, before the next cell starts. */
  whenNoCellRuns(task: () => void): void {
    if (this.current) this.afterCell.push(task);
    else task();
  }

  get runningExecutionId(): string | undefined {
    return this.running?.executionId;
  }

  /** An error as the user should read it: frames of cell scripts mapped to `cell N, line M`. */
  formatError(error: unknown): FormattedError {
    try {
      return explainWasmMemoryExhaustion(this.scripts.format(error), this.deps.wasmHeapBytes?.());
    } catch (e) {
      // A thrown value that cannot even be looked at (a Proxy whose every trap throws): the
      // cell still fails, and says so, rather than the kernel losing track of it.
      const why = e instanceof Error ? e.message : 'unknown';
      return {
        ename: 'Error',
        evalue: `a value was thrown that cannot be shown (reading it failed: ${why.slice(0, 200)})`,
        traceback: ['Error: a value was thrown that cannot be shown'],
      };
    }
  }

  /** The execution whose cell script made `error` (a cell frame in its stack), if any. */
  executionOf(error: unknown): string | undefined {
    return this.scripts.executionOf(error);
  }

  /**
   * An error from work an execution started (a timer, a callback, a promise nobody awaited):
   * an error output of that execution. One still running ends with status `error` at once
   * (an await it is in is abandoned, as on an interrupt); one that ended gets it after its `done`.
   */
  reportStray(executionId: string, error: unknown): void {
    this.sendError(executionId, this.formatError(error));
    if (this.current?.executionId !== executionId) return;
    this.current.failed = true;
    if (this.running?.executionId === executionId) this.running.stop(FAILED);
  }

  private async run(request: ExecuteRequest, transpiling: Promise<Transpiled>): Promise<void> {
    const { executionId } = request;
    const afterFailure = request.after !== undefined && this.notOk.has(request.after);
    if (afterFailure || request.epoch < this.deps.interruptEpoch()) {
      // Sent before an interrupt, or behind a cell that failed: the client cancels it too.
      this.earlyInterrupts.delete(executionId);
      this.markNotOk(executionId);
      const now = this.deps.tf.memory();
      this.deps.output.send({
        type: 'done',
        executionId,
        status: 'cancelled',
        durationMs: 0,
        memory: this.memoryNow(now.numTensors, now.numBytes),
      });
      return;
    }
    const started = performance.now();
    const before = this.deps.tf.memory();
    const variablesBefore = variablesNow(this.deps.tf);
    this.current = { executionId, failed: false };
    this.deps.beforeCell?.();
    let status: ExecutionStatus;
    try {
      status = await this.evaluateCell(request, await transpiling);
    } catch (e) {
      // Whatever failed inside the kernel (the esbuild service gone, a thrown value that breaks
      // every look at it), the cell ends, and says why: every execution gets its done.
      this.sendError(executionId, {
        ename: 'KernelError',
        evalue: `tfnb's kernel failed running this cell: ${describeInternal(e)}`,
        traceback: [`KernelError: tfnb's kernel failed running this cell: ${describeInternal(e)}`],
      });
      status = 'error';
    }
    await settleGpuDisplays(); // displays of GPU tensors still reading (webgpu): part of this cell
    this.earlyInterrupts.clear();
    setRunningExecution(null);
    this.running = undefined;
    // Only results and exceptions that are objects are held in the group (primitives come by
    // value): skip the round trip when there is nothing to release.
    if (this.groupHolds) {
      this.groupHolds = false;
      await this.post('Runtime.releaseObjectGroup', { objectGroup: OBJECT_GROUP }).catch(() => undefined);
    }
    const memory = this.memoryNow(before.numTensors, before.numBytes);
    const dropped = this.deps.output.dropped(executionId, true);
    if (dropped) {
      // On the stream that hit the cap, so it ends that output: VS Code draws consecutive stream
      // outputs into one element, and a redraw of a huge stdout could wipe a separate notice.
      this.deps.output.send({
        type: 'stream',
        executionId,
        name: dropped.stream,
        text: `\n[tfnb] output limit reached: ${formatBytes(dropped.bytes)} more output was dropped (setting tfnb.maxOutputBytes)\n`,
      });
    }
    this.reportMemory(executionId, memory, variablesBefore);
    // Work the cell started may have failed up to this moment (reportStray).
    if (status === 'ok' && this.current?.failed) status = 'error';
    if (status !== 'ok') this.markNotOk(executionId);
    this.current = undefined;
    this.deps.output.send({ type: 'done', executionId, status, durationMs: performance.now() - started, memory });
    for (const task of this.afterCell.splice(0)) task();
  }

  /**
   * Tensors a cell left: the weights of models it built (tf.Variables) are meant to stay, so
   * they are counted apart, as information; only the others are reported as not disposed.
   */
  private reportMemory(executionId: string, memory: MemoryReport, variablesBefore: VariableSnapshot): void {
    const made = variablesSince(this.deps.tf, variablesBefore);
    if (made.count > 0) {
      this.deps.output.send({
        type: 'stream',
        executionId,
        name: 'stdout',
        text: `[tfnb] +${plural(made.count, 'variable')}, ${formatBytes(made.bytes)} held by models\n`,
      });
    }
    const leftTensors = memory.deltaTensors - made.count;
    if (leftTensors > 0) {
      this.deps.output.send({
        type: 'stream',
        executionId,
        name: 'stderr',
        text: `[tfnb] +${plural(leftTensors, 'tensor')}, ${formatBytes(Math.max(0, memory.deltaBytes - made.bytes))} not disposed\n`,
      });
    }
  }

  private async evaluateCell(request: ExecuteRequest, compiled: Transpiled): Promise<ExecutionStatus> {
    const { executionId } = request;
    if (!compiled.ok) {
      const e = compiled.error;
      if (e instanceof CellSyntaxError) {
        this.sendError(executionId, {
          ename: 'SyntaxError',
          evalue: e.message,
          traceback: [`SyntaxError: ${e.message}`, `    at ${request.cellName}, line ${e.line}, column ${e.column}`],
        });
        return 'error';
      }
      throw e;
    }
    const transpiled = compiled.cell;
    this.scripts.register(transpiled.scriptName, request.cellName, transpiled.sourceMap, executionId);
    if (this.earlyInterrupts.delete(executionId)) {
      this.sendInterrupted(executionId);
      return 'interrupted';
    }

    let stop!: (why: Stop) => void;
    const stopped = new Promise<Stop>((resolve) => {
      stop = resolve;
    });
    this.running = { executionId, stop };
    this.result = undefined;
    setRunningExecution(executionId);
    const evaluation = executionContext.run({ executionId }, () =>
      this.post<EvaluateResult>('Runtime.evaluate', {
        expression: transpiled.script,
        replMode: true,
        awaitPromise: true,
        objectGroup: OBJECT_GROUP,
        silent: false,
      }),
    );
    // Whatever happens next, the evaluation may have put objects in the group.
    evaluation.then(
      (r) => {
        if (r.result?.objectId || r.exceptionDetails?.exception?.objectId) this.groupHolds = true;
      },
      () => undefined,
    );
    const outcome = await Promise.race([evaluation.catch(terminatedOrThrow), stopped]);
    if (outcome === FAILED) {
      evaluation.catch(() => undefined);
      return 'error';
    }
    if (outcome === INTERRUPTED || outcome === TERMINATED) {
      // The awaited work is abandoned: it may still finish, and writes to this cell if so.
      evaluation.catch(() => undefined);
      this.sendInterrupted(executionId);
      return 'interrupted';
    }
    if (outcome.exceptionDetails) {
      const exception = outcome.exceptionDetails.exception;
      if (/Execution was terminated/.test(outcome.exceptionDetails.text) || exception?.description?.includes('Execution was terminated')) {
        this.sendInterrupted(executionId);
        return 'interrupted';
      }
      const thrown = exception ? (await this.capture(exception)).value : new Error(outcome.exceptionDetails.text);
      const { lineNumber: line, columnNumber: column } = outcome.exceptionDetails;
      let compileError: FormattedError | undefined;
      try {
        compileError = this.scripts.compileError(thrown, {
          scriptName: transpiled.scriptName,
          cellName: request.cellName,
          code: request.code,
          line,
          column,
        });
      } catch {
        compileError = undefined; // a value that cannot be looked at is no SyntaxError; formatError says so
      }
      this.sendError(executionId, compileError ?? this.formatError(thrown));
      return 'error';
    }
    const result = this.takeResult();
    if (!result || result.executionId !== executionId) return 'ok';
    let value = result.value;
    if (types.isPromise(value)) {
      // A promise as the value (`f()` of an async f, `tfvis.render.table(...)`) is awaited, as
      // Deno and tslab do: its rejection is the cell's error, its value the cell's result.
      // The built-in then: a promise subclass's own may do anything.
      const then = Promise.prototype.then as (
        this: Promise<unknown>,
        ok: (v: unknown) => Settled,
        fail: (e: unknown) => Settled,
      ) => Promise<Settled>;
      const outcome = then.call(
        value,
        (v) => ({ ok: true, value: v }),
        (e) => ({ ok: false, error: e }),
      );
      const settled = await Promise.race([outcome, stopped]);
      if (settled === FAILED) return 'error';
      if (settled === INTERRUPTED) {
        this.sendInterrupted(executionId);
        return 'interrupted';
      }
      if (!settled.ok) {
        this.sendError(executionId, this.formatError(settled.error));
        return 'error';
      }
      value = settled.value;
    }
    // A call that returns nothing (console.log(x), await tfvis.render.table(...)) shows nothing.
    if (value === undefined) return 'ok';
    await readToCpu(value); // a tensor on the GPU (webgpu) cannot be read synchronously by the renderer
    try {
      this.deps.output.result(executionId, this.deps.toBundle(value));
    } catch (e) {
      this.sendError(executionId, this.formatError(e));
      return 'error';
    }
    return 'ok';
  }

  private takeResult(): { executionId: string | undefined; value: unknown } | undefined {
    const result = this.result;
    this.result = undefined;
    return result;
  }

  private markNotOk(executionId: string): void {
    this.notOk.add(executionId);
  }

  private memoryNow(tensorsBefore: number, bytesBefore: number): MemoryReport {
    const after = this.deps.tf.memory();
    return {
      numTensors: after.numTensors,
      numBytes: after.numBytes,
      deltaTensors: after.numTensors - tensorsBefore,
      deltaBytes: after.numBytes - bytesBefore,
    };
  }

  private sendInterrupted(executionId: string): void {
    this.sendError(executionId, {
      ename: 'Interrupted',
      evalue: 'The cell was interrupted; the kernel kept its state.',
      traceback: ['Interrupted: the cell was interrupted; the kernel kept its state.'],
    });
  }

  private sendError(executionId: string, error: FormattedError): void {
    this.deps.output.error(executionId, error);
  }

  /** Brings a value the inspector returned into this realm as a real JS value. */
  private async capture(remote: RemoteObject): Promise<{ value: unknown }> {
    // Boxed: an async function returning a thenable would await it (a thrown promise).
    if (remote.type === 'undefined') return { value: undefined };
    // Primitives come by value: no round trip through the inspector.
    if (!remote.objectId)
      return { value: remote.unserializableValue !== undefined ? unserializable(remote.unserializableValue) : remote.value };
    this.captured = undefined;
    await this.post('Runtime.callFunctionOn', {
      objectId: this.globalObjectId,
      functionDeclaration: 'function (v) { this[Symbol.for("tfnb.capture")](v); }',
      arguments: [{ objectId: remote.objectId }],
      silent: true,
    });
    const value = this.captured;
    this.captured = undefined;
    return { value };
  }

  private post<T>(method: string, params: object): Promise<T> {
    return new Promise((resolve, reject) => {
      this.session.post(method, params, (err, result) => (err ? reject(err) : resolve(result as T)));
    });
  }
}

function describeInternal(e: unknown): string {
  try {
    return (e instanceof Error ? e.message : String(e)).slice(0, 500);
  } catch {
    return 'unknown';
  }
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** The value of a RemoteObject's unserializableValue: NaN, ±Infinity, -0 or a bigint ("12n"). */
function unserializable(text: string): unknown {
  if (text === 'NaN') return NaN;
  if (text === 'Infinity') return Infinity;
  if (text === '-Infinity') return -Infinity;
  if (text === '-0') return -0;
  if (/^-?\d+n$/.test(text)) return BigInt(text.slice(0, -1));
  return text;
}
