/** The main thread's side of interrupts: starts the worker that reads the interrupt pipe. */
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { ACKED, EPOCH, type InterruptRequest, type InterruptWorkerData } from './interruptShared';

const GRACE_MS = 300;

/** Starts the worker; returns a reader of the interrupt epoch it publishes. */
export function listenForInterrupts(fd: number, onInterrupt: (executionId: string) => void, log: (m: string) => void): () => number {
  const sharedBuffer = new SharedArrayBuffer(8);
  const shared = new Int32Array(sharedBuffer);
  const data: InterruptWorkerData = { fd, shared: sharedBuffer, graceMs: GRACE_MS };
  const worker = new Worker(join(__dirname, 'interrupt-worker.js'), { workerData: data });
  worker.unref();
  worker.on('message', (m: InterruptRequest) => {
    Atomics.store(shared, ACKED, m.seq);
    onInterrupt(m.executionId);
  });
  worker.on('error', (e) => log(`interrupt worker failed: ${e.message}`));
  return () => Atomics.load(shared, EPOCH);
}
