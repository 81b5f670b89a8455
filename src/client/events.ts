/**
 * What the execution engine tells its sinks (`tfnb run`'s nbformat writer, VS Code's
 * NotebookCellExecution): typed events, never strings to parse back.
 */
import type { CellLanguage, MemoryReport, StreamName } from '../protocol/messages';
import type { ErrorOutput, ExecutionHandlers } from '../protocol/executionOutputs';
import type { MimeBundle } from '../protocol/mime';

export type { ErrorOutput, ExecutionHandlers } from '../protocol/executionOutputs';

/** Where a log line came from: the client itself, the kernel's own log, or the process's raw stdout/stderr. */
export type LogSource = 'client' | 'kernel' | 'native';
export type LogLevel = 'info' | 'warn' | 'error';
export interface LogEvent {
  level: LogLevel;
  source: LogSource;
  text: string;
}

/**
 * How an execution ended. Every execution request ends in exactly one of these:
 * `timedOut` — over its time limit (interrupted, or the kernel killed and restarted when the
 * interrupt could not land); `died` — the kernel process ended while it ran (or could not start).
 */
export type OutcomeStatus = 'ok' | 'error' | 'interrupted' | 'cancelled' | 'timedOut' | 'died';

export interface ExecutionOutcome {
  status: OutcomeStatus;
  durationMs: number;
  memory?: MemoryReport;
  /** When the kernel died (or was stopped): why, in words. */
  deathReason?: string;
}

export interface ExecuteOptions {
  language?: CellLanguage;
  cellName?: string;
  /** Run only if this earlier execution ends ok; otherwise this one ends `cancelled`. */
  after?: string;
  /**
   * The cell this runs (any stable key): a new execution of the same cell forgets the display
   * ids the cell's earlier outputs showed, since those outputs are replaced.
   */
  cellKey?: string;
  /** The cell's time limit, counted from its start; past it the cell ends `timedOut`. */
  timeoutMs?: number;
  /** Where the limit was set, for the error message, e.g. `--timeout 60`. */
  timeoutSetBy?: string;
}

export type OutputEvent =
  | { kind: 'stream'; executionId: string; late: boolean; name: StreamName; text: string }
  | { kind: 'display'; executionId: string; late: boolean; data: MimeBundle; displayId?: string; update: boolean }
  | { kind: 'result'; executionId: string; late: boolean; data: MimeBundle }
  | { kind: 'error'; executionId: string; late: boolean; error: ErrorOutput };

/** A sink's handlers for one execution: its outputs, and its end (called before the next execution starts). */
export interface ExecutionSink extends ExecutionHandlers {
  onEnd?(outcome: ExecutionOutcome): void;
}

export interface DoneEvent {
  executionId: string;
  outcome: ExecutionOutcome;
}
export interface KernelDiedEvent {
  reason: string;
  pid: number | undefined;
}

export type KernelState = 'starting' | 'idle' | 'busy' | 'dead' | 'closed';
