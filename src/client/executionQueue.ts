/**
 * The execution engine's one queue, shared by `tfnb run` and VS Code: cells wait here, go to
 * the kernel ahead of their turn (it compiles them early), run one at a time, and end.
 * It owns what every sink would otherwise redo: send-ahead, cancelling what was chained to a
 * cell that did not end ok, execution counts, Jupyter's display ids, per-cell time limits
 * (an interrupt, then the kernel's death when the interrupt cannot land), restarting a kernel
 * that died, and late output of work a cell left running.
 *
 * Invariant: every execution request ends in exactly one `done` — ok, error, interrupted,
 * cancelled, timed out or died — whatever the cell, the kernel or the client does.
 */
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import {
  DEFAULT_LIVE_UPDATE_INTERVAL_MS,
  DEFAULT_MAX_OUTPUT_BYTES,
  type BackendInfo,
  type CellLanguage,
  type KernelLaunchOptions,
  type KernelToClient,
  type RunMetricMessage,
  type StreamName,
} from '../protocol/messages';
import type { MimeBundle, RendererToKernelMessage } from '../protocol/mime';
import { BoundedMap } from '../shared/boundedMap';
import { DisplayIdRegistry } from './displayIds';
import type {
  DoneEvent,
  ErrorOutput,
  ExecuteOptions,
  ExecutionOutcome,
  ExecutionSink,
  KernelDiedEvent,
  KernelState,
  LogEvent,
  OutcomeStatus,
  OutputEvent,
} from './events';
import { KernelProcess } from './kernelProcess';
import { setLongTimeout, type LongTimer } from './longTimer';
import { VariablesRequests, type VariablesList } from './variablesRequests';

export interface ExecutionQueueOptions {
  notebookDir: string;
  /** The notebook's file (a cell's `__filename`), when it has one. */
  notebookPath?: string;
  backend?: KernelLaunchOptions['backend'];
  wasmThreads?: KernelLaunchOptions['wasmThreads'];
  maxOutputBytes?: number;
  liveUpdateIntervalMs?: number;
  /** The Node.js binary that runs the kernel (default: the one running this code). */
  nodePath?: string;
  /** Extra Node flags, e.g. ['--max-old-space-size=4096']. */
  nodeArgs?: string[];
  /** Path of dist/kernel.js (default: beside this bundle). */
  kernelScript?: string;
  /** How long a kernel may take to report ready. */
  startTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  /** How long a cell over its time limit may take to answer the interrupt before its kernel is killed. */
  interruptGraceMs?: number;
  /** How many finished executions still receive late output (oldest forgotten first). */
  rememberFinished?: number;
}

/** Like tslab's Executor: execute, interrupt, restart, close. */
export interface Executor {
  execute(code: string, options: ExecuteOptions, handlers: ExecutionSink): { executionId: string; done: Promise<ExecutionOutcome> };
  interrupt(): void;
  restart(): Promise<BackendInfo>;
  close(reason?: string): Promise<void>;
}

interface QueueEvents {
  state: [KernelState];
  log: [LogEvent];
  ready: [BackendInfo];
  output: [OutputEvent];
  done: [DoneEvent];
  kernelDied: [KernelDiedEvent];
  /** A number for the recorded run (src/runs/runRecorder.ts): a fit's epoch, or `tfnb.log`. */
  metric: [RunMetricMessage];
}

interface Execution {
  readonly executionId: string;
  readonly code: string;
  readonly language: CellLanguage;
  readonly cellName: string;
  readonly handlers: ExecutionSink;
  readonly after?: string;
  readonly cellKey?: string;
  readonly timeoutMs?: number;
  readonly timeoutSetBy?: string;
  phase: 'queued' | 'sent' | 'running' | 'finished';
  started?: number;
  timer?: LongTimer;
  /** Its time limit passed: the error it ends with (in place of the interrupt's). */
  timedOut?: { error: ErrorOutput; delivered: boolean; killTimer?: NodeJS.Timeout };
  resolve(outcome: ExecutionOutcome): void;
}

/** Why the client ended the kernel process itself; the running cell's outcome says so. */
interface ClientKill {
  status: 'timedOut' | 'died';
  error: ErrorOutput;
  reason: string;
}

