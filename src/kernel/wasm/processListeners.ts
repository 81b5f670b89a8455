/**
 * Emscripten's Node glue installs process handlers that rethrow every uncaught exception and
 * unhandled rejection, which would turn any stray error in a notebook cell into a kernel crash;
 * the kernel keeps its own policy, so the handlers added while a wasm module starts are removed.
 */
type ProcessListener = (...args: unknown[]) => void;

export interface ProcessListeners {
  uncaughtException: ProcessListener[];
  unhandledRejection: ProcessListener[];
}

export function processListeners(): ProcessListeners {
  return {
    uncaughtException: process.listeners('uncaughtException') as ProcessListener[],
    unhandledRejection: process.listeners('unhandledRejection') as ProcessListener[],
  };
}

export function removeListenersAddedSince(before: ProcessListeners): void {
  const now = processListeners();
  for (const listener of now.uncaughtException) {
    if (!before.uncaughtException.includes(listener)) process.removeListener('uncaughtException', listener);
  }
  for (const listener of now.unhandledRejection) {
    if (!before.unhandledRejection.includes(listener)) process.removeListener('unhandledRejection', listener);
  }
}
