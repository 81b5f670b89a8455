/**
 * `tfnb runs [--sort METRIC] [--reverse] [--json] [DIR]`: the recorded runs of a notebook folder as a
 * table. DIR is a tfnb-runs folder, a folder holding one, or a notebook (its folder's); default:
 * the current folder. Exit codes: 0 shown (also none), 2 bad arguments.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parseCommandLine } from './commandLine';
import { RUNS_DIR } from '../runs/runRecord';
import { readRuns } from '../runs/runStore';
import { runsTable, sortRuns } from './runsTable';

const USAGE = 'usage: tfnb runs [--sort METRIC] [--reverse] [--json] [DIR]';

export function runsCommand(argv: string[]): number {
  const parsed = parseCommandLine(
    argv,
    {
      sort: { type: 'string' },
      reverse: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    USAGE,
  );
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  if (positionals.length > 1) {
    console.error(USAGE);
    return 2;
  }
  const dir = runsDirOf(positionals[0] ?? '.');
  let runs = readRuns(dir);
  if (values.sort) {
    if (!runs.some((r) => values.sort! in r.metrics)) {
      const known = [...new Set(runs.flatMap((r) => Object.keys(r.metrics)))];
      console.error(`tfnb: no run has a metric "${values.sort}"${known.length ? `; metrics: ${known.join(', ')}` : ''}`);
      return 2;
    }
    runs = sortRuns(runs, values.sort, values.reverse);
  } else if (values.reverse) runs.reverse();
  if (values.json) {
    console.log(JSON.stringify(runs, null, 1));
    return 0;
  }
  if (runs.length === 0) {
    console.error(`tfnb: no runs in ${dir} (tfnb run NOTEBOOK records one there)`);
    return 0;
  }
  console.log(runsTable(runs, { sort: values.sort }));
  console.error(`${runs.length} run${runs.length === 1 ? '' : 's'} in ${dir}`);
  return 0;
}

/** The tfnb-runs folder DIR names: itself, the one inside it, or the one beside a notebook. */
function runsDirOf(arg: string): string {
  const path = resolve(arg);
  if (basename(path) === RUNS_DIR) return path;
  if (existsSync(path) && statSync(path).isFile()) return join(dirname(path), RUNS_DIR);
  return join(path, RUNS_DIR);
}