/**
 * How many cells may wait inside the kernel (compiled ahead) besides the running one. Enough
 * that the kernel does not run dry while this process waits for the CPU: with 8, on a loaded
 * 2-core machine, 100 trivial cells took about 4.5 ms each through `tfnb run` and 9 ms through
 * VS Code (the kernel idle most of the time); with 64, about 3 and 5 ms (docs/performance.md).
 */
const MAX_SENT_AHEAD = 64;
const DEFAULT_START_TIMEOUT_MS = 60_000;
export const DEFAULT_INTERRUPT_GRACE_MS = 5_000;
const DEFAULT_REMEMBER_FINISHED = 10_000;
const REMEMBERED_OUTCOMES = 10_000;
let executionCounter = 0;

export class ExecutionQueue extends EventEmitter<QueueEvents> implements Executor {
  private process: KernelProcess | undefined;
  /** The process that reported ready (`process` may still be starting). */
  private readyProcess: KernelProcess | undefined;
  private startPromise: Promise<BackendInfo> | undefined;
  /** Not yet sent to the kernel. */
  private queue: Execution[] = [];
  /** Sent, in order; the first is the one running. */
  private sent: Execution[] = [];
  /** Finished executions, for output from work they left running. */
  private readonly finished: BoundedMap<string, Execution>;
  /** How recent executions ended (bounded): a cell chained to one that did not end ok is cancelled. */
  private outcomes = new BoundedMap<string, OutcomeStatus>(REMEMBERED_OUTCOMES);
  private readonly displays = new DisplayIdRegistry();
  private readonly variablesRequests = new VariablesRequests();
  /** Interrupts so far; cells carry it, and an interrupt cancels the cells sent before it. */
  private epoch = 0;
  private executionCount = 0;
  private _state: KernelState = 'dead';
  private _info: BackendInfo | undefined;
  private closed = false;
  private holdPump = false;
  private clientKill: ClientKill | undefined;
  /** The client is ending this process on purpose (restart, close): not a death to report. */
  private expectedExit: KernelProcess | undefined;

  constructor(private readonly options: ExecutionQueueOptions) {
    super();
    this.finished = new BoundedMap(options.rememberFinished ?? DEFAULT_REMEMBER_FINISHED);
  }

  get state(): KernelState {
    return this._state;
  }
  get backend(): BackendInfo | undefined {
    return this._info;
  }
  get pid(): number | undefined {
    return this.process?.pid;
  }

  /** Starts the kernel if it is not running; resolves with its backend once it is ready. */
  start(): Promise<BackendInfo> {
    if (this.closed) return Promise.reject(new Error('kernel client is closed'));
    if (!this.startPromise) {
      const starting = this.spawnKernel().catch((e: unknown) => {
        // Cells waiting for this kernel end with the reason it did not start.
        this.failQueue(e instanceof Error ? e : new Error(String(e)));
        throw e;
      });
      this.startPromise = starting;
      starting.catch(() => {
        if (this.startPromise === starting) this.startPromise = undefined;
      });
    }
    return this.startPromise;
  }

  execute(code: string, options: ExecuteOptions, handlers: ExecutionSink): { executionId: string; done: Promise<ExecutionOutcome> } {
    const executionId = `x${process.pid}-${++executionCounter}`;
    let resolve!: (outcome: ExecutionOutcome) => void;
    const done = new Promise<ExecutionOutcome>((r) => {
      resolve = r;
    });
    const execution: Execution = {
      executionId,
      code,
      handlers,
      resolve,
      phase: 'queued',
      language: options.language ?? 'typescript',
      cellName: options.cellName ?? 'cell',
      after: options.after,
      cellKey: options.cellKey,
      timeoutMs: options.timeoutMs,
      timeoutSetBy: options.timeoutSetBy,
    };
    if (this.closed) {
      this.finish(execution, { status: 'cancelled', durationMs: 0 });
    } else if (options.after !== undefined && this.endedNotOk(options.after)) {
      // Chained to one that already failed: as if it had been cancelled with it.
      this.finish(execution, { status: 'cancelled', durationMs: 0 });
    } else {
      this.queue.push(execution);
      this.pump();
    }
    return { executionId, done };
  }

  /** Interrupts the running cell (the kernel keeps its state) and cancels every cell waiting behind it. */
  interrupt(): void {
    const running = this.running;
    this.cancelAll((e) => e !== running);
    this.epoch++;
    this.process?.interrupt(running?.executionId ?? '', this.epoch);
  }

