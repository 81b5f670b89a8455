/**
 * Writes one cell's outputs: during its run through the run's NotebookCellExecution, and
 * afterwards (output of work the cell left running, a display update from another cell)
 * through a short-lived execution that restores the run's number and timing, since VS Code
 * only lets an execution change outputs.
 */
import * as vscode from 'vscode';
import type { StreamName } from '../protocol/messages';
import { streamItem, streamOutput } from './outputs';

interface RunSummary {
  order?: number;
  startTime?: number;
  endTime?: number;
  success?: boolean;
}

/** How long a late-output execution stays open for more output before it ends. */
const LATE_OUTPUT_WINDOW_MS = 300;

export class CellWriter {
  private live: vscode.NotebookCellExecution | undefined;
  private late: { execution: vscode.NotebookCellExecution; timer: NodeJS.Timeout } | undefined;
  private lastStream: { name: StreamName; output: vscode.NotebookCellOutput } | undefined;
  private summary: RunSummary = {};

  constructor(
    readonly cell: vscode.NotebookCell,
    private readonly controller: vscode.NotebookController,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** A new run's execution (queued until begin). Ends a late-output execution first: one per cell at a time. */
  createExecution(): vscode.NotebookCellExecution {
    this.closeLate();
    return this.controller.createNotebookCellExecution(this.cell);
  }

  begin(execution: vscode.NotebookCellExecution, order: number | undefined): void {
    this.closeLate();
    this.live = execution;
    this.lastStream = undefined;
    const now = Date.now();
    execution.executionOrder = order;
    execution.start(now);
    this.summary = { order, startTime: now };
    this.settle(execution.clearOutput());
  }

  end(success: boolean | undefined): void {
    const execution = this.live;
    if (!execution) return;
    this.live = undefined;
    const now = Date.now();
    this.summary.endTime = now;
    this.summary.success = success;
    execution.end(success, now);
  }

  get running(): boolean {
    return this.live !== undefined;
  }

  stream(name: StreamName, text: string): void {
    this.write((execution) => {
      const last = this.lastStream;
      if (last?.name === name) {
        this.settle(execution.appendOutputItems(streamItem(name, text), last.output));
      } else {
        const output = streamOutput(name, text);
        this.lastStream = { name, output };
        this.settle(execution.appendOutput(output));
      }
    });
  }

  append(output: vscode.NotebookCellOutput): void {
    this.write((execution) => {
      this.lastStream = undefined;
      this.settle(execution.appendOutput(output));
    });
  }

  replaceItems(output: vscode.NotebookCellOutput, items: vscode.NotebookCellOutputItem[]): void {
    this.write((execution) => this.settle(execution.replaceOutputItems(items, output)));
  }

  closeLate(): void {
    const late = this.late;
    if (!late) return;
    this.late = undefined;
    clearTimeout(late.timer);
    late.execution.end(this.summary.success, this.summary.endTime);
  }

  private write(change: (execution: vscode.NotebookCellExecution) => void): void {
    const execution = this.live ?? this.lateExecution();
    if (execution) change(execution);
  }

  private lateExecution(): vscode.NotebookCellExecution | undefined {
    if (this.late) {
      this.late.timer.refresh();
      return this.late.execution;
    }
    let execution: vscode.NotebookCellExecution;
    try {
      execution = this.controller.createNotebookCellExecution(this.cell);
    } catch (e) {
      // The cell is queued for a new run (its outputs are about to be cleared) or was deleted.
      this.log.info(`output for cell ${this.cell.index + 1} after its run was dropped: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
    execution.executionOrder = this.summary.order;
    execution.start(this.summary.startTime);
    this.late = { execution, timer: setTimeout(() => this.closeLate(), LATE_OUTPUT_WINDOW_MS) };
    return execution;
  }

  private settle(edit: Thenable<void>): void {
    Promise.resolve(edit).catch((e: unknown) =>
      this.log.warn(`cell ${this.cell.index + 1}: output edit failed: ${e instanceof Error ? e.message : String(e)}`),
    );
  }
}
