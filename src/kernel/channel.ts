/** The kernel's side of the IPC channel: typed send, typed receive. */
import type { ClientToKernel, KernelToClient } from '../protocol/messages';

export interface KernelChannel {
  send(message: KernelToClient): void;
  onMessage(handler: (message: ClientToKernel) => void): void;
}

export function processChannel(): KernelChannel {
  if (!process.send) throw new Error('tfnb kernel must be started with an IPC channel (by the tfnb client)');
  return {
    send: (message) => { process.send!(message); },
    onMessage: (handler) => { process.on('message', (m) => handler(m as ClientToKernel)); },
  };
}
