/** Runs a notebook's code cells top to bottom in one kernel and writes the executed notebook. */
import { dirname, resolve } from 'node:path';
import { KernelClient, type ExecutionOutcome } from '../client/kernelClient';
import type { BackendChoice, StreamName } from '../protocol/messages';
import { cellLanguage, NotebookFormatError, NotebookWriteError, sourceText, type NbCell, type Notebook } from '../notebook/ipynb';
import { NotebookFile } from '../notebook/notebookFile';
import { CellOutputs, DisplayIds } from '../notebook/outputs';
import { LiveDisplayLines } from './liveDisplays';

export interface RunOptions {
  input: string;
  /** Where the executed notebook goes; default: the input, in place. */
  output?: string;
  backend: BackendChoice;
  /** Per-cell limit in seconds; a cell over it fails the run. */
  timeoutSeconds?: number;
  /** Echo cells' output to this process's stdout/stderr, and live displays (progress bars) as progress lines. */
  echo: boolean;
  progress: (line: string) => void;
  /** The kernel's own log worth showing: output no cell owns, its warnings and errors, native stderr. */
  kernelLog?: (line: string) => void;
  kernelScript?: string;
  maxOutputBytes?: number;
  /** The kernel's JavaScript heap limit in MB (`--max-old-space-size`). */
  maxHeapMB?: number;
  /** Prepares the notebook before it runs (e.g. injected parameters). */
  prepare?: (nb: Notebook) => void;
}

export type RunResult =
  | { exitCode: 0; outputPath: string }
  | { exitCode: 1; outputPath: string; failedCell: number; reason: string; timedOut?: boolean }
  /** The executed notebook went beside the input (it changed during the run), or could not be written. */
  | { exitCode: 1; saveProblem: string }
  | { exitCode: 2 | 3; reason: string };

export async function runNotebook(options: RunOptions): Promise<RunResult> {
  const input = resolve(options.input);
  let file: NotebookFile;
  let nb: Notebook;
  let languages;
  try {
    // Reads, validates, and checks the output can be written — all before the kernel starts.
    file = NotebookFile.open({ input: options.input, output: options.output });
    nb = file.notebook;
    for (const notice of file.notices) options.progress(notice);
    options.prepare?.(nb);
    languages = nb.cells.map((c, i) => (c.cell_type === 'code' ? cellLanguage(nb, c, i) : undefined));
    // Fail before running anything if the result could not be written (e.g. absurd nesting).
    file.render(nb);
  } catch (e) {
    if (e instanceof NotebookFormatError) return { exitCode: 2, reason: e.message };
    throw e;
  }

  const codeCells = nb.cells.map((c, i) => ({ cell: c, index: i })).filter(({ cell }) => cell.cell_type === 'code');
  if (codeCells.length === 0) {
    const saved = saveExecuted(file, nb, options.progress);
    if ('saveProblem' in saved) return { exitCode: 1, saveProblem: saved.saveProblem };
    return { exitCode: 0, outputPath: saved.outputPath };
  }
  const kernel = new KernelClient({ notebookDir: dirname(input), backend: options.backend, kernelScript: options.kernelScript, maxOutputBytes: options.maxOutputBytes,
    nodeArgs: options.maxHeapMB ? [`--max-old-space-size=${options.maxHeapMB}`] : [] });
  const started = performance.now();
  const kernelLog = options.kernelLog;
  if (kernelLog) {
    kernel.on('strayOutput', (text) => kernelLog(`output with no cell: ${clip(text)}`));
    // Not the kernel's info lines (the backend ladder: see `kernel ready`) nor its in-process inspector's notices.
    kernel.on('log', (line) => { if (/^\[(warn|error)\] |^\[kernel \d+\] /.test(line) && !/Waiting for the debugger|Debugger (listening|attached)/.test(line)) kernelLog(line); });
  }
  try {
    const info = await kernel.start();
    options.progress(`kernel ready: backend ${info.name}${info.threads ? ` (${info.threads} threads)` : ''}, tfjs ${info.tfVersion} (${ms(performance.now() - started)})`);
  } catch (e) {
    return { exitCode: 3, reason: `the kernel could not start: ${(e as Error).message}` };
  }

  // Every cell is queued at once, each to run only if the one before ended ok: the kernel
  // compiles the next cell while one runs, and a failure cancels the rest (stop on error).
  const displays = new DisplayIds();
  const live = options.echo ? new LiveDisplayLines(options.progress) : undefined;
  let failure: { cell: number; reason: string; timedOut: boolean } | undefined;
  const ran: Array<{ cell: NbCell; collector: CellOutputs }> = [];
  try {
    let previous: string | undefined;
    const runs = codeCells.map(({ cell, index }, n) => {
      const count = n + 1;
      const echo = options.echo ? (name: StreamName, text: string) => process[name].write(text) : undefined;
      const label = `cell ${index + 1}`;
      const collector = new CellOutputs({
        executionCount: count, displays, echo,
        onLiveDisplay: live && ((id, data, update) => live.display(id, label, data['text/plain'], update)),
      });
      let onStarted: () => void = () => undefined;
      const startedPromise = new Promise<void>((r) => { onStarted = r; });
      collector.onStart = () => onStarted();
      const exec = kernel.execute(sourceText(cell.source), { language: languages[index]!, cellName: label, after: previous }, collector);
      previous = exec.executionId;
      return { cell, index, n, count, collector, done: exec.done, started: startedPromise };
    });
    for (const r of runs) {
      // Each cell starts as the one before ends, so this line comes at about its start.
      if (!failure) options.progress(`cell ${r.index + 1} (${r.n + 1} of ${codeCells.length} code cells) running`);
      const outcome = await withTimeout(kernel, r.done, r.started, options.timeoutSeconds, r.collector);
      live?.flush();
      if (outcome.status === 'cancelled') {
        r.cell.outputs = [];
        r.cell.execution_count = null;
        continue;
      }
      // Outputs are taken when the file is written: work the cell left running may add more.
      ran.push({ cell: r.cell, collector: r.collector });
      r.cell.execution_count = r.count;
      const status = outcome.timedOut ? 'timed out' : outcome.status;
      options.progress(`cell ${r.index + 1} ${status} in ${ms(outcome.durationMs)}`);
      if (outcome.status !== 'ok' && !failure) {
        const reason = outcome.status === 'died' ? `the kernel died: ${outcome.deathReason}`
          : outcome.timedOut ? `timed out after ${options.timeoutSeconds} s` : outcome.status;
        failure = { cell: r.index + 1, reason, timedOut: outcome.timedOut };
      }
    }
  } finally {
    await kernel.close();
    live?.flush();
    for (const { cell, collector } of ran) cell.outputs = collector.saved();
  }
  const saved = saveExecuted(file, nb, options.progress, ` (${ms(performance.now() - started)} in all)`);
  if ('saveProblem' in saved) {
    const cells = failure ? `cell ${failure.cell} ${failure.timedOut ? failure.reason : `failed (${failure.reason})`}; ` : 'all cells ran; ';
    return { exitCode: 1, saveProblem: cells + saved.saveProblem };
  }
  const outputPath = saved.outputPath;
  return failure ? { exitCode: 1, outputPath, failedCell: failure.cell, reason: failure.reason, timedOut: failure.timedOut } : { exitCode: 0, outputPath };
}

