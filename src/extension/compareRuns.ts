/**
 * **tfnb: Compare Runs**: the runs recorded beside the active notebook (tfnb-runs/), picked in
 * a multi-select quick pick (the latest five ticked), shown in a panel (compareRunsPanel.ts).
 */
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { RUNS_DIR, type RunRecord } from '../runs/runRecord';
import { readRuns } from '../runs/runStore';
import { showCompareRuns } from './compareRunsPanel';

export const COMPARE_RUNS_COMMAND = 'tfnb.compareRuns';
/** How many of the latest runs the quick pick ticks at first. */
const PICKED_BY_DEFAULT = 5;

export function registerCompareRuns(extensionUri: vscode.Uri): vscode.Disposable {
  return vscode.commands.registerCommand(COMPARE_RUNS_COMMAND, async (arg?: unknown) => {
    const folder = folderOf(arg);
    if (!folder) {
      void vscode.window.showInformationMessage('tfnb: open a saved notebook to compare its runs (they are in tfnb-runs/ beside it).');
      return;
    }
    const runsDir = join(folder, RUNS_DIR);
    const runs = readRuns(runsDir).reverse();
    if (runs.length === 0) {
      void vscode.window.showInformationMessage(
        `tfnb: no runs recorded in ${runsDir} yet. Run All records one (setting tfnb.recordRuns), as \`tfnb run\` and \`tfnb sweep\` do.`,
      );
      return;
    }
    const items = runs.map((run, i) => ({
      label: run.name,
      description: describe(run),
      detail: run.id,
      picked: i < PICKED_BY_DEFAULT,
      run,
    }));
    const picked = await vscode.window.showQuickPick(items, {
      canPickMany: true,
      title: 'tfnb: Compare Runs',
      placeHolder: 'Runs to compare',
      matchOnDescription: true,
      matchOnDetail: true,
    });
    if (!picked?.length) return;
    const chosen = picked.map((p) => p.run).reverse();
    showCompareRuns(extensionUri, `Runs: ${chosen.length} compared`, chosen);
  });
}

function describe(run: RunRecord): string {
  const metric = ['val_loss', 'loss'].find((m) => m in run.metrics);
  const when = new Date(run.startedAt).toLocaleString();
  return [run.status, metric ? `${metric} ${run.metrics[metric]!.toPrecision(4)}` : undefined, when].filter(Boolean).join(' · ');
}

/** The folder of the notebook given (a URI from a menu) or of the active notebook editor; a saved one only. */
function folderOf(arg: unknown): string | undefined {
  const uri = arg instanceof vscode.Uri ? arg : vscode.window.activeNotebookEditor?.notebook.uri;
  if (!uri || uri.scheme !== 'file') return undefined;
  return dirname(uri.fsPath);
}
