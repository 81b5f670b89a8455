/**
 * Decides whether a compiled model can train through the fused step, and how: image stages
 * (conv2d, depthwise and separable conv2d, max and average pooling, batch normalisation; NHWC)
 * on a rank-3 input, then a chain of dense layers (flatten is free; dropout after a dense layer
 * masks it), one input, one output, a supported loss, accuracy metrics only, an optimizer
 * optimizerUpdate.ts updates, no regularisers or constraints. Anything else gets a reason, which
 * the kernel log shows once per model, and tfjs's own training.
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

/** An NHWC image of one sample: height, width, channels. */
export interface ImageShape {
  height: number;
  width: number;
  channels: number;
}

/** A 2-D window sliding over an image: its size, strides and the padding before the first row/column. */
export interface Window {
  input: ImageShape;
  output: ImageShape;
  size: [number, number];
  strides: [number, number];
  padTop: number;
  padLeft: number;
}

export interface ConvStage extends Window {
  kind: 'conv';
  /** [kh, kw, in, out]: read as a [kh·kw·in × out] matrix. */
  kernel: LayerWeight;
  bias: LayerWeight | undefined;
  activation: Activation;
}

/** A depthwise convolution (depth multiplier 1): each channel convolved with its own [kh, kw] filter. */
export interface DepthwiseStage extends Window {
  kind: 'depthwise';
  /** [kh, kw, channels, 1]: read as [kh·kw × channels]. */
  kernel: LayerWeight;
  bias: LayerWeight | undefined;
  activation: Activation;
}

export interface PoolStage extends Window {
  kind: 'maxPool' | 'avgPool';
}

/** Batch normalisation over the channels (training mode: the batch's statistics; moving ones updated). */
export interface BatchNormStage {
  kind: 'batchNorm';
  input: ImageShape;
  output: ImageShape;
  gamma: LayerWeight;
  beta: LayerWeight;
  movingMean: LayerWeight;
  movingVariance: LayerWeight;
  epsilon: number;
  momentum: number;
}

export type ImageStage = ConvStage | DepthwiseStage | PoolStage | BatchNormStage;

