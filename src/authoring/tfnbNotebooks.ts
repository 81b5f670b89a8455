/**
 * Which open notebooks get tfnb's authoring support, and what the TypeScript server plugin is
 * told about them: `.ipynb` notebooks that run on tfnb (see kernelChoice.ts: tfnb's controller
 * selected, or tfnb's kernelspec in the file and no kernel selected yet). Any other notebook,
 * Deno's and tslab's included, is left to VS Code as it is.
 */
import * as vscode from 'vscode';
import { notebookDir } from '../vscodeShared/notebookDir';
import { readSettings } from '../vscodeShared/settings';
import { countsAsTfnb, type SelectionRecord } from './kernelChoice';
import { cellKeyOfUri, type CellLanguage, type PluginConfig, type PluginNotebook } from './pluginProtocol';

/** The part of tfnb's notebook controller authoring needs (TfnbController has it). */
export interface KernelSelection {
  /** Whether the notebook runs on tfnb; read right after onDidChangeSelection, it says whether tfnb is selected. */
  isTfnbFor(notebook: vscode.NotebookDocument): boolean;
  /** Fires when tfnb is selected for a notebook or stops being selected. */
  readonly onDidChangeSelection: vscode.Event<vscode.NotebookDocument>;
}

const LANGUAGES: ReadonlySet<string> = new Set<CellLanguage>(['typescript', 'javascript']);

/** `selections`: what tfnb's controller said so far (nothing without the controller: then only the kernelspec counts). */
export function isTfnbNotebook(notebook: vscode.NotebookDocument, selections: SelectionRecord): boolean {
  return countsAsTfnb(notebook, selections.stateOf(notebook));
}

/** The notebook's TypeScript and JavaScript code cells, in notebook order. */
export function codeCells(notebook: vscode.NotebookDocument): vscode.NotebookCell[] {
  return notebook.getCells().filter((c) => c.kind === vscode.NotebookCellKind.Code && LANGUAGES.has(c.document.languageId));
}

export function pluginNotebook(notebook: vscode.NotebookDocument): PluginNotebook {
  const backend = readSettings(notebook.uri).backend;
  return {
    dir: notebookDir(notebook), // where the kernel resolves the notebook's imports from
    cells: codeCells(notebook).map((c) => ({ key: cellKeyOfUri(c.document.uri), language: c.document.languageId as CellLanguage })),
    // The kernel's backend ladder for this setting (src/kernel/backend.ts): only auto and tensorflow try the native packages.
    ...(backend === 'wasm' || backend === 'cpu' ? { nativeBackends: false } : {}),
  };
}

export function pluginConfig(typesDir: string, notebooks: readonly vscode.NotebookDocument[]): PluginConfig {
  return { typesDir, notebooks: notebooks.map(pluginNotebook) };
}
