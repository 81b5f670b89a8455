/**
 * Routes everything a cell writes to the client, in order, batched and capped.
 * Consecutive writes to one stream of one execution are merged into one message and flushed
 * on a short timer, so 100,000 console.log calls become a handful of IPC messages. Each
 * execution has a byte cap; past it, writes are counted and dropped, and a notice says how much.
 */
import type { KernelToClient, StreamName } from '../protocol/messages';
import type { MimeBundle } from '../protocol/mime';

const FLUSH_DELAY_MS = 15;
const MAX_PENDING_CHARS = 256 * 1024;

interface ExecutionBudget {
  written: number;
  dropped: number;
  /** The stream whose write first went over the cap. */
  cappedStream?: StreamName;
}

/** What an execution lost to the cap, and on which stream the cap was hit. */
export interface DroppedOutput { bytes: number; stream: StreamName }

export class OutputRouter {
  private pending: KernelToClient[] = [];
  private timer: NodeJS.Timeout | undefined;
  private budgets = new Map<string, ExecutionBudget>();

  constructor(private readonly sendNow: (m: KernelToClient) => void, private readonly maxOutputBytes: number) {}

  stream(executionId: string | null, name: StreamName, text: string): void {
    if (text.length === 0) return;
    if (executionId !== null) {
      const budget = this.budget(executionId);
      const bytes = Buffer.byteLength(text);
      if (budget.written + bytes > this.maxOutputBytes) {
        const room = Math.max(0, this.maxOutputBytes - budget.written);
        if (room > 0) text = truncateToBytes(text, room);
        else text = '';
        budget.dropped += bytes - Buffer.byteLength(text);
        budget.cappedStream ??= name;
        budget.written += Buffer.byteLength(text);
        if (!text) return;
      } else {
        budget.written += bytes;
      }
    }
    const last = this.pending[this.pending.length - 1];
    if (last && last.type === 'stream' && last.executionId === executionId && last.name === name && last.text.length < MAX_PENDING_CHARS) {
      last.text += text;
    } else {
      this.pending.push({ type: 'stream', executionId, name, text });
    }
    this.schedule();
  }

  display(executionId: string | null, data: MimeBundle, displayId: string | undefined, update: boolean): void {
    // A later update of the same output supersedes a pending one: send only the newest.
    if (update && displayId !== undefined) {
      this.pending = this.pending.filter((m) => !(m.type === 'display' && m.update && m.displayId === displayId));
    }
    this.pending.push({ type: 'display', executionId, data, displayId, update });
    this.schedule();
  }

  /** Sends a message after everything queued before it. */
  send(message: KernelToClient): void {
    this.pending.push(message);
    this.flush();
  }

  /** What was dropped for an execution so far (undefined: nothing); forgets its budget when `forget`. */
  dropped(executionId: string, forget: boolean): DroppedOutput | undefined {
    const budget = this.budgets.get(executionId);
    if (forget) this.budgets.delete(executionId);
    return budget && budget.dropped > 0 ? { bytes: budget.dropped, stream: budget.cappedStream ?? 'stderr' } : undefined;
  }

  flush(): void {
    if (this.timer) { clearTimeout(this.timer); this.timer = undefined; }
    const batch = this.pending;
    this.pending = [];
    for (const m of batch) this.sendNow(m);
  }

  private budget(executionId: string): ExecutionBudget {
    let b = this.budgets.get(executionId);
    if (!b) { b = { written: 0, dropped: 0 }; this.budgets.set(executionId, b); }
    return b;
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => { this.timer = undefined; this.flush(); }, FLUSH_DELAY_MS);
    this.timer.unref();
  }
}

function truncateToBytes(text: string, maxBytes: number): string {
  const buf = Buffer.from(text).subarray(0, maxBytes);
  // Drop a partial UTF-8 sequence at the cut.
  return buf.toString('utf8').replace(/\uFFFD$/, '');
}

/** Kept here for the kernel's callers; the one home is src/shared/formatBytes.ts. */
export { formatBytes } from '../shared/formatBytes';
