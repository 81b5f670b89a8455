/**
 * One notebook's kernel: a KernelClient plus what the editor shows about it (execution
 * counter, backend, last memory report). Settings are read when the session is made; a
 * restart makes a new session, so changed settings apply from then on.
 */
import * as vscode from 'vscode';
import {
  KernelClient,
  type ExecuteOptions,
  type ExecutionOutcome,
  type ExecutionSink,
  type KernelState,
  type LogEvent,
  type VariablesList,
} from '../client/kernelClient';
import type { BackendChoice, BackendInfo, MemoryReport, RunMetricMessage } from '../protocol/messages';
import type { MimeBundle, RendererToKernelMessage } from '../protocol/mime';
import { describeBackend } from './backendText';
import type { NodeRuntime } from './nodeRuntime';

export { describeBackend };
import { kernelNodeArgs, type TfnbSettings } from '../vscodeShared/settings';

export interface SessionOptions {
  notebookDir: string;
  /** The notebook's file, if saved (a cell's `__filename`). */
  notebookPath?: string;
  settings: TfnbSettings;
  backend: BackendChoice;
  node: NodeRuntime;
  log: vscode.LogOutputChannel;
  /** Short name of the notebook, to tell kernels apart in the log. */
  label: string;
}

export class KernelSession implements vscode.Disposable {
  private readonly client: KernelClient;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private _generation = 0;
  private _memory: MemoryReport | undefined;
  private _lastError: string | undefined;

  constructor(readonly options: SessionOptions) {
    const { settings, node, log, label } = options;
    this.client = new KernelClient({
      notebookDir: options.notebookDir,
      notebookPath: options.notebookPath,
      backend: options.backend,
      maxOutputBytes: settings.maxOutputBytes,
      liveUpdateIntervalMs: settings.liveUpdateIntervalMs,
      nodePath: node.path,
      nodeArgs: kernelNodeArgs(settings),
    });
    this.client.on('log', (e) =>
      logLine(log, e, `[${label}] ${e.source === 'native' ? `[kernel ${this.client.pid ?? '?'}] ` : ''}${e.text}`),
    );
    this.client.on('state', (state) => {
      if (state === 'dead') {
        // A new process holds no tensors yet (and numbers its executions from 1: the queue does that).
        this._memory = undefined;
        this._generation++;
      }
      this.changed.fire();
    });
    this.client.on('ready', (info) => {
      this._lastError = undefined;
      // The kernel logs each backend it tried itself.
      log.info(
        `[${label}] kernel ready: backend ${describeBackend(info)} (Node ${node.version} from ${node.source}: ${node.path}, pid ${this.client.pid ?? '?'})`,
      );
    });
    this.client.on('kernelDied', ({ reason }) => {
      this._lastError = reason;
      log.error(`[${label}] kernel died: ${reason}`);
      void vscode.window.showWarningMessage(`The tfnb kernel of ${label} died: ${reason}. The next run starts a fresh kernel.`);
    });
  }

  get state(): KernelState {
    return this.client.state;
  }
  get backend(): BackendInfo | undefined {
    return this.client.backend;
  }
  get memory(): MemoryReport | undefined {
    return this._memory;
  }
  get pid(): number | undefined {
    return this.client.pid;
  }
  get lastError(): string | undefined {
    return this._lastError;
  }
  /** Counts kernel processes: display ids and late output belong to one process. */
  get generation(): number {
    return this._generation;
  }

  /** The kernel's run metrics (fit epochs, `tfnb.log`), for a recorded Run All (runRecording.ts). */
  onMetric(listener: (message: RunMetricMessage) => void): vscode.Disposable {
    this.client.on('metric', listener);
    return new vscode.Disposable(() => this.client.off('metric', listener));
  }

  start(): Promise<BackendInfo> {
    return this.client.start().catch((e: unknown) => {
      this._lastError = e instanceof Error ? e.message : String(e);
      this.options.log.error(`[${this.options.label}] kernel did not start: ${this._lastError}`);
      this.changed.fire();
      throw e;
    });
  }

  execute(code: string, options: ExecuteOptions, handlers: ExecutionSink): { executionId: string; done: Promise<ExecutionOutcome> } {
    const { executionId, done } = this.client.execute(code, options, handlers);
    return {
      executionId,
      done: done.then((outcome) => {
        if (outcome.memory) this._memory = outcome.memory;
        this.changed.fire();
        return outcome;
      }),
    };
  }

  interrupt(): void {
    this.client.interrupt();
  }

  sendRendererMessage(message: RendererToKernelMessage): void {
    this.client.sendRendererMessage(message);
  }

  /** The kernel's top-level names (the variables view); fails when no kernel runs. */
  listVariables(options: { filter?: string; limit?: number }): Promise<VariablesList> {
    return this.client.listVariables(options);
  }

  inspectVariable(name: string): Promise<MimeBundle> {
    return this.client.inspectVariable(name);
  }

  async dispose(): Promise<void> {
    await this.client.close().catch((e: unknown) => this.options.log.warn(`[${this.options.label}] closing the kernel: ${String(e)}`));
    this.changed.dispose();
  }
}

function logLine(log: vscode.LogOutputChannel, e: LogEvent, line: string): void {
  if (e.level === 'error') log.error(line);
  else if (e.level === 'warn') log.warn(line);
  else log.info(line);
}
