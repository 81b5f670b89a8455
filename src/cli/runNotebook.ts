/** Runs a notebook's code cells top to bottom in one kernel and writes the executed notebook. */
import { dirname, resolve } from 'node:path';
import { KernelClient, type ExecutionOutcome } from '../client/kernelClient';
import type { BackendChoice, StreamName } from '../protocol/messages';
import { cellLanguage, NotebookFormatError, readNotebookFile, serializeNotebook, sourceText, writeFileAtomic, type Notebook } from '../notebook/ipynb';
import { CellOutputs } from '../notebook/outputs';

export interface RunOptions {
  input: string;
  /** Where the executed notebook goes; default: the input, in place. */
  output?: string;
  backend: BackendChoice;
  /** Per-cell limit in seconds; a cell over it fails the run. */
  timeoutSeconds?: number;
  /** Echo cells' output to this process's stdout/stderr. */
  echo: boolean;
  progress: (line: string) => void;
  kernelScript?: string;
  maxOutputBytes?: number;
  /** The kernel's JavaScript heap limit in MB (`--max-old-space-size`). */
  maxHeapMB?: number;
  /** Prepares the notebook before it runs (e.g. injected parameters). */
  prepare?: (nb: Notebook) => void;
}

export type RunResult =
  | { exitCode: 0; outputPath: string }
  | { exitCode: 1; outputPath: string; failedCell: number; reason: string }
  | { exitCode: 2 | 3; reason: string };

export async function runNotebook(options: RunOptions): Promise<RunResult> {
  const input = resolve(options.input);
  const outputPath = resolve(options.output ?? options.input);
  let nb: Notebook;
  let languages;
  try {
    nb = readNotebookFile(input);
    options.prepare?.(nb);
    languages = nb.cells.map((c, i) => (c.cell_type === 'code' ? cellLanguage(nb, c, i) : undefined));
    // Fail before running anything if the result could not be written (e.g. absurd nesting).
    serializeNotebook(nb);
  } catch (e) {
    if (e instanceof NotebookFormatError) return { exitCode: 2, reason: e.message };
    throw e;
  }

  const codeCells = nb.cells.map((c, i) => ({ cell: c, index: i })).filter(({ cell }) => cell.cell_type === 'code');
  if (codeCells.length === 0) {
    writeFileAtomic(outputPath, serializeNotebook(nb));
    options.progress(`no code cells; wrote ${outputPath}`);
    return { exitCode: 0, outputPath };
  }
  const kernel = new KernelClient({ notebookDir: dirname(input), backend: options.backend, kernelScript: options.kernelScript, maxOutputBytes: options.maxOutputBytes,
    nodeArgs: options.maxHeapMB ? [`--max-old-space-size=${options.maxHeapMB}`] : [] });
  const started = performance.now();
  try {
    const info = await kernel.start();
    options.progress(`kernel ready: backend ${info.name}${info.threads ? ` (${info.threads} threads)` : ''}, tfjs ${info.tfVersion} (${ms(performance.now() - started)})`);
  } catch (e) {
    return { exitCode: 3, reason: `the kernel could not start: ${(e as Error).message}` };
  }

  // Every cell is queued at once, each to run only if the one before ended ok: the kernel
  // compiles the next cell while one runs, and a failure cancels the rest (stop on error).
  let failure: { cell: number; reason: string } | undefined;
  try {
    let previous: string | undefined;
    const runs = codeCells.map(({ cell, index }, n) => {
      const count = n + 1;
      const echo = options.echo ? (name: StreamName, text: string) => process[name].write(text) : undefined;
      const collector = new CellOutputs(count, echo);
      let onStarted: () => void = () => undefined;
      const startedPromise = new Promise<void>((r) => { onStarted = r; });
      collector.onStart = () => onStarted();
      const exec = kernel.execute(sourceText(cell.source), { language: languages[index]!, cellName: `cell ${index + 1}`, after: previous }, collector);
      previous = exec.executionId;
      return { cell, index, n, count, collector, done: exec.done, started: startedPromise };
    });
    for (const r of runs) {
      // Each cell starts as the one before ends, so this line comes at about its start.
      if (!failure) options.progress(`cell ${r.index + 1} (${r.n + 1} of ${codeCells.length} code cells) running`);
      const outcome = await withTimeout(kernel, r.done, r.started, options.timeoutSeconds, r.collector);
      if (outcome.status === 'cancelled') {
        r.cell.outputs = [];
        r.cell.execution_count = null;
        continue;
      }
      r.cell.outputs = r.collector.saved();
      r.cell.execution_count = r.count;
      options.progress(`cell ${r.index + 1} ${outcome.status} in ${ms(outcome.durationMs)}`);
      if (outcome.status !== 'ok' && !failure) {
        failure = { cell: r.index + 1, reason: outcome.status === 'died' ? `the kernel died: ${outcome.deathReason}` : outcome.status };
      }
    }
  } finally {
    await kernel.close();
  }
  writeFileAtomic(outputPath, serializeNotebook(nb));
  options.progress(`wrote ${outputPath} (${ms(performance.now() - started)} in all)`);
  return failure ? { exitCode: 1, outputPath, failedCell: failure.cell, reason: failure.reason } : { exitCode: 0, outputPath };
}

/** The cell's own time limit counts from when it starts running, not from when it was queued. */
async function withTimeout(kernel: KernelClient, done: Promise<ExecutionOutcome>, started: Promise<void>, seconds: number | undefined, collector: CellOutputs): Promise<ExecutionOutcome> {
  if (!seconds) return done;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((r) => { void started.then(() => { timer = setTimeout(() => r('timeout'), seconds * 1000); }); });
  const first = await Promise.race([done, timedOut]);
  clearTimeout(timer);
  if (first !== 'timeout') return first;
  kernel.interrupt();
  const outcome = await done;
  const message = `the cell ran longer than --timeout ${seconds} s and was interrupted`;
  collector.onError({ ename: 'Timeout', evalue: message, traceback: [`Timeout: ${message}`] });
  return { ...outcome, status: outcome.status === 'ok' ? 'error' : outcome.status === 'interrupted' ? 'error' : outcome.status };
}

function ms(n: number): string {
  return n < 1000 ? `${n.toFixed(0)} ms` : `${(n / 1000).toFixed(1)} s`;
}
