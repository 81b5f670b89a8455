/**
 * tfvis.show.fitCallbacks: a live training output. The callbacks are an instance of a subclass of
 * the given tf's Callback, so fit() hands it `params` (epochs, steps, samples, batchSize) and the
 * model (for Stop). Handlers are also own properties that do not rely on `this`, so the object still
 * works when spread or wrapped in user callbacks (then without progress totals or Stop).
 */
import { randomUUID } from 'node:crypto';
import type { MimeBundle, TrainingPayload } from '../../protocol/mime';
import { stopModel } from '../runningFits';
import type { ResolvedContext, Tf } from './displayContext';
import { scalarValue } from './detect';
import { Throttle } from './throttle';
import { TrainingRecorder, trainingBundle } from './trainingOutput';
import type { TrainingRuns } from './trainingCharts';
import type { FitCallbacksOptions, TfvisFitCallbacks } from '../../api/tfvis';
export type { FitCallbacksOptions, TfvisFitCallbacks } from '../../api/tfvis';

/** What fit() sets on a tf.Callback. */
interface CallbackTarget {
  params?: Record<string, unknown>;
  model?: { stopTraining: boolean };
}

/** Give the kernel's event loop a turn (stop messages, output flushing) at least this often. */
const YIELD_EVERY_MS = 100;

const NOT_METRICS = new Set(['batch', 'size']);

async function resolveLogs(logs: unknown, tf: Tf): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  if (typeof logs !== 'object' || logs === null) return out;
  for (const [k, v] of Object.entries(logs)) {
    if (NOT_METRICS.has(k)) continue;
    const n = await scalarValue(v, tf);
    if (n !== undefined) out[k] = n;
  }
  return out;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** 'acc' ↔ 'accuracy' (also with a val_ prefix): tfjs logs one or the other depending on version and compile args. */