/** The layers a forward pass runs (the training plan adds loss, metrics and optimizer). */
export interface ForwardPlan {
  /** The image stages before the dense chain (none for a plain MLP). */
  front: ImageStage[];
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
  gamma?: LayerWeight;
  beta?: LayerWeight;
  movingMean?: LayerWeight;
  movingVariance?: LayerWeight;
  name: string;
  getClassName(): string;
  getConfig(): Record<string, unknown>;
  inboundNodes: Array<{ inboundLayers: LayerInternals[] }>;
  losses?: unknown[];
  kernel?: LayerWeight;
  depthwiseKernel?: LayerWeight;
  pointwiseKernel?: LayerWeight;
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

const pair = (v: unknown, fallback: number): [number, number] =>
  Array.isArray(v) ? [Number(v[0]), Number(v[1] ?? v[0])] : v === undefined || v === null ? [fallback, fallback] : [Number(v), Number(v)];

/** tfjs's output size and padding for a window (conv_util.computeConv2DInfo, dilation 1). */
function slide(input: ImageShape, size: [number, number], strides: [number, number], padding: string, channels: number): Window {
  const same = padding === 'same';
  const outH = same ? Math.ceil(input.height / strides[0]) : Math.ceil((input.height - size[0] + 1) / strides[0]);
  const outW = same ? Math.ceil(input.width / strides[1]) : Math.ceil((input.width - size[1] + 1) / strides[1]);
  const padH = same ? Math.max(0, (outH - 1) * strides[0] + size[0] - input.height) : 0;
  const padW = same ? Math.max(0, (outW - 1) * strides[1] + size[1] - input.width) : 0;
  return {
    input,
    output: { height: outH, width: outW, channels },
    size,
    strides,
    padTop: Math.floor(padH / 2),
    padLeft: Math.floor(padW / 2),
  };
}

/** The image stage(s) for a conv2d, depthwise, separable or pooling layer, or why it has none. */
function imageStage(cls: string, layer: LayerInternals, config: Record<string, unknown>, input: ImageShape): ImageStage[] | string {
  if (cls === 'SeparableConv2D') {
    // tfjs: a depthwise convolution (no bias, linear), then a 1x1 convolution with the bias and activation.
    if (!layer.depthwiseKernel || !layer.pointwiseKernel) return `${layer.name} is not built`;
    const depthwise = imageStage(
      'DepthwiseConv2D',
      { ...layer, bias: undefined, depthwiseKernel: layer.depthwiseKernel },
      { ...config, activation: 'linear' },
      input,
    );
    if (typeof depthwise === 'string') return depthwise;
    const pointwise = imageStage(
      'Conv2D',
      { ...layer, kernel: layer.pointwiseKernel },
      { ...config, kernelSize: 1, strides: 1, padding: 'valid', dilationRate: 1 },
      depthwise[0]!.output,
    );
    return typeof pointwise === 'string' ? pointwise : [...depthwise, ...pointwise];
  }
  if (config.dataFormat !== undefined && config.dataFormat !== 'channelsLast') return `${layer.name} is ${String(config.dataFormat)}`;
  const padding = String(config.padding ?? 'valid');
  if (padding !== 'valid' && padding !== 'same') return `padding ${padding} of ${layer.name}`;
  if (cls === 'Conv2D' || cls === 'DepthwiseConv2D') {
    const dilation = pair(config.dilationRate, 1);
    if (dilation[0] !== 1 || dilation[1] !== 1) return `dilation ${dilation.join('x')} of ${layer.name} (fused: 1)`;
    if (hasValue(config.groups) && config.groups !== 1) return `groups of ${layer.name}`;
    const activation = String(config.activation ?? 'linear');
    if (!ACTIVATIONS.includes(activation)) return `activation ${activation} of ${layer.name}`;
    const depthwise = cls === 'DepthwiseConv2D';
    if (depthwise && Number(config.depthMultiplier ?? 1) !== 1)
      return `depth multiplier ${String(config.depthMultiplier)} of ${layer.name} (fused: 1)`;
    const kernel = depthwise ? layer.depthwiseKernel : layer.kernel;
    if (!kernel) return `${layer.name} is not built`;
    const size = pair(config.kernelSize, 1);
    const window = slide(input, size, pair(config.strides, 1), padding, depthwise ? input.channels : Number(config.filters));
    if (window.output.height < 1 || window.output.width < 1) return `${layer.name} has an empty output`;
    // The kernel as the stages read it: [kh, kw, in, out] (depthwise: out = 1, one filter per channel).
    const wanted = [size[0], size[1], input.channels, depthwise ? 1 : window.output.channels];
    const shape = kernel.read().shape;
    if (shape.length !== 4 || shape.some((d, i) => d !== wanted[i]))
      return `${layer.name}'s kernel of shape [${shape.join(', ')}] (fused: [${wanted.join(', ')}]${depthwise ? ', depth multiplier 1' : ''})`;
    return [{ kind: depthwise ? 'depthwise' : 'conv', ...window, kernel, bias: layer.bias, activation: activation as Activation }];
  }
  const size = pair(config.poolSize, 2);
  const strides = pair(config.strides ?? config.poolSize, 2);
  const window = slide(input, size, strides, padding, input.channels);
  // tfjs averages a window cut by 'same' padding over its valid cells; only full windows are fused.
  if (cls === 'AveragePooling2D' && (window.padTop > 0 || window.padLeft > 0 || !fullWindows(window)))
    return `average pooling ${layer.name} with padded windows`;
  if (window.output.height < 1 || window.output.width < 1) return `${layer.name} has an empty output`;
  return [{ kind: cls === 'MaxPooling2D' ? 'maxPool' : 'avgPool', ...window }];
}

/** Whether every window lies inside the image (no padding at the bottom or right either). */
function fullWindows(w: Window): boolean {
  return (
    (w.output.height - 1) * w.strides[0] + w.size[0] - w.padTop <= w.input.height &&
    (w.output.width - 1) * w.strides[1] + w.size[1] - w.padLeft <= w.input.width
  );
}

const IMAGE_LAYERS = ['Conv2D', 'DepthwiseConv2D', 'SeparableConv2D', 'MaxPooling2D', 'AveragePooling2D', 'BatchNormalization'];

/** A batch normalisation of an NHWC image over its channels, or why it is left to tfjs. */
function batchNormStage(layer: LayerInternals, config: Record<string, unknown>, input: ImageShape): BatchNormStage | string {
  const axis = Number(config.axis ?? -1);
  if (axis !== -1 && axis !== 3) return `batch normalisation ${layer.name} over axis ${axis} (fused: the channels)`;
  if (config.center === false || config.scale === false) return `batch normalisation ${layer.name} without center or scale`;
  for (const key of ['betaRegularizer', 'gammaRegularizer', 'betaConstraint', 'gammaConstraint']) {
    if (hasValue(config[key])) return `${key} on ${layer.name}`;
  }
  const { gamma, beta, movingMean, movingVariance } = layer;
  if (!gamma || !beta || !movingMean || !movingVariance) return `batch normalisation ${layer.name} is not built`;
  return {
    kind: 'batchNorm',
    input,
    output: input,
    gamma,
    beta,
    movingMean,
    movingVariance,
    epsilon: Number(config.epsilon ?? 1e-3),
    momentum: Number(config.momentum ?? 0.99),
  };
}

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
  const ours = new Set(weightsOf(forward));
  if (collected.some((w) => !ours.has(w))) return 'trainable weights outside the fused layers';

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
  const front: ImageStage[] = [];
  let width = inputSize;
  let flat = inputShape.length === 1;
  let image: ImageShape | undefined =
    inputShape.length === 3 ? { height: inputShape[0]!, width: inputShape[1]!, channels: inputShape[2]! } : undefined;
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
    if (IMAGE_LAYERS.includes(cls)) {
      if (flat || !image) return `${cls} ${layer.name} on an input that is not an NHWC image`;
      for (const key of [
        'kernelRegularizer',
        'depthwiseRegularizer',
        'biasRegularizer',
        'activityRegularizer',
        'kernelConstraint',
        'depthwiseConstraint',
        'pointwiseRegularizer',
        'pointwiseConstraint',
        'biasConstraint',
      ]) {
        if (hasValue(config[key])) return `${key} on ${layer.name}`;
      }
      if (config.dtype !== undefined && config.dtype !== 'float32') return `dtype ${String(config.dtype)} of ${layer.name}`;
      const added = cls === 'BatchNormalization' ? batchNormStage(layer, config, image) : imageStage(cls, layer, config, image);
      if (typeof added === 'string') return added;
      for (const stage of Array.isArray(added) ? added : [added]) {
        front.push(stage);
        image = stage.output;
      }
      width = image.height * image.width * image.channels;
    } else if (cls === 'Flatten') {
      flat = true;
    } else if (cls === 'Dropout') {
      // tfjs-layers clamps the rate to [0, 1] and drops only for 0 < rate < 1.
      const rate = Math.max(Math.min(Number(config.rate), 1), 0);
      if (rate > 0 && rate < 1) {
        if (hasValue(config.noiseShape)) return `dropout ${layer.name} with a noiseShape`;
        const last = stages[stages.length - 1];
        if (!last) return `dropout ${layer.name} before the first dense layer (fused: dropout after a dense layer)`;
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
      return `layer ${cls} (fused: Conv2D, DepthwiseConv2D, SeparableConv2D, MaxPooling2D, AveragePooling2D, BatchNormalization before Flatten, Dense, Flatten, Dropout)`;
    }
    if (layer.losses && layer.losses.length > 0) return `layer ${layer.name} adds losses`;
  }
  if (stages.length === 0) return 'no dense layer';
  if (weightsOf({ front, stages }).some((w) => w.read().dtype !== 'float32')) return 'a weight that is not float32';
  const summary = [
    ...front.map(describeImageStage),
    ...stages.map((s) => [`dense ${s.inputs}→${s.units} ${s.activation}`, ...s.dropouts.map((d) => `dropout ${d.rate}`)].join(', ')),
  ].join(', ');
  return { front, stages, inputSize, summary };
}

