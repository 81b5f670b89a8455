/**
 * What @tensorflow/tfjs-node's file handler (tfjs-node/src/io/file_system.ts, NodeFileSystem.save)
 * writes for a model, restated from its source as the reference the tests compare tfnb's files with:
 * model.json is JSON.stringify of { modelTopology, weightsManifest: [{ paths: ['weights.bin'],
 * weights }], format, generatedBy, convertedBy } in that key order, then trainingConfig, signature
 * and userDefinedMetadata when set; weights.bin is the weight data as one buffer.
 */
export interface Artifacts {
  modelTopology?: unknown;
  weightSpecs?: unknown[];
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  trainingConfig?: unknown;
  signature?: unknown;
  userDefinedMetadata?: unknown;
}

export function tfjsNodeModelJson(a: Artifacts): string {
  const json: Record<string, unknown> = {
    modelTopology: a.modelTopology,
    weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }],
    format: a.format,
    generatedBy: a.generatedBy,
    convertedBy: a.convertedBy,
  };
  if (a.trainingConfig != null) json.trainingConfig = a.trainingConfig;
  if (a.signature != null) json.signature = a.signature;
  if (a.userDefinedMetadata != null) json.userDefinedMetadata = a.userDefinedMetadata;
  return JSON.stringify(json);
}
