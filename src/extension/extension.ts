/** tfnb's VS Code extension: wires the controller, kernels, commands, status bar and log together. */
import * as vscode from 'vscode';
import { registerAuthoring } from '../authoring';
import { watchAffinity } from './affinity';
import { registerCommands } from './commands';
import { registerCompareRuns } from './compareRuns';
import { TfnbController } from './controller';
import { KernelManager } from './kernelManager';
import { forwardRendererMessages } from './rendererMessages';
import { KernelStatusBar } from './statusBar';
import { VariablesView } from './variablesView';

let kernels: KernelManager | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('tfnb', { log: true });
  kernels = new KernelManager(log);
  const controller = new TfnbController(kernels, log);
  context.subscriptions.push(
    log,
    controller,
    watchAffinity(controller.controller),
    registerCommands(controller, kernels, log, context.extensionUri),
    registerCompareRuns(context.extensionUri),
    new KernelStatusBar(controller, kernels),
    forwardRendererMessages(kernels, log),
    new VariablesView(controller, kernels, context.extensionUri, log),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('tfnb.nodePath')) kernels?.resetNodeRuntime();
      if (e.affectsConfiguration('tfnb')) log.info('tfnb settings changed: they apply when a kernel next starts (tfnb: Restart Kernel)');
    }),
  );
  registerAuthoring(context, controller, log);
  log.info(
    `tfnb ${String(context.extension.packageJSON.version)} activated (VS Code ${vscode.version}, extension host Node ${process.versions.node})`,
  );
}

/** Ends every kernel when the window closes or the extension is disabled. */
export async function deactivate(): Promise<void> {
  await kernels?.dispose();
  kernels = undefined;
}
