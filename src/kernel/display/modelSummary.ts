/**
 * tf.LayersModel → model-summary payload, a Keras-like text table and a monospace SVG of it.
 * Totals come from the model's trainable and non-trainable weights, so they match countParams().
 */
import { MIME, type MimeBundle, type ModelLayerSummary, type ModelSummaryPayload } from '../../protocol/mime';
import { fitWithin } from './budget';
import type { Layer, LayersModel } from './detect';
import { textDocument } from './svg';

function formatShape(shape: unknown): string {
  if (!Array.isArray(shape)) return String(shape);
  if (shape.length > 0 && Array.isArray(shape[0])) return `[${shape.map(formatShape).join(', ')}]`;
  return `[${shape.map((d) => (d === null || d === undefined ? 'null' : String(d))).join(',')}]`;
}

function layerSummary(layer: Layer): ModelLayerSummary {
  let outputShape: string;
  try {
    outputShape = formatShape(layer.outputShape);
  } catch {
    outputShape = 'multiple';
  }
  let params: number;
  try {
    params = layer.countParams();
  } catch {
    params = 0;
  } // a layer that is not built yet has none
  return { name: layer.name, className: layer.getClassName(), outputShape, params, trainable: layer.trainable };
}

function weightCount(weights: ReadonlyArray<{ shape: ReadonlyArray<number | null> }>): number {
  return weights.reduce((n, w) => n + w.shape.reduce<number>((a, b) => a * (b ?? 0), 1), 0);
}

export function modelSummaryPayload(model: LayersModel, title?: string): ModelSummaryPayload {
  const trainableParams = weightCount(model.trainableWeights);
  const nonTrainableParams = weightCount(model.nonTrainableWeights);
  const payload: ModelSummaryPayload = {
    name: model.name,
    layers: model.layers.map(layerSummary),
    totalParams: trainableParams + nonTrainableParams,
    trainableParams,
    nonTrainableParams,
  };
  if (title) payload.title = title;
  return payload;
}

/** Keeps the first and last layers, with one row standing for the omitted middle. */
function limitLayers(p: ModelSummaryPayload, maxLayers: number): ModelSummaryPayload {
  if (p.layers.length <= maxLayers) return p;
  const head = Math.ceil(maxLayers * 0.8),
    tail = maxLayers - head;
  const omitted = p.layers.slice(head, p.layers.length - tail);
  const gap: ModelLayerSummary = {
    name: `… ${omitted.length} more layers`,
    className: '',
    outputShape: '',
    params: omitted.reduce((n, l) => n + l.params, 0),
    trainable: true,
  };
  return { ...p, layers: [...p.layers.slice(0, head), gap, ...p.layers.slice(p.layers.length - tail)] };
}

export function modelSummaryLines(p: ModelSummaryPayload): string[] {
  const col1 = p.layers.map((l) => (l.className ? `${l.name} (${l.className})` : l.name));
  const w1 = Math.max(28, ...col1.map((s) => s.length)) + 2;
  const w2 = Math.max(20, ...p.layers.map((l) => l.outputShape.length)) + 2;
  const w3 = 12;
  const width = w1 + w2 + w3 + 1;
  const row = (a: string, b: string, c: string): string => ` ${a.padEnd(w1)}${b.padEnd(w2)}${c}`.trimEnd();
  const lines = [`Model: "${p.name ?? 'model'}"`, '_'.repeat(width), row('Layer (type)', 'Output shape', 'Param #'), '='.repeat(width)];
  p.layers.forEach((l, i) => {
    lines.push(row(col1[i]!, l.outputShape, l.params.toLocaleString('en-US') + (l.trainable || !l.className ? '' : ' (frozen)')));
    lines.push(i === p.layers.length - 1 ? '='.repeat(width) : '_'.repeat(width));
  });
  if (p.layers.length === 0) lines.push('='.repeat(width));
  lines.push(
    `Total params: ${p.totalParams.toLocaleString('en-US')}`,
    `Trainable params: ${p.trainableParams.toLocaleString('en-US')}`,
    `Non-trainable params: ${p.nonTrainableParams.toLocaleString('en-US')}`,
    '_'.repeat(width),
  );
  return lines;
}

export function modelSummaryBundle(model: LayersModel, maxBytes: number, title?: string): MimeBundle {
  const full = modelSummaryPayload(model, title);
  const limits = [Infinity, 400, 100, 20];
  return fitWithin(maxBytes, limits.length - 1, (level) => {
    const p = limitLayers(full, limits[level]!);
    const lines = modelSummaryLines(p);
    const svgLines = lines.length > 90 ? [...lines.slice(0, 80), '…', ...lines.slice(-6)] : lines;
    return { [MIME.modelSummary]: p, 'text/plain': lines.join('\n'), 'image/svg+xml': textDocument(svgLines, title) };
  });
}
