/** Runs a notebook's code cells top to bottom in one kernel and writes the executed notebook. */
import { dirname, resolve } from 'node:path';
import { KernelClient, type ExecutionOutcome } from '../client/kernelClient';
import type { BackendChoice, BackendInfo, RunMetricMessage, StreamName } from '../protocol/messages';
import { cellLanguage, NotebookFormatError, NotebookWriteError, sourceText, type Notebook } from '../notebook/ipynb';
import { NotebookFile } from '../notebook/notebookFile';
import { CellOutputs } from '../notebook/outputs';
import { LiveDisplayLines } from './liveDisplays';

export interface RunOptions {
  input: string;
  /** Where the executed notebook goes; default: the input, in place. */
  output?: string;
  backend: BackendChoice;
  /** Per-cell limit in seconds (Infinity: none); a cell over it fails the run. */
  timeoutSeconds?: number;
  /** Aborted (with a StopRequest as its reason) to stop the run: what completed is still written. */
  stop?: AbortSignal;
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
  /** The kernel's backend once it is ready, and each run metric it sends (a recorded run: src/runs/). */
  onBackend?: (info: BackendInfo) => void;
  onMetric?: (message: RunMetricMessage) => void;
}

export type RunResult =
  | { exitCode: 0; outputPath: string }
  | { exitCode: 1; outputPath: string; failedCell: number; reason: string; timedOut?: boolean }
  | { exitCode: StopRequest['exitCode']; outputPath: string; stoppedBy: StopRequest['signal'] }
  /** The executed notebook went beside the input (it changed during the run), or could not be written. */
  | { exitCode: 1; saveProblem: string }
  | { exitCode: 2 | 3 | StopRequest['exitCode']; reason: string };

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
  const kernel = new KernelClient({
    notebookDir: dirname(input),
    notebookPath: input,
    backend: options.backend,
    kernelScript: options.kernelScript,
    maxOutputBytes: options.maxOutputBytes,
    nodeArgs: options.maxHeapMB ? [`--max-old-space-size=${options.maxHeapMB}`] : [],
    // Every cell's late output is saved under it, however many cells ran since.
    rememberFinished: Infinity,
  });
  const onMetric = options.onMetric;
  if (onMetric) kernel.on('metric', onMetric);
  const started = performance.now();
  const kernelLog = options.kernelLog;
  // Not the kernel's info lines (the backend ladder: see `kernel ready`).
  if (kernelLog)
    kernel.on('log', (e) => {
      if (e.level !== 'info' || e.source === 'native')
        kernelLog(e.source === 'native' ? `[kernel ${kernel.pid ?? '?'}] ${e.text}` : e.text);
    });
  const stopped = new Promise<StopRequest>((resolve) => {
    if (options.stop?.aborted) resolve(options.stop.reason as StopRequest);
    else options.stop?.addEventListener('abort', () => resolve(options.stop!.reason as StopRequest), { once: true });
  });
  try {
    const first = await Promise.race([kernel.start(), stopped]);
    if (isStop(first)) {
      await kernel.close();
      return { exitCode: first.exitCode, reason: `stopped by ${first.signal} before any cell ran; nothing was written` };
    }
    options.progress(
      `kernel ready: backend ${first.name}${first.threads ? ` (${first.threads} thread${first.threads === 1 ? '' : 's'})` : ''}${first.adapter ? ` on ${first.adapter}` : ''}, tfjs ${first.tfVersion} (${ms(performance.now() - started)})`,
    );
    if (first.gpuHint) options.progress(first.gpuHint);
    options.onBackend?.(first);
  } catch (e) {
    await kernel.close();
    return { exitCode: 3, reason: `the kernel could not start: ${(e as Error).message}` };
  }

  // Every cell is queued at once, each to run only if the one before ended ok: the kernel
  // compiles the next cell while one runs, and a failure cancels the rest (stop on error).
  const live = options.echo ? new LiveDisplayLines(options.progress) : undefined;
  const echo = options.echo
    ? (name: StreamName, text: string) => {
        if (!process[name].destroyed) process[name].write(text);
      }
    : undefined;
  let previous: string | undefined;
  const runs = codeCells.map(({ cell, index }, n) => {
    const label = `cell ${index + 1}`;
    const collector = new CellOutputs({
      echo,
      onLiveDisplay: live && ((id, data, update) => live.display(id, label, data['text/plain'], update)),
      // Each cell starts as the one before ends, so this line comes at its start.
      onStart: () => options.progress(`${label} (${n + 1} of ${codeCells.length} code cells) running`),
    });
    const timeoutMs = options.timeoutSeconds === undefined ? undefined : options.timeoutSeconds * 1000;
    const exec = kernel.execute(
      sourceText(cell.source),
      { language: languages[index]!, cellName: label, after: previous, timeoutMs, timeoutSetBy: `--timeout ${options.timeoutSeconds}` },
      collector,
    );
    previous = exec.executionId;
    return { cell, index, collector, executionId: exec.executionId, done: exec.done };
  });
  // Said as each cell ends, before the next one's "running" line (the queue starts it at once).
  kernel.on('done', ({ executionId, outcome }) => {
    const r = runs.find((x) => x.executionId === executionId);
    if (!r || outcome.status === 'cancelled') return;
    live?.flush();
    options.progress(`cell ${r.index + 1} ${outcome.status === 'timedOut' ? 'timed out' : outcome.status} in ${ms(outcome.durationMs)}`);
  });
  // An error from work a cell left running (a timer, a rejection nobody awaited) fails the run too.
  const lateErrors: number[] = [];
  kernel.on('output', (e) => {
    if (e.kind !== 'error' || !e.late) return;
    const r = runs.find((x) => x.executionId === e.executionId);
    if (r) lateErrors.push(r.index + 1);
  });

  let failure: { cell: number; reason: string; timedOut: boolean } | undefined;
  let stop: StopRequest | undefined;
  const outcomes: Array<ExecutionOutcome | undefined> = [];
  try {
    for (const r of runs) {
      const first = await Promise.race([r.done, stopped]);
      if (isStop(first)) {
        stop = first;
        break;
      }
      outcomes.push(first);
      if (first.status === 'cancelled') continue;
      if (first.status !== 'ok' && !failure) {
        const reason =
          first.status === 'died'
            ? `the kernel died: ${first.deathReason}`
            : first.status === 'timedOut'
              ? `timed out after ${options.timeoutSeconds} s`
              : first.status;
        failure = { cell: r.index + 1, reason, timedOut: first.status === 'timedOut' };
      }
    }
  } finally {
    // Stopped: the running cell ends with an error that says so; the ones behind it are cancelled.
    await kernel.close(stop ? `tfnb run was stopped by ${stop.signal} while this cell ran` : undefined);
    live?.flush();
  }
  if (stop) {
    for (const r of runs.slice(outcomes.length)) outcomes.push(await r.done);
    options.progress(`stopped by ${stop.signal}`);
  }
  runs.forEach((r, i) => {
    // Outputs are taken now: work the cell left running may have added more. Cells are changed in
    // place: NotebookFile keeps the ones it still has byte for byte.
    if (outcomes[i]?.status === 'cancelled') {
      r.cell.outputs = [];
      r.cell.execution_count = null;
    } else {
      r.cell.outputs = r.collector.saved();
      r.cell.execution_count = r.collector.executionCount;
    }
  });
  const saved = saveExecuted(file, nb, options.progress, ` (${ms(performance.now() - started)} in all)`);
  if ('saveProblem' in saved) {
    const cells = stop
      ? `stopped by ${stop.signal}; `
      : failure
        ? `cell ${failure.cell} ${failure.timedOut ? failure.reason : `failed (${failure.reason})`}; `
        : 'all cells ran; ';
    return { exitCode: 1, saveProblem: cells + saved.saveProblem };
  }
  const outputPath = saved.outputPath;
  if (stop) return { exitCode: stop.exitCode, outputPath, stoppedBy: stop.signal };
  if (failure) return { exitCode: 1, outputPath, failedCell: failure.cell, reason: failure.reason, timedOut: failure.timedOut };
  if (lateErrors.length) {
    return {
      exitCode: 1,
      outputPath,
      failedCell: lateErrors[0]!,
      reason: 'an error was thrown by work it left running (a timer, a callback or a promise nobody awaited)',
    };
  }
  return { exitCode: 0, outputPath };
}

