/**
 * The status bar item shown while a notebook that runs on tfnb is active: backend, kernel
 * state, live tensors and their memory after the last cell. Clicking opens the kernel menu.
 */
import * as vscode from 'vscode';
import { COMMANDS } from './constants';
import type { TfnbController } from './controller';
import type { KernelManager } from './kernelManager';
import { describeBackend, type KernelSession } from './kernelSession';
import { formatMemory, tensorDelta } from './memoryText';
import { isTrusted } from './trust';

export class KernelStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('tfnb.kernelStatus', vscode.StatusBarAlignment.Right, 100);
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly controller: TfnbController,
    private readonly kernels: KernelManager,
  ) {
    this.item.name = 'tfnb kernel';
    this.item.command = COMMANDS.kernelMenu;
    this.disposables.push(
      vscode.window.onDidChangeActiveNotebookEditor(() => this.update()),
      controller.onDidChangeSelection(() => this.update()),
      kernels.onDidChange((uri) => {
        if (uri.toString() === this.activeNotebook()?.uri.toString()) this.update();
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.update()),
    );
    this.update();
  }

  private activeNotebook(): vscode.NotebookDocument | undefined {
    return vscode.window.activeNotebookEditor?.notebook;
  }

  private update(): void {
    const notebook = this.activeNotebook();
    if (!notebook || !this.controller.isTfnbFor(notebook)) {
      this.item.hide();
      return;
    }
    if (!isTrusted()) {
      this.item.text = '$(shield) tfnb: restricted';
      this.item.tooltip = 'This workspace is not trusted, so tfnb runs nothing. Trust it with "Workspaces: Manage Workspace Trust".';
      this.item.show();
      return;
    }
    const session = this.kernels.get(notebook);
    this.item.text = statusText(session, this.kernels.backendChoice(notebook));
    this.item.tooltip = tooltip(session);
    this.item.backgroundColor =
      session?.state === 'dead' && session.lastError ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    this.item.show();
  }

  dispose(): void {
    this.disposables.forEach((d) => d.dispose());
    this.item.dispose();
  }
}

const STATE_ICON = {
  starting: '$(loading~spin)',
  idle: '$(circle-large-outline)',
  busy: '$(circle-large-filled)',
  dead: '$(debug-disconnect)',
  closed: '$(debug-disconnect)',
} as const;

export function statusText(session: KernelSession | undefined, choice: string): string {
  if (!session || (session.state === 'dead' && !session.backend)) return `$(circle-large-outline) tfnb: ${choice} · not started`;
  const backend = session.backend?.adapter ? `${session.backend.name} · ${session.backend.adapter}` : (session.backend?.name ?? choice);
  const parts = [`${STATE_ICON[session.state]} tfnb: ${backend}`, session.state];
  if (session.memory) parts.push(formatMemory(session.memory));
  return parts.join(' · ');
}

function tooltip(session: KernelSession | undefined): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  if (!session) {
    md.appendMarkdown('The tfnb kernel starts when a cell runs.\n\nClick for the kernel menu.');
    return md;
  }
  const { node } = session.options;
  md.appendMarkdown(`**tfnb kernel** — ${session.state}\n\n`);
  if (session.backend) md.appendMarkdown(`Backend: ${describeBackend(session.backend)}\n\n`);
  if (session.backend?.gpuHint) md.appendMarkdown(`$(warning) ${session.backend.gpuHint}\n\n`);
  md.appendMarkdown(`Node.js ${node.version} (${node.source})${session.pid ? `, pid ${session.pid}` : ''}\n\n`);
  if (session.memory)
    md.appendMarkdown(`Memory after the last cell: ${formatMemory(session.memory)} (${tensorDelta(session.memory.deltaTensors)})\n\n`);
  if (session.lastError) md.appendMarkdown(`Last problem: ${session.lastError}\n\n`);
  md.appendMarkdown('Click for restart, backend choice and the log.');
  return md;
}
