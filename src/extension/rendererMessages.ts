/** Forwards what tfnb's renderer posts (Stop training) to the kernel of the notebook it came from. */
import * as vscode from 'vscode';
import type { RendererToKernelMessage } from '../protocol/mime';
import { RENDERER_ID } from './constants';
import type { KernelManager } from './kernelManager';

export function forwardRendererMessages(kernels: KernelManager, log: vscode.LogOutputChannel): vscode.Disposable {
  const messaging = vscode.notebooks.createRendererMessaging(RENDERER_ID);
  return messaging.onDidReceiveMessage(({ editor, message }) => {
    if (!isRendererMessage(message)) {
      log.warn(`ignored a message from the renderer: ${JSON.stringify(message)?.slice(0, 200)}`);
      return;
    }
    const session = kernels.get(editor.notebook);
    if (!session) return;
    log.info(`renderer: ${message.type} ${message.trainingId}`);
    session.sendRendererMessage(message);
  });
}

export function isRendererMessage(value: unknown): value is RendererToKernelMessage {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Record<string, unknown>;
  return m.type === 'stop-training' && typeof m.trainingId === 'string';
}
