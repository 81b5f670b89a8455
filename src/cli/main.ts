/**
 * `tfnb run NOTEBOOK.ipynb [--output OUT.ipynb] [--backend auto|tensorflow|webgpu|wasm|cpu]
 *  [--timeout SECONDS] [--max-heap-mb MB] [--max-output-bytes N] [-p NAME=VALUE ...] [--quiet]`
 * Exit codes: 0 every cell ran; 1 a cell failed (or timed out); 2 bad arguments or a malformed
 * notebook (no file touched); 3 the kernel could not start (e.g. a forced backend is missing).
 */
import { parseArgs } from 'node:util';
import { MIN_KERNEL_HEAP_MB, type BackendChoice } from '../protocol/messages';
import { injectParameters, parseParameters } from '../notebook/parameters';
import { cacheCommand } from './cacheCommand';
import { exportCommand } from './exportCommand';
import { gpuCommand } from './gpuCommand';
import { runNotebook, type StopRequest } from './runNotebook';

const USAGE = `usage: tfnb run NOTEBOOK.ipynb [--output OUT.ipynb] [--backend auto|tensorflow|webgpu|wasm|cpu] [--timeout SECONDS] [--max-heap-mb MB] [--max-output-bytes N] [-p NAME=VALUE ...] [--quiet]
       tfnb cache [list] | tfnb cache clear [NAME]
       tfnb gpu [status] | tfnb gpu install`;
/** As the tfnb.maxOutputBytes setting's minimum: room for a notice of what was dropped. */
const MIN_OUTPUT_BYTES = 1024;
const BACKENDS: BackendChoice[] = ['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu'];

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'cache') return cacheCommand(argv.slice(1));
  if (argv[0] === 'gpu') return gpuCommand(argv.slice(1));
  if (argv[0] === 'export') return exportCommand(argv.slice(1));
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        output: { type: 'string', short: 'o' },
        backend: { type: 'string', default: 'auto' },
        timeout: { type: 'string' },
        'max-heap-mb': { type: 'string' },
        'max-output-bytes': { type: 'string' },
        quiet: { type: 'boolean', short: 'q', default: false },
        parameter: { type: 'string', short: 'p', multiple: true, default: [] },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (e) {
    console.error(`tfnb: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const [command, notebook, ...extra] = positionals;
  if (command !== 'run' || !notebook || extra.length) {
    console.error(USAGE);
    return 2;
  }
  const backend = values.backend as BackendChoice;
  if (!BACKENDS.includes(backend)) {
    console.error(`tfnb: --backend must be one of ${BACKENDS.join(', ')}`);
    return 2;
  }
  const timeout = values.timeout === undefined ? undefined : Number(values.timeout);
  // Infinity (or any huge number) is allowed: the queue's timer re-arms past Node's 24.8-day limit.
  if (timeout !== undefined && !(timeout > 0)) {
    console.error('tfnb: --timeout must be a positive number of seconds (Infinity: no limit)');
    return 2;
  }
  const maxHeapMB = values['max-heap-mb'] === undefined ? undefined : Number(values['max-heap-mb']);
  // Measured: below 24 MB the kernel cannot even start (Node 20); 32 leaves room for a small cell.
  if (maxHeapMB !== undefined && !(Number.isInteger(maxHeapMB) && maxHeapMB >= MIN_KERNEL_HEAP_MB)) {
    console.error(
      `tfnb: --max-heap-mb must be a whole number of megabytes, ${MIN_KERNEL_HEAP_MB} or more (a kernel needs about 24 MB to start)`,
    );
    return 2;
  }

  const maxOutputBytes = values['max-output-bytes'] === undefined ? undefined : Number(values['max-output-bytes']);
  if (maxOutputBytes !== undefined && !(Number.isInteger(maxOutputBytes) && maxOutputBytes >= MIN_OUTPUT_BYTES)) {
    console.error(`tfnb: --max-output-bytes must be a whole number of bytes, ${MIN_OUTPUT_BYTES} or more`);
    return 2;
  }

  let params;
  try {
    params = parseParameters(values.parameter);
  } catch (e) {
    console.error(`tfnb: ${(e as Error).message}`);
    return 2;
  }

  // A signal, or a reader that went away (`tfnb run nb | head -1`), stops the run; the cells that
  // completed are still written, and the exit code says which signal (128 + its number).
  const stop = new AbortController();
  const stopWith = (request: StopRequest) => {
    if (!stop.signal.aborted) stop.abort(request);
  };
  process.on('SIGINT', () => stopWith({ signal: 'SIGINT', exitCode: 130 }));
  process.on('SIGTERM', () => stopWith({ signal: 'SIGTERM', exitCode: 143 }));
  process.on('SIGHUP', () => stopWith({ signal: 'SIGHUP', exitCode: 129 }));
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') stopWith({ signal: 'SIGPIPE', exitCode: 141 });
  });
  process.stderr.on('error', () => undefined);

  const t0 = performance.now();
  const result = await runNotebook({
    input: notebook,
    output: values.output,
    backend,
    timeoutSeconds: timeout,
    stop: stop.signal,
    maxHeapMB,
    maxOutputBytes,
    echo: !values.quiet,
    prepare: (nb) => injectParameters(nb, params),
    progress: (line) => process.stderr.write(`[tfnb ${((performance.now() - t0) / 1000).toFixed(1)}s] ${line}\n`),
    kernelLog: (line) => process.stderr.write(`[tfnb ${((performance.now() - t0) / 1000).toFixed(1)}s] kernel log: ${line}\n`),
  });
  if ('saveProblem' in result) {
    console.error(`tfnb: ${result.saveProblem}`);
    return result.exitCode;
  }
  if ('stoppedBy' in result)
    console.error(`tfnb: stopped by ${result.stoppedBy}; the cells that completed were written: ${result.outputPath}`);
  else if (result.exitCode === 0) console.error(`tfnb: all cells ran; executed notebook: ${result.outputPath}`);
  else if (result.exitCode === 1) {
    if (result.timedOut) console.error(`tfnb: cell ${result.failedCell} ${result.reason}; executed notebook: ${result.outputPath}`);
    else console.error(`tfnb: cell ${result.failedCell} failed (${result.reason}); executed notebook: ${result.outputPath}`);
  } else console.error(`tfnb: ${result.reason}`);
  return result.exitCode;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    console.error(`tfnb: internal error: ${(e as Error).stack ?? e}`);
    process.exitCode = 1;
  },
);
