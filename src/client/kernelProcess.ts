/**
 * One kernel process: spawn, handshake, the tail of its raw stderr, and the end of its whole
 * process tree. It knows nothing of cells; the execution queue (executionQueue.ts) does.
 *
 * The kernel leads its own process group, so ending it ends what it started too (a child
 * spawned by a cell, which would otherwise keep the kernel's pipes, and so `tfnb run`, alive).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import {
  INTERRUPT_FD,
  PROTOCOL_VERSION,
  type BackendInfo,
  type ClientToKernel,
  type KernelLaunchOptions,
  type KernelToClient,
  type StreamName,
} from '../protocol/messages';
import type { LogEvent } from './events';

export interface KernelProcessOptions {
  launch: KernelLaunchOptions;
  /** The Node.js binary that runs the kernel. */
  nodePath: string;
  nodeArgs: string[];
  /** Path of dist/kernel.js. */
  kernelScript: string;
  env: NodeJS.ProcessEnv;
  /** How long a kernel may take to report ready. */
  startTimeoutMs: number;
}

interface KernelProcessEvents {
  /** A protocol message, after the handshake. */
  message: [KernelToClient];
  /** Text the process wrote to its own stdout/stderr, past the kernel's capture (a child with `stdio: 'inherit'`, a native abort). */
  native: [StreamName, string];
  log: [LogEvent];
  /** The process is gone (and its group with it); every message it sent has been emitted. */
  exit: [string];
}

const STDERR_TAIL_BYTES = 8 * 1024;
/** After the kernel exits, how long its pipes may stay open (a grandchild that escaped the group) before they are cut. */
const PIPE_DRAIN_MS = 500;
/** How long a kernel asked to shut down may take before it is killed. */
export const SHUTDOWN_GRACE_MS = 2000;

/** The inspector's notices: the kernel evaluates cells through an in-process inspector session. */
const INSPECTOR_NOISE =
  /Waiting for the debugger to disconnect|Debugger (listening|attached)|For help, see: https:\/\/nodejs\.org\/en\/docs\/inspector/;

export class KernelProcess extends EventEmitter<KernelProcessEvents> {
  private readonly child: ChildProcess;
  private stderrTail = '';
  private _exited = false;
  readonly ready: Promise<BackendInfo>;

  constructor(private readonly options: KernelProcessOptions) {
    super();
    const { launch, nodePath, nodeArgs, kernelScript } = options;
    const args = [...nodeArgs, kernelScript, JSON.stringify(launch)];
    this.child = spawn(nodePath, args, {
      cwd: launch.notebookDir,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc', 'pipe'],
      env: { ...options.env, ELECTRON_RUN_AS_NODE: '1' },
      windowsHide: true,
      // Its own process group (not on Windows, where detached means a new console).
      detached: process.platform !== 'win32',
    });
    this.ready = this.handshake();
    // Until ready is awaited by someone, a failed start must not be an unhandled rejection.
    this.ready.catch(() => undefined);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }
  get exited(): boolean {
    return this._exited;
  }

  send(message: ClientToKernel): void {
    if (this.child.connected) this.child.send(message);
  }

  /** One line on the interrupt pipe, read by the kernel's worker thread even while its main thread is blocked. */
  interrupt(executionId: string, epoch: number): void {
    const pipe = this.child.stdio[INTERRUPT_FD] as Writable | undefined;
    if (pipe && !pipe.destroyed) pipe.write(`${executionId} ${epoch}\n`);
  }

  /** Ends the process and everything it started, now. */
  kill(): void {
    const pid = this.child.pid;
    if (pid === undefined) return;
    try {
      if (process.platform === 'win32') this.child.kill('SIGKILL');
      else process.kill(-pid, 'SIGKILL');
    } catch {
      // The group is gone already; the process itself may not be (it left the group).
      if (!this._exited) this.child.kill('SIGKILL');
    }
  }

  /** Asks the kernel to exit, and kills it if it has not within the grace period. */
  async shutdown(graceMs = SHUTDOWN_GRACE_MS): Promise<void> {
    if (this._exited) return;
    const exited = new Promise<void>((resolve) => this.once('exit', () => resolve()));
    this.send({ type: 'shutdown' });
    const timer = setTimeout(() => this.kill(), graceMs);
    await exited;
    clearTimeout(timer);
  }

