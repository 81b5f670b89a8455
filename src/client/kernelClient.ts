/**
 * Starts a tfnb kernel process and talks to it. The extension and the CLI both use this one
 * module, so a notebook behaves the same in VS Code and headless. Interface like tslab's
 * Executor: execute, interrupt, restart, close.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import {
  DEFAULT_LIVE_UPDATE_INTERVAL_MS, DEFAULT_MAX_OUTPUT_BYTES, INTERRUPT_FD, PROTOCOL_VERSION,
  type BackendInfo, type CellLanguage, type ClientToKernel, type KernelLaunchOptions, type KernelToClient, type MemoryReport, type StreamName,
} from '../protocol/messages';
import type { MimeBundle, RendererToKernelMessage } from '../protocol/mime';

export interface KernelClientOptions {
  notebookDir: string;
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
}

export interface ErrorOutput { ename: string; evalue: string; traceback: string[] }

export interface ExecutionHandlers {
  /** The cell starts running (cells queue; this is when its turn comes). */
  onStart?(): void;
  onStream?(name: StreamName, text: string): void;
  onDisplay?(data: MimeBundle, displayId: string | undefined, update: boolean): void;
  onResult?(data: MimeBundle): void;
  onError?(error: ErrorOutput): void;
}

export type OutcomeStatus = 'ok' | 'error' | 'interrupted' | 'cancelled' | 'died';

export interface ExecutionOutcome {
  status: OutcomeStatus;
  durationMs: number;
  memory?: MemoryReport;
  /** When the kernel died: why, in words. */
  deathReason?: string;
}

export interface ExecuteOptions {
  language?: CellLanguage;
  cellName?: string;
  /** Run only if this earlier execution ends ok; otherwise this one ends `cancelled`. */
  after?: string;
}

export type KernelState = 'starting' | 'idle' | 'busy' | 'dead' | 'closed';

export interface Executor {
  execute(code: string, options: ExecuteOptions, handlers: ExecutionHandlers): { executionId: string; done: Promise<ExecutionOutcome> };
  interrupt(): void;
  restart(): Promise<BackendInfo>;
  close(): Promise<void>;
}

interface PendingExecution {
  executionId: string;
  code: string;
  language: CellLanguage;
  cellName: string;
  handlers: ExecutionHandlers;
  after?: string;
  resolve(outcome: ExecutionOutcome): void;
  started?: number;
}

interface KernelEvents {
  state: [KernelState];
  log: [string];
  /** Output of work that outlived every known execution. */
  strayOutput: [string];
  ready: [BackendInfo];
  died: [string];
}

const STDERR_TAIL_BYTES = 8 * 1024;
const REMEMBERED_HANDLERS = 200;
/** How many cells may wait inside the kernel (compiled ahead) besides the running one. */
const MAX_SENT_AHEAD = 8;
let executionCounter = 0;

export class KernelClient extends EventEmitter<KernelEvents> implements Executor {
  private child: ChildProcess | undefined;
  private startPromise: Promise<BackendInfo> | undefined;
  /** Not yet sent to the kernel. */
  private queue: PendingExecution[] = [];
  /** Sent, in order; the first is the one running. Cells go ahead so the kernel compiles them early. */
  private sent: PendingExecution[] = [];
  /** Interrupts so far; cells carry it, and an interrupt cancels the cells sent before it. */
  private epoch = 0;
  /** Handlers of finished executions, for output from work they left running. */
  private finishedHandlers = new Map<string, ExecutionHandlers>();
  private stderrTail = '';
  private _state: KernelState = 'dead';
  private _info: BackendInfo | undefined;
  private closed = false;

  constructor(private readonly options: KernelClientOptions) { super(); }

  get state(): KernelState { return this._state; }
  get backend(): BackendInfo | undefined { return this._info; }
  get pid(): number | undefined { return this.child?.pid; }

  /** Starts the kernel if it is not running; resolves with its backend once it is ready. */
  start(): Promise<BackendInfo> {
    if (this.closed) return Promise.reject(new Error('kernel client is closed'));
    if (!this.startPromise) {
      this.startPromise = this.spawnKernel();
      this.startPromise.catch(() => { this.startPromise = undefined; });
    }
    return this.startPromise;
  }

  execute(code: string, options: ExecuteOptions, handlers: ExecutionHandlers): { executionId: string; done: Promise<ExecutionOutcome> } {
    const executionId = `x${process.pid}-${++executionCounter}`;
    const done = new Promise<ExecutionOutcome>((resolve) => {
      this.queue.push({ executionId, code, language: options.language ?? 'typescript', cellName: options.cellName ?? 'cell', handlers, after: options.after, resolve });
    });
    this.pump();
    return { executionId, done };
  }

  private get running(): PendingExecution | undefined { return this.sent[0]; }

  private startedNow(p: PendingExecution): void {
    p.started = performance.now();
    p.handlers.onStart?.();
  }

