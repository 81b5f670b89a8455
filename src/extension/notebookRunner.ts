/**
 * Runs one notebook's cells in order, as Jupyter does: cells wait in a queue (shown as
 * pending), each gets its execution number when it starts, a failing, interrupted or killed
 * cell cancels the cells queued behind it, and display ids work as in Jupyter (and as in
 * `tfnb run`, src/notebook/outputs.ts): a display with an id adds a new output; an update
 * replaces, in place, every output shown with that id, whichever cell showed it.
 */
import * as vscode from 'vscode';
import type { ExecutionHandlers, ExecutionOutcome } from '../client/kernelClient';
import type { CellLanguage } from '../protocol/messages';
import type { MimeBundle } from '../protocol/mime';
import { CellWriter } from './cellWriter';
import type { KernelManager } from './kernelManager';
import type { KernelSession } from './kernelSession';
import { bundleItems, displayOutput, errorOutput, messageOutput, resultOutput } from './outputs';

interface QueuedRun {
  writer: CellWriter;
  execution: vscode.NotebookCellExecution;
  code: string;
  language: CellLanguage;
}

interface ShownDisplay { writer: CellWriter; output: vscode.NotebookCellOutput }

export class NotebookRunner {
  private readonly writers = new WeakMap<vscode.NotebookCell, CellWriter>();
  private readonly pending: QueuedRun[] = [];
  private running: { run: QueuedRun; done: Promise<ExecutionOutcome> } | undefined;
  private pumping = false;
  private displays = new Map<string, ShownDisplay[]>();
  private displaysOf: { session: KernelSession; generation: number } | undefined;

  constructor(
    readonly notebook: vscode.NotebookDocument,
    private readonly controller: vscode.NotebookController,
    private readonly kernels: KernelManager,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** Queues cells behind any already queued; resolves when the queue has run (at once if another call is running it). */
  async run(cells: readonly vscode.NotebookCell[]): Promise<void> {
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
        writer.append(messageOutput('UnsupportedLanguage', `tfnb runs TypeScript and JavaScript cells; this cell is ${cell.document.languageId}. Change its language with the picker in the cell's lower right corner.`));
        writer.end(false);
        continue;
      }
      this.pending.push({ writer, execution, code: cell.document.getText(), language });
    }
    await this.pump();
  }

  /** Interrupts the running cell (the kernel keeps its state) and cancels the queued ones. */
  interrupt(): void {
    this.cancelPending();
    this.kernels.interrupt(this.notebook);
  }

  /** Stops the running cell, then replaces the kernel with a fresh one. */
  async restart(backend?: Parameters<KernelManager['restart']>[1]): Promise<KernelSession> {
    this.cancelPending();
    const running = this.running;
    if (running) {
      this.kernels.interrupt(this.notebook);
      await Promise.race([running.done, new Promise((resolve) => setTimeout(resolve, 2000))]);
    }
    this.displays.clear();
    return this.kernels.restart(this.notebook, backend);
  }

  dispose(): void {
    this.cancelPending();
  }

  private writerFor(cell: vscode.NotebookCell): CellWriter {
    let writer = this.writers.get(cell);
    if (!writer) {
      writer = new CellWriter(cell, this.controller, this.log);
      this.writers.set(cell, writer);
    }
    return writer;
  }

  private cancelPending(): void {
    for (const run of this.pending.splice(0)) run.execution.end(undefined);
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (let run = this.pending.shift(); run; run = this.pending.shift()) {
        const outcome = await this.execute(run);
        // As in Jupyter: what was queued behind a cell that failed does not run.
        if (outcome !== 'ok') this.cancelPending();
      }
    } finally {
      this.pumping = false;
    }
  }

  private async execute(run: QueuedRun): Promise<ExecutionOutcome['status']> {
    const { writer, execution } = run;
    let session: KernelSession;
    try {
      session = await this.kernels.getOrCreate(this.notebook);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      writer.begin(execution, undefined);
      writer.append(messageOutput('KernelStartError', message));
      writer.end(false);
      void vscode.window.showErrorMessage(`tfnb could not start a kernel: ${message}`);
      return 'died';
    }
    this.forgetDisplaysOfOtherKernels(session);
    this.forgetDisplaysOf(writer);
    const order = session.nextExecutionOrder();
    writer.begin(execution, order);
    const cellName = `cell ${writer.cell.index + 1}`;
    const done = session.execute(run.code, { language: run.language, cellName }, this.handlers(writer, order));
    this.running = { run, done };
    const outcome = await done;
    this.running = undefined;
    writer.end(outcome.status === 'ok' ? true : outcome.status === 'cancelled' ? undefined : false);
    return outcome.status;
  }

  private handlers(writer: CellWriter, order: number): ExecutionHandlers {
    return {
      onStream: (name, text) => writer.stream(name, text),
      onDisplay: (data, displayId, update) => this.display(writer, data, displayId, update),
      onResult: (data) => writer.append(resultOutput(data, order)),
      onError: (error) => writer.append(errorOutput(error)),
    };
  }

  private display(writer: CellWriter, data: MimeBundle, displayId: string | undefined, update: boolean): void {
    if (displayId !== undefined && update) {
      // Jupyter ignores an update for an id that nothing showed.
      const items = bundleItems(data);
      for (const shown of this.displays.get(displayId) ?? []) shown.writer.replaceItems(shown.output, items);
      return;
    }
    const output = displayOutput(data, displayId);
    writer.append(output);
    if (displayId !== undefined) {
      const list = this.displays.get(displayId) ?? [];
      list.push({ writer, output });
      this.displays.set(displayId, list);
    }
  }

  private forgetDisplaysOf(writer: CellWriter): void {
    for (const [id, list] of this.displays) {
      const kept = list.filter((shown) => shown.writer !== writer);
      if (kept.length) this.displays.set(id, kept);
      else this.displays.delete(id);
    }
  }

  private forgetDisplaysOfOtherKernels(session: KernelSession): void {
    if (this.displaysOf?.session === session && this.displaysOf.generation === session.generation) return;
    this.displays.clear();
    this.displaysOf = { session, generation: session.generation };
  }
}

function cellLanguage(languageId: string): CellLanguage | undefined {
  if (languageId === 'typescript' || languageId === 'typescriptreact') return 'typescript';
  if (languageId === 'javascript' || languageId === 'javascriptreact') return 'javascript';
  return undefined;
}
