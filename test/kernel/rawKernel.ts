/**
 * A kernel process driven over the raw protocol (src/protocol/messages.ts), spawned as the client
 * spawns it: for tests of exactly what the kernel sends, and in which order, whatever the client
 * does with it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Writable } from 'node:stream';
import {
  DEFAULT_LIVE_UPDATE_INTERVAL_MS,
  DEFAULT_MAX_OUTPUT_BYTES,
  INTERRUPT_FD,
  type ClientToKernel,
  type KernelLaunchOptions,
  type KernelToClient,
} from '../../src/protocol/messages';
import { KERNEL_SCRIPT, tempDir, type RuleBackend } from '../helpers/kernel';

export type Message = KernelToClient & { executionId?: string | null };

export class RawKernel {
  /** Every message received, in order. */
  readonly messages: Message[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private waiters: Array<() => void> = [];
  private counter = 0;
  private epoch = 0;

  private constructor(private readonly child: ChildProcess) {
    // Exited once the process is gone and its IPC channel is read to the end: messages sent just
    // before an exit or abort are still in the channel when 'exit' comes (a loaded machine shows it).
    const disconnected = new Promise<void>((resolve) => (child.connected ? child.once('disconnect', () => resolve()) : resolve()));
    this.exited = new Promise((resolve) =>
      child.on('exit', (code, signal) => {
        void disconnected.then(() => {
          resolve({ code, signal });
          this.wake();
        });
      }),
    );
    child.on('message', (m) => {
      this.messages.push(m as Message);
      this.wake();
    });
    child.stdout?.resume();
    child.stderr?.resume();
  }

  static async start(options: { backend: RuleBackend; maxOutputBytes?: number }): Promise<RawKernel> {
    const notebookDir = tempDir();
    const launch: KernelLaunchOptions = {
      notebookDir,
      backend: options.backend,
      wasmThreads: 1,
      maxOutputBytes: options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES,
      liveUpdateIntervalMs: DEFAULT_LIVE_UPDATE_INTERVAL_MS,
    };
    const child = spawn(process.execPath, [KERNEL_SCRIPT, JSON.stringify(launch)], {
      cwd: notebookDir,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc', 'pipe'],
    });
    const kernel = new RawKernel(child);
    const ready = await kernel.waitFor(() => kernel.messages.find((m) => m.type === 'ready' || m.type === 'startup-error'), 60_000);
    if (ready.type !== 'ready') throw new Error(`the kernel did not start: ${JSON.stringify(ready)}`);
    return kernel;
  }

  /** Sends a cell; returns its execution id. */
  send(code: string): string {
    const executionId = `x${++this.counter}`;
    const message: ClientToKernel = {
      type: 'execute',
      executionId,
      code,
      language: 'typescript',
      cellName: `cell ${this.counter}`,
      epoch: this.epoch,
    };
    this.child.send(message);
    return executionId;
  }

  /** Runs a cell; its messages up to and including its `done`. */
  async run(code: string): Promise<Message[]> {
    return this.until(this.send(code), (m) => m.type === 'done');
  }

  /** Messages of an execution, up to the first one `last` accepts (which is included). */
  async until(executionId: string, last: (m: Message) => boolean, timeoutMs = 120_000): Promise<Message[]> {
    return this.waitFor(() => {
      const mine = this.messagesOf(executionId);
      const at = mine.findIndex(last);
      return at < 0 ? undefined : mine.slice(0, at + 1);
    }, timeoutMs);
  }

  messagesOf(executionId: string): Message[] {
    return this.messages.filter((m) => m.executionId === executionId);
  }

  /** Interrupts a running execution, as the client does: the epoch, then the pipe. */
  interrupt(executionId: string): void {
    (this.child.stdio[INTERRUPT_FD] as Writable).write(`${executionId} ${++this.epoch}\n`);
  }

  shutdown(): void {
    this.child.send({ type: 'shutdown' } satisfies ClientToKernel);
  }

  close(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  private waitFor<T>(check: () => T | undefined, timeoutMs: number): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out after ${timeoutMs} ms; messages: ${JSON.stringify(this.messages.slice(-5)).slice(0, 2000)}`)),
        timeoutMs,
      );
      const attempt = () => {
        const value = check();
        if (value !== undefined) {
          clearTimeout(timer);
          resolve(value);
          return;
        }
        if (this.child.exitCode !== null || this.child.signalCode !== null) {
          clearTimeout(timer);
          reject(new Error(`the kernel exited; messages: ${JSON.stringify(this.messages.slice(-5)).slice(0, 2000)}`));
          return;
        }
        this.waiters.push(attempt);
      };
      attempt();
    });
  }
}
