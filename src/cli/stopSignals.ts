/**
 * A signal, or a reader that went away (`tfnb run nb | head -1`), stops the run; the cells that
 * completed are still written, and the exit code says which signal (128 + its number).
 */
import type { StopRequest } from './runNotebook';

export function stopOnSignals(): AbortSignal {
  const stop = new AbortController();
  const stopWith = (request: StopRequest) => {
    if (!stop.signal.aborted) stop.abort(request);
  };
  process.on('SIGINT', () => stopWith({ signal: 'SIGINT', exitCode: 130 }));
  process.on('SIGTERM', () => stopWith({ signal: 'SIGTERM', exitCode: 143 }));
  process.on('SIGHUP', () => stopWith({ signal: 'SIGHUP', exitCode: 129 }));
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') stopWith({ signal: 'SIGPIPE', exitCode: 141 });
  });
  process.stderr.on('error', () => undefined);
  return stop.signal;
}
