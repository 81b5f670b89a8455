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
import { DenseForward } from './forward';
import { fusedPredict, fusedTestBatch, fusedTestLoop } from './inference';
import { slotVariables } from './optimizerUpdate';
import { forwardPlanFor, planFor, stateOf, weightsOf, type ForwardPlan, type ModelInternals, type TrainPlan } from './plan';

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
const freeBuffers = new FinalizationRegistry<DenseTrainer | DenseForward>((buffers) => buffers.dispose());

/** Each model's forward pass for predict and evaluate (its layers do not change once built). */
const forwards = new WeakMap<object, { plan: ForwardPlan | string; forward?: DenseForward }>();
const loggedInference = { predict: new WeakSet<object>(), evaluate: new WeakSet<object>() };

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
  return (
    batch.every((t) => map.has(t.dataId)) &&
    weights.every((w) => map.has(w.read().dataId)) &&
    slotVariables(plan.optimizer, optimizer).every((v) => map.has(v.dataId))
  );
}

/**
 * The model's fused forward pass on the active backend, or undefined (with the reason logged
 * once per model and use) when the fused step is off, the backend is not wasm or the model is not a chain it runs.
 */
function forwardFor(
  tf: Tf,
  model: ModelInternals,
  use: 'predict' | 'evaluate',
  log: (message: string) => void,
  /** Evaluate's further needs (the training plan's loss and metrics): why they fail, if they do. */
  alsoNeeded?: string,
): DenseForward | undefined {
  if (!fusedTrainStep.enabled || tf.getBackend() !== 'wasm') return undefined;
  const backend = tf.backend() as BackendWasm;
  const gemm = gemmFor(backend);
  let entry = forwards.get(model);
  if (!entry) forwards.set(model, (entry = { plan: forwardPlanFor(model) }));
  const plan = !gemm
    ? 'no WebAssembly SIMD'
    : typeof entry.plan === 'string'
      ? entry.plan
      : entry.plan.front.length > 0
        ? 'conv2d, pooling or batch normalisation layers (fused predict and evaluate: dense chains only, for now)'
        : (alsoNeeded ?? entry.plan);
  if (!loggedInference[use].has(model)) {
    loggedInference[use].add(model);
    log(
      typeof plan === 'string'
        ? `fused ${use}: not for model ${model.name}: ${plan}; tfjs runs it`
        : `fused ${use}: model ${model.name} (${plan.summary})`,
    );
  }
  if (typeof plan === 'string' || !gemm) return undefined;
  if (!entry.forward || entry.forward.gemm !== gemm) {
    entry.forward?.dispose();
    entry.forward = new DenseForward(backend, gemm, plan);
    freeBuffers.register(model, entry.forward);
  }
  return entry.forward;
}

/** predictLoop's input as one tensor, when it is one. */
function singleInput(ins: tfType.Tensor | tfType.Tensor[]): tfType.Tensor | undefined {
  if (!Array.isArray(ins)) return ins;
  return ins.length === 1 ? ins[0] : undefined;
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
  installInference(tf, log);
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

type TestFunction = (data: tfType.Tensor[]) => tfType.Scalar[];

/** The training plan (for its loss and metrics) and the forward pass evaluate runs, or undefined for tfjs's. */
function evaluationFor(tf: Tf, model: ModelInternals, log: (message: string) => void): [TrainPlan, DenseForward] | undefined {
  if (!fusedTrainStep.enabled) return undefined;
  const plan = cachedPlan(tf, model).plan;
  const forward = forwardFor(tf, model, 'evaluate', log, typeof plan === 'string' ? plan : undefined);
  return forward && typeof plan === 'object' ? [plan, forward] : undefined;
}

/**
 * Hooks LayersModel.predictLoop, makeTestFunction and testLoop: predict, evaluate and fit's
 * validation (testLoop runs the model's own test function over all batches: when that is the
 * function it is given, the fused loop replaces it; the test function itself serves other callers).
 */
function installInference(tf: Tf, log: (message: string) => void): void {
  const proto = tf.LayersModel.prototype as unknown as {
    predictLoop(ins: tfType.Tensor | tfType.Tensor[], batchSize?: number, verbose?: boolean): tfType.Tensor | tfType.Tensor[];
    makeTestFunction(): void;
    testLoop(f: TestFunction, ins: tfType.Tensor[], batchSize?: number, verbose?: number, steps?: number): tfType.Scalar[];
  };
  const originalPredictLoop = proto.predictLoop;
  proto.predictLoop = function (this: ModelInternals, ins, batchSize, verbose) {
    const x = singleInput(ins);
    const forward = x && !verbose ? forwardFor(tf, this, 'predict', log) : undefined;
    return (forward && x && fusedPredict(tf, forward, x)) || originalPredictLoop.call(this, ins, batchSize, verbose);
  };
  const originalMakeTestFunction = proto.makeTestFunction;
  proto.makeTestFunction = function (this: ModelInternals & { testFunction: TestFunction }): void {
    originalMakeTestFunction.call(this);
    const tfjsTest = this.testFunction;
    this.testFunction = (data) => {
      const evaluation = evaluationFor(tf, this, log);
      const values = evaluation && fusedTestBatch(tf, tf.backend() as BackendWasm, evaluation[1], evaluation[0], data);
      return values ? values.map((v) => tf.scalar(v)) : tfjsTest(data);
    };
  };
  const originalTestLoop = proto.testLoop;
  proto.testLoop = function (this: ModelInternals & { testFunction?: TestFunction }, f, ins, batchSize, verbose, steps) {
    const own = f === this.testFunction && !verbose && (steps === undefined || steps === null) && Array.isArray(ins) && batchSize;
    const evaluation = own ? evaluationFor(tf, this, log) : undefined;
    const values = evaluation && fusedTestLoop(tf, tf.backend() as BackendWasm, evaluation[1], evaluation[0], ins, batchSize!);
    return values ? values.map((v) => tf.scalar(v)) : originalTestLoop.call(this, f, ins, batchSize, verbose, steps);
  };
}
