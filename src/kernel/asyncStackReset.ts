/**
 * Lets the interrupt worker end a cell that loops inside a promise continuation (`await x;
 * while (true) {}`, a busy loop after `await model.fit(...)`) without Node aborting.
 *
 * Such a continuation runs in a microtask that async_hooks (AsyncLocalStorage, which routes late
 * output to its cell) entered by pushing an async id; terminating it skips the matching pop, and
 * Node 20 checks after the microtask checkpoint that the async-id stack is empty — a failed
 * CHECK, SIGABRT, and the kernel's state is lost. Node clears that stack itself after an
 * uncaught exception; the worker asks the main thread (through the inspector, which runs the
 * request inside the loop) to do the same just before it terminates the loop. Pops of the
 * cleared ids later find an empty stack, which Node treats as already unwound.
 */

/** Global (hidden) function the interrupt worker calls through Runtime.evaluate. */
export const RESET_ASYNC_STACK = Symbol.for('tfnb.resetAsyncIdStack');
export const RESET_ASYNC_STACK_EXPRESSION = `globalThis[Symbol.for('tfnb.resetAsyncIdStack')]?.()`;

type Binding = { clearAsyncIdStack?: () => void };

/** Installs the reset function where Node has one to offer (the async_wrap binding); else nothing. */
export function installAsyncStackReset(): void {
  let clear: (() => void) | undefined;
  const emitWarning = process.emitWarning;
  try {
    // process.binding is deprecated (DEP0111) but still serves async_wrap; its warning is not for the user.
    process.emitWarning = () => undefined;
    const binding = (process as unknown as { binding(name: string): Binding }).binding('async_wrap');
    if (typeof binding.clearAsyncIdStack === 'function') clear = binding.clearAsyncIdStack.bind(binding);
  } catch {
    clear = undefined;
  } finally {
    process.emitWarning = emitWarning;
  }
  if (clear) Object.defineProperty(globalThis, RESET_ASYNC_STACK, { value: clear, enumerable: false });
}
