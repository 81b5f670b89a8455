/**
 * `tfnb run NOTEBOOK.ipynb [--output OUT.ipynb] [--backend auto|tensorflow|webgpu|wasm|cpu]
 *  [--timeout SECONDS] [--max-heap-mb MB] [--max-output-bytes N] [-p NAME=VALUE ...]
 *  [--run-name NAME] [--no-record] [--quiet]`
 * Exit codes: 0 every cell ran; 1 a cell failed (or timed out); 2 bad arguments or a malformed
 * notebook (no file touched); 3 the kernel could not start (e.g. a forced backend is missing).
 * `tfnb sweep` (sweepCommand.ts), `tfnb runs` (runsCommand.ts), `tfnb export`, `tfnb cache`, `tfnb gpu`.
 */
import { parseCommandLine } from './commandLine';
import { injectParameters, parseParameters } from '../notebook/parameters';
import { cacheCommand } from './cacheCommand';
import { EXPORT_USAGE, exportCommand } from './exportCommand';
import { gpuCommand } from './gpuCommand';
import { recordedRun } from './recordedRun';
import { KERNEL_OPTIONS, kernelArguments } from './runArguments';
import { runsCommand } from './runsCommand';
import { stopOnSignals } from './stopSignals';
import { sweepCommand, SWEEP_USAGE } from './sweepCommand';

const USAGE = `usage: tfnb run NOTEBOOK.ipynb [--output OUT.ipynb] [--backend auto|tensorflow|webgpu|wasm|cpu] [--timeout SECONDS] [--max-heap-mb MB] [--max-output-bytes N] [-p NAME=VALUE ...] [--run-name NAME] [--no-record] [--quiet]
       ${SWEEP_USAGE}
       tfnb runs [--sort METRIC] [--reverse] [--json] [DIR]
       ${EXPORT_USAGE}
       tfnb cache [list] | tfnb cache clear [NAME]
       tfnb gpu [status] | tfnb gpu install`;

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'cache') return cacheCommand(argv.slice(1));
  if (argv[0] === 'gpu') return gpuCommand(argv.slice(1));
  if (argv[0] === 'runs') return runsCommand(argv.slice(1));
  if (argv[0] === 'sweep') return sweepCommand(argv.slice(1));
  if (argv[0] === 'export') return exportCommand(argv.slice(1));
  const parsed = parseCommandLine(
    argv,
    {
      ...KERNEL_OPTIONS,
      output: { type: 'string', short: 'o' },
      quiet: { type: 'boolean', short: 'q', default: false },
      'run-name': { type: 'string' },
      'no-record': { type: 'boolean', default: false },
    },
    USAGE,
  );
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const [command, notebook, ...extra] = positionals;
  if (command !== 'run' || !notebook || extra.length) {
    console.error(USAGE);
    return 2;
  }
  const kernel = kernelArguments(values);
  if ('problem' in kernel) {
    console.error(`tfnb: ${kernel.problem}`);
    return 2;
  }
  if (values['run-name'] !== undefined && values['no-record']) {
    console.error('tfnb: --run-name names a recorded run; it cannot go with --no-record');
    return 2;
  }

  let params;
  try {
    params = parseParameters(values.parameter);
  } catch (e) {
    console.error(`tfnb: ${(e as Error).message}`);
    return 2;
  }

  const stop = stopOnSignals();
  const t0 = performance.now();
  const stamp = () => `[tfnb ${((performance.now() - t0) / 1000).toFixed(1)}s]`;
  const { result, record } = await recordedRun({
    run: {
      input: notebook,
      output: values.output,
      ...kernel,
      stop,
      echo: !values.quiet,
      prepare: (nb) => injectParameters(nb, params),
      progress: (line) => process.stderr.write(`${stamp()} ${line}\n`),
      kernelLog: (line) => process.stderr.write(`${stamp()} kernel log: ${line}\n`),
    },
    record: values['no-record'] ? undefined : { notebook, parameters: params, name: values['run-name'], source: 'cli' },
  });
  if (record) process.stderr.write(`${stamp()} run recorded: ${record.id} (tfnb runs ${JSON.stringify(record.notebook)})\n`);
  if ('saveProblem' in result) {
    console.error(`tfnb: ${result.saveProblem}`);
    return result.exitCode;
  }
  if ('stoppedBy' in result)
    console.error(`tfnb: stopped by ${result.stoppedBy}; the cells that completed were written: ${result.outputPath}`);
  else if (result.exitCode === 0) console.error(`tfnb: all cells ran; executed notebook: ${result.outputPath}`);
  else if (result.exitCode === 1) {
    if (result.timedOut) console.error(`tfnb: cell ${result.failedCell} ${result.reason}; executed notebook: ${result.outputPath}`);
    else console.error(`tfnb: cell ${result.failedCell} failed (${result.reason}); executed notebook: ${result.outputPath}`);
  } else console.error(`tfnb: ${result.reason}`);
  return result.exitCode;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    console.error(`tfnb: internal error: ${(e as Error).stack ?? e}`);
    process.exitCode = 1;
  },
);