/** The executed notebook onto disk (NotebookFile: lossless, safe); a copy beside a changed input or a failed write is a problem to report. */
function saveExecuted(
  file: NotebookFile,
  nb: Notebook,
  progress: (line: string) => void,
  took = '',
): { outputPath: string } | { saveProblem: string } {
  try {
    const saved = file.writeExecuted(nb);
    progress(`wrote ${saved.path}${took}`);
    if (saved.besideBecause)
      return { saveProblem: `${saved.besideBecause}, so it was left as it is; the executed notebook was written beside it: ${saved.path}` };
    return { outputPath: saved.path };
  } catch (e) {
    if (e instanceof NotebookWriteError || e instanceof NotebookFormatError)
      return { saveProblem: `the executed notebook was not written: ${e.message}` };
    throw e;
  }
}

/** Why the run should stop early: a signal to `tfnb run`, or its stdout closed (EPIPE, as SIGPIPE). */
export interface StopRequest {
  signal: 'SIGINT' | 'SIGTERM' | 'SIGHUP' | 'SIGPIPE';
  exitCode: 129 | 130 | 141 | 143;
}

function isStop(v: unknown): v is StopRequest {
  return typeof v === 'object' && v !== null && 'signal' in v && 'exitCode' in v;
}

function ms(n: number): string {
  return n < 1000 ? `${n.toFixed(0)} ms` : `${(n / 1000).toFixed(1)} s`;
}
