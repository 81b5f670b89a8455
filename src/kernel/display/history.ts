/**
 * tf.History (fit's result) and tfjs-vis's other history shapes (Logs[], or Logs[][] with one
 * list per metric) → one entry per epoch, for the training payload.
 */
import type { EpochLogs, TrainingPayload } from '../../protocol/mime';
import type { Tf } from './displayContext';
import { scalarValueSync } from './detect';

type LogsRecord = Record<string, unknown>;

function isRecord(v: unknown): v is LogsRecord {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function numbers(logs: LogsRecord, tf: Tf, only?: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(logs)) {
    if (only && !only.includes(k)) continue;
    const n = scalarValueSync(v, tf);
    if (n !== undefined) out[k] = n;
  }
  return out;
}

/** Epoch entries (1-based `epoch`) from any history shape tfjs-vis's show.history accepts. */
export function historyEpochs(history: unknown, tf: Tf, metrics?: string[]): EpochLogs[] {
  if (Array.isArray(history)) {
    if (history.length > 0 && Array.isArray(history[0])) {
      // Logs[][]: list i holds the logs of metrics[i]
      const epochs: EpochLogs[] = [];
      history.forEach((list: unknown, i) => {
        if (!Array.isArray(list)) return;
        list.forEach((logs: unknown, j) => {
          if (!isRecord(logs)) return;
          epochs[j] ??= { epoch: j + 1 };
          Object.assign(epochs[j], numbers(logs, tf, metrics?.[i] !== undefined ? [metrics[i]] : undefined));
        });
      });
      return epochs.filter(Boolean);
    }
    return history.filter(isRecord).map((logs, i) => ({ ...numbers(logs, tf), epoch: i + 1 }));
  }
  if (isRecord(history) && isRecord(history.history)) {
    const series = history.history;
    const epochIds = Array.isArray(history.epoch) ? history.epoch : [];
    const length = Math.max(0, ...Object.values(series).map((s) => (Array.isArray(s) ? s.length : 0)));
    const epochs: EpochLogs[] = [];
    for (let i = 0; i < length; i++) {
      const entry: EpochLogs = { epoch: (typeof epochIds[i] === 'number' ? (epochIds[i] as number) : i) + 1 };
      for (const [k, s] of Object.entries(series)) {
        const n = Array.isArray(s) ? scalarValueSync(s[i], tf) : undefined;
        if (n !== undefined) entry[k] = n;
      }
      epochs.push(entry);
    }
    return epochs;
  }
  throw new TypeError('history must be a tf.History, an array of logs, or an array of arrays of logs');
}

export function historyPayload(history: unknown, tf: Tf, metrics?: string[], title?: string): TrainingPayload {
  const payload: TrainingPayload = { epochs: historyEpochs(history, tf, metrics) };
  if (metrics?.length) payload.metrics = metrics;
  if (title) payload.title = title;
  return payload;
}
