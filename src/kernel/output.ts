/**
 * Routes everything a cell writes to the client, in order, batched and capped.
 * Consecutive writes to one stream of one execution are merged into one message and flushed
 * on a short timer, so 100,000 console.log calls become a handful of IPC messages. Each
 * execution has a byte cap that streams, displays, results and errors all count against; past
 * it, stream writes are counted and dropped (a notice says how much when the cell ends), and a
 * display, result or error is replaced by a short note saying what was dropped and how big.
 */
import type { KernelToClient, StreamName } from '../protocol/messages';
import type { MimeBundle } from '../protocol/mime';
import { formatBytes } from '../shared/formatBytes';
import { capText, type FormattedError } from './errors';

const FLUSH_DELAY_MS = 15;
const MAX_PENDING_CHARS = 256 * 1024;
/** Errors one execution sends at most: a timer that throws every millisecond must not flood the client. */
export const MAX_ERRORS_PER_EXECUTION = 100;

interface ExecutionBudget {
  written: number;
  dropped: number;
  errors: number;
  /** The stream whose write first went over the cap. */
  cappedStream?: StreamName;
}

/** What an execution lost to the cap, and on which stream the cap was hit. */
export interface DroppedOutput {
  bytes: number;
  stream: StreamName;
}

export class OutputRouter {
  private pending: KernelToClient[] = [];
  private timer: NodeJS.Timeout | undefined;
  private budgets = new Map<string, ExecutionBudget>();
  private readonly beforeDone: Array<(executionId: string) => void> = [];

  /**
   * `sendNow` sends one message (asynchronously); `sendNowSync`, when given, sends messages
   * before it returns, for a process about to exit.
   */
  constructor(
    private readonly sendNow: (m: KernelToClient) => void,
    private readonly maxOutputBytes: number,
    private readonly sendNowSync?: (messages: KernelToClient[]) => void,
  ) {}

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
    // An update replaces an output rather than adding one: it must fit the cap on its own but
    // does not use the cell's budget up (a live chart sends hundreds of them).
    if (executionId !== null) data = update ? this.fitAlone(data, 'display update') : this.fit(executionId, data, 'display');
    // A later update of the same output supersedes a pending one: send only the newest.
    if (update && displayId !== undefined) {
      this.pending = this.pending.filter((m) => !(m.type === 'display' && m.update && m.displayId === displayId));
    }
    this.pending.push({ type: 'display', executionId, data, displayId, update });
    this.schedule();
  }

  /**
   * The cell's result, or a note in its place when it does not fit the cell's budget. A small
   * result (up to an eighth of the cap, 64 KB at most) is the cell's one answer and is shown even
   * after its printed output used the budget up: a note would be bigger than it.
   */
  result(executionId: string, data: MimeBundle): void {
    const reserve = Math.min(64 * 1024, Math.floor(this.maxOutputBytes / 8));
    const bytes = payloadBytes(data, reserve + 1);
    if (bytes <= reserve) {
      this.budget(executionId).written += bytes;
      this.send({ type: 'result', executionId, data });
      return;
    }
    this.send({ type: 'result', executionId, data: this.fit(executionId, data, 'result') });
  }

  /**
   * An error of an execution. It is always sent (the cell failed, and must say so), cut to
   * what is left of the cell's budget, and to a short head of its message when nothing is.
   */
  error(executionId: string, error: FormattedError): void {
    const budget = this.budget(executionId);
    if (++budget.errors > MAX_ERRORS_PER_EXECUTION) {
      if (budget.errors === MAX_ERRORS_PER_EXECUTION + 1) {
        this.pending.push({
          type: 'stream',
          executionId,
          name: 'stderr',
          text: `[tfnb] this cell has sent ${MAX_ERRORS_PER_EXECUTION} errors; later ones are not shown\n`,
        });
        this.flush();
      }
      return;
    }
    const bytes = formattedErrorBytes(error, this.maxOutputBytes + 1);
    const room = Math.max(0, this.maxOutputBytes - budget.written);
    if (bytes > room) {
      const note = `[tfnb] this error's text (${bytes > this.maxOutputBytes ? `over ${formatBytes(this.maxOutputBytes)}` : formatBytes(bytes)}) was cut: over this cell's output limit (setting tfnb.maxOutputBytes)`;
      const evalue = capText(error.evalue, 500, 'characters');
      error = {
        ename: error.ename,
        evalue,
        traceback: [`${error.ename}: ${evalue}`, ...error.traceback.slice(1, 6).map((l) => capText(l, 500, 'characters')), note],
      };
    }
    budget.written += Math.min(bytes, room);
    this.send({ type: 'error', executionId, ...error });
  }

  /** Runs before an execution's 'done' is queued: what it shows last then precedes its end. */
  onBeforeDone(hook: (executionId: string) => void): void {
    this.beforeDone.push(hook);
  }

  /** Sends a message after everything queued before it. */
  send(message: KernelToClient): void {
    if (message.type === 'done') {
      for (const hook of this.beforeDone) {
        try {
          hook(message.executionId);
        } catch (e) {
          // A failing live output must not keep the cell from ending.
          this.stream(message.executionId, 'stderr', `[tfnb] could not send a live output's final state: ${String(e)}\n`);
        }
      }
    }
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
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const batch = this.pending;
    this.pending = [];
    for (const m of batch) this.sendNow(m);
  }

  /** Sends everything pending before returning: the process is about to exit or abort. */
  flushSync(): void {
    if (!this.sendNowSync) {
      this.flush();
      return;
    }
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const batch = this.pending;
    this.pending = [];
    if (batch.length > 0) this.sendNowSync(batch);
  }

  /** `data`, or a note in its place when it does not fit what is left of the cell's budget. */
  private fit(executionId: string, data: MimeBundle, what: string): MimeBundle {
    const budget = this.budget(executionId);
    const room = Math.max(0, this.maxOutputBytes - budget.written);
    const bytes = payloadBytes(data, room + 1);
    if (bytes <= room) {
      budget.written += bytes;
      return data;
    }
    const size = payloadBytes(data, this.maxOutputBytes * 64 + 1);
    return droppedNote(
      what,
      size > this.maxOutputBytes * 64 ? `over ${formatBytes(this.maxOutputBytes * 64)}` : formatBytes(size),
      room < this.maxOutputBytes,
    );
  }

  private fitAlone(data: MimeBundle, what: string): MimeBundle {
    const bytes = payloadBytes(data, this.maxOutputBytes + 1);
    return bytes <= this.maxOutputBytes ? data : droppedNote(what, `over ${formatBytes(this.maxOutputBytes)}`, false);
  }

  private budget(executionId: string): ExecutionBudget {
    let b = this.budgets.get(executionId);
    if (!b) {
      b = { written: 0, dropped: 0, errors: 0 };
      this.budgets.set(executionId, b);
    }
    return b;
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, FLUSH_DELAY_MS);
    this.timer.unref();
  }
}

