/**
 * VS Code's sink of the execution queue (src/client/executionQueue.ts): each cell run becomes a
 * NotebookCellExecution. Cells wait in the queue (shown as pending) and are sent to the kernel
 * ahead, like `tfnb run` does (the code a cell had when it was queued: an edit while it waits
 * applies at its next run); each gets its execution number when it starts; a failing,
 * interrupted or killed cell cancels the cells queued behind it; display ids work as in Jupyter
 * (the queue sends an update to every execution that showed the id).
 */
import * as vscode from 'vscode';
import type { ExecutionOutcome, ExecutionSink } from '../client/kernelClient';
import type { CellLanguage } from '../protocol/messages';
import type { MimeBundle } from '../protocol/mime';
import { CellWriter } from './cellWriter';
import type { KernelManager } from './kernelManager';
import type { KernelSession } from './kernelSession';
import { bundleItems, displayOutput, errorOutput, messageOutput, resultOutput } from './outputs';
import { isRunAll, recordRun } from './runRecording';

interface CellRun {
  cell: vscode.NotebookCell;
  writer: CellWriter;
  execution: vscode.NotebookCellExecution;
  code: string;
  language: CellLanguage;
  began: boolean;
  executionCount?: number;
  /** Marks the run ended for chaining (set by submit). */
  ended?: () => void;
  /** The kernel's id for this execution, once submitted. */
  executionId?: string;
}

export class NotebookRunner {
  private readonly writers = new WeakMap<vscode.NotebookCell, CellWriter>();
  /** The execution queued last and not yet ended: the next cell queued runs only if it ends ok. */
  private tail: { executionId: string; ended: boolean } | undefined;
  /** Executions in the kernel's queue, to wait for on restart. */
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Counts interrupts: cells still waiting for their kernel to be made are cancelled by one. */
  private interrupts = 0;

