/**
 * What a cell sees: the globals `tf`, `display`, `tfvis`, `require`, and the hidden `__tfnb`
 * object that rewritten imports call. The TensorFlow.js package names all resolve to the one
 * `tf` the kernel loaded, whichever backend it runs on.
 */
import { join } from 'node:path';
import { inspect } from 'node:util';
import { createDatasets, type Datasets } from './datasets/index';
import type { MimeBundle } from '../protocol/mime';
import { DATASETS_MODULE, TF_PACKAGES, TFVIS_MODULE } from '../protocol/modules';
import type { Tf } from './backend';
import { currentExecutionId } from './context';
import { createModuleLoader } from './imports';
import type { OutputRouter } from './output';
import { RUNTIME_GLOBAL } from './transpile';
import { RESULT_GLOBAL } from './trailingExpression';
import { createDisplayApi, createRichDisplay, customBundle, toMimeBundle, type DisplayApi, type DisplayContext, type DisplayOptions } from './display/index';
import { readGpuTensorsFirst } from './webgpu/gpuDisplay';

export interface RuntimeOptions {
  tf: Tf;
  notebookDir: string;
  output: OutputRouter;
  liveUpdateIntervalMs: number;
}

export interface Runtime {
  toBundle(value: unknown): MimeBundle;
  display: DisplayApi;
}


export function installRuntime(options: RuntimeOptions): Runtime {
  const { tf, output } = options;
  const displayContext: DisplayContext = {
    tf,
    sink: { display: (bundle, opts) => output.display(currentExecutionId(), bundle, opts?.displayId, opts?.update ?? false) },
    liveUpdateIntervalMs: options.liveUpdateIntervalMs,
  };
  const displayApi = createDisplayApi(displayContext);
  const toBundle = (value: unknown): MimeBundle => customBundle(value) ?? toMimeBundle(value, displayContext) ?? textBundle(value);

  const tfModule = { ...tf, default: tf };
  const special = new Map<string, () => unknown>();
  for (const name of TF_PACKAGES) special.set(name, () => tfModule);
  special.set(TFVIS_MODULE, () => ({ ...displayApi.tfvis, default: displayApi.tfvis }));
  let datasets: Datasets | undefined;
  special.set(DATASETS_MODULE, () => {
    datasets ??= createDatasets({
      tf,
      notebookDir: options.notebookDir,
      bundledDataDir: join(__dirname, 'data'),
      display: (bundle, opts) => output.display(currentExecutionId(), bundle, opts?.displayId, opts?.update ?? false),
      notice: (message) => output.stream(currentExecutionId(), 'stderr', `[tfnb] ${message}\n`),
    });
    return { ...datasets, default: datasets };
  });
  const loader = createModuleLoader(options.notebookDir, special);

  const show = (bundle: MimeBundle, opts?: DisplayOptions): void => {
    output.display(currentExecutionId(), bundle, opts?.displayId, opts?.update ?? false);
  };
  // On webgpu a tensor on the GPU is read with data() before it is drawn (webgpu/gpuDisplay.ts).
  const rich = createRichDisplay(show);
  const display = Object.assign(readGpuTensorsFirst((value: unknown, opts?: DisplayOptions): void => show(toBundle(value), opts), show), rich,
    { images: readGpuTensorsFirst(rich.images, show), audio: readGpuTensorsFirst(rich.audio, show) });
  const cellRequire = Object.assign((id: string) => loader.require(id), { resolve: (id: string) => loader.resolve(id) });

  const globals: Record<string, unknown> = { tf, display, tfvis: displayApi.tfvis, require: cellRequire };
  for (const [name, value] of Object.entries(globals)) {
    Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
  }
  // What rewritten cells call: imports (transpile.ts), and the name of a hoisted function.
  const nameFunction = (fn: unknown, name: string): unknown => {
    if (typeof fn === 'function' && fn.name !== name) Object.defineProperty(fn, 'name', { value: name, configurable: true });
    return fn;
  };
  Object.defineProperty(globalThis, RUNTIME_GLOBAL, { value: Object.assign(loader, { nameFunction }), enumerable: false });
  Object.defineProperty(globalThis, RESULT_GLOBAL, { value: <T>(value: T): T => value, enumerable: false });
  return { toBundle, display: displayApi };
}

function textBundle(value: unknown): MimeBundle {
  const text = typeof value === 'string' ? inspect(value, { maxStringLength: 100_000 }) : inspect(value, { depth: 4, maxArrayLength: 100, maxStringLength: 10_000, breakLength: 100 });
  return { 'text/plain': text };
}