  /** Sends a renderer's message (e.g. Stop training) to the kernel. */
  sendRendererMessage(message: RendererToKernelMessage): void {
    this.process?.send({ type: 'renderer-message', message });
  }

  /**
   * The kernel's top-level names, summarized (sorted; at most `limit` of those matching `filter`).
   * Answered between cells: while one runs, after its end. Fails when no kernel is ready.
   */
  listVariables(options: { filter?: string; limit?: number } = {}): Promise<VariablesList> {
    const proc = this.readyProcess;
    if (!proc) return Promise.reject(new Error('no kernel is running'));
    return this.variablesRequests.list((m) => proc.send(m), options.filter, options.limit ?? 500);
  }

  /** One top-level name's value as `display(name)` would show it (a tensor's heatmap, a model's summary). */
  inspectVariable(name: string): Promise<MimeBundle> {
    const proc = this.readyProcess;
    if (!proc) return Promise.reject(new Error('no kernel is running'));
    return this.variablesRequests.inspect((m) => proc.send(m), name);
  }

  async restart(): Promise<BackendInfo> {
    await this.endProcess('restart', 'The kernel was restarted while this cell ran');
    return this.start();
  }

  /**
   * Ends the kernel; nothing more runs. Waiting cells are cancelled; a running one ends `died`
   * with an error that gives `reason` (default: the kernel was shut down).
   */
  async close(reason = 'The kernel was shut down while this cell ran'): Promise<void> {
    this.closed = true;
    const running = this.running;
    this.cancelAll((e) => e !== running);
    await this.endProcess('close', reason);
    this.setState('closed');
  }

  // ---- the kernel process ----------------------------------------------------------------

  private async spawnKernel(): Promise<BackendInfo> {
    const launch: KernelLaunchOptions = {
      notebookDir: this.options.notebookDir,
      notebookPath: this.options.notebookPath,
      backend: this.options.backend ?? 'auto',
      wasmThreads: this.options.wasmThreads ?? 'auto',
      maxOutputBytes: this.options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES,
      liveUpdateIntervalMs: this.options.liveUpdateIntervalMs ?? DEFAULT_LIVE_UPDATE_INTERVAL_MS,
    };
    const nodePath = this.options.nodePath ?? process.execPath;
    const nodeArgs = this.options.nodeArgs ?? [];
    this.setState('starting');
    const kernelScript = this.options.kernelScript ?? join(__dirname, 'kernel.js');
    this.log(
      'info',
      'client',
      `starting kernel: ${[nodePath, ...nodeArgs, kernelScript].join(' ')} (cwd ${launch.notebookDir}, backend ${launch.backend})`,
    );
    const proc = new KernelProcess({
      launch,
      nodePath,
      nodeArgs,
      kernelScript,
      env: this.options.env ?? process.env,
      startTimeoutMs: this.options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS,
    });
    this.process = proc;
    proc.on('log', (e) => this.emit('log', e));
    proc.on('message', (m) => {
      if (this.process === proc) this.onMessage(m);
    });
    proc.on('native', (name, text) => {
      if (this.process === proc) this.onNative(name, text);
    });
    proc.on('exit', (reason) => this.onExit(proc, reason));
    const info = await proc.ready;
    if (this.process !== proc) throw new Error('the kernel was stopped while it started');
    this.readyProcess = proc;
    this._info = info;
    this.executionCount = 0;
    this.displays.clear();
    this.emit('ready', info);
    this.setState(this.sent.length ? 'busy' : 'idle');
    this.pump();
    return info;
  }

  private async endProcess(why: string, runningReason: string): Promise<void> {
    const proc = this.process;
    if (!proc) return;
    this.log('info', 'client', `stopping kernel ${proc.pid ?? '?'} (${why})`);
    this.expectedExit = proc;
    const running = this.running;
    if (running) this.clientKill = { status: 'died', reason: runningReason, error: stoppedError(runningReason) };
    await proc.shutdown();
  }