  constructor(
    readonly notebook: vscode.NotebookDocument,
    private readonly controller: vscode.NotebookController,
    private readonly kernels: KernelManager,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /**
   * Queues cells behind any already queued and sends them to the kernel at once (it compiles
   * each while the one before runs); resolves once they are queued.
   */
  async run(cells: readonly vscode.NotebookCell[]): Promise<void> {
    const runs: CellRun[] = [];
    for (const cell of cells) {
      if (cell.kind !== vscode.NotebookCellKind.Code) continue;
      const writer = this.writerFor(cell);
      let execution: vscode.NotebookCellExecution;
      try {
        execution = writer.createExecution();
      } catch (e) {
        // Already queued or running: VS Code allows one execution per cell.
        this.log.info(`cell ${cell.index + 1} was not queued again: ${e instanceof Error ? e.message : String(e)}`);
        continue;
      }
      const language = cellLanguage(cell.document.languageId);
      if (!language) {
        writer.begin(execution, undefined);
        writer.append(
          messageOutput(
            'UnsupportedLanguage',
            `tfnb runs TypeScript and JavaScript cells; this cell is ${cell.document.languageId}. Change its language with the picker in the cell's lower right corner.`,
          ),
        );
        writer.end(false);
        continue;
      }
      runs.push({ cell, writer, execution, code: cell.document.getText(), language, began: false });
    }
    if (runs.length === 0) return;

    const interrupts = this.interrupts;
    let session: KernelSession;
    try {
      session = await this.kernels.getOrCreate(this.notebook);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      const [first, ...rest] = runs;
      first!.writer.begin(first!.execution, undefined);
      first!.writer.append(messageOutput('KernelStartError', message));
      first!.writer.end(false);
      for (const run of rest) run.execution.end(undefined);
      void vscode.window.showErrorMessage(`tfnb could not start a kernel: ${message}`);
      return;
    }
    if (this.interrupts !== interrupts) {
      for (const run of runs) run.execution.end(undefined);
      return;
    }
    // Queued, not awaited: VS Code's run command waits for this handler, and a cell queued behind
    // a running one must not hold it (the cells end on their own, through their executions).
    const outcomes = runs.map((run) =>
      this.submit(session, run).catch((e: unknown) => {
        this.log.error(`cell ${run.cell.index + 1}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
        return undefined;
      }),
    );
    if (isRunAll(this.notebook, cells))
      recordRun(
        this.notebook,
        session,
        runs.map((run, i) => ({ cell: run.cell.index + 1, outcome: outcomes[i]!, executionId: () => run.executionId })),
        this.log,
      );
  }

  /** Interrupts the running cell (the kernel keeps its state) and cancels the queued ones. */
  interrupt(): void {
    this.interrupts++;
    this.kernels.interrupt(this.notebook);
  }

  /** Stops the running cell, then replaces the kernel with a fresh one. */
  async restart(backend?: Parameters<KernelManager['restart']>[1]): Promise<KernelSession> {
    if (this.inFlight.size) {
      this.interrupt();
      await Promise.race([Promise.all(this.inFlight), new Promise((resolve) => setTimeout(resolve, RESTART_INTERRUPT_WAIT_MS))]);
    }
    return this.kernels.restart(this.notebook, backend);
  }

  dispose(): void {
    this.interrupts++;
  }

  private writerFor(cell: vscode.NotebookCell): CellWriter {
    let writer = this.writers.get(cell);
    if (!writer) {
      writer = new CellWriter(cell, this.controller, this.log);
      this.writers.set(cell, writer);
    }
    return writer;
  }

  private async submit(session: KernelSession, run: CellRun): Promise<ExecutionOutcome> {
    // As in Jupyter: what is queued behind a cell that fails does not run. Chained only to a cell
    // still queued or running: one that has ended (its onEnd came) cannot hold a new run back.
    const after = this.tail && !this.tail.ended ? this.tail.executionId : undefined;
    const cellName = `cell ${run.cell.index + 1}`;
    const tail = { executionId: '', ended: false };
    run.ended = () => {
      tail.ended = true;
    };
    const { executionId, done } = session.execute(
      run.code,
      { language: run.language, cellName, after, cellKey: run.cell.document.uri.toString() },
      this.handlers(run),
    );
    tail.executionId = executionId;
    run.executionId = executionId;
    if (!tail.ended) this.tail = tail;
    this.inFlight.add(done);
    const outcome = await done;
    this.inFlight.delete(done);
    return outcome;
  }

  /** Ends the cell's execution in VS Code; before the next cell begins, so their times do not overlap. */
  private end(run: CellRun, outcome: ExecutionOutcome): void {
    run.ended?.();
    if (!run.began) {
      // Cancelled before its turn came.
      run.execution.end(undefined);
      return;
    }
    run.writer.end(outcome.status === 'ok' ? true : outcome.status === 'cancelled' ? undefined : false);
  }

  private handlers(run: CellRun): ExecutionSink {
    const { writer } = run;
    /** This execution's outputs shown with a display id: an update replaces them in place. */
    const shown = new Map<string, vscode.NotebookCellOutput[]>();
    return {
      onStart: (executionCount) => {
        run.began = true;
        run.executionCount = executionCount;
        writer.begin(run.execution, executionCount);
        // A cell runs the code it had when it was queued (it is in the kernel, compiled, by now), as
        // in JupyterLab; an edit made while it waited applies at its next run. Said in the log.
        if (run.cell.document.getText() !== run.code)
          this.log.info(`cell ${run.cell.index + 1} was edited while it waited: it ran the code it had when it was queued`);
      },
      onEnd: (outcome) => this.end(run, outcome),
      onStream: (name, text) => writer.stream(name, text),
      onResult: (data) => writer.append(resultOutput(data, run.executionCount)),
      onError: (error) => writer.append(errorOutput(error)),
      onDisplay: (data: MimeBundle, displayId, update) => {
        if (displayId !== undefined && update) {
          const items = bundleItems(data);
          for (const output of shown.get(displayId) ?? []) writer.replaceItems(output, items);
          return;
        }
        const output = displayOutput(data, displayId);
        writer.append(output);
        if (displayId !== undefined) shown.set(displayId, [...(shown.get(displayId) ?? []), output]);
      },
    };
  }
}

/** On restart, how long the interrupted cell may take to end before its kernel is replaced anyway. */
const RESTART_INTERRUPT_WAIT_MS = 2000;

function cellLanguage(languageId: string): CellLanguage | undefined {
  if (languageId === 'typescript' || languageId === 'typescriptreact') return 'typescript';
  if (languageId === 'javascript' || languageId === 'javascriptreact') return 'javascript';
  return undefined;
}
