/** Which execution the running code belongs to; follows timers and promises a cell starts. */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface ExecutionContext {
  executionId: string;
}

export const executionContext = new AsyncLocalStorage<ExecutionContext>();

/** The execution that started the current code, else the one running now, else none. */
let runningExecutionId: string | null = null;

export function setRunningExecution(id: string | null): void {
  runningExecutionId = id;
}

export function currentExecutionId(): string | null {
  return executionContext.getStore()?.executionId ?? runningExecutionId;
}
