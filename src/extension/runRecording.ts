/**
 * A Run All in VS Code recorded as `tfnb run` records one (src/runs/, docs/experiments.md): from
 * the first cell queued to the last one's end, the kernel's fit epochs and `tfnb.log` scalars go
 * to tfnb-runs/ beside the notebook. Off with the `tfnb.recordRuns` setting; never for an
 * untitled notebook (it has no folder). Recording never gets in the way of the run: a failure
 * to write is logged once and recording stops.
 */
import * as vscode from 'vscode';
import type { ExecutionOutcome } from '../client/kernelClient';
import { RunRecorder } from '../runs/runRecorder';
import type { RunStatus } from '../runs/runRecord';
import type { KernelSession } from './kernelSession';

/** Whether these cells are every code cell of the notebook (Run All, or a run of all cells by hand). */
export function isRunAll(notebook: vscode.NotebookDocument, cells: readonly vscode.NotebookCell[]): boolean {
  const code = notebook.getCells().filter((c) => c.kind === vscode.NotebookCellKind.Code);
  const queued = new Set(cells.filter((c) => c.kind === vscode.NotebookCellKind.Code));
  return code.length > 0 && code.every((c) => queued.has(c));
}

export function recordRun(
  notebook: vscode.NotebookDocument,
  session: KernelSession,
  cells: ReadonlyArray<{ cell: number; outcome: Promise<ExecutionOutcome | undefined>; executionId: () => string | undefined }>,
  log: vscode.LogOutputChannel,
): void {
  if (notebook.isUntitled || notebook.uri.scheme !== 'file') return;
  if (!vscode.workspace.getConfiguration('tfnb', notebook.uri).get<boolean>('recordRuns', true)) return;
  let recorder: RunRecorder | undefined;
  const guard = (what: string, body: (r: RunRecorder) => void): void => {
    if (!recorder) return;
    try {
      body(recorder);
    } catch (e) {
      log.warn(`this run is no longer recorded: ${what} failed: ${e instanceof Error ? e.message : String(e)}`);
      recorder = undefined;
    }
  };
  try {
    recorder = new RunRecorder({ notebook: notebook.uri.fsPath, parameters: [], source: 'vscode' });
  } catch (e) {
    log.warn(`this run is not recorded: ${e instanceof Error ? e.message : String(e)}`);
    return;
  }
  log.info(`recording this run in ${recorder.dir}`);
  // Only this run's cells' metrics: another run of the notebook (a cell run by hand meanwhile) is not this one.
  const ours = (id: string | null) => id !== null && cells.some((c) => c.executionId() === id);
  const metrics = session.onMetric((m) => {
    if (ours(m.executionId)) guard('saving a metric', (r) => r.metric(m));
  });
  const backend = session.backend;
  if (backend) guard('saving the backend', (r) => r.backend(backend));
  else
    session.start().then(
      (info) => guard('saving the backend', (r) => r.backend(info)),
      () => undefined,
    );
  void (async () => {
    let status: Exclude<RunStatus, 'running'> = 'ok';
    let failure: string | undefined;
    for (const { cell, outcome } of cells) {
      const o = await outcome;
      if (status !== 'ok' || !o || o.status === 'ok' || o.status === 'cancelled') continue;
      status = o.status === 'interrupted' ? 'stopped' : 'failed';
      failure = `cell ${cell} ${o.status === 'timedOut' ? 'timed out' : o.status}`;
    }
    metrics.dispose();
    if (status === 'ok' && (await Promise.all(cells.map((c) => c.outcome))).some((o) => o?.status === 'cancelled')) {
      status = 'stopped';
      failure = 'cells were cancelled';
    }
    guard('saving the run', (r) => r.finish({ status, failure, executedNotebook: notebook.uri.fsPath }));
  })();
}
