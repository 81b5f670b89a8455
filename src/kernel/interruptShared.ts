/** What the kernel's main thread and its interrupt worker share (kept apart: the worker module has side effects). */
export interface InterruptWorkerData {
  fd: number;
  shared: SharedArrayBuffer;
  graceMs: number;
}
export interface InterruptRequest {
  type: 'interrupt';
  executionId: string;
  seq: number;
}
/** Shared Int32 slots: the last interrupt the main thread answered, and the interrupt epoch. */
export const ACKED = 0;
export const EPOCH = 1;