function droppedNote(what: string, size: string, othersCounted: boolean): MimeBundle {
  const limit = othersCounted ? "what is left of this cell's output limit" : "this cell's output limit";
  return { 'text/plain': `[tfnb] ${what} not shown: ${size} is over ${limit} (setting tfnb.maxOutputBytes)` };
}

/**
 * About how many bytes `value` takes as JSON (strings by their UTF-8 length), counting only up
 * to `limit`: past it the walk stops, so a 400 MB payload costs no more than a small one.
 */
export function payloadBytes(value: unknown, limit: number): number {
  let total = 0;
  const stack: Array<{ v: unknown; depth: number }> = [{ v: value, depth: 0 }];
  while (stack.length > 0 && total <= limit) {
    const { v, depth } = stack.pop()!;
    if (typeof v === 'string') {
      // A string is at least as many bytes as it has characters: a long one needs no counting.
      total += v.length > limit - total ? v.length : Buffer.byteLength(v) + 2;
    } else if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined) {
      total += 8;
    } else if (ArrayBuffer.isView(v)) {
      total += v.byteLength * 2;
    } else if (typeof v === 'object' && depth < 64) {
      if (Array.isArray(v)) {
        total += 2 + v.length;
        for (let i = v.length - 1; i >= 0 && total <= limit; i--) stack.push({ v: v[i], depth: depth + 1 });
      } else {
        for (const [key, item] of Object.entries(v)) {
          total += key.length + 4;
          stack.push({ v: item, depth: depth + 1 });
          if (total > limit) break;
        }
      }
    }
  }
  return total;
}

function formattedErrorBytes(error: FormattedError, limit: number): number {
  return payloadBytes([error.ename, error.evalue, error.traceback], limit);
}

function truncateToBytes(text: string, maxBytes: number): string {
  const buf = Buffer.from(text).subarray(0, maxBytes);
  // Drop a partial UTF-8 sequence at the cut.
  return buf.toString('utf8').replace(/\uFFFD$/, '');
}

/** Kept here for the kernel's callers; the one home is src/shared/formatBytes.ts. */
export { formatBytes };