function accuracyAlias(metric: string): string | undefined {
  if (/(^|_)accuracy$/.test(metric)) return metric.replace(/accuracy$/, 'acc');
  if (/(^|_)acc$/.test(metric)) return `${metric}uracy`;
  return undefined;
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

interface RunSetup {
  ctx: ResolvedContext;
  runs: TrainingRuns;
  target: CallbackTarget;
  title?: string;
  metrics: string[];
  recordBatches: boolean;
  intervalMs: number;
}

class TrainingRun {
  readonly id = randomUUID();
  readonly owner: string | null;
  private readonly displayId = `tfnb-training-${this.id}`;
  private readonly recorder = new TrainingRecorder();
  private readonly startedAt: number;
  private readonly throttle: Throttle;
  private epochIndex = 0;
  private batchInEpoch = 0;
  private batchesLastEpoch: number | undefined;
  private epochsDone = 0;
  private stopRequested = false;
  private done = false;
  private lastYield = performance.now();
  private readonly seen = new Set<string>();

  constructor(private readonly s: RunSetup) {
    this.owner = s.ctx.currentOwner();
    this.startedAt = s.ctx.now();
    this.throttle = new Throttle(s.intervalMs, s.ctx.now, () => this.publish(true));
    this.epochIndex = num(s.target.params?.initialEpoch) ?? 0;
  }

  async start(): Promise<void> {
    this.s.runs.add(this);
    this.publish(false);
    this.throttle.markSent();
    await this.yield(true);
  }

  epochBegin(epoch: number): void {
    this.epochIndex = epoch;
    this.batchInEpoch = 0;
  }

  async batchEnd(batch: number, logs: unknown): Promise<void> {
    this.batchInEpoch = batch + 1;
    const values = await resolveLogs(logs, this.s.ctx.tf);
    this.note(values);
    if (this.s.recordBatches) this.recorder.addBatch(values);
    // fit() resets model.stopTraining after onTrainBegin, so a stop that came early is re-applied here.
    if (this.stopRequested && this.s.target.model) stopModel(this.s.target.model);
    await this.yield(this.throttle.request());
  }

  async epochEnd(epoch: number, logs: unknown): Promise<void> {
    this.epochIndex = epoch;
    this.batchesLastEpoch = this.batchInEpoch || this.batchesLastEpoch;
    this.epochsDone++;
    const values = await resolveLogs(logs, this.s.ctx.tf);
    this.note(values);
    this.recorder.addEpoch(epoch + 1, values);
    await this.yield(this.throttle.request());
  }

  get finished(): boolean {
    return this.done;
  }

  flush(): void {
    if (!this.done) this.throttle.flush();
  }

  end(): void {
    if (this.done) return;
    this.done = true;
    this.throttle.flush();
    this.s.runs.remove(this.id);
  }

  requestStop(): boolean {
    if (this.done || !this.s.target.model) return false;
    this.stopRequested = true;
    stopModel(this.s.target.model);
    return true;
  }

  private note(values: Record<string, number>): void {
    for (const k of Object.keys(values)) this.seen.add(k);
  }

  /** The user's metric names, with tfjs's acc/accuracy spellings matched to what the logs use. */
  private metricNames(): string[] | undefined {
    if (this.s.metrics.length === 0) return undefined;
    return this.s.metrics.map((m) => {
      const alias = accuracyAlias(m);
      return !this.seen.has(m) && alias && this.seen.has(alias) ? alias : m;
    });
  }

  private payload(): TrainingPayload {
    const params = this.s.target.params ?? {};
    const totalEpochs = num(params.epochs);
    const initialEpoch = num(params.initialEpoch) ?? 0;
    const samples = num(params.samples),
      batchSize = num(params.batchSize);
    const batchesPerEpoch = num(params.steps) ?? (samples && batchSize ? Math.ceil(samples / batchSize) : this.batchesLastEpoch);
    const elapsedMs = Math.max(0, this.s.ctx.now() - this.startedAt);
    const epoch = this.done ? Math.max(initialEpoch + this.epochsDone, 1) : this.epochIndex + 1;
    const payload: TrainingPayload = {
      epochs: this.recorder.epochs.items(),
      progress: { epoch, batch: this.batchInEpoch, elapsedMs: Math.round(elapsedMs), done: this.done },
      trainingId: this.id,
    };
    const progress = payload.progress!;
    if (totalEpochs !== undefined) progress.totalEpochs = totalEpochs;
    if (batchesPerEpoch !== undefined) progress.batchesPerEpoch = batchesPerEpoch;
    if (this.done) progress.stopped = this.stopRequested || (totalEpochs !== undefined && initialEpoch + this.epochsDone < totalEpochs);
    else if (totalEpochs !== undefined) {
      const runEpochs = totalEpochs - initialEpoch;
      const doneFraction = batchesPerEpoch
        ? ((this.epochIndex - initialEpoch) * batchesPerEpoch + this.batchInEpoch) / (runEpochs * batchesPerEpoch)
        : this.epochsDone / runEpochs;
      if (doneFraction > 0 && doneFraction <= 1) progress.etaMs = Math.round((elapsedMs * (1 - doneFraction)) / doneFraction);
    }
    if (this.s.recordBatches) payload.batches = this.recorder.batches.items();
    const metrics = this.metricNames();
    if (metrics) payload.metrics = metrics;
    if (this.s.title) payload.title = this.s.title;
    return payload;
  }

  private bundle(): MimeBundle {
    return trainingBundle(this.payload(), this.s.ctx.maxPayloadBytes);
  }

  private publish(update: boolean): void {
    this.s.ctx.sink.display(this.bundle(), update ? { displayId: this.displayId, update: true } : { displayId: this.displayId });
  }

  private async yield(force: boolean): Promise<void> {
    if (!force && performance.now() - this.lastYield < YIELD_EVERY_MS) return;
    await yieldToEventLoop();
    this.lastYield = performance.now();
  }
}

export function createFitCallbacks(
  ctx: ResolvedContext,
  runs: TrainingRuns,
  title: string | undefined,
  metrics: string[] | undefined,
  opts: FitCallbacksOptions = {},
): TfvisFitCallbacks {
  const Base = ctx.tf.Callback as typeof ctx.tf.Callback | undefined;
  const target: CallbackTarget = typeof Base === 'function' ? new (class TfvisFitCallback extends Base {})() : {};
  const events = Array.isArray(opts.callbacks) ? opts.callbacks : ['onEpochEnd', 'onBatchEnd'];
  const setup: RunSetup = {
    ctx,
    runs,
    target,
    title,
    metrics: Array.isArray(metrics) ? metrics.filter((m): m is string => typeof m === 'string') : [],
    recordBatches: events.includes('onBatchEnd'),
    intervalMs: typeof opts.updateIntervalMs === 'number' ? opts.updateIntervalMs : ctx.liveUpdateIntervalMs,
  };
  let run: TrainingRun | undefined;
  // Without onTrainBegin (callbacks wrapped by user code), the first event starts the run.
  const current = async (): Promise<TrainingRun> => {
    if (!run || run.finished) {
      run = new TrainingRun(setup);
      await run.start();
    }
    return run;
  };
  const handlers: TfvisFitCallbacks = {
    onTrainBegin: async () => {
      run?.end();
      run = new TrainingRun(setup);
      await run.start();
    },
    onTrainEnd: async () => {
      run?.end();
      run = undefined;
    },
    onEpochBegin: async (epoch) => {
      (await current()).epochBegin(epoch);
    },
    onEpochEnd: async (epoch, logs) => {
      await (await current()).epochEnd(epoch, logs);
    },
    onBatchBegin: async () => {},
    onBatchEnd: async (batch, logs) => {
      await (await current()).batchEnd(batch, logs);
    },
  };
  return Object.assign(target, handlers);
}
