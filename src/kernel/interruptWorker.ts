/**
 * A worker thread that reads interrupt requests from the interrupt pipe, so they arrive even
 * while the main thread is stuck in `while (true) {}`. It first asks the main thread (which
 * handles awaiting cells by abandoning the wait); if the main thread does not answer within a
 * grace period it is blocked, and the worker ends the running JavaScript through the main
 * thread's inspector (`Runtime.terminateExecution`): the cell fails, the kernel's state stays.
 */
import { Session } from 'node:inspector';
import { Socket } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import { RESET_ASYNC_STACK_EXPRESSION } from './asyncStackReset';
import { ACKED, EPOCH, type InterruptRequest, type InterruptWorkerData } from './interruptShared';

const { fd, shared: sharedBuffer, graceMs } = workerData as InterruptWorkerData;
const shared = new Int32Array(sharedBuffer);
const session = new Session();
session.connectToMainThread();

let seq = 0;
let buffered = '';
const pipe = new Socket({ fd, readable: true, writable: false });
pipe.setEncoding('utf8');
pipe.on('data', (chunk: string) => {
  buffered += chunk;
  let nl: number;
  while ((nl = buffered.indexOf('\n')) >= 0) {
    const [executionId = '', epoch = ''] = buffered.slice(0, nl).split(' ');
    buffered = buffered.slice(nl + 1);
    // Publish the epoch first: the main thread checks it before starting any cell sent earlier.
    const e = Number(epoch);
    if (Number.isInteger(e) && e > Atomics.load(shared, EPOCH)) Atomics.store(shared, EPOCH, e);
    if (executionId) request(executionId);
  }
});
pipe.on('error', () => undefined);
/** How long the main thread has to exit by itself once the client is gone. */
const ORPHAN_GRACE_MS = 1000;

// The pipe's other end closed: the client closed the kernel, or died (a reloaded window, a
// killed extension host). An idle main thread exits on the IPC 'disconnect' at once; one stuck
// in a cell never sees that event, so the kernel would live on as an orphan, spinning. End the
// whole process from here after a grace period (process.exit in a worker ends only the worker).
pipe.on('end', () => {
  session.disconnect();
  setTimeout(() => process.kill(process.pid, 'SIGKILL'), ORPHAN_GRACE_MS);
});

function request(executionId: string): void {
  const mine = ++seq;
  parentPort!.postMessage({ type: 'interrupt', executionId, seq: mine } satisfies InterruptRequest);
  setTimeout(() => {
    if (Atomics.load(shared, ACKED) >= mine) return;
    // The main thread is blocked. Reset its async-id stack first (see asyncStackReset.ts: ending a
    // loop inside a promise continuation otherwise aborts Node), then end the running JavaScript.
    session.post('Runtime.evaluate', { expression: RESET_ASYNC_STACK_EXPRESSION }, () => {
      session.post('Runtime.terminateExecution', () => undefined);
    });
  }, graceMs);
}