/** The executed notebook onto disk (NotebookFile: lossless, safe); a copy beside a changed input or a failed write is a problem to report. */
function saveExecuted(file: NotebookFile, nb: Notebook, progress: (line: string) => void, took = ''): { outputPath: string } | { saveProblem: string } {
  try {
    const saved = file.writeExecuted(nb);
    progress(`wrote ${saved.path}${took}`);
    if (saved.besideBecause) return { saveProblem: `${saved.besideBecause}, so it was left as it is; the executed notebook was written beside it: ${saved.path}` };
    return { outputPath: saved.path };
  } catch (e) {
    if (e instanceof NotebookWriteError || e instanceof NotebookFormatError) return { saveProblem: `the executed notebook was not written: ${e.message}` };
    throw e;
  }
}

/**
 * The cell's own time limit counts from when it starts running, not from when it was queued.
 * A cell over it is interrupted, and its one error says it timed out.
 */
async function withTimeout(kernel: KernelClient, done: Promise<ExecutionOutcome>, started: Promise<void>, seconds: number | undefined, collector: CellOutputs): Promise<ExecutionOutcome & { timedOut: boolean }> {
  if (!seconds) return { ...(await done), timedOut: false };
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((r) => { void started.then(() => { timer = setTimeout(() => r('timeout'), seconds * 1000); }); });
  const first = await Promise.race([done, timedOut]);
  clearTimeout(timer);
  if (first !== 'timeout') return { ...first, timedOut: false };
  const message = `the cell timed out after ${seconds} s (--timeout ${seconds}) and was interrupted; the kernel kept its state`;
  collector.expectTimeout({ ename: 'Timeout', evalue: message, traceback: [`Timeout: ${message}`] });
  kernel.interrupt();
  const outcome = await done;
  if (outcome.status === 'died') {
    collector.settleTimeout(false);
    return { ...outcome, timedOut: false };
  }
  collector.settleTimeout(true);
  return { ...outcome, status: 'error', timedOut: true };
}

function clip(text: string): string {
  const t = text.replace(/\n+$/, '');
  return t.length > 2000 ? `${t.slice(0, 2000)}… (${t.length - 2000} more characters)` : t;
}

function ms(n: number): string {
  return n < 1000 ? `${n.toFixed(0)} ms` : `${(n / 1000).toFixed(1)} s`;
}