  private onExit(proc: KernelProcess, reason: string): void {
    if (this.process !== proc) return;
    const wasReady = this.readyProcess === proc;
    const expected = this.expectedExit === proc;
    this.process = undefined;
    this.readyProcess = undefined;
    this.startPromise = undefined;
    this.expectedExit = undefined;
    const kill = this.clientKill;
    this.clientKill = undefined;
    this.displays.clear();
    this.variablesRequests.failAll(`the kernel exited (${reason})`);
    this.setState(this.closed ? 'closed' : 'dead');

    const running = this.running;
    // Cells sent to the dead kernel but not started go to the next one, in order.
    const notStarted = this.sent.filter((e) => e !== running);
    this.sent = running ? [running] : [];
    for (const e of notStarted) e.phase = 'queued';
    this.queue.unshift(...notStarted);
    this.holdPump = true;
    try {
      if (running) this.endWithKernel(running, reason, kill);
      if (!expected) this.emit('kernelDied', { reason, pid: proc.pid });
      if (this.closed) this.cancelAll(() => true);
    } finally {
      this.holdPump = false;
    }
    // Queued cells wait for the fresh kernel that the next pump starts.
    if (wasReady && !this.closed) this.pump();
  }

  /** The running cell's kernel is gone: say why, once. */
  private endWithKernel(running: Execution, reason: string, kill: ClientKill | undefined): void {
    const durationMs = performance.now() - (running.started ?? performance.now());
    if (kill) {
      this.deliverError(running, kill.error);
      this.finish(running, { status: kill.status, durationMs, deathReason: kill.reason });
      return;
    }
    if (running.timedOut) {
      // It died while being interrupted for its time limit (e.g. Node aborted).
      const message = `${running.timedOut.error.evalue.replace(/; the kernel kept its state$/, '')}, and the kernel died while being interrupted (${reason}). Its state is lost; the next cell starts a fresh kernel.`;
      if (!running.timedOut.delivered)
        this.deliverError(running, { ename: 'Timeout', evalue: message, traceback: [`Timeout: ${message}`] });
      running.timedOut.delivered = true;
      this.finish(running, { status: 'timedOut', durationMs, deathReason: reason });
      return;
    }
    const message = `The kernel died while this cell ran (${reason}). Its state is lost; the next run starts a fresh kernel.`;
    this.deliverError(running, { ename: 'KernelDied', evalue: message, traceback: [`KernelDied: ${message}`] });
    this.finish(running, { status: 'died', durationMs, deathReason: reason });
  }

  // ---- messages --------------------------------------------------------------------------

  private onMessage(m: KernelToClient): void {
    switch (m.type) {
      case 'log':
        this.log(m.level, 'kernel', m.message);
        return;
      case 'stream':
        this.deliver(m.executionId, { kind: 'stream', name: m.name, text: m.text });
        return;
      case 'result':
        this.deliver(m.executionId, { kind: 'result', data: m.data });
        return;
      case 'error':
        this.deliver(m.executionId, { kind: 'error', error: { ename: m.ename, evalue: m.evalue, traceback: m.traceback } });
        return;
      case 'display':
        this.onDisplay(m.executionId, m.data, m.displayId, m.update);
        return;
      case 'done': {
        const execution = this.sent.find((e) => e.executionId === m.executionId);
        // A cell the client cancelled ends here too: it was already finished.
        if (!execution || execution.phase === 'finished') return;
        if (execution.timedOut) {
          if (!execution.timedOut.delivered) this.deliverError(execution, execution.timedOut.error);
          this.finish(execution, { status: 'timedOut', durationMs: m.durationMs, memory: m.memory });
        } else {
          this.finish(execution, { status: m.status, durationMs: m.durationMs, memory: m.memory });
        }
        return;
      }
      case 'run-metric':
        this.emit('metric', m);
        return;
      case 'variables':
      case 'variable-value':
        this.variablesRequests.settle(m);
        return;
      case 'ready':
      case 'startup-error':
        return;
    }
  }

  /** Raw process output (a child run with `stdio: 'inherit'`): the running cell's, else the log's. */
  private onNative(name: StreamName, text: string): void {
    if (name === 'stderr') this.log('warn', 'native', text.replace(/\n$/, ''));
    const running = this.running;
    if (running) this.deliver(running.executionId, { kind: 'stream', name, text });
    else if (name === 'stdout') this.log('info', 'native', text.replace(/\n$/, ''));
  }

  private onDisplay(executionId: string | null, data: MimeBundle, displayId: string | undefined, update: boolean): void {
    if (displayId !== undefined && update) {
      // Jupyter: an update changes every output shown with the id, whichever cell showed it; none, none.
      for (const target of this.displays.showing(displayId)) this.deliver(target, { kind: 'display', data, displayId, update: true });
      return;
    }
    const execution = executionId === null ? undefined : this.find(executionId);
    if (execution && displayId !== undefined) this.displays.shown(displayId, execution.executionId, execution.cellKey);
    this.deliver(executionId, { kind: 'display', data, displayId, update: false });
  }

