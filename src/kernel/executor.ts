/**
 * Runs cells. Each cell is transpiled, then evaluated by V8's REPL mode through the in-process
 * inspector: that gives notebook semantics natively — top-level `const`/`let`/`class` persist
 * across evaluations and may be redeclared, top-level `await` works, and the completion value
 * comes back. No port is opened: the inspector session lives inside this process.
 */
import { Session } from 'node:inspector';
import type { ExecuteRequest, ExecutionStatus, KernelToClient, MemoryReport } from '../protocol/messages';
import type { MimeBundle } from '../protocol/mime';
import { executionContext, setRunningExecution } from './context';
import { CellScripts, type FormattedError } from './errors';
import { formatBytes, type OutputRouter } from './output';
import { stopTrainingFor } from './training';
import { CellSyntaxError, transpileCell, type TranspiledCell } from './transpile';
import type { Tf } from './backend';
import { settleGpuDisplays } from './webgpu/gpuDisplay';
import { readToCpu } from './webgpu/syncReads';

interface RemoteObject { type: string; subtype?: string; value?: unknown; unserializableValue?: string; objectId?: string; description?: string }
interface EvaluateResult { result: RemoteObject; exceptionDetails?: { text: string; lineNumber: number; columnNumber: number; exception?: RemoteObject } }

const OBJECT_GROUP = 'tfnb-cell';
const CAPTURE = Symbol.for('tfnb.capture');
const INTERRUPTED = Symbol('interrupted');
const TERMINATED = Symbol('terminated');

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
}

type Transpiled = { ok: true; cell: TranspiledCell } | { ok: false; error: unknown };

export class CellExecutor {
  private readonly session = new Session();
  private readonly scripts = new CellScripts();
  private scriptCounter = 0;
  private queue: Promise<void> = Promise.resolve();
  private running: { executionId: string; interrupt: () => void } | undefined;
  private captured: unknown;
  private globalObjectId = '';
  /** Whether the last evaluation left objects in OBJECT_GROUP to release. */
  private groupHolds = false;
  private earlyInterrupts = new Set<string>();
  /** Executions that did not end ok (bounded): cells sent `after` one of them are cancelled. */
  private notOk = new Set<string>();

  constructor(private readonly deps: ExecutorDeps) {
    this.session.connect();
    // A session still connected at exit makes Node print "Waiting for the debugger to disconnect".
    process.once('exit', () => this.session.disconnect());
    Object.defineProperty(globalThis, CAPTURE, { value: (v: unknown) => { this.captured = v; }, enumerable: false });
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
      (cell) => ({ ok: true, cell }), (error: unknown) => ({ ok: false, error }));
    const run = this.queue.then(() => this.run(request, transpiling));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Interrupt for a cell that is awaiting (the event loop is free): abandon the wait, stop fit. */
  interrupt(executionId: string): void {
    stopTrainingFor(executionId);
    if (this.running?.executionId === executionId) this.running.interrupt();
    // It may still be queued or compiling: it will end as interrupted when it gets there.
    else this.earlyInterrupts.add(executionId);
  }

  get runningExecutionId(): string | undefined { return this.running?.executionId; }

  /** An error as the user should read it: frames of cell scripts mapped to `cell N, line M`. */
  formatError(error: unknown): FormattedError {
    return this.scripts.format(error);
  }

