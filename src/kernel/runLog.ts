/**
 * What a recorded run keeps from the kernel (docs/experiments.md): every epoch of every `fit` and
 * `fitDataset`, through a callback added to the user's, and the scalars cells log with
 * `tfnb.log`. Both go to the client as `run-metric` messages; the client decides whether to record.
 */
import type { Tfnb, LoggedValue } from '../api/runs';
import type { RunMetric } from '../protocol/messages';
import type { Tf } from './backend';
import { currentExecutionId } from './executionContext';

type Send = (executionId: string | null, metric: RunMetric) => void;
type FitMethod = (this: unknown, ...args: unknown[]) => Promise<unknown>;

/** Where fit/fitDataset take their config: fit(x, y, config), fitDataset(dataset, config). */
const CONFIG_ARG = { fit: 2, fitDataset: 1 } as const;

let fitCounter = 0;

/** Adds the run's epoch callback to every fit of the tf in use. */
export function logFitEpochs(tf: Tf, send: Send): void {
  const proto = tf.LayersModel.prototype as unknown as Record<'fit' | 'fitDataset', FitMethod>;
  const BaseCallback = Object.getPrototypeOf(tf.CustomCallback) as abstract new (...args: never[]) => object;
  for (const method of ['fit', 'fitDataset'] as const) {
    const original = proto[method];
    proto[method] = function (this: unknown, ...args: unknown[]) {
      const fitId = ++fitCounter;
      const owner = currentExecutionId();
      const epochs = new tf.CustomCallback(
        {
          onEpochEnd: (epoch: number, logs?: Record<string, unknown>) => {
            const numbers: Record<string, number> = {};
            for (const [k, v] of Object.entries(logs ?? {})) if (typeof v === 'number' && Number.isFinite(v)) numbers[k] = v;
            send(owner, { kind: 'epoch', fitId, epoch: epoch + 1, logs: numbers });
            return Promise.resolve();
          },
        },
        'never',
      );
      const at = CONFIG_ARG[method];
      const config = (args[at] ?? {}) as { callbacks?: unknown; yieldEvery?: unknown };
      const withOurs = { ...config, callbacks: [...standardCallbacks(tf, BaseCallback, config), epochs] };
      const copy = [...args];
      while (copy.length < at) copy.push(undefined);
      copy[at] = withOurs;
      return original.apply(this, copy);
    };
  }
}

/**
 * The user's callbacks as tfjs would make them (standardizeCallbacks): callback objects kept,
 * plain `{ onEpochEnd… }` configs wrapped, so ours can be appended to either kind.
 */
function standardCallbacks(
  tf: Tf,
  BaseCallback: abstract new (...args: never[]) => object,
  config: { callbacks?: unknown; yieldEvery?: unknown },
): unknown[] {
  const given = config.callbacks;
  if (given == null) return [];
  if (given instanceof BaseCallback) return [given];
  const list = Array.isArray(given) ? given : [given];
  if (list[0] instanceof BaseCallback) return list;
  const yieldEvery = config.yieldEvery as ConstructorParameters<Tf['CustomCallback']>[1];
  return list.map((c) => new tf.CustomCallback(c as ConstructorParameters<Tf['CustomCallback']>[0], yieldEvery));
}

/** The `tfnb` global: `tfnb.log(name, value, step?)`. */
export function createTfnbApi(send: Send): Tfnb {
  return {
    log(name: string, value: LoggedValue, step?: number): void {
      if (typeof name !== 'string' || name.trim() === '') throw new TypeError('tfnb.log: the name must be a non-empty string');
      const v = numberOf(value);
      if (v === undefined || !Number.isFinite(v))
        throw new TypeError(`tfnb.log('${name}', …): the value must be a finite number or a tensor of one value`);
      if (step !== undefined && !(Number.isInteger(step) && step >= 0))
        throw new TypeError(`tfnb.log('${name}', …, step): the step must be a whole number, 0 or more`);
      send(currentExecutionId(), step === undefined ? { kind: 'scalar', name, value: v } : { kind: 'scalar', name, value: v, step });
    },
  };
}

function numberOf(value: LoggedValue): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'object' && value !== null && value.size === 1 && typeof value.dataSync === 'function') {
    const data = value.dataSync() as ArrayLike<number>;
    return Number(data[0]);
  }
  return undefined;
}