  private deliver(executionId: string | null, event: DistributiveOmit<OutputEvent, 'executionId' | 'late'>): void {
    const execution = executionId === null ? undefined : this.find(executionId);
    if (!execution) {
      this.log('warn', 'kernel', `output with no cell: ${describeOutput(event)}`);
      return;
    }
    if (event.kind === 'error') {
      this.deliverError(execution, event.error);
      return;
    }
    const late = execution.phase === 'finished';
    this.emit('output', { ...event, executionId: execution.executionId, late });
    const h = execution.handlers;
    switch (event.kind) {
      case 'stream':
        this.guard(execution, () => h.onStream?.(event.name, event.text));
        return;
      case 'result':
        this.guard(execution, () => h.onResult?.(event.data));
        return;
      case 'display':
        this.guard(execution, () => h.onDisplay?.(event.data, event.displayId, event.update));
        return;
    }
  }

  private deliverError(execution: Execution, error: ErrorOutput): void {
    // The interrupt that ends a timed-out cell: its error says why instead.
    const t = execution.timedOut;
    if (t && error.ename === 'Interrupted') {
      if (t.delivered) return;
      t.delivered = true;
      error = t.error;
    }
    this.emit('output', { kind: 'error', executionId: execution.executionId, late: execution.phase === 'finished', error });
    this.guard(execution, () => execution.handlers.onError?.(error));
  }

  // ---- the queue -------------------------------------------------------------------------

  private get running(): Execution | undefined {
    const head = this.sent[0];
    return head?.phase === 'running' ? head : undefined;
  }

  private find(executionId: string): Execution | undefined {
    return this.sent.find((e) => e.executionId === executionId) ?? this.finished.get(executionId);
  }

  private endedNotOk(executionId: string): boolean {
    const status = this.outcomes.get(executionId);
    return status !== undefined && status !== 'ok';
  }

  private pump(): void {
    if (this.holdPump || this.closed || this.queue.length === 0) return;
    if (!this.readyProcess) {
      if (!this.process) this.start().catch(() => undefined);
      return;
    }
    while (this.queue.length > 0 && this.sent.length < MAX_SENT_AHEAD) {
      const next = this.queue.shift()!;
      next.phase = 'sent';
      this.sent.push(next);
      this.readyProcess.send({
        type: 'execute',
        executionId: next.executionId,
        code: next.code,
        language: next.language,
        cellName: next.cellName,
        epoch: this.epoch,
        after: next.after,
      });
    }
    this.advance();
  }

  /** The head of `sent` is the one the kernel runs now. */
  private advance(): void {
    const head = this.sent[0];
    if (head?.phase === 'sent') {
      head.phase = 'running';
      head.started = performance.now();
      if (head.cellKey !== undefined) this.displays.cellRerun(head.cellKey);
      const count = ++this.executionCount;
      this.guard(head, () => head.handlers.onStart?.(count));
      if (head.timeoutMs !== undefined) head.timer = setLongTimeout(() => this.onTimeLimit(head), head.timeoutMs);
    }
    if (this.readyProcess) this.setState(this.sent.length ? 'busy' : 'idle');
  }

  private onTimeLimit(execution: Execution): void {
    if (execution.phase !== 'running' || execution.timeoutMs === undefined) return;
    const seconds = formatSeconds(execution.timeoutMs);
    const limit = `${seconds} s${execution.timeoutSetBy ? ` (${execution.timeoutSetBy})` : ''}`;
    const message = `the cell timed out after ${limit} and was interrupted; the kernel kept its state`;
    execution.timedOut = { error: { ename: 'Timeout', evalue: message, traceback: [`Timeout: ${message}`] }, delivered: false };
    this.log('warn', 'client', `${execution.cellName} timed out after ${seconds} s: interrupting it`);
    this.interrupt();
    const graceMs = this.options.interruptGraceMs ?? DEFAULT_INTERRUPT_GRACE_MS;
    execution.timedOut.killTimer = setTimeout(() => {
      if (execution.phase !== 'running' || !this.process) return;
      const text = `the cell timed out after ${limit} and did not answer the interrupt within ${formatSeconds(graceMs)} s (a blocking call such as execSync or a synchronous read); the kernel was killed and restarted, and its state is lost`;
      this.log('warn', 'client', `${execution.cellName}: ${text}`);
      this.clientKill = { status: 'timedOut', reason: text, error: { ename: 'Timeout', evalue: text, traceback: [`Timeout: ${text}`] } };
      execution.timedOut!.delivered = true;
      this.process.kill();
    }, graceMs);
  }

