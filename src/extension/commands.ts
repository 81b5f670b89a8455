/** The tfnb commands: new notebook, restart, interrupt, backend choice, log, and the kernel menu. */
import * as vscode from 'vscode';
import type { BackendChoice } from '../protocol/messages';
import { COMMANDS } from './constants';
import type { TfnbController } from './controller';
import type { KernelManager } from './kernelManager';
import { describeBackend } from './kernelSession';
import { createNewNotebook } from './newNotebook';
import { openSample } from './samples';
import { BACKEND_CHOICES } from './settings';

const BACKEND_DETAIL: Record<BackendChoice, string> = {
  auto: 'Fastest that loads: tensorflow-gpu, tensorflow, webgpu on a hardware GPU, then wasm, then cpu',
  tensorflow: 'Native TensorFlow (@tensorflow/tfjs-node or -gpu installed beside the notebook or globally)',
  webgpu: 'GPU through WebGPU (Dawn: Vulkan, Metal, D3D12); software adapters too',
  wasm: 'WebAssembly with SIMD and threads: bundled, works everywhere',
  cpu: 'Plain JavaScript: slowest, for debugging',
};

export function registerCommands(
  controller: TfnbController,
  kernels: KernelManager,
  log: vscode.LogOutputChannel,
  extensionUri: vscode.Uri,
): vscode.Disposable {
  const restart = async (arg?: unknown, backend?: BackendChoice) => {
    const notebook = targetNotebook(arg);
    if (!notebook) return;
    try {
      const session = await controller.runnerFor(notebook).restart(backend);
      if (session.backend) vscode.window.setStatusBarMessage(`tfnb: kernel restarted on ${describeBackend(session.backend)}`, 4000);
    } catch (e) {
      void vscode.window.showErrorMessage(`tfnb could not restart the kernel: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  const selectBackend = async (arg?: unknown) => {
    const notebook = targetNotebook(arg);
    if (!notebook) return;
    const current = kernels.backendChoice(notebook);
    const pick = await vscode.window.showQuickPick(
      BACKEND_CHOICES.map((choice) => ({
        label: choice,
        description: choice === current ? '(current)' : undefined,
        detail: BACKEND_DETAIL[choice],
        choice,
      })),
      { title: 'tfnb: backend for this notebook (restarts its kernel)' },
    );
    if (pick) await restart(notebook, pick.choice);
  };
  return vscode.Disposable.from(
    vscode.commands.registerCommand(COMMANDS.newNotebook, () => createNewNotebook()),
    vscode.commands.registerCommand(COMMANDS.openSample, (file?: unknown) =>
      openSample(extensionUri, typeof file === 'string' ? file : undefined),
    ),
    vscode.commands.registerCommand(COMMANDS.restartKernel, (arg?: unknown) => restart(arg)),
    vscode.commands.registerCommand(COMMANDS.interruptKernel, (arg?: unknown) => {
      const notebook = targetNotebook(arg);
      if (notebook) controller.interrupt(notebook);
    }),
    vscode.commands.registerCommand(COMMANDS.selectBackend, selectBackend),
    vscode.commands.registerCommand(COMMANDS.showLog, () => log.show(true)),
    vscode.commands.registerCommand(COMMANDS.kernelMenu, async (arg?: unknown) => {
      const notebook = targetNotebook(arg);
      if (!notebook) return;
      const session = kernels.get(notebook);
      const items: Array<vscode.QuickPickItem & { run(): unknown }> = [
        { label: '$(debug-restart) Restart Kernel', detail: 'A fresh kernel: all variables are lost', run: () => restart(notebook) },
        ...(session?.state === 'busy'
          ? [
              {
                label: '$(debug-stop) Interrupt Kernel',
                detail: 'Stop the running cell; variables are kept',
                run: () => controller.interrupt(notebook),
              },
            ]
          : []),
        {
          label: '$(server-process) Choose Backend…',
          detail: `Now: ${session?.backend ? describeBackend(session.backend) : kernels.backendChoice(notebook)}`,
          run: () => selectBackend(notebook),
        },
        { label: '$(output) Show Kernel Log', run: () => log.show(true) },
      ];
      const pick = await vscode.window.showQuickPick(items, { title: 'tfnb kernel' });
      await pick?.run();
    }),
  );
}

/** The notebook a command is for: its argument (from a notebook toolbar or a URI), else the active one. */
function targetNotebook(arg: unknown): vscode.NotebookDocument | undefined {
  if (isNotebookDocument(arg)) return arg;
  const uri = arg instanceof vscode.Uri ? arg : isToolbarContext(arg) ? arg.notebookEditor.notebookUri : undefined;
  if (uri) {
    const found = vscode.workspace.notebookDocuments.find((d) => d.uri.toString() === uri.toString());
    if (found) return found;
  }
  const active = vscode.window.activeNotebookEditor?.notebook;
  if (!active) void vscode.window.showInformationMessage('Open a notebook first: tfnb commands act on the active notebook.');
  return active;
}

function isNotebookDocument(value: unknown): value is vscode.NotebookDocument {
  return typeof value === 'object' && value !== null && 'notebookType' in value && 'uri' in value && 'cellCount' in value;
}

function isToolbarContext(value: unknown): value is { notebookEditor: { notebookUri: vscode.Uri } } {
  if (typeof value !== 'object' || value === null || !('notebookEditor' in value)) return false;
  const editor = (value as { notebookEditor: unknown }).notebookEditor;
  return (
    typeof editor === 'object' &&
    editor !== null &&
    'notebookUri' in editor &&
    (editor as { notebookUri: unknown }).notebookUri instanceof vscode.Uri
  );
}
