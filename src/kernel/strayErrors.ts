/**
 * Errors from work a cell left running — an exception thrown in a timer or callback, a promise
 * rejected that nobody awaits — become an `error` of the cell that started that work: while it
 * runs, it ends with that error; after its `done`, the error arrives late and the client counts
 * the run as failed. The kernel lives on. Work no cell started goes to the kernel log.
 */
import { executionContext, currentExecutionId } from './executionContext';

export interface StrayErrorSink {
  /** The execution whose code made `error`, judged by the stack's cell frames; undefined if none. */
  executionOf(error: unknown): string | undefined;
  report(executionId: string, error: unknown): void;
  log(message: string): void;
}

export function reportStrayErrors(sink: StrayErrorSink): void {
  // Emscripten's glue (the wasm backend) installs handlers that rethrow, which would kill the kernel.
  process.removeAllListeners('uncaughtException');
  process.removeAllListeners('unhandledRejection');
  const report = (kind: string, error: unknown, promise?: Promise<unknown>) => {
    // The async context of the failing work names its cell (timers, callbacks, promises all
    // carry it); a promise carries the context it was made in; else a cell frame in its stack;
    // else the cell running now.
    const executionId =
      executionContext.getStore()?.executionId ?? (promise && storeOfPromise(promise)) ?? sink.executionOf(error) ?? currentExecutionId();
    if (executionId === null) {
      sink.log(`${kind} outside any cell: ${describe(error)}`);
      return;
    }
    sink.report(executionId, error);
  };
  // A handler that throws would end the process: whatever goes wrong reporting is logged instead.
  const guarded = (kind: string, error: unknown, promise?: Promise<unknown>) => {
    try {
      report(kind, error, promise);
    } catch (e) {
      try {
        sink.log(`${kind} (could not be reported: ${describe(e)}): ${describe(error)}`);
      } catch {
        /* nothing left to tell */
      }
    }
  };
  process.on('uncaughtException', (e) => guarded('uncaught exception', e));
  process.on('unhandledRejection', (reason, promise) => guarded('unhandled promise rejection', reason, promise));
}

/**
 * The execution a promise was created under. Node 20's AsyncLocalStorage keeps each resource's
 * store on it under a private symbol; this reads it when it is there (it is not in every Node).
 */
function storeOfPromise(promise: Promise<unknown>): string | undefined {
  for (const symbol of Object.getOwnPropertySymbols(promise)) {
    if (symbol.description !== 'kResourceStore') continue;
    const store = (promise as unknown as Record<symbol, unknown>)[symbol];
    if (store && typeof store === 'object' && typeof (store as { executionId?: unknown }).executionId === 'string')
      return (store as { executionId: string }).executionId;
  }
  return undefined;
}

function describe(error: unknown): string {
  let text: string;
  try {
    text = error instanceof Error ? (error.stack ?? String(error)) : String(error);
  } catch {
    text = 'a value that cannot be shown';
  }
  return text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
}
