/**
 * fit's epoch averages of the loss and metrics without tensor work on every batch. tfjs-layers'
 * BaseLogger (the first callback of every fit) adds each batch's scalar into a running total
 * with tensor ops (mul, add, dispose: about 0.1 ms a batch on wasm, 10-15 % of a fused MNIST
 * step). On the wasm and cpu backends, where reading a scalar is a plain memory read, the totals
 * are kept as numbers instead, rounded to float32 at each step exactly as the tensor ops round,
 * so the epoch logs and `history` hold the same values bit for bit; the epoch's averages are
 * scalars again, as tfjs makes them. Other backends (a GPU: a read is a stall) keep tfjs's code.
 */
import type * as tfType from '@tensorflow/tfjs';
import type { Tf } from '../tfType';

const PATCHED = Symbol.for('tfnb.epochTotals');

/** A total kept in float32 arithmetic for a key whose batch values are scalars. */
class Float32Total {
  constructor(public value: number) {}
}

type Totals = Record<string, number | tfType.Tensor | Float32Total>;

interface BaseLoggerInternals {
  seen: number;
  totals: Totals;
  params: { metrics: string[] };
  onBatchEnd(batch: number, logs?: Record<string, number | tfType.Tensor>): Promise<void>;
  onEpochEnd(epoch: number, logs?: Record<string, number | tfType.Tensor>): Promise<void>;
}

/** Whether reading this value is cheap and the fast totals apply. */
function readable(tf: Tf, value: tfType.Tensor): boolean {
  const backend = tf.getBackend();
  return (backend === 'wasm' || backend === 'cpu') && value.size === 1 && value.dtype === 'float32';
}

function patch(tf: Tf, proto: BaseLoggerInternals): void {
  const originalBatchEnd = proto.onBatchEnd;
  const originalEpochEnd = proto.onEpochEnd;
  proto.onBatchEnd = async function (this: BaseLoggerInternals, batch, logs) {
    if (!logs) return originalBatchEnd.call(this, batch, logs);
    const fast: Record<string, number> = {};
    const rest: Record<string, number | tfType.Tensor> = {};
    for (const key in logs) {
      const value = logs[key]!;
      const total = this.totals[key];
      const fresh = !(key in this.totals);
      if (typeof value !== 'number' && readable(tf, value) && (fresh || total instanceof Float32Total)) {
        fast[key] = value.dataSync()[0]!;
      } else {
        rest[key] = value;
      }
    }
    // tfjs: totals[key] = add(totals[key], mul(value, batchSize)), each op rounded to float32.
    const batchSize = Math.fround(logs.size === undefined || logs.size === null ? 0 : Number(logs.size));
    for (const key in fast) {
      const previous = this.totals[key];
      const sum = previous instanceof Float32Total ? previous.value : 0;
      this.totals[key] = new Float32Total(Math.fround(sum + Math.fround(fast[key]! * batchSize)));
    }
    // The rest (numbers, `size` and `batch`, other backends' tensors) as tfjs does it; it counts `seen`.
    await originalBatchEnd.call(this, batch, rest);
  };
  proto.onEpochEnd = async function (this: BaseLoggerInternals, epoch, logs) {
    if (logs) {
      for (const key of this.params.metrics) {
        const total = this.totals[key];
        // tfjs: mul(div(1, seen), total), in float32.
        if (total instanceof Float32Total) logs[key] = tf.scalar(Math.fround(Math.fround(1 / this.seen) * total.value));
      }
    }
    const others: Totals = {};
    for (const key in this.totals) if (!(this.totals[key] instanceof Float32Total)) others[key] = this.totals[key]!;
    const all = this.totals;
    this.totals = others;
    try {
      await originalEpochEnd.call(this, epoch, logs);
    } finally {
      this.totals = all;
    }
  };
}

/**
 * Patches BaseLogger once per process. It is not exported; fit makes one as the first callback of
 * the list it configures, then calls setParams, where it is found (by its code, not its name,
 * which bundlers rename).
 */
export function installEpochTotals(tf: Tf): void {
  const listProto = (tf as unknown as { CallbackList: { prototype: Record<PropertyKey, unknown> } }).CallbackList.prototype;
  if (listProto[PATCHED]) return;
  listProto[PATCHED] = true;
  const originalSetParams = listProto.setParams as (this: { callbacks: unknown[] }, params: unknown) => void;
  const seen = new WeakSet<object>();
  listProto.setParams = function (this: { callbacks: unknown[] }, params: unknown) {
    const first = this.callbacks[0] as object | undefined;
    const proto = first ? (Object.getPrototypeOf(first) as BaseLoggerInternals | null) : null;
    if (proto && !seen.has(proto)) {
      seen.add(proto);
      const code = String(proto.onBatchEnd) + String(proto.onEpochEnd);
      if (code.includes('this.totals') && code.includes('this.seen') && !Object.prototype.hasOwnProperty.call(proto, PATCHED)) {
        Object.defineProperty(proto, PATCHED, { value: true });
        patch(tf, proto);
      }
    }
    originalSetParams.call(this, params);
  };
}