  private async run(request: ExecuteRequest, transpiling: Promise<Transpiled>): Promise<void> {
    const { executionId } = request;
    const afterFailure = request.after !== undefined && this.notOk.has(request.after);
    if (afterFailure || request.epoch < this.deps.interruptEpoch()) {
      // Sent before an interrupt, or behind a cell that failed: the client cancels it too.
      this.earlyInterrupts.delete(executionId);
      this.markNotOk(executionId);
      const now = this.deps.tf.memory();
      this.deps.output.send({ type: 'done', executionId, status: 'cancelled', durationMs: 0, memory: this.memoryNow(now.numTensors, now.numBytes) });
      return;
    }
    const started = performance.now();
    const before = this.deps.tf.memory();
    this.deps.beforeCell?.();
    const status = await this.evaluateCell(request, await transpiling);
    await settleGpuDisplays(); // displays of GPU tensors still reading (webgpu): part of this cell
    if (status !== 'ok') this.markNotOk(executionId);
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
      this.deps.output.send({ type: 'stream', executionId, name: dropped.stream, text: `\n[tfnb] output limit reached: ${formatBytes(dropped.bytes)} more output was dropped (setting tfnb.maxOutputBytes)\n` });
    }
    if (memory.deltaTensors > 0) {
      this.deps.output.send({ type: 'stream', executionId, name: 'stderr', text: `[tfnb] +${memory.deltaTensors} tensors, ${formatBytes(memory.deltaBytes)} not disposed\n` });
    }
    this.deps.output.send({ type: 'done', executionId, status, durationMs: performance.now() - started, memory });
  }

  private async evaluateCell(request: ExecuteRequest, compiled: Transpiled): Promise<ExecutionStatus> {
    const { executionId } = request;
    if (!compiled.ok) {
      const e = compiled.error;
      if (e instanceof CellSyntaxError) {
        this.sendError(executionId, { ename: 'SyntaxError', evalue: e.message, traceback: [`SyntaxError: ${e.message}`, `    at ${request.cellName}, line ${e.line}, column ${e.column}`] });
        return 'error';
      }
      throw e;
    }
    const transpiled = compiled.cell;
    this.scripts.register(transpiled.scriptName, request.cellName, transpiled.sourceMap);
    if (this.earlyInterrupts.delete(executionId)) {
      this.sendInterrupted(executionId);
      return 'interrupted';
    }

    let interrupt!: () => void;
    const interrupted = new Promise<typeof INTERRUPTED>((resolve) => { interrupt = () => resolve(INTERRUPTED); });
    this.running = { executionId, interrupt };
    setRunningExecution(executionId);
    const evaluation = executionContext.run({ executionId }, () =>
      this.post<EvaluateResult>('Runtime.evaluate', {
        expression: transpiled.script,
        replMode: true,
        awaitPromise: true,
        objectGroup: OBJECT_GROUP,
        silent: false,
      }));
    // Whatever happens next, the evaluation may have put objects in the group.
    evaluation.then((r) => { if (r.result?.objectId || r.exceptionDetails?.exception?.objectId) this.groupHolds = true; }, () => undefined);
    const outcome = await Promise.race([evaluation.catch(terminatedOrThrow), interrupted]);
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
      const thrown = exception ? await this.capture(exception) : new Error(outcome.exceptionDetails.text);
      const { lineNumber: line, columnNumber: column } = outcome.exceptionDetails;
      const compileError = this.scripts.compileError(thrown, { scriptName: transpiled.scriptName, cellName: request.cellName, code: request.code, line, column });
      this.sendError(executionId, compileError ?? this.scripts.format(thrown));
      return 'error';
    }
    if (transpiled.hasResult && outcome.result.type !== 'undefined') {
      const value = await this.capture(outcome.result);
      await readToCpu(value); // a tensor on the GPU (webgpu) cannot be read synchronously by the renderer
      try {
        this.deps.output.send({ type: 'result', executionId, data: this.deps.toBundle(value) });
      } catch (e) {
        this.sendError(executionId, this.scripts.format(e));
        return 'error';
      }
    }
    return 'ok';
  }

  private markNotOk(executionId: string): void {
    this.notOk.add(executionId);
    if (this.notOk.size > 1000) this.notOk.delete(this.notOk.values().next().value!);
  }

  private memoryNow(tensorsBefore: number, bytesBefore: number): MemoryReport {
    const after = this.deps.tf.memory();
    return { numTensors: after.numTensors, numBytes: after.numBytes, deltaTensors: after.numTensors - tensorsBefore, deltaBytes: after.numBytes - bytesBefore };
  }

  private sendInterrupted(executionId: string): void {
    this.sendError(executionId, { ename: 'Interrupted', evalue: 'The cell was interrupted; the kernel kept its state.', traceback: ['Interrupted: the cell was interrupted; the kernel kept its state.'] });
  }

  private sendError(executionId: string, error: FormattedError): void {
    const message: KernelToClient = { type: 'error', executionId, ...error };
    this.deps.output.send(message);
  }

  /** Brings a value the inspector returned into this realm as a real JS value. */
  private async capture(remote: RemoteObject): Promise<unknown> {
    if (remote.type === 'undefined') return undefined;
    // Primitives come by value: no round trip through the inspector.
    if (!remote.objectId) return remote.unserializableValue !== undefined ? unserializable(remote.unserializableValue) : remote.value;
    this.captured = undefined;
    await this.post('Runtime.callFunctionOn', {
      objectId: this.globalObjectId,
      functionDeclaration: 'function (v) { this[Symbol.for("tfnb.capture")](v); }',
      arguments: [{ objectId: remote.objectId }],
      silent: true,
    });
    const value = this.captured;
    this.captured = undefined;
    return value;
  }

  private post<T>(method: string, params: object): Promise<T> {
    return new Promise((resolve, reject) => {
      this.session.post(method, params, (err, result) => (err ? reject(err) : resolve(result as T)));
    });
  }
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
