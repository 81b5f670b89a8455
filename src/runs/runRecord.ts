/**
 * A recorded run as stored on disk (docs/experiments.md): `tfnb-runs/<id>/run.json` beside the
 * notebook, with the run's TensorBoard event file in the same folder, and `tfnb-runs/index.json`
 * listing every run without its curves. Plain JSON, read by `tfnb runs`, Compare Runs and anyone.
 */
import type { ParameterValue } from '../notebook/parameters';

/** The folder beside the notebook that holds its runs. */
export const RUNS_DIR = 'tfnb-runs';
export const RUN_FILE = 'run.json';
export const INDEX_FILE = 'index.json';
export const RUN_SCHEMA_VERSION = 1;

export type RunStatus = 'running' | 'ok' | 'failed' | 'stopped';
/** Who started it: `tfnb run`, a point of `tfnb sweep`, or Run All in VS Code. */
export type RunSource = 'cli' | 'sweep' | 'vscode';

/** A curve: [step, value] pairs (epochs for a fit's logs). */
export type Series = Array<[number, number]>;

export interface RunSummary {
  version: typeof RUN_SCHEMA_VERSION;
  /** The run's folder name inside tfnb-runs/ (TensorBoard's run name). */
  id: string;
  name: string;
  source: RunSource;
  status: RunStatus;
  /** Why it failed or stopped, in words. */
  failure?: string;
  /** The notebook that ran (absolute), and the executed copy written (absolute), when one was. */
  notebook: string;
  executedNotebook?: string;
  parameters: Record<string, ParameterValue>;
  /** ISO 8601. */
  startedAt: string;
  durationMs?: number;
  backend?: string;
  adapter?: string;
  tfVersion?: string;
  /** The commit of the notebook's git repository, and whether the notebook differs from it; absent outside a repository. */
  git?: { commit: string; dirty: boolean };
  /** How many fits ran. */
  fits: number;
  /** The last value of every curve: `loss`, `val_acc`, `fit2/loss`, `tfnb.log` names. */
  metrics: Record<string, number>;
}

export interface RunRecord extends RunSummary {
  /** Every curve, bounded (MAX_SERIES_POINTS each). */
  series: Record<string, Series>;
}

export interface RunIndex {
  version: typeof RUN_SCHEMA_VERSION;
  runs: RunSummary[];
}

const STATUSES: readonly RunStatus[] = ['running', 'ok', 'failed', 'stopped'];

/** A parsed run.json, or undefined when it is not one (a half-written or foreign file). */
export function asRunRecord(value: unknown): RunRecord | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const r = value as Partial<RunRecord>;
  if (r.version !== RUN_SCHEMA_VERSION || typeof r.id !== 'string' || typeof r.name !== 'string') return undefined;
  if (!STATUSES.includes(r.status as RunStatus) || typeof r.notebook !== 'string' || typeof r.startedAt !== 'string') return undefined;
  if (!isNumberRecord(r.metrics) || typeof r.parameters !== 'object' || r.parameters === null) return undefined;
  if (typeof r.series !== 'object' || r.series === null) return undefined;
  return r as RunRecord;
}

function isNumberRecord(v: unknown): v is Record<string, number> {
  return typeof v === 'object' && v !== null && Object.values(v).every((x) => typeof x === 'number');
}

export function summaryOf(record: RunRecord): RunSummary {
  const { series: _series, ...summary } = record;
  return summary;
}
