/**
 * `tfnb sweep NOTEBOOK.ipynb -p NAME=V1,V2 ... [--jobs N]`: runs the notebook once per point of
 * the parameters' grid, each a recorded run (src/runs/) with its executed notebook in its run
 * folder, at most N at once (default 1, each point its own kernel), then prints a table of the
 * points. A failed point fails only itself. Exit codes: 0 every point ran; 1 one or more failed
 * (after all ran); 2 bad arguments; 128+n stopped by a signal (the points not started are skipped).
 */
import { parseCommandLine } from './commandLine';
import { injectParameters } from '../notebook/parameters';
import { defaultRunName } from '../runs/runRecorder';
import type { RunSummary } from '../runs/runRecord';
import { recordedRun } from './recordedRun';
import { KERNEL_OPTIONS, kernelArguments } from './runArguments';
import type { RunResult, StopRequest } from './runNotebook';
import { runsTable } from './runsTable';
import { stopOnSignals } from './stopSignals';
import { sweepGrid, type GridPoint } from './sweepGrid';
import { formatDuration, textTable } from './textTable';

export const SWEEP_USAGE =
  'tfnb sweep NOTEBOOK.ipynb -p NAME=V1,V2[,...] [-p ...] [--jobs N] [--backend ...] [--timeout SECONDS] [--max-heap-mb MB] [--max-output-bytes N] [--quiet]';
/** Beyond this many points, the grid is probably a mistake (`-p seed=1,2,...` pasted twice). */
const MAX_POINTS = 10_000;

interface PointOutcome {
  point: GridPoint;
  name: string;
  result: RunResult;
  record?: RunSummary;
}

export async function sweepCommand(argv: string[]): Promise<number> {
  const parsed = parseCommandLine(
    argv,
    {
      ...KERNEL_OPTIONS,
      jobs: { type: 'string', short: 'j', default: '1' },
      quiet: { type: 'boolean', short: 'q', default: false },
    },
    `usage: ${SWEEP_USAGE}`,
  );
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const [notebook, ...extra] = positionals;
  if (!notebook || extra.length) {
    console.error(`usage: ${SWEEP_USAGE}`);
    return 2;
  }
  const kernel = kernelArguments(values);
  if ('problem' in kernel) {
    console.error(`tfnb: ${kernel.problem}`);
    return 2;
  }
  const jobs = Number(values.jobs);
  if (!(Number.isInteger(jobs) && jobs >= 1)) {
    console.error('tfnb: --jobs must be a whole number, 1 or more');
    return 2;
  }
  let points: GridPoint[];
  try {
    points = sweepGrid(values.parameter);
  } catch (e) {
    console.error(`tfnb: ${(e as Error).message}`);
    return 2;
  }
  if (values.parameter.length === 0) {
    console.error('tfnb: a sweep needs at least one -p NAME=V1,V2');
    return 2;
  }
  if (points.length > MAX_POINTS) {
    console.error(`tfnb: the grid has ${points.length} points; at most ${MAX_POINTS}`);
    return 2;
  }

  const stop = stopOnSignals();
  const t0 = performance.now();
  const stamp = () => `[tfnb ${((performance.now() - t0) / 1000).toFixed(1)}s]`;
  const say = (line: string) => process.stderr.write(`${stamp()} ${line}\n`);
  say(`sweep: ${points.length} point${points.length === 1 ? '' : 's'}, ${Math.min(jobs, points.length)} at a time`);

  const outcomes: Array<PointOutcome | undefined> = new Array(points.length);
  let next = 0;
  const worker = async () => {
    while (next < points.length && !stop.aborted) {
      const i = next++;
      const point = points[i]!;
      const name = defaultRunName(notebook, point);
      const label = `[${i + 1}/${points.length} ${name}]`;
      say(`${label} started`);
      const { result, record } = await recordedRun({
        run: {
          input: notebook,
          ...kernel,
          stop,
          echo: false,
          prepare: (nb) => injectParameters(nb, point),
          progress: (line) => {
            if (!values.quiet) say(`${label} ${line}`);
          },
        },
        record: { notebook, parameters: point, source: 'sweep' },
        outputInRunFolder: true,
      });
      outcomes[i] = { point, name, result, record };
      say(`${label} ${describe(result)}${record ? ` (run ${record.id})` : ''}`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, points.length) }, worker));

  const done = outcomes.filter((o): o is PointOutcome => o !== undefined);
  const recorded = done.flatMap((o) => (o.record ? [o.record] : []));
  if (recorded.length) console.log(runsTable(recorded));
  const unrecorded = done.filter((o) => !o.record);
  if (unrecorded.length)
    console.log(
      textTable(
        ['point', 'result'],
        unrecorded.map((o) => [o.name, describe(o.result)]),
      ),
    );
  const failed = done.filter((o) => o.result.exitCode !== 0);
  const skipped = points.length - done.length;
  say(
    `sweep: ${done.length - failed.length} of ${points.length} point${points.length === 1 ? '' : 's'} ran ok` +
      (failed.length ? `, ${failed.length} failed (${failed.map((o) => o.name).join('; ')})` : '') +
      (skipped ? `, ${skipped} not started` : '') +
      ` in ${formatDuration(performance.now() - t0)}`,
  );
  if (stop.aborted) return (stop.reason as StopRequest).exitCode;
  return failed.length ? 1 : 0;
}

function describe(result: RunResult): string {
  if ('saveProblem' in result) return `failed: ${result.saveProblem}`;
  if ('stoppedBy' in result) return `stopped by ${result.stoppedBy}`;
  if ('failedCell' in result) return `failed: cell ${result.failedCell} ${result.timedOut ? result.reason : `failed (${result.reason})`}`;
  if ('reason' in result) return `failed: ${result.reason}`;
  return 'ok';
}