  /** The one place an execution ends. */
  private finish(execution: Execution, outcome: ExecutionOutcome): void {
    if (execution.phase === 'finished') return;
    execution.phase = 'finished';
    this.outcomes.set(execution.executionId, outcome.status);
    execution.timer?.clear();
    clearTimeout(execution.timedOut?.killTimer);
    this.sent = this.sent.filter((e) => e !== execution);
    this.queue = this.queue.filter((e) => e !== execution);
    if (outcome.status !== 'cancelled') this.remember(execution);
    // Sinks close the cell here, synchronously: the next cell's onStart comes right after.
    this.guard(execution, () => execution.handlers.onEnd?.(outcome));
    execution.resolve(outcome);
    this.emit('done', { executionId: execution.executionId, outcome });
    if (outcome.status !== 'ok') this.cancelDependents(execution.executionId);
    this.advance();
    this.pump();
  }

  /** Cancels the cells chained (`after`) to one that did not end ok; the kernel skips them too. */
  private cancelDependents(executionId: string): void {
    for (const e of [...this.sent, ...this.queue]) {
      if (e.after === executionId) this.finish(e, { status: 'cancelled', durationMs: 0 });
    }
  }

  private cancelAll(which: (e: Execution) => boolean): void {
    const wasHeld = this.holdPump;
    this.holdPump = true;
    try {
      for (const e of [...this.sent, ...this.queue]) if (which(e)) this.finish(e, { status: 'cancelled', durationMs: 0 });
    } finally {
      this.holdPump = wasHeld;
    }
  }

  private failQueue(e: Error): void {
    const wasHeld = this.holdPump;
    // Not pumped meanwhile: that would start another kernel that fails the same way.
    this.holdPump = true;
    try {
      for (const execution of [...this.queue]) {
        if (execution.phase === 'finished') continue;
        this.deliverError(execution, { ename: 'KernelStartError', evalue: e.message, traceback: [`KernelStartError: ${e.message}`] });
        this.finish(execution, { status: 'died', durationMs: 0, deathReason: e.message });
      }
    } finally {
      this.holdPump = wasHeld;
    }
  }

  private remember(execution: Execution): void {
    this.finished.set(execution.executionId, execution);
  }

  /**
   * Calls a sink's handler. A handler that throws (VS Code refuses an edit to a closed notebook)
   * must not stop the queue: the execution still ends, once, and the cells behind it still run.
   */
  private guard(execution: Execution, call: () => void): void {
    try {
      call();
    } catch (e) {
      this.log('error', 'client', `${execution.cellName}: a handler of its output failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private log(level: LogEvent['level'], source: LogEvent['source'], text: string): void {
    this.emit('log', { level, source, text });
  }

  private setState(state: KernelState): void {
    if (this._state === state) return;
    this._state = state;
    this.emit('state', state);
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

function stoppedError(reason: string): ErrorOutput {
  const message = `${reason}.`;
  return { ename: 'KernelStopped', evalue: message, traceback: [`KernelStopped: ${message}`] };
}

/** Most characters of one output the log quotes (output that reaches no cell). */
const LOGGED_OUTPUT_CHARS = 2000;

function describeOutput(event: DistributiveOmit<OutputEvent, 'executionId' | 'late'>): string {
  const text =
    event.kind === 'stream'
      ? event.text
      : event.kind === 'error'
        ? event.error.traceback.join('\n')
        : String(event.data['text/plain'] ?? Object.keys(event.data).join(', '));
  const t = text.replace(/\n+$/, '');
  return t.length > LOGGED_OUTPUT_CHARS ? `${t.slice(0, LOGGED_OUTPUT_CHARS)}… (${t.length - LOGGED_OUTPUT_CHARS} more characters)` : t;
}

function formatSeconds(ms: number): string {
  return String(Math.round(ms) / 1000);
}
