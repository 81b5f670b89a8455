/**
 * Routes a compiled model's training step through the fused step (denseStep.ts) when the model,
 * its loss, metrics and optimizer allow it and the active backend is wasm. The hook is
 * LayersModel.makeTrainFunction, which fit and trainOnBatch call for the function they run on
 * each batch: fit's loop (callbacks, history, stopTraining, validation, shuffling) stays tfjs's
 * own. A batch the fused step cannot take (sample weights, other dtypes) runs tfjs's function; a
 * model it cannot take is logged once, with the reason.
 */
import type * as tfType from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { Tf } from '../../tfType';
import { wasmMemoryOf } from '../../wasm/backendMemory';
import { createGemmSimd, type GemmSimd } from '../../wasm/simdMatrixProduct';
import { fmaWanted } from '../../wasm/relaxedSimd';
import { DenseTrainer } from './denseStep';
import { planFor, stateOf, weightsOf, type ModelInternals, type TrainPlan } from './plan';

type TrainFunction = (data: tfType.Tensor[]) => tfType.Scalar[];

const PATCHED = Symbol.for('tfnb.fusedTrainStep');

interface Cached {
  /** What the plan was made for: a recompile or another optimizer makes a new one. */
  optimizer: unknown;
  loss: unknown;
  metrics: unknown;
  plan: TrainPlan | string;
  trainer?: DenseTrainer;
}

const cache = new WeakMap<object, Cached>();
const logged = new WeakSet<object>();
const gemmByBackend = new WeakMap<BackendWasm, Map<boolean | 'auto', GemmSimd | null>>();
const freeBuffers = new FinalizationRegistry<DenseTrainer>((trainer) => trainer.dispose());

/**
 * Turns the fused step off (tests compare it with tfjs's own; benches set TFNB_FUSED_TRAIN=off),
 * and picks its products' multiply-adds: fused (relaxed SIMD) or not (TFNB_WASM_FMA; tests force each).
 */
export const fusedTrainStep: { enabled: boolean; fma: boolean | 'auto' } = {
  enabled: process.env.TFNB_FUSED_TRAIN !== 'off',
  fma: fmaWanted(),
};

function gemmFor(backend: BackendWasm): GemmSimd | null {
  let byMode = gemmByBackend.get(backend);
  if (!byMode) gemmByBackend.set(backend, (byMode = new Map()));
  const mode = fusedTrainStep.fma;
  let gemm = byMode.get(mode);
  if (gemm === undefined) {
    const memory = wasmMemoryOf(backend);
    gemm = memory ? (createGemmSimd(memory, mode) ?? null) : null;
    byMode.set(mode, gemm);
  }
  return gemm;
}

function cachedPlan(tf: Tf, model: ModelInternals): Cached {
  const found = cache.get(model);
  if (found && found.optimizer === model.optimizer && found.loss === model.loss && found.metrics === model.metrics) return found;
  found?.trainer?.dispose();
  const fresh: Cached = { optimizer: model.optimizer, loss: model.loss, metrics: model.metrics, plan: planFor(tf, model) };
  cache.set(model, fresh);
  return fresh;
}

/** The batch's input and target when the fused step can take them. */
function batchOf(plan: TrainPlan, data: tfType.Tensor[]): [tfType.Tensor, tfType.Tensor] | undefined {
  const [x, y, ...weights] = data;
  if (!x || !y || weights.some((w) => w !== undefined && w !== null)) return undefined;
  const rows = x.shape[0] ?? 0;
  if (x.dtype !== 'float32' || rows === 0 || x.size !== rows * plan.inputSize) return undefined;
  if (y.dtype !== 'float32' && y.dtype !== 'int32') return undefined;
  const units = plan.stages[plan.stages.length - 1]!.units;
  const wanted = plan.loss === 'sparseCategoricalCrossentropy' ? rows : rows * units;
  if (y.size !== wanted || y.shape[0] !== rows) return undefined;
  return [x, y];
}

/** Whether the batch and every weight already live on this backend (tfjs's step moves them otherwise). */
function onBackend(backend: BackendWasm, plan: TrainPlan, batch: tfType.Tensor[], optimizer: unknown): boolean {
  const map = (backend as unknown as { dataIdMap: { has(dataId: object): boolean } }).dataIdMap;
  const weights = [...weightsOf(plan), ...stateOf(plan)];
  const moments = ['accumulatedFirstMoment', 'accumulatedSecondMoment'].flatMap(
    (key) => ((optimizer as Record<string, unknown>)[key] as Array<{ variable: tfType.Variable } | undefined> | undefined) ?? [],
  );
  return (
    batch.every((t) => map.has(t.dataId)) &&
    weights.every((w) => map.has(w.read().dataId)) &&
    moments.every((m) => m === undefined || map.has(m.variable.dataId))
  );
}

/**
 * Hooks LayersModel.makeTrainFunction (once per process). `log` gets one line per model: the
 * fused step it runs, or why it does not.
 */
export function installFusedTrainStep(tf: Tf, log: (message: string) => void): void {
  const proto = tf.LayersModel.prototype as unknown as Record<PropertyKey, unknown> & { makeTrainFunction(): TrainFunction };
  if (proto[PATCHED]) return;
  proto[PATCHED] = true;
  const original = proto.makeTrainFunction;
  proto.makeTrainFunction = function (this: ModelInternals): TrainFunction {
    const tfjsStep = original.call(this);
    return (data) => {
      if (!fusedTrainStep.enabled || tf.getBackend() !== 'wasm') return tfjsStep(data);
      const backend = tf.backend() as BackendWasm;
      const gemm = gemmFor(backend);
      const entry = cachedPlan(tf, this);
      const plan = gemm ? entry.plan : 'no WebAssembly SIMD';
      if (!logged.has(this)) {
        logged.add(this);
        log(
          typeof plan === 'string'
            ? `fused training step: not for model ${this.name}: ${plan}; tfjs trains it`
            : `fused training step: model ${this.name} (${plan.summary}${gemm?.fma ? '; FMA' : ''})`,
        );
      }
      if (typeof plan === 'string' || !gemm) return tfjsStep(data);
      const batch = batchOf(plan, data);
      if (!batch || !onBackend(backend, plan, batch, this.optimizer)) return tfjsStep(data);
      if (!entry.trainer || entry.trainer.gemm !== gemm) {
        entry.trainer?.dispose();
        entry.trainer = new DenseTrainer(tf, backend, gemm, plan);
        freeBuffers.register(this, entry.trainer);
      }
      const values = entry.trainer.step(batch[0], batch[1], this.optimizer);
      return values.map((v) => tf.scalar(v));
    };
  } as typeof proto.makeTrainFunction;
}
