/**
 * The tfnb kernel process: one per notebook, started by src/client with an IPC channel and an
 * interrupt pipe. It never opens a port. argv[2] is the JSON KernelLaunchOptions.
 */
import { INTERRUPT_FD, PROTOCOL_VERSION, type ClientToKernel, type KernelLaunchOptions } from '../protocol/messages';
import { installAsyncStackReset } from './asyncStackReset';
import { BackendLoadError, loadBackend } from './backend';
import { processChannel } from './channel';
import { currentExecutionId } from './context';
import type { FormattedError } from './errors';
import { CellExecutor } from './executor';
import { listenForInterrupts } from './interrupts';
import { OutputRouter } from './output';
import { installRuntime } from './runtime';
import { captureStdio } from './stdio';
import { trackTraining } from './training';

async function main(): Promise<void> {
  // Node keeps 10 frames; an error thrown inside TensorFlow.js (a shape mismatch) spends them all
  // in tfjs, and the cell's frame (its line) is lost. errors.ts cuts the kernel's frames below it.
  Error.stackTraceLimit = 100;
  installAsyncStackReset();
  const options = JSON.parse(process.argv[2] ?? '{}') as KernelLaunchOptions;
  const channel = processChannel();
  // The client is gone: so is the kernel (no orphan processes).
  process.on('disconnect', () => process.exit(0));
  const output = new OutputRouter((m) => channel.send(m), options.maxOutputBytes);
  const log = (message: string, level: 'info' | 'warn' | 'error' = 'info') => output.send({ type: 'log', level, message });
  captureStdio(output);
  process.chdir(options.notebookDir);

  let loaded;
  try {
    loaded = await loadBackend({ choice: options.backend, notebookDir: options.notebookDir, wasmDir: __dirname, wasmThreads: options.wasmThreads, log });
  } catch (e) {
    const attempts = e instanceof BackendLoadError ? e.attempts : [];
    output.send({ type: 'startup-error', message: e instanceof Error ? e.message : String(e), attempts });
    process.exitCode = 3;
    setTimeout(() => process.exit(3), 100);
    return;
  }
  const { tf, info } = loaded;
  trackTraining(tf);
  const runtime = installRuntime({ tf, notebookDir: options.notebookDir, notebookPath: options.notebookPath, output, liveUpdateIntervalMs: options.liveUpdateIntervalMs });
  let executor: CellExecutor | undefined;
  const interruptEpoch = listenForInterrupts(INTERRUPT_FD, (id) => executor?.interrupt(id), (m) => log(m, 'warn'));
  executor = new CellExecutor({ tf, output, toBundle: runtime.toBundle, beforeCell: () => runtime.display.resetSurfaces(), interruptEpoch });
  const ready = executor;
  reportStrayErrors(output, (e) => ready.formatError(e));
  await executor.init();

  channel.onMessage((message: ClientToKernel) => {
    switch (message.type) {
      case 'execute':
        void executor!.execute(message).catch((e) => log(`execution ${message.executionId} failed inside the kernel: ${String(e)}`, 'error'));
        break;
      case 'renderer-message':
        if (message.message.type === 'stop-training') runtime.display.stopTraining(message.message.trainingId);
        break;
      case 'shutdown':
        output.flush();
        process.exit(0);
    }
  });
  output.send({ type: 'ready', protocolVersion: PROTOCOL_VERSION, pid: process.pid, nodeVersion: process.version, backend: info });
}

/** Errors from work that outlived its cell go to the cell that started it; the kernel lives on. */
function reportStrayErrors(output: OutputRouter, format: (error: unknown) => FormattedError): void {
  // Emscripten's glue (the wasm backend) installs handlers that rethrow, which would kill the kernel.
  process.removeAllListeners('uncaughtException');
  process.removeAllListeners('unhandledRejection');
  const report = (kind: string, error: unknown) => {
    const formatted = format(error);
    output.stream(currentExecutionId(), 'stderr', `[tfnb] ${kind}: ${formatted.traceback.join('\n')}\n`);
  };
  process.on('uncaughtException', (e) => report('uncaught exception', e));
  process.on('unhandledRejection', (reason) => report('unhandled promise rejection', reason));
}

void main();