/** Every weight of the plan's layers, trainable or not. */
export function weightsOf(plan: Pick<ForwardPlan, 'front' | 'stages'>): LayerWeight[] {
  const convs = plan.front.filter((s): s is ConvStage | DepthwiseStage => s.kind === 'conv' || s.kind === 'depthwise');
  const norms = plan.front.flatMap((s) => (s.kind === 'batchNorm' ? [s.gamma, s.beta] : []));
  return [...[...convs, ...plan.stages].flatMap((s) => (s.bias ? [s.kernel, s.bias] : [s.kernel])), ...norms];
}

/** The weights the step writes that are not trained: batch normalisation's moving statistics. */
export function stateOf(plan: Pick<TrainPlan, 'front'>): LayerWeight[] {
  return plan.front.flatMap((s) => (s.kind === 'batchNorm' ? [s.movingMean, s.movingVariance] : []));
}

function describeImageStage(s: ImageStage): string {
  const shape = (i: ImageShape) => `${i.height}x${i.width}x${i.channels}`;
  if (s.kind === 'batchNorm') return `batchNorm ${shape(s.output)}`;
  const window = `${s.size.join('x')}/${s.strides.join('x')}${s.padTop || s.padLeft ? ' padded' : ''}`;
  return s.kind === 'conv' || s.kind === 'depthwise'
    ? `${s.kind} ${window} ${shape(s.input)}→${shape(s.output)} ${s.activation}`
    : `${s.kind} ${window} →${shape(s.output)}`;
}
