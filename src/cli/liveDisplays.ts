/**
 * Live displays on the terminal. A display that a cell keeps updating in place (the MNIST
 * download's progress bar, a training chart) has no place in a text stream, so `tfnb run`
 * prints its text/plain as one progress line: at most one line per display every
 * `intervalMs`, and always its latest state, within `intervalMs` of its arrival or when
 * `flush` is called (a cell ended). The first showing is not printed: only updates are progress.
 */

const MAX_LINE_CHARS = 200;
const MAX_LINES_JOINED = 3;

interface LiveState {
  /** When a line for this display was last printed (or it was first shown). */
  lastAt: number;
  lastText?: string;
  pending?: string;
  timer?: NodeJS.Timeout;
}

export class LiveDisplayLines {
  private states = new Map<string, LiveState>();

  constructor(
    private readonly print: (line: string) => void,
    private readonly intervalMs = 1000,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** A display with this id was shown (`update` false) or updated; `label` names the cell it came from. */
  display(displayId: string, label: string, text: unknown, update: boolean): void {
    let state = this.states.get(displayId);
    if (!update) {
      if (!state) this.states.set(displayId, { lastAt: this.now() });
      return;
    }
    const summary = oneLine(text);
    if (!summary) return;
    const line = `${label}: ${summary}`;
    if (!state) {
      state = { lastAt: -Infinity };
      this.states.set(displayId, state);
    }
    if (line === state.lastText) {
      state.pending = undefined;
      return;
    }
    const wait = state.lastAt + this.intervalMs - this.now();
    if (wait <= 0) {
      this.printNow(state, line);
      return;
    }
    state.pending = line;
    if (!state.timer) {
      state.timer = setTimeout(() => {
        state.timer = undefined;
        this.printPending(state);
      }, wait);
      state.timer.unref();
    }
  }

  /** Prints every display's latest state not yet printed (a cell ended, or the run). */
  flush(): void {
    for (const state of this.states.values()) this.printPending(state);
  }

  private printPending(state: LiveState): void {
    if (state.timer) {
      clearTimeout(state.timer);
      state.timer = undefined;
    }
    if (state.pending !== undefined) this.printNow(state, state.pending);
  }

  private printNow(state: LiveState, line: string): void {
    state.pending = undefined;
    state.lastText = line;
    state.lastAt = this.now();
    this.print(line);
  }
}

/** A display's text/plain as one line: its first non-empty lines joined, clipped. */
export function oneLine(text: unknown): string {
  if (typeof text !== 'string') return '';
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const joined = lines.slice(0, MAX_LINES_JOINED).join(' · ') + (lines.length > MAX_LINES_JOINED ? ' …' : '');
  return joined.length > MAX_LINE_CHARS ? `${joined.slice(0, MAX_LINE_CHARS - 1)}…` : joined;
}
