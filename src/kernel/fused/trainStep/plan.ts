/**
 * Decides whether a compiled model can train through the fused step, and how: a chain of dense
 * layers (flatten is free; dropout after a dense layer masks it), one input, one output, a
 * supported loss, accuracy metrics only, an optimizer optimizerUpdate.ts updates, no regularisers
 * or constraints. Anything else gets a reason, which the kernel log shows once per model, and
 * tfjs's own training.
 */
import type * as tfType from '@tensorflow/tfjs';
import type { Tf } from '../../tfType';
import type { Activation, LossKind, MetricKind } from './lossMath';
import { FUSED_OPTIMIZERS, optimizerKindOf, optimizerName, type OptimizerKind } from './optimizerUpdate';

/** A tfjs-layers weight (LayerVariable): its tf.Variable is read(). */
export interface LayerWeight {
  read(): tfType.Variable;
  trainable: boolean;
}

export interface DenseStage {
  kernel: LayerWeight;
  bias: LayerWeight | undefined;
  inputs: number;
  units: number;
  activation: Activation;
  /** The dropout layers right after this one, in order (their masks: dropoutMask.ts). */
  dropouts: DropoutSpec[];
}

export interface DropoutSpec {
  rate: number;
  seed: number | undefined;
}

/** A chain of dense layers: what predict runs (the training plan adds loss, metrics and optimizer). */
export interface ForwardPlan {
  stages: DenseStage[];
  inputSize: number;
  /** The layers, for the log. */
  summary: string;
}

export interface TrainPlan extends ForwardPlan {
  loss: LossKind;
  metrics: MetricKind[];
  optimizer: OptimizerKind;
  /** Each trainable weight's place in the model's collectedTrainableWeights (the optimizer's order). */
  trainable: Map<LayerWeight, number>;
}

/** The parts of a tfjs-layers LayersModel the plan reads (public in its JavaScript). */
export interface ModelInternals {
  name: string;
  layers: LayerInternals[];
  inputs: Array<{ shape: Array<number | null> }>;
  outputs: unknown[];
  loss: unknown;
  metrics?: unknown;
  optimizer?: unknown;
  collectedTrainableWeights?: LayerWeight[];
  isTraining?: boolean;
}

interface LayerInternals {
  name: string;
  getClassName(): string;
  getConfig(): Record<string, unknown>;
  inboundNodes: Array<{ inboundLayers: LayerInternals[] }>;
  losses?: unknown[];
  kernel?: LayerWeight;
  bias?: LayerWeight;
}

const ACTIVATIONS: readonly string[] = ['linear', 'relu', 'sigmoid', 'tanh', 'softmax'];
const LOSSES: Record<string, LossKind> = {
  sparseCategoricalCrossentropy: 'sparseCategoricalCrossentropy',
  categoricalCrossentropy: 'categoricalCrossentropy',
  meanSquaredError: 'meanSquaredError',
  mse: 'meanSquaredError',
};

/** tfjs-layers' choice of accuracy function for 'accuracy' / 'acc' (training.ts, compile). */
function accuracyKind(loss: LossKind, units: number): MetricKind {
  if (units === 1) return 'binaryAccuracy';
  return loss === 'sparseCategoricalCrossentropy' ? 'sparseCategoricalAccuracy' : 'categoricalAccuracy';
}

const hasValue = (v: unknown) => v !== null && v !== undefined;