  /** Cancels the cells chained (`after`) to one that did not end ok; the kernel skips them too. */
  private cancelDependents(executionId: string): void {
    const failed = new Set([executionId]);
    const keep = (p: PendingExecution) => {
      if (p.after === undefined || !failed.has(p.after)) return true;
      failed.add(p.executionId);
      p.resolve({ status: 'cancelled', durationMs: 0 });
      return false;
    };
    // Call only once the failed one has left `sent`: a dependent at the head is dropped as well,
    // and the kernel's own `done (cancelled)` for it is then ignored.
    this.sent = this.sent.filter(keep);
    this.queue = this.queue.filter(keep);
  }

  /** Interrupts the running cell and cancels the queued ones (also those already sent). */
  interrupt(): void {
    const running = this.running;
    const cancelled = [...this.sent.slice(1), ...this.queue.splice(0)];
    this.sent = running ? [running] : [];
    for (const p of cancelled) p.resolve({ status: 'cancelled', durationMs: 0 });
    this.epoch++;
    const pipe = this.child?.stdio[INTERRUPT_FD] as Writable | undefined;
    if (pipe && !pipe.destroyed) pipe.write(`${running?.executionId ?? ''} ${this.epoch}\n`);
  }

  /** Sends a renderer's message (e.g. Stop training) to the kernel. */
  sendRendererMessage(message: RendererToKernelMessage): void {
    this.send({ type: 'renderer-message', message });
  }

