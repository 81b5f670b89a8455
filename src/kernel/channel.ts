/** The kernel's side of the IPC channel: typed send, typed receive, and a send for exiting. */
import { writeSync } from 'node:fs';
import type { ClientToKernel, KernelToClient } from '../protocol/messages';

export interface KernelChannel {
  send(message: KernelToClient): void;
  /**
   * Sends messages before returning, for a process about to exit (process.exit, abort): an
   * ordinary send that cannot be written at once waits for the event loop, which never comes.
   */
  sendSync(messages: KernelToClient[]): void;
  onMessage(handler: (message: ClientToKernel) => void): void;
}

/** How long sendSync keeps trying while the client does not read (its socket buffer is full). */
const SYNC_SEND_PATIENCE_MS = 5_000;

interface ChannelControl {
  fd?: number;
  refCounted?: () => void;
}

export function processChannel(): KernelChannel {
  if (!process.send) throw new Error('tfnb kernel must be started with an IPC channel (by the tfnb client)');
  const control = process.channel as unknown as ChannelControl | undefined;
  const queue = trackQueuedWrites(control);
  const fd = control?.fd;
  const send = (message: KernelToClient) => queue.send(message);
  return {
    send,
    sendSync: (messages) => {
      // Disconnected: the socket is closed, and its fd number may belong to another file now.
      if (!process.connected) return;
      // Node's IPC channel ('json' serialization) is one JSON text and a newline per message.
      // Writing to its socket directly is safe only when none of Node's own writes is queued
      // (a message half written would be interleaved): else the ordinary send, best effort.
      if (fd === undefined || queue.queued() !== 0) {
        for (const m of messages) send(m);
        return;
      }
      const text = messages.map((m) => `${JSON.stringify(m)}\n`).join('');
      if (!writeAll(fd, Buffer.from(text))) for (const m of messages) send(m);
    },
    onMessage: (handler) => {
      process.on('message', (m) => handler(m as ClientToKernel));
    },
  };
}

/**
 * A send that knows how many messages Node still has queued. When a message cannot be written
 * at once, Node's channel calls refCounted() during process.send (keeping the process alive
 * until the write ends) and the send's callback when it does. refCounted() is also called when
 * a 'message' listener is added, but not during a send. Without that method (another Node),
 * the queue counts as never empty and sendSync falls back to the ordinary send.
 */
function trackQueuedWrites(control: ChannelControl | undefined): { send: (m: KernelToClient) => void; queued: () => number } {
  const plainSend = (m: KernelToClient) => {
    process.send!(m);
  };
  if (!control || typeof control.refCounted !== 'function') return { send: plainSend, queued: () => 1 };
  let queued = 0;
  let sending = false;
  let wentAsync = false;
  const ref = control.refCounted.bind(control);
  control.refCounted = () => {
    if (sending) wentAsync = true;
    ref();
  };
  return {
    send: (m) => {
      sending = true;
      wentAsync = false;
      let counted = false;
      try {
        process.send!(m, undefined, undefined, () => {
          if (counted) queued--;
        });
      } finally {
        sending = false;
      }
      if (wentAsync) {
        counted = true;
        queued++;
      }
    },
    queued: () => queued,
  };
}
/** Writes all of `bytes` to a non-blocking socket, waiting out EAGAIN; false if it could not. */
function writeAll(fd: number, bytes: Buffer): boolean {
  const nap = new Int32Array(new SharedArrayBuffer(4));
  const deadline = Date.now() + SYNC_SEND_PATIENCE_MS;
  let at = 0;
  while (at < bytes.length) {
    try {
      at += writeSync(fd, bytes, at, bytes.length - at);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'EAGAIN' || Date.now() > deadline) return at === 0 ? false : true;
      Atomics.wait(nap, 0, 0, 1);
    }
  }
  return true;
}
