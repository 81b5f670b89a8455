/**
 * The tfnb kernel process: one per notebook, started by src/client with an IPC channel and an
 * interrupt pipe. It never opens a port. argv[2] is the JSON KernelLaunchOptions.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { INTERRUPT_FD, PROTOCOL_VERSION, type ClientToKernel, type KernelLaunchOptions } from '../protocol/messages';
import { installAsyncStackReset } from './asyncStackReset';
import { BackendLoadError, loadBackend } from './backend';
import { processChannel } from './channel';
import { installStackTraceCap } from './errors';
import { CellExecutor } from './executor';
import { wasmMemoryOf } from './wasm/backendMemory';
import { listenForInterrupts } from './interrupts';
import { OutputRouter } from './output';
import { installRuntime } from './runtime';
import { startRasterizer } from './display/raster';
import { captureStdio } from './stdio';
import { reportStrayErrors } from './strayErrors';
import { trackTraining } from './runningFits';
import { logFitEpochs } from './runLog';
import { VariablesView } from './variablesView';
import { HELD_NAMES_LOOKED_AT, heldTensors } from './heldTensors';

async function main(): Promise<void> {
  // Node keeps 10 frames; an error thrown inside TensorFlow.js (a shape mismatch) spends them all
  // in tfjs, and the cell's frame (its line) is lost. errors.ts cuts the kernel's frames below it.
  Error.stackTraceLimit = 100;
  installStackTraceCap();
  installAsyncStackReset();
  const options = JSON.parse(process.argv[2] ?? '{}') as KernelLaunchOptions;
  const channel = processChannel();
  // The client is gone: so is the kernel (no orphan processes).
  process.on('disconnect', () => process.exit(0));
  const output = new OutputRouter(
    (m) => channel.send(m),
    options.maxOutputBytes,
    (ms) => channel.sendSync(ms),
  );
  const log = (message: string, level: 'info' | 'warn' | 'error' = 'info') => output.send({ type: 'log', level, message });
  captureStdio(output);
  deliverOutputBeforeExit(output);
  process.chdir(options.notebookDir);

  // resvg (PNG fallbacks) compiles while the backend loads; the kernel is ready once both are.
  const raster = startRasterizer(__dirname, (message) => log(message, 'warn'));
  let loaded;
  try {
    loaded = await loadBackend({
      choice: options.backend,
      notebookDir: options.notebookDir,
      wasmDir: __dirname,
      wasmThreads: options.wasmThreads,
      log,
    });
  } catch (e) {
    const attempts = e instanceof BackendLoadError ? e.attempts : [];
    output.send({ type: 'startup-error', message: e instanceof Error ? e.message : String(e), attempts });
    process.exitCode = 3;
    setTimeout(() => process.exit(3), 100);
    return;
  }
  const { tf, info } = loaded;
  trackTraining(tf);
  logFitEpochs(tf, (executionId, metric) => output.send({ type: 'run-metric', executionId, metric }));
  const runtime = installRuntime({
    tf,
    notebookDir: options.notebookDir,
    notebookPath: options.notebookPath,
    output,
    liveUpdateIntervalMs: options.liveUpdateIntervalMs,
    raster,
  });
  let executor: CellExecutor | undefined;
  // Built once the executor is (it waits for cells to end); the leak notice asks it for top-level names.
  let variablesView: VariablesView | undefined;
  const interruptEpoch = listenForInterrupts(
    INTERRUPT_FD,
    (id) => executor?.interrupt(id),
    (m) => log(m, 'warn'),
  );
  const wasmHeapBytes = info.name === 'wasm' ? () => wasmMemoryOf(tf.backend() as BackendWasm)?.buffer.byteLength : undefined;
  executor = new CellExecutor({
    tf,
    output,
    toBundle: runtime.toBundle,
    beforeCell: () => runtime.display.resetSurfaces(),
    interruptEpoch,
    wasmHeapBytes,
    tensorsHeldByNames: async (sinceId) => heldTensors(tf, (await variablesView?.topLevelEntries(HELD_NAMES_LOOKED_AT)) ?? [], sinceId),
  });
  const ready = executor;
  reportStrayErrors({ executionOf: (e) => ready.executionOf(e), report: (id, e) => ready.reportStray(id, e), log: (m) => log(m, 'error') });
  await Promise.all([executor.init(), raster.ready]);
  variablesView = new VariablesView({
    tf,
    toBundle: runtime.toBundle,
    send: (reply) => output.send(reply),
    whenNoCellRuns: (task) => ready.whenNoCellRuns(task),
  });

  channel.onMessage((message: ClientToKernel) => {
    switch (message.type) {
      case 'execute':
        void executor!
          .execute(message)
          .catch((e) => log(`execution ${message.executionId} failed inside the kernel: ${String(e)}`, 'error'));
        break;
      case 'renderer-message':
        if (message.message.type === 'stop-training') runtime.display.stopTraining(message.message.trainingId);
        break;
      case 'variables':
        variablesView.list(message);
        break;
      case 'inspect-variable':
        variablesView.inspect(message);
        break;
      case 'shutdown':
        // Pending output goes out on the way (deliverOutputBeforeExit).
        process.exit(0);
    }
  });
  output.send({ type: 'ready', protocolVersion: PROTOCOL_VERSION, pid: process.pid, nodeVersion: process.version, backend: info });
}

/**
 * Output a cell wrote just before `process.exit()` or `process.abort()` waits in the router's
 * batch (up to 15 ms): send it before the process goes. The client reports the death itself.
 */
function deliverOutputBeforeExit(output: OutputRouter): void {
  process.on('exit', () => output.flushSync());
  const abort = process.abort.bind(process);
  process.abort = (): never => {
    output.flushSync();
    return abort();
  };
}

void main();