/** The plan for training `model`, or why it cannot have one. */
export function planFor(tf: Tf, model: ModelInternals): TrainPlan | string {
  const kind = optimizerKindOf(tf, model.optimizer);
  if (!kind) return `optimizer ${optimizerName(model.optimizer)} (fused: ${FUSED_OPTIMIZERS})`;
  const lossName = Array.isArray(model.loss) && model.loss.length === 1 ? model.loss[0] : model.loss;
  const loss = typeof lossName === 'string' ? LOSSES[lossName] : undefined;
  if (!loss)
    return `loss ${typeof lossName === 'string' ? lossName : 'given as a function or per output'} (fused: ${Object.keys(LOSSES).join(', ')})`;
  const forward = forwardPlanFor(model);
  if (typeof forward === 'string') return forward;
  const { stages } = forward;
  const width = stages[stages.length - 1]!.units;

  const metrics: MetricKind[] = [];
  const listed =
    model.metrics === undefined || model.metrics === null ? [] : typeof model.metrics === 'string' ? [model.metrics] : model.metrics;
  if (!Array.isArray(listed)) return 'metrics given per output';
  for (const m of listed) {
    if (m !== 'accuracy' && m !== 'acc') return `metric ${typeof m === 'string' ? m : 'given as a function'} (fused: accuracy)`;
    metrics.push(accuracyKind(loss, width));
  }

  const trainable = new Map<LayerWeight, number>();
  const collected = model.collectedTrainableWeights ?? [];
  collected.forEach((w, i) => trainable.set(w, i));
  const ours = new Set(stages.flatMap((s) => (s.bias ? [s.kernel, s.bias] : [s.kernel])));
  if (collected.some((w) => !ours.has(w))) return 'trainable weights outside the dense layers';

  const summary = `${forward.summary}; ${loss}; ${kind}`;
  return { ...forward, loss, metrics, optimizer: kind, trainable, summary };
}

/**
 * The chain of layers of `model` (what a forward pass needs: predict takes models that were never
 * compiled), or why the fused step cannot run it.
 */
export function forwardPlanFor(model: ModelInternals): ForwardPlan | string {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) return 'more than one input or output';
  const inputShape = model.inputs[0]!.shape.slice(1);
  if (inputShape.some((d) => d === null)) return 'an input shape with unknown dimensions';
  const inputSize = (inputShape as number[]).reduce((a, b) => a * b, 1);
  const stages: DenseStage[] = [];
  let width = inputSize;
  let flat = inputShape.length === 1;
  let previous: LayerInternals | undefined;
  for (const layer of model.layers) {
    const cls = layer.getClassName();
    if (cls === 'InputLayer') {
      previous = layer;
      continue;
    }
    if (layer.inboundNodes.length !== 1) return `layer ${layer.name} is shared`;
    const inbound = layer.inboundNodes[0]!.inboundLayers;
    if (previous && (inbound.length !== 1 || inbound[0] !== previous)) return `layer ${layer.name} is not in a single chain`;
    previous = layer;
    const config = layer.getConfig();
    if (cls === 'Flatten') {
      flat = true;
    } else if (cls === 'Dropout') {
      // tfjs-layers clamps the rate to [0, 1] and drops only for 0 < rate < 1.
      const rate = Math.max(Math.min(Number(config.rate), 1), 0);
      if (rate > 0 && rate < 1) {
        if (hasValue(config.noiseShape)) return `dropout ${layer.name} with a noiseShape`;
        const last = stages[stages.length - 1];
        if (!last) return `dropout ${layer.name} on the input (fused: dropout after a dense layer)`;
        last.dropouts.push({ rate, seed: typeof config.seed === 'number' ? config.seed : undefined });
      }
    } else if (cls === 'Dense') {
      if (!flat) return `dense ${layer.name} on an input of rank > 2`;
      const activation = String(config.activation ?? 'linear');
      if (!ACTIVATIONS.includes(activation)) return `activation ${activation} of ${layer.name}`;
      for (const key of ['kernelRegularizer', 'biasRegularizer', 'activityRegularizer', 'kernelConstraint', 'biasConstraint']) {
        if (hasValue(config[key])) return `${key} on ${layer.name}`;
      }
      if (config.dtype !== undefined && config.dtype !== 'float32') return `dtype ${String(config.dtype)} of ${layer.name}`;
      const units = Number(config.units);
      if (!layer.kernel) return `dense ${layer.name} is not built`;
      stages.push({ kernel: layer.kernel, bias: layer.bias, inputs: width, units, activation: activation as Activation, dropouts: [] });
      width = units;
    } else {
      return `layer ${cls} (fused: Dense, Flatten, Dropout)`;
    }
    if (layer.losses && layer.losses.length > 0) return `layer ${layer.name} adds losses`;
  }
  if (stages.length === 0) return 'no dense layer';
  for (const s of stages) if ([s.kernel, s.bias].some((w) => w && w.read().dtype !== 'float32')) return 'a weight that is not float32';
  const summary = stages
    .map((s) => [`dense ${s.inputs}→${s.units} ${s.activation}`, ...s.dropouts.map((d) => `dropout ${d.rate}`)].join(', '))
    .join(', ');
  return { stages, inputSize, summary };
}
