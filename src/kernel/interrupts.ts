/** The main thread's side of interrupts: starts the worker that reads the interrupt pipe. */
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { InterruptRequest, InterruptWorkerData } from './interruptWorker';

const GRACE_MS = 300;

export function listenForInterrupts(fd: number, onInterrupt: (executionId: string) => void, log: (m: string) => void): void {
  const acks = new SharedArrayBuffer(4);
  const acked = new Int32Array(acks);
  const data: InterruptWorkerData = { fd, acks, graceMs: GRACE_MS };
  const worker = new Worker(join(__dirname, 'interrupt-worker.js'), { workerData: data });
  worker.unref();
  worker.on('message', (m: InterruptRequest) => {
    Atomics.store(acked, 0, m.seq);
    onInterrupt(m.executionId);
  });
  worker.on('error', (e) => log(`interrupt worker failed: ${e.message}`));
}
