/**
 * What a cell sees: the globals `tf`, `display`, `tfvis`, `tfnb`, `require`, and the hidden `__tfnb`
 * object that rewritten imports call. The TensorFlow.js package names all resolve to the one
 * `tf` the kernel loaded, whichever backend it runs on.
 */
import { join } from 'node:path';
import { inspect } from 'node:util';
import { version as esbuildVersion } from 'esbuild';
import { commonJsGlobals } from './commonJsGlobals';
import { createDatasets, type Datasets } from './datasets/index';
import type { Display } from '../api/display';
import type { MimeBundle } from '../protocol/mime';
import { DATASETS_MODULE, TFVIS_MODULE, TSLAB_MODULE } from '../protocol/modules';
import type { Tf } from './backend';
import { currentExecutionId, executionContext } from './executionContext';
import { isTrainingFor } from './runningFits';
import { createTfnbApi } from './runLog';
import { createModuleLoader } from './imports';
import type { OutputRouter } from './output';
import { RUNTIME_GLOBAL } from './transpile';
import { installTfNode } from './tfnode/install';
import { kernelModules } from './tfnode/kernelModules';
import { installModuleHooks, registerEsmHooksOnFirstLoad } from './tfnode/moduleHooks';
import { createTslabModule } from './display/tslab';
import {
  createDisplayApi,
  createRichDisplay,
  customBundle,
  toMimeBundle,
  type DisplayApi,
  type DisplayContext,
  type DisplayOptions,
} from './display/index';
import { readGpuTensorsFirst } from './webgpu/gpuDisplay';
import { PngFallbacks } from './display/pngFallbacks';
import type { SvgRasterizer } from './display/raster';

export interface RuntimeOptions {
  tf: Tf;
  notebookDir: string;
  /** The notebook file, when the client says (`__filename`); else a name in notebookDir. */
  notebookPath?: string;
  output: OutputRouter;
  liveUpdateIntervalMs: number;
  /** Rasterises the SVG fallbacks of final outputs into PNGs (display/pngFallbacks.ts). */
  raster: SvgRasterizer;
}

export interface Runtime {
  toBundle(value: unknown): MimeBundle;
  display: DisplayApi;
}

export function installRuntime(options: RuntimeOptions): Runtime {
  const { tf, output } = options;
  // Final rich outputs carry a PNG for viewers without tfnb.
  const fallbacks = new PngFallbacks(options.raster, (id, bundle, displayId, update) => output.display(id, bundle, displayId, update));
  const displayContext: DisplayContext = {
    tf,
    sink: { display: (bundle, opts) => fallbacks.display(currentExecutionId(), bundle, opts?.displayId, opts?.update ?? false) },
    liveUpdateIntervalMs: options.liveUpdateIntervalMs,
    currentOwner: currentExecutionId,
  };
  const displayApi = createDisplayApi(displayContext);
  // A cell's last chart update must not wait for the throttle: settle it before the cell's 'done'.
  output.onBeforeDone((executionId) => {
    executionContext.run({ executionId }, () => displayApi.settleTraining(isTrainingFor));
    fallbacks.settle(executionId);
  });
  const richBundle = (value: unknown): MimeBundle => customBundle(value) ?? toMimeBundle(value, displayContext) ?? textBundle(value);
  const toBundle = (value: unknown): MimeBundle => fallbacks.result(richBundle(value));

  // tfjs-node's additions (tf.node, file://) on every backend; one instance for cells and user files.
  installTfNode(tf, options.notebookDir);
  const modules = kernelModules(tf);
  const moduleHooks = installModuleHooks(modules, (message) => output.send({ type: 'log', level: 'warn', message }));
  const special = new Map<string, () => unknown>();
  for (const [name, module] of modules) special.set(name, () => module);
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
  const show = (bundle: MimeBundle, opts?: DisplayOptions): void => {
    fallbacks.display(currentExecutionId(), bundle, opts?.displayId, opts?.update ?? false);
  };
  let tslab: ReturnType<typeof createTslabModule> | undefined;
  special.set(TSLAB_MODULE, () => (tslab ??= createTslabModule(show, `esbuild ${esbuildVersion} (types stripped)`)));
  const loader = registerEsmHooksOnFirstLoad(createModuleLoader(options.notebookDir, special), moduleHooks, special);
  // On webgpu a tensor on the GPU is read with data() before it is drawn (webgpu/gpuDisplay.ts).
  const rich = createRichDisplay(show);
  const display: Display = Object.assign(
    readGpuTensorsFirst((value: unknown, opts?: DisplayOptions): void => show(richBundle(value), opts), show),
    rich,
    { images: readGpuTensorsFirst(rich.images, show), audio: readGpuTensorsFirst(rich.audio, show) },
  );
  const commonJs = commonJsGlobals(options.notebookDir, options.notebookPath, loader);

  const tfnb = createTfnbApi((executionId, metric) => output.send({ type: 'run-metric', executionId, metric }));
  const globals: Record<string, unknown> = { tf, display, tfvis: displayApi.tfvis, tfnb, ...commonJs };
  for (const [name, value] of Object.entries(globals)) {
    Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
  }
  // What rewritten cells call: imports (transpile.ts), and the name of a hoisted function.
  const nameFunction = (fn: unknown, name: string): unknown => {
    if (typeof fn === 'function' && fn.name !== name) Object.defineProperty(fn, 'name', { value: name, configurable: true });
    return fn;
  };
  Object.defineProperty(globalThis, RUNTIME_GLOBAL, { value: Object.assign(loader, { nameFunction }), enumerable: false });
  return { toBundle, display: displayApi };
}

function textBundle(value: unknown): MimeBundle {
  const text =
    typeof value === 'string'
      ? inspect(value, { maxStringLength: 100_000 })
      : inspect(value, { depth: 4, maxArrayLength: 100, maxStringLength: 10_000, breakLength: 100 });
  return { 'text/plain': text };
}
