/**
 * Authoring support for tfnb notebooks: type checking, completions, hovers and go-to-definition
 * that know the cells above and the kernel's globals. The work happens in tfnb's plugin inside
 * VS Code's own TypeScript server (src/tsplugin/); this side tells the plugin which notebooks
 * are tfnb's and in what order their cells are, and shows the cells' type-check problems,
 * which VS Code does not show for notebook cells by itself.
 *
 * Wiring (src/extension/extension.ts, in activate): `registerAuthoring(context, controller, log);`
 */
import * as vscode from 'vscode';
import { NotebookAuthoring } from './notebookAuthoring';
import type { KernelSelection } from './tfnbNotebooks';
import { TypeScriptExtension } from './typescriptExtension';

export type { KernelSelection } from './tfnbNotebooks';

/** Folder of the types the plugin gives cells (kernel globals, tfjs, Node), inside the installed extension. */
export const TYPES_DIR = 'dist/types';

/**
 * Starts authoring support for the extension's lifetime. `selection` (tfnb's notebook controller)
 * tells which notebooks tfnb is selected for; those, and notebooks naming tfnb's kernelspec unless
 * tfnb was switched away from, count as tfnb's (kernelChoice.ts).
 */
export function registerAuthoring(context: vscode.ExtensionContext, selection?: KernelSelection, log?: vscode.LogOutputChannel): void {
  const typescript = new TypeScriptExtension((message) => log?.warn(message));
  context.subscriptions.push(new NotebookAuthoring(context.asAbsolutePath(TYPES_DIR), typescript, selection));
}