  private log(level: LogEvent['level'], text: string): void {
    this.emit('log', { level, source: 'client', text });
  }

  private handshake(): Promise<BackendInfo> {
    const { child, options } = this;
    const onNative = (name: StreamName) => (chunk: Buffer) => {
      const text = chunk.toString();
      if (name === 'stderr') this.stderrTail = (this.stderrTail + text).slice(-STDERR_TAIL_BYTES);
      const kept = text
        .split(/(?<=\n)/)
        .filter((line) => !INSPECTOR_NOISE.test(line))
        .join('');
      if (kept) this.emit('native', name, kept);
    };
    child.stdout?.on('data', onNative('stdout'));
    child.stderr?.on('data', onNative('stderr'));
    (child.stdio[INTERRUPT_FD] as Writable | undefined)?.on('error', () => undefined);

    return new Promise<BackendInfo>((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(
        () => fail(new Error(`the kernel did not start within ${options.startTimeoutMs / 1000} s`)),
        options.startTimeoutMs,
      );
      const fail = (e: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.kill();
        reject(e);
      };
      child.on('error', (e) => fail(new Error(`could not start the kernel with ${options.nodePath}: ${e.message}`)));
      child.on('message', (raw) => {
        const m = raw as KernelToClient;
        if (!settled && m.type === 'ready') {
          if (m.protocolVersion !== PROTOCOL_VERSION) {
            fail(
              new Error(
                `the kernel (${options.kernelScript}) speaks protocol ${String(m.protocolVersion)} but this client speaks protocol ${PROTOCOL_VERSION}: they come from different tfnb builds. Reinstall tfnb (or rebuild it with npm run build).`,
              ),
            );
            return;
          }
          settled = true;
          clearTimeout(timer);
          resolve(m.backend);
          return;
        }
        if (!settled && m.type === 'startup-error') {
          fail(new Error(m.message));
          return;
        }
        this.emit('message', m);
      });
      child.once('exit', (code, signal) => {
        // Orphans: whatever the kernel started dies with it.
        this.kill();
        // Wait for its pipes to deliver what it wrote last (an abort's message), but not for a
        // grandchild that left the group and holds them open.
        const drained = [child.stdout, child.stderr]
          .filter((s): s is Readable => s !== null && !s.readableEnded && !s.destroyed)
          .map(
            (s) =>
              new Promise<void>((r) => {
                s.once('end', r);
                s.once('close', r);
              }),
          );
        // Messages it sent before exiting are still in the IPC channel until it disconnects.
        if (child.connected) drained.push(new Promise<void>((r) => child.once('disconnect', r)));
        const cut = setTimeout(() => {
          child.stdout?.destroy();
          child.stderr?.destroy();
          if (child.connected) child.disconnect();
        }, PIPE_DRAIN_MS);
        void Promise.all(drained).then(() => {
          clearTimeout(cut);
          (child.stdio[INTERRUPT_FD] as Writable | undefined)?.destroy();
          this._exited = true;
          const reason = describeExit(code, signal, this.stderrTail);
          if (!settled) fail(new Error(`the kernel exited while starting: ${reason}`));
          this.log('info', `kernel ${child.pid} exited: ${reason}`);
          this.emit('exit', reason);
        });
      });
    });
  }
}

export function describeExit(code: number | null, signal: NodeJS.Signals | null, stderrTail: string): string {
  const how = signal ? `signal ${signal}` : `exit code ${code}`;
  const oom = /heap out of memory|Reached heap limit|Allocation failed/i.test(stderrTail);
  const tail = stderrTail
    .trim()
    .split('\n')
    .filter((l) => l.trim() && !INSPECTOR_NOISE.test(l))
    .slice(-3)
    .join(' | ');
  if (oom) return `out of memory: the JavaScript heap is full (${how})`;
  if (signal === 'SIGABRT') return `aborted (${how})${tail ? `: ${tail}` : ''}`;
  if (signal === 'SIGKILL') return `killed (${how}), possibly by the system for lack of memory`;
  return `${how}${tail ? `: ${tail}` : ''}`;
}
