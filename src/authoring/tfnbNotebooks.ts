/**
 * Which open notebooks get tfnb's authoring support, and what the TypeScript server plugin is
 * told about them: `.ipynb` notebooks that run on tfnb, as tfnb's notebook controller judges
 * (selected, or preferred and not switched away from); without the controller, notebooks that
 * name tfnb's kernelspec. Any other notebook is left to VS Code as it is.
 */
import * as vscode from 'vscode';
import { notebookDir } from '../extension/kernelManager';
import { cellKeyOfUri, type CellLanguage, type PluginConfig, type PluginNotebook } from './pluginProtocol';

/** The part of tfnb's notebook controller authoring needs (TfnbController has it). */
export interface KernelSelection {
  /** Whether the notebook runs on tfnb. */
  isTfnbFor(notebook: vscode.NotebookDocument): boolean;
  /** Fires when tfnb is selected for a notebook or stops being selected. */
  readonly onDidChangeSelection: vscode.Event<vscode.NotebookDocument>;
}

const NOTEBOOK_TYPE = 'jupyter-notebook';
const KERNELSPEC_NAME = 'tfnb';
const LANGUAGES: ReadonlySet<string> = new Set<CellLanguage>(['typescript', 'javascript']);

export function isTfnbNotebook(notebook: vscode.NotebookDocument, selection: KernelSelection | undefined): boolean {
  if (notebook.notebookType !== NOTEBOOK_TYPE) return false;
  if (selection) return selection.isTfnbFor(notebook);
  const meta = notebook.metadata.metadata as { kernelspec?: { name?: unknown } } | undefined;
  return meta?.kernelspec?.name === KERNELSPEC_NAME;
}

/** The notebook's TypeScript and JavaScript code cells, in notebook order. */
export function codeCells(notebook: vscode.NotebookDocument): vscode.NotebookCell[] {
  return notebook.getCells().filter((c) => c.kind === vscode.NotebookCellKind.Code && LANGUAGES.has(c.document.languageId));
}

export function pluginNotebook(notebook: vscode.NotebookDocument): PluginNotebook {
  return {
    dir: notebookDir(notebook), // where the kernel resolves the notebook's imports from
    cells: codeCells(notebook).map((c) => ({ key: cellKeyOfUri(c.document.uri), language: c.document.languageId as CellLanguage })),
  };
}

export function pluginConfig(typesDir: string, notebooks: readonly vscode.NotebookDocument[]): PluginConfig {
  return { typesDir, notebooks: notebooks.map(pluginNotebook) };
}
