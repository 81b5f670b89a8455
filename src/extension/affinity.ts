/**
 * Makes tfnb the preferred controller for notebooks written for it: tfnb's kernelspec, or
 * TypeScript named by the kernelspec or language_info (as tslab and Deno write them).
 * Other notebooks can still pick tfnb; it is just not suggested first.
 */
import * as vscode from 'vscode';
import { KERNELSPEC, NOTEBOOK_TYPE } from '../vscodeShared/constants';

export function prefersTfnb(notebook: vscode.NotebookDocument): boolean {
  if (notebook.notebookType !== NOTEBOOK_TYPE) return false;
  // The ipynb serializer keeps the file's top-level metadata under `metadata`.
  const meta = record(notebook.metadata.metadata);
  const kernelspec = record(meta?.kernelspec);
  const languageInfo = record(meta?.language_info);
  if (kernelspec?.name === KERNELSPEC.name) return true;
  const languages = [kernelspec?.language, languageInfo?.name]
    .filter((l): l is string => typeof l === 'string')
    .map((l) => l.toLowerCase());
  return languages.includes('typescript');
}

export function watchAffinity(controller: vscode.NotebookController): vscode.Disposable {
  const update = (notebook: vscode.NotebookDocument) => {
    if (prefersTfnb(notebook)) controller.updateNotebookAffinity(notebook, vscode.NotebookControllerAffinity.Preferred);
  };
  vscode.workspace.notebookDocuments.forEach(update);
  return vscode.Disposable.from(
    vscode.workspace.onDidOpenNotebookDocument(update),
    // Metadata can change after open (e.g. an untitled notebook gets its kernelspec).
    vscode.workspace.onDidChangeNotebookDocument((e) => {
      if (e.metadata) update(e.notebook);
    }),
  );
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
