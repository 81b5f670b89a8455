/**
 * Records one run of a notebook (docs/experiments.md): claims its folder in tfnb-runs/, writes
 * each fit epoch and `tfnb.log` scalar to the run's event file as it comes, and keeps run.json
 * (parameters, backend, git commit, final metrics, curves) and the index up to date: at the
 * start (status `running`), at the first metric, and at the end. Used by `tfnb run`, `tfnb sweep`
 * and VS Code's Run All.
 */
import { dirname, join, resolve } from 'node:path';
import type { ParameterValue } from '../notebook/parameters';
import type { BackendInfo, RunMetricMessage } from '../protocol/messages';
import { ScalarEventFile } from './eventFile';
import { gitCommitOf } from './gitCommit';
import { RUNS_DIR, RUN_SCHEMA_VERSION, type RunRecord, type RunSource, type RunStatus } from './runRecord';
import { claimRunFolder, writeRun } from './runStore';

/** Points kept per curve in run.json (the event file keeps them all). */
export const MAX_SERIES_POINTS = 2000;

export interface RunStart {
  notebook: string;
  parameters: ReadonlyArray<[string, ParameterValue]>;
  /** Default: the parameters (`lr=0.01,batch=32`), or the notebook's name without them. */
  name?: string;
  source: RunSource;
  /** Default: tfnb-runs/ beside the notebook. */
  runsDir?: string;
  /** When the run began, if before the recorder was made (`performance.now()`; default: now). */
  beganAtMs?: number;
}

export class RunRecorder {
  readonly id: string;
  readonly dir: string;
  readonly runsDir: string;
  private readonly record: RunRecord;
  private readonly events: ScalarEventFile;
  private readonly started: number;
  /** A kernel's fit ids, numbered 1, 2… in the order this run saw them. */
  private readonly fitNumbers = new Map<number, number>();
  private readonly logCounts = new Map<string, number>();
  private finished = false;

  constructor(start: RunStart) {
    const notebook = resolve(start.notebook);
    this.runsDir = resolve(start.runsDir ?? join(dirname(notebook), RUNS_DIR));
    const parameters = Object.fromEntries(start.parameters);
    const name = start.name ?? defaultRunName(notebook, start.parameters);
    this.started = start.beganAtMs ?? performance.now();
    const startedAt = new Date(Date.now() - (performance.now() - this.started));
    this.id = claimRunFolder(this.runsDir, name, startedAt);
    this.dir = join(this.runsDir, this.id);
    this.events = new ScalarEventFile(this.dir);
    this.record = {
      version: RUN_SCHEMA_VERSION,
      id: this.id,
      name,
      source: start.source,
      status: 'running',
      notebook,
      parameters,
      startedAt: startedAt.toISOString(),
      fits: 0,
      metrics: {},
      series: {},
    };
    const git = gitCommitOf(notebook);
    if (git) this.record.git = git;
    this.save();
  }

  backend(info: BackendInfo): void {
    this.record.backend = info.name;
    if (info.adapter) this.record.adapter = info.adapter;
    this.record.tfVersion = info.tfVersion;
    this.save();
  }

  /** A kernel's `run-metric` message: a fit's epoch (tags `loss`, `val_acc`; `fit2/loss` for the second fit…) or a `tfnb.log` scalar. */
  metric(message: RunMetricMessage): void {
    if (this.finished) return;
    const m = message.metric;
    if (m.kind === 'epoch') {
      let n = this.fitNumbers.get(m.fitId);
      if (n === undefined) {
        n = this.fitNumbers.size + 1;
        this.fitNumbers.set(m.fitId, n);
        this.record.fits = n;
      }
      const prefix = n === 1 ? '' : `fit${n}/`;
      const values = Object.fromEntries(Object.entries(m.logs).map(([k, v]) => [prefix + k, v]));
      this.add(m.epoch, values);
    } else {
      const count = this.logCounts.get(m.name) ?? 0;
      this.logCounts.set(m.name, count + 1);
      this.add(m.step ?? count, { [m.name]: m.value });
    }
  }

  finish(outcome: { status: Exclude<RunStatus, 'running'>; failure?: string; executedNotebook?: string }): RunRecord {
    if (!this.finished) {
      this.finished = true;
      this.record.status = outcome.status;
      if (outcome.failure) this.record.failure = outcome.failure;
      if (outcome.executedNotebook) this.record.executedNotebook = resolve(outcome.executedNotebook);
      this.record.durationMs = Math.round(performance.now() - this.started);
      this.save();
    }
    return this.record;
  }

  private add(step: number, values: Record<string, number>): void {
    this.events.scalars(step, values);
    for (const [tag, value] of Object.entries(values)) {
      this.record.metrics[tag] = value;
      const series = (this.record.series[tag] ??= []);
      series.push([step, value]);
      // Every other point dropped (the last kept): bounded however long the run.
      if (series.length > MAX_SERIES_POINTS) this.record.series[tag] = series.filter((_, i) => i % 2 === 1 || i === series.length - 1);
    }
    // run.json is rewritten at most once a second while metrics come (a live run shows in the list).
    const now = performance.now();
    if (now - this.lastSave > SAVE_EVERY_MS) this.save();
  }

  private lastSave = 0;

  private save(): void {
    this.lastSave = performance.now();
    writeRun(this.runsDir, this.record);
  }
}

const SAVE_EVERY_MS = 1000;

/** `lr=0.01,batch=32`, or the notebook's name when no parameter is given. */
export function defaultRunName(notebook: string, parameters: ReadonlyArray<[string, ParameterValue]>): string {
  if (parameters.length === 0) return notebook.replace(/^.*[\\/]/, '').replace(/\.ipynb$/i, '');
  return parameters.map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(',');
}
