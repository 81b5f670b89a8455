/**
 * The `file://` model IO handler of @tensorflow/tfjs-node, for every backend: `model.save('file://dir')`
 * writes dir/model.json + dir/weights.bin, and `tf.loadLayersModel` / `tf.loadGraphModel`
 * (`'file://dir/model.json'`) read them back. The files are byte for byte what tfjs-node writes (same
 * JSON keys in the same order, one weights.bin), so a model moves freely between tfnb, tfjs-node and
 * the browser. Relative paths resolve from the notebook's folder.
 */
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { io } from '@tensorflow/tfjs';

export const FILE_SCHEME = 'file://';
export const MODEL_JSON_FILENAME = 'model.json';
export const WEIGHTS_BINARY_FILENAME = 'weights.bin';

export class FileSystemModelHandler implements io.IOHandler {
  /** One path (a model.json to load, a folder to save into), or [topology .pb, weights manifest .json] to load a binary graph. */
  readonly path: string | [string, string];

  constructor(path: string | string[], baseDir: string) {
    if (Array.isArray(path)) {
      if (path.length !== 2)
        throw new Error(`file paths must have a length of 2 (a .pb topology and a weights manifest), but ${path.length} were given`);
      this.path = [resolve(baseDir, path[0]!), resolve(baseDir, path[1]!)];
    } else {
      this.path = resolve(baseDir, path);
    }
  }

  async save(artifacts: io.ModelArtifacts): Promise<io.SaveResult> {
    if (Array.isArray(this.path)) throw new Error("Cannot save a model to two paths: give one folder, as in model.save('file://my-model')");
    if (artifacts.modelTopology instanceof ArrayBuffer)
      throw new Error(
        'Saving a model whose topology is binary (a GraphDef) to file:// is not supported; tfjs-node does not support it either',
      );
    await ensureDirectory(this.path);
    // Key order matters for byte equality with tfjs-node's model.json; JSON.stringify drops the undefined ones as it does.
    const modelJson: io.ModelJSON = {
      modelTopology: artifacts.modelTopology as io.ModelJSON['modelTopology'],
      // Without weight specs tfjs-node writes no "weights" key (undefined); so does this.
      weightsManifest: [{ paths: [WEIGHTS_BINARY_FILENAME], weights: artifacts.weightSpecs as io.WeightsManifestEntry[] }],
      format: artifacts.format,
      generatedBy: artifacts.generatedBy,
      convertedBy: artifacts.convertedBy,
    };
    if (artifacts.trainingConfig != null) modelJson.trainingConfig = artifacts.trainingConfig;
    if (artifacts.signature != null) modelJson.signature = artifacts.signature;
    if (artifacts.userDefinedMetadata != null) modelJson.userDefinedMetadata = artifacts.userDefinedMetadata;
    const weights = artifacts.weightData === undefined ? new ArrayBuffer(0) : io.CompositeArrayBuffer.join(artifacts.weightData);
    await writeFile(join(this.path, MODEL_JSON_FILENAME), JSON.stringify(modelJson), 'utf8');
    await writeFile(join(this.path, WEIGHTS_BINARY_FILENAME), new Uint8Array(weights));
    return { modelArtifactsInfo: io.getModelArtifactsInfoForJSON(artifacts) };
  }

  async load(): Promise<io.ModelArtifacts> {
    return Array.isArray(this.path) ? this.loadBinaryModel(this.path) : this.loadJsonModel(this.path);
  }

  private async loadJsonModel(path: string): Promise<io.ModelArtifacts> {
    const info = await stat(path).catch(notFound('Path'));
    if (!info.isFile())
      throw new Error(
        `The path to load from must be a model.json file, but ${path} is a folder: use 'file://${join(path, MODEL_JSON_FILENAME)}'`,
      );
    const text = await readFile(path, 'utf8');
    let modelJson: io.ModelJSON;
    try {
      modelJson = JSON.parse(text) as io.ModelJSON;
    } catch (e) {
      throw new Error(`${path} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
    }
    // tfjs's own JSON → artifacts step (the browser's http loader uses it too): every field, initializers included.
    return io.getModelArtifactsForJSON(modelJson, (manifest) => loadWeights(manifest, dirname(path)));
  }

  private async loadBinaryModel([topologyPath, manifestPath]: [string, string]): Promise<io.ModelArtifacts> {
    const topologyInfo = await stat(topologyPath).catch(notFound('Topology Path'));
    const manifestInfo = await stat(manifestPath).catch(notFound('Weight Manifest Path'));
    if (!topologyInfo.isFile()) throw new Error(`The topology path ${topologyPath} is not a file`);
    if (!manifestInfo.isFile()) throw new Error(`The weights manifest path ${manifestPath} is not a file`);
    const topology = await readFile(topologyPath);
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as io.WeightsManifestConfig;
    const [weightSpecs, weightData] = await loadWeights(manifest, dirname(manifestPath));
    return {
      modelTopology: topology.buffer.slice(topology.byteOffset, topology.byteOffset + topology.byteLength),
      weightSpecs,
      weightData,
    };
  }
}

/** Reads every weights file of every group, in order, into one buffer (as tfjs-node does). */
async function loadWeights(manifest: io.WeightsManifestConfig, dir: string): Promise<[io.WeightsManifestEntry[], ArrayBuffer]> {
  const buffers: Uint8Array[] = [];
  const specs: io.WeightsManifestEntry[] = [];
  for (const group of manifest) {
    for (const p of group.paths) buffers.push(await readFile(join(dir, p)).catch(notFound('Weight file')));
    specs.push(...group.weights);
  }
  const total = buffers.reduce((n, b) => n + b.byteLength, 0);
  const joined = new Uint8Array(total);
  let offset = 0;
  for (const b of buffers) {
    joined.set(b, offset);
    offset += b.byteLength;
  }
  return [specs, joined.buffer];
}

async function ensureDirectory(path: string): Promise<void> {
  try {
    await mkdir(path, { recursive: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') {
      throw new Error(`Path ${path} exists as a file. The path must be nonexistent or point to a directory.`);
    }
    throw e;
  }
}

/** tfjs-node's wording, so that searches for the message find answers. */
function notFound(what: string): (e: NodeJS.ErrnoException) => never {
  return (e) => {
    if (e.code === 'ENOENT') throw new Error(`${what} ${e.path} does not exist: loading failed`);
    throw e;
  };
}

/**
 * The router tfjs-node registers for save and load: any `file://` URL (or a pair of them).
 * tfjs asks every router and keeps the non-null answers, though its IORouter type omits null.
 */
export function fileSystemRouter(baseDir: string): (url: string | string[]) => io.IOHandler {
  const notMine = null as unknown as io.IOHandler;
  return (url: string | string[]) => {
    if (Array.isArray(url)) {
      return url.every((u) => typeof u === 'string' && u.startsWith(FILE_SCHEME))
        ? new FileSystemModelHandler(
            url.map((u) => u.slice(FILE_SCHEME.length)),
            baseDir,
          )
        : notMine;
    }
    return typeof url === 'string' && url.startsWith(FILE_SCHEME)
      ? new FileSystemModelHandler(url.slice(FILE_SCHEME.length), baseDir)
      : notMine;
  };
}
