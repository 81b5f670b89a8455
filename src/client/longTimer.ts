/**
 * setTimeout for any delay. Node's timers hold at most 2^31-1 ms (24.8 days); a longer delay
 * (`--timeout 3000000`) overflows to 1 ms and fires at once. Longer ones are re-armed in steps;
 * Infinity never fires.
 */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface LongTimer {
  clear(): void;
}

export function setLongTimeout(callback: () => void, delayMs: number): LongTimer {
  let timer: NodeJS.Timeout | undefined;
  const arm = (remaining: number) => {
    if (remaining === Infinity) return;
    const step = Math.min(Math.max(remaining, 0), MAX_TIMER_MS);
    timer = setTimeout(() => (remaining > step ? arm(remaining - step) : callback()), step);
  };
  arm(delayMs);
  return { clear: () => clearTimeout(timer) };
}