  async restart(): Promise<BackendInfo> {
    await this.kill('restart');
    return this.start();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.queue.splice(0)) p.resolve({ status: 'cancelled', durationMs: 0 });
    await this.kill('close');
    this.setState('closed');
  }

  private async spawnKernel(): Promise<BackendInfo> {
    const launch: KernelLaunchOptions = {
      notebookDir: this.options.notebookDir,
      backend: this.options.backend ?? 'auto',
      wasmThreads: this.options.wasmThreads ?? 'auto',
      maxOutputBytes: this.options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES,
      liveUpdateIntervalMs: this.options.liveUpdateIntervalMs ?? DEFAULT_LIVE_UPDATE_INTERVAL_MS,
    };
    const nodePath = this.options.nodePath ?? process.execPath;
    const script = this.options.kernelScript ?? join(__dirname, 'kernel.js');
    const args = [...(this.options.nodeArgs ?? []), script, JSON.stringify(launch)];
    this.setState('starting');
    this.stderrTail = '';
    this.emit('log', `starting kernel: ${nodePath} ${args.slice(0, -1).join(' ')} (cwd ${launch.notebookDir}, backend ${launch.backend})`);
    const child = spawn(nodePath, args, {
      cwd: launch.notebookDir,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc', 'pipe'],
      env: { ...(this.options.env ?? process.env), ELECTRON_RUN_AS_NODE: '1' },
      windowsHide: true,
    });
    this.child = child;
    // Native output (an abort's message, V8's out-of-memory report) bypasses the kernel's capture.
    const onNative = (chunk: Buffer) => {
      const text = chunk.toString();
      this.stderrTail = (this.stderrTail + text).slice(-STDERR_TAIL_BYTES);
      for (const line of text.split('\n')) if (line.trim()) this.emit('log', `[kernel ${child.pid}] ${line}`);
    };
    child.stdout?.on('data', onNative);
    child.stderr?.on('data', onNative);
    (child.stdio[INTERRUPT_FD] as Writable | undefined)?.on('error', () => undefined);

    return new Promise<BackendInfo>((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(() => fail(new Error(`the kernel did not start within ${(this.options.startTimeoutMs ?? 60_000) / 1000} s`)), this.options.startTimeoutMs ?? 60_000);
      const fail = (e: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        child.kill('SIGKILL');
        reject(e);
      };
      child.on('error', (e) => fail(new Error(`could not start the kernel with ${nodePath}: ${e.message}`)));
      child.on('message', (raw) => {
        const m = raw as KernelToClient;
        if (!settled && m.type === 'ready') {
          settled = true;
          clearTimeout(timer);
          if (m.protocolVersion !== PROTOCOL_VERSION) {
            child.kill('SIGKILL');
            reject(new Error(`the kernel (${script}) speaks protocol ${String(m.protocolVersion)} but this client speaks protocol ${PROTOCOL_VERSION}: they come from different tfnb builds. Reinstall tfnb (or rebuild it with npm run build).`));
            return;
          }
          this._info = m.backend;
          this.emit('ready', m.backend);
          this.setState('idle');
          resolve(m.backend);
          this.pump();
          return;
        }
        if (!settled && m.type === 'startup-error') { fail(new Error(m.message)); return; }
        this.onMessage(m);
      });
      child.on('exit', (code, signal) => {
        const reason = describeExit(code, signal, this.stderrTail);
        if (!settled) fail(new Error(`the kernel exited while starting: ${reason}`));
        this.onExit(child, reason);
      });
    });
  }

  private onMessage(m: KernelToClient): void {
    switch (m.type) {
      case 'log': this.emit('log', `[${m.level}] ${m.message}`); return;
      case 'stream': this.handlersFor(m.executionId, `[${m.name}] ${m.text}`)?.onStream?.(m.name, m.text); return;
      case 'display': this.handlersFor(m.executionId, m.data['text/plain'])?.onDisplay?.(m.data, m.displayId, m.update); return;
      case 'result': this.handlersFor(m.executionId, m.data['text/plain'])?.onResult?.(m.data); return;
      case 'error': this.handlersFor(m.executionId, m.traceback.join('\n'))?.onError?.(m); return;
      case 'done': {
        const running = this.running;
        // A cell the client cancelled ends here too: it was already resolved.
        if (!running || running.executionId !== m.executionId) return;
        this.sent.shift();
        this.remember(running);
        running.resolve({ status: m.status, durationMs: m.durationMs, memory: m.memory });
        if (m.status !== 'ok') this.cancelDependents(running.executionId);
        if (this.running) this.startedNow(this.running);
        else this.setState('idle');
        this.pump();
        return;
      }
      default: return;
    }
  }

  private handlersFor(executionId: string | null, text: string): ExecutionHandlers | undefined {
    if (executionId !== null) {
      const sent = this.sent.find((p) => p.executionId === executionId);
      if (sent) return sent.handlers;
      const h = this.finishedHandlers.get(executionId);
      if (h) return h;
    }
    this.emit('strayOutput', text);
    return undefined;
  }

  private remember(p: PendingExecution): void {
    this.finishedHandlers.set(p.executionId, p.handlers);
    if (this.finishedHandlers.size > REMEMBERED_HANDLERS) this.finishedHandlers.delete(this.finishedHandlers.keys().next().value!);
  }

  private pump(): void {
    if (this.queue.length === 0 || this.closed) return;
    if (this._state !== 'idle' && this._state !== 'busy') {
      if (this._state === 'dead') this.start().catch((e: Error) => this.failQueue(e));
      return;
    }
    while (this.queue.length > 0 && this.sent.length < MAX_SENT_AHEAD) {
      const next = this.queue.shift()!;
      this.sent.push(next);
      this.send({ type: 'execute', executionId: next.executionId, code: next.code, language: next.language, cellName: next.cellName, epoch: this.epoch, after: next.after });
      if (this.sent.length === 1) this.startedNow(next);
    }
    this.setState('busy');
  }

  private failQueue(e: Error): void {
    for (const p of this.queue.splice(0)) {
      p.handlers.onError?.({ ename: 'KernelStartError', evalue: e.message, traceback: [`KernelStartError: ${e.message}`] });
      p.resolve({ status: 'died', durationMs: 0, deathReason: e.message });
    }
  }

  private onExit(child: ChildProcess, reason: string): void {
    if (this.child !== child) return;
    this.child = undefined;
    this.startPromise = undefined;
    this.setState(this.closed ? 'closed' : 'dead');
    this.emit('log', `kernel ${child.pid} exited: ${reason}`);
    const [running, ...notStarted] = this.sent;
    this.sent = [];
    // Cells sent to the dead kernel but not started go to the fresh one, in order.
    this.queue.unshift(...notStarted);
    if (running) {
      const message = `The kernel died while this cell ran (${reason}). Its state is lost; the next run starts a fresh kernel.`;
      running.handlers.onError?.({ ename: 'KernelDied', evalue: message, traceback: [`KernelDied: ${message}`] });
      running.resolve({ status: 'died', durationMs: performance.now() - (running.started ?? 0), deathReason: reason });
      this.cancelDependents(running.executionId);
      this.emit('died', reason);
    }
    // Queued cells wait for the fresh kernel that the next pump starts.
    if (!this.closed) this.pump();
    else for (const p of this.queue.splice(0)) p.resolve({ status: 'cancelled', durationMs: 0 });
  }

  private send(message: ClientToKernel): void {
    if (this.child?.connected) this.child.send(message);
  }

  private async kill(why: string): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.emit('log', `stopping kernel ${child.pid} (${why})`);
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    this.send({ type: 'shutdown' });
    const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
    await exited;
    clearTimeout(timer);
  }

  private setState(state: KernelState): void {
    if (this._state === state) return;
    this._state = state;
    this.emit('state', state);
  }
}

export function describeExit(code: number | null, signal: NodeJS.Signals | null, stderrTail: string): string {
  const how = signal ? `signal ${signal}` : `exit code ${code}`;
  const oom = /heap out of memory|Reached heap limit|Allocation failed/i.test(stderrTail);
  const tail = stderrTail.trim().split('\n').filter((l) => l.trim() && !l.includes('Waiting for the debugger')).slice(-3).join(' | ');
  if (oom) return `out of memory: the JavaScript heap is full (${how})`;
  if (signal === 'SIGABRT') return `aborted (${how})${tail ? `: ${tail}` : ''}`;
  if (signal === 'SIGKILL') return `killed (${how}), possibly by the system for lack of memory`;
  return `${how}${tail ? `: ${tail}` : ''}`;
}
