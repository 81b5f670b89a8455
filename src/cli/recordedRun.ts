/**
 * One `runNotebook` recorded as a run (src/runs/): the recorder sees the backend and every
 * metric, and the run's outcome becomes its status. `tfnb run` and each point of `tfnb sweep`.
 * Recording never fails a run: a recorder that cannot write (a read-only folder, a full disk)
 * says so once and the run goes on unrecorded.
 */
import { basename, join } from 'node:path';
import { RunRecorder, type RunStart } from '../runs/runRecorder';
import type { RunRecord, RunStatus } from '../runs/runRecord';
import { runNotebook, type RunOptions, type RunResult } from './runNotebook';

export interface RecordedRunOptions {
  run: RunOptions;
  /** Undefined: the run is not recorded (`--no-record`). */
  record?: RunStart;
  /** The executed notebook goes into the run's folder (a sweep's points must not overwrite one another). */
  outputInRunFolder?: boolean;
}

export async function recordedRun(options: RecordedRunOptions): Promise<{ result: RunResult; record?: RunRecord }> {
  const start = options.record;
  if (!start) return { result: await runNotebook(options.run) };
  let recorder: RunRecorder | undefined;
  const guard = <T>(what: string, body: (r: RunRecorder) => T): T | undefined => {
    if (!recorder) return undefined;
    try {
      return body(recorder);
    } catch (e) {
      options.run.progress(`the run is no longer recorded: ${what} failed: ${(e as Error).message}`);
      recorder = undefined;
      return undefined;
    }
  };
  const beganAtMs = performance.now();
  const begin = () => {
    try {
      recorder = new RunRecorder({ ...start, beganAtMs });
    } catch (e) {
      options.run.progress(`the run is not recorded: ${(e as Error).message}`);
    }
  };
  const run: RunOptions = { ...options.run };
  if (options.outputInRunFolder) {
    begin();
    if (!recorder) return { result: { exitCode: 2, reason: 'the run could not be recorded, so its executed notebook had nowhere to go' } };
    run.output = join(recorder.dir, basename(start.notebook));
  }
  run.onBackend = (info) => {
    options.run.onBackend?.(info);
    // Begun (unless begun above) once the kernel is ready: a notebook refused as malformed, or a
    // kernel that could not start, records nothing. The run's time counts from the start.
    if (!options.outputInRunFolder) begin();
    guard('saving the backend', (r) => r.backend(info));
  };
  run.onMetric = (m) => {
    options.run.onMetric?.(m);
    guard('saving a metric', (r) => r.metric(m));
  };
  const result = await runNotebook(run);
  const [status, failure] = outcomeOf(result);
  const executedNotebook = 'outputPath' in result ? result.outputPath : undefined;
  const record = guard('saving the run', (r) => r.finish({ status, failure, executedNotebook }));
  return { result, record };
}

function outcomeOf(result: RunResult): [Exclude<RunStatus, 'running'>, string | undefined] {
  if ('saveProblem' in result) return ['failed', result.saveProblem];
  if ('stoppedBy' in result) return ['stopped', `stopped by ${result.stoppedBy}`];
  if ('failedCell' in result)
    return ['failed', `cell ${result.failedCell} ${result.timedOut ? result.reason : `failed (${result.reason})`}`];
  if ('reason' in result) return [result.exitCode >= 128 ? 'stopped' : 'failed', result.reason];
  return ['ok', undefined];
}
