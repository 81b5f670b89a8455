/**
 * The client side of a tfnb kernel, shared by the extension and the CLI: `KernelClient` is the
 * execution queue (executionQueue.ts) over one kernel process at a time (kernelProcess.ts).
 * Interface like tslab's Executor: execute, interrupt, restart, close.
 */
export { ExecutionQueue as KernelClient, type ExecutionQueueOptions as KernelClientOptions, type Executor } from './executionQueue';
export { describeExit } from './kernelProcess';
export type { VariablesList } from './variablesRequests';
export type {
  DoneEvent,
  ErrorOutput,
  ExecuteOptions,
  ExecutionHandlers,
  ExecutionOutcome,
  ExecutionSink,
  KernelDiedEvent,
  KernelState,
  LogEvent,
  OutcomeStatus,
  OutputEvent,
} from './events';
