/// <reference types="emscripten" />
/**
 * Starts tfjs-backend-wasm's multi-threaded SIMD build in Node.
 *
 * The package starts its pthread workers from a `blob:` URL and hands them the emscripten glue
 * as a Blob; Node's Worker rejects `blob:` paths (ERR_WORKER_PATH), so the package never tries
 * threads in Node. Here both scripts are written to real files in a private temp folder and the
 * emscripten module is created with `locateFile` / `mainScriptUrlOrBlob` pointing at them; the
 * resulting module is wrapped in the package's own `BackendWasm`, exactly as its `init()` does.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BackendWasm, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import threadedSimdFactory from '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js';
import { wasmWorkerContents } from '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js';
import { processListeners, removeListenersAddedSince } from './processListeners';

export const THREADED_SIMD_BINARY = 'tfjs-backend-wasm-threaded-simd.wasm';

/** The emscripten module of the threaded build, with the pthread bookkeeping used here. */
type ThreadedModule = BackendWasm['wasm'] & { PThread: { runningWorkers: Array<{ unref(): void }> } };

interface PthreadScripts {
  dir: string;
  worker: string;
  main: string;
}

let scripts: PthreadScripts | undefined;

/** Writes (once per process) the pthread worker and the glue it evaluates; removed at exit. */
function pthreadScripts(): PthreadScripts {
  if (scripts) return scripts;
  const dir = mkdtempSync(join(tmpdir(), 'tfnb-wasm-threads-'));
  const worker = join(dir, 'tfjs-backend-wasm-threaded-simd.worker.cjs');
  const main = join(dir, 'tfjs-backend-wasm-threaded-simd.js');
  // The source comes from a template literal whose "\n" escapes are real newlines by now, some
  // inside string literals; the package escapes them back the same way before making its Blob.
  writeFileSync(worker, wasmWorkerContents.replace(/\n/g, '\\n'));
  // The worker evaluates this file in its global scope and then calls the factory by this name.
  writeFileSync(main, `var WasmBackendModuleThreadedSimd = ${threadedSimdFactory.toString()};\n`);
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  scripts = { dir, worker, main };
  return scripts;
}

/**
 * Creates a `BackendWasm` on the threaded SIMD build with an XNNPACK pool of `threads` threads.
 *
 * The C++ side caps its pool at `emscripten_num_logical_cores() / 2` (a hyper-threading guess),
 * which on a 2-core machine means one thread whatever is asked; the module's instantiation is
 * therefore done here so that import can report `2 * threads` cores and the pool gets `threads`.
 */
export async function createThreadedBackend(wasmDir: string, threads: number, timeoutMs = 30_000): Promise<BackendWasm> {
  const files = pthreadScripts();
  const binaryPath = join(wasmDir, THREADED_SIMD_BINARY);
  const binary = readFileSync(binaryPath);
  let fail: (reason: string) => void = () => {};
  const failed = new Promise<never>((_, reject) => {
    fail = (reason) => reject(new Error(reason));
  });
  failed.catch(() => {}); // an abort after a successful start must not surface as an unhandled rejection
  const listeners = processListeners();
  // emscripten uses this object as its Module: on failure it holds the workers to stop.
  const config = {
    locateFile: (path: string) => {
      if (path.endsWith('.worker.js')) return files.worker;
      if (path.endsWith('.wasm')) return binaryPath;
      return join(files.dir, path);
    },
    mainScriptUrlOrBlob: files.main,
    instantiateWasm: (
      imports: WebAssembly.Imports,
      receiveInstance: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void,
    ) => {
      imports.env = { ...imports.env, emscripten_num_logical_cores: () => 2 * threads };
      WebAssembly.instantiate(binary, imports).then(
        (result) => receiveInstance(result.instance, result.module),
        (e: unknown) => fail(`instantiating ${binaryPath}: ${e instanceof Error ? e.message : String(e)}`),
      );
      return {};
    },
    onAbort: (message: string) => fail(`aborted: ${String(message)}`),
  };
  const pending = threadedSimdFactory(config);
  // Its rethrowing process handlers are installed synchronously: off before any worker can fail.
  removeListenersAddedSince(listeners);
  const timer = setTimeout(() => fail(`the threaded wasm module did not start within ${timeoutMs} ms`), timeoutMs);
  timer.unref();
  let module: ThreadedModule;
  try {
    module = (await Promise.race([pending, failed])) as ThreadedModule;
  } catch (e) {
    (config as { PThread?: { terminateAllThreads(): void } }).PThread?.terminateAllThreads();
    throw e instanceof Error ? e : new Error(String(e));
  } finally {
    clearTimeout(timer);
  }
  // The same bridge the package's init() installs on the modules it creates.
  module.tfjs = {
    init: module.cwrap('init', null, []),
    initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: module.cwrap('get_threads_count', 'number', []),
    registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: module.cwrap('dispose_data', null, ['number']),
    dispose: module.cwrap('dispose', null, []),
  };
  setThreadsCount(threads);
  const backend = new BackendWasm(module);
  // XNNPACK's pool threads live as long as the backend; emscripten ref()s a worker while it runs a
  // pthread, which would keep Node from ever exiting on its own.
  for (const worker of module.PThread.runningWorkers) worker.unref();
  return backend;
}
