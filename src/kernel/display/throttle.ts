/**
 * Rate-limits live updates of one output: at most one send per interval (on the given clock),
 * the latest state sent at the end of a busy interval (trailing), and flush() for the final send.
 */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class Throttle {
  private last = -Infinity;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly intervalMs: number,
    private readonly now: () => number,
    private readonly send: () => void,
  ) {}

  /** Records a send made outside the throttle (e.g. the first display). */
  markSent(): void {
    this.last = this.now();
  }

  /** Sends now if the interval has passed since the last send, else schedules a trailing send. Returns true if sent now. */
  request(): boolean {
    if (this.now() - this.last >= this.intervalMs) {
      this.cancel();
      this.sendNow();
      return true;
    }
    if (!this.timer) this.schedule();
    return false;
  }

  /** Sends now, whatever the interval: the final state must never be dropped. */
  flush(): void {
    this.cancel();
    this.sendNow();
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    const wait = Math.min(MAX_TIMER_MS, Math.max(0, this.intervalMs - (this.now() - this.last)));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // The clock may not be wall time: send only once the interval has passed on it.
      if (this.now() - this.last >= this.intervalMs) this.sendNow();
      else this.schedule();
    }, wait);
    this.timer.unref?.();
  }

  private sendNow(): void {
    this.last = this.now();
    this.send();
  }
}
