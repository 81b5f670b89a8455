/**
 * Captures process.stdout/stderr (and so console.*) and routes each write to the execution
 * that made it. Writes with no execution (kernel start, stray callbacks) go to the kernel log.
 */
import type { StreamName } from '../protocol/messages';
import { currentExecutionId } from './executionContext';
import type { OutputRouter } from './output';

type Write = typeof process.stdout.write;

export function captureStdio(output: OutputRouter): void {
  for (const name of ['stdout', 'stderr'] as StreamName[]) {
    const stream = process[name];
    const write = function (this: unknown, chunk: unknown, encoding?: unknown, callback?: unknown): boolean {
      const text =
        typeof chunk === 'string'
          ? chunk
          : Buffer.from(chunk as Uint8Array).toString(typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
      output.stream(currentExecutionId(), name, text);
      const cb = typeof encoding === 'function' ? encoding : callback;
      if (typeof cb === 'function') process.nextTick(cb as () => void);
      return true;
    } as Write;
    stream.write = write;
  }
}
