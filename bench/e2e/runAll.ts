/**
 * Run All in VS Code (code-server + Chromium, as in test/e2e) against `tfnb run` (node
 * dist/cli.js run), in the same run, on the same notebooks and data:
 * - the MNIST tutorial (samples/02-mnist.ipynb on the 8,000 digits tfnb bundles, as
 *   bench/peers/mnist.ts, live curves and the loss log on): training samples/s;
 * - 100 trivial cells: the time per cell from the first cell's start to the last one's end.
 * It also prints who used the CPU in VS Code's runs (kernel, extension host, code-server,
 * Chromium), and during a cell that only waits: what VS Code costs while any cell runs.
 * Both are timed inside the kernel (the notebooks write what they measured to a file beside
 * them), so each path is measured the same way; every round starts a fresh kernel (`tfnb run`
 * always does; in VS Code, tfnb: Restart Kernel). Rounds alternate between the two paths so
 * load from other users falls on both; only the same-run ratios mean anything on this machine.
 * Usage: node --import tsx bench/e2e/runAll.ts [--epochs N] [--rounds N] [--only mnist|trivial]
 *   [--live-interval MS] (tfnb.liveUpdateIntervalMs in VS Code, to see what live outputs cost)
 *   (builds out/tfnb.vsix if stale; run `npm run build` first for dist/cli.js)
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT, startCodeServer } from '../../test/e2e/codeServer';
import { descendants } from '../../test/e2e/processes';
import { notebookJson } from '../../test/e2e/notebooks';
import { launchBrowser, Workbench } from '../../test/e2e/workbench';
import { median, ms, printTable, type Row } from '../lib';

const CLI = join(ROOT, 'dist', 'cli.js');
const SUBSET = join(ROOT, 'dist', 'data', 'mnist-subset');
const TRIVIAL_CELLS = 100;
/** What the notebooks write: the training cell's time and samples, the trivial cells' span. */
const TRAIN_RESULT = 'bench-train.json';
const TRIVIAL_RESULT = 'bench-trivial.json';
/** A cell that only waits: what VS Code costs while a cell runs. */
const WAITING_SECONDS = 5;
const WAITING_CELL = `await new Promise((r) => setTimeout(r, ${WAITING_SECONDS * 1000}));`;

/** `cpuMs`: the kernel's own CPU time meanwhile (process.cpuUsage: all its threads). */
interface TrainResult {
  ms: number;
  cpuMs: number;
  samples: number;
  /** How the kernel was started: the two paths must match, or the comparison is of something else. */
  setup: string;
}
interface TrivialResult {
  spanMs: number;
  cpuMs: number;
  cells: number;
}

/** In a cell: microseconds of CPU (process.cpuUsage's user + system) to milliseconds. */
const CPU_MS = '((u) => (u.user + u.system) / 1000)';

/** In a cell: the kernel's Node, flags, NODE_OPTIONS and backend. */
const SETUP =
  "`${process.execPath} ${process.version} [${process.execArgv.join(' ')}] NODE_OPTIONS=${process.env.NODE_OPTIONS ?? ''} ${tf.getBackend()} UV_THREADPOOL_SIZE=${process.env.UV_THREADPOOL_SIZE ?? ''}`";

type Cell = { cell_type: string; source: string | string[] };
const text = (source: string | string[]) => (Array.isArray(source) ? source.join('') : source);

/** The tutorial with `epochs` set and its training cell timed (the time and sample count go to TRAIN_RESULT). */
function mnistNotebook(epochs: number): string {
  const nb = JSON.parse(readFileSync(join(ROOT, 'samples', '02-mnist.ipynb'), 'utf8')) as { cells: Cell[] };
  const params = nb.cells.find((c) => c.cell_type === 'code' && /let epochs = \d+;/.test(text(c.source)));
  const fit = nb.cells.find((c) => c.cell_type === 'code' && text(c.source).includes('model.fit('));
  if (!params || !fit) throw new Error('samples/02-mnist.ipynb changed: no parameters cell or no model.fit cell');
  params.source = text(params.source).replace(/let epochs = \d+;/, `let epochs = ${epochs};`);
  fit.source = [
    'const benchTrainStart = performance.now(), benchTrainCpu = process.cpuUsage();',
    text(fit.source),
    `;(await import('node:fs')).writeFileSync(${JSON.stringify(TRAIN_RESULT)}, JSON.stringify({ ms: performance.now() - benchTrainStart, cpuMs: ${CPU_MS}(process.cpuUsage(benchTrainCpu)), samples: epochs * trainCount, setup: ${SETUP} }));`,
  ].join('\n');
  return JSON.stringify(nb, null, 1);
}

/** 100 cells that each add one to a counter; the last writes the span from the first one's start. */
function trivialNotebook(): string {
  const count = 'globalThis.benchCells = (globalThis.benchCells ?? 0) + 1';
  return notebookJson(
    Array.from({ length: TRIVIAL_CELLS }, (_, i) => ({
      kind: 'code' as const,
      source:
        i === 0
          ? `globalThis.benchCells = 0; globalThis.benchT0 = performance.now(); globalThis.benchCpu0 = process.cpuUsage();\n${count}`
          : i === TRIVIAL_CELLS - 1
            ? `${count};\n(await import('node:fs')).writeFileSync(${JSON.stringify(TRIVIAL_RESULT)}, JSON.stringify({ spanMs: performance.now() - globalThis.benchT0, cpuMs: ${CPU_MS}(process.cpuUsage(globalThis.benchCpu0)), cells: globalThis.benchCells }));`
            : count,
    })),
  );
}

function copyMnistData(dir: string): void {
  const data = join(dir, 'data', 'mnist');
  mkdirSync(data, { recursive: true });
  for (const f of readdirSync(SUBSET).filter((n) => n.includes('idx'))) copyFileSync(join(SUBSET, f), join(data, f));
}

async function waitForFile<T>(path: string, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (existsSync(path)) {
      try {
        return JSON.parse(readFileSync(path, 'utf8')) as T;
      } catch {
        // Being written: read again.
      }
    }
    if (Date.now() > deadline) throw new Error(`${path} was not written within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function readResult<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/** `tfnb run` of one notebook in `dir` (output beside it, not recorded); returns what it wrote. */
function cliRun<T>(dir: string, notebook: string, result: string): T {
  rmSync(join(dir, result), { force: true });
  const r = spawnSync(process.execPath, [CLI, 'run', notebook, '--output', 'out.ipynb', '--quiet', '--no-record', '--backend', 'wasm'], {
    cwd: dir,
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  if (r.status !== 0) throw new Error(`tfnb run ${notebook} failed (exit ${r.status}):\n${r.stderr.slice(-3000)}`);
  return readResult<T>(join(dir, result));
}

/** Who used the CPU in VS Code's runs: its parts, told apart by their command lines. */
const PARTS = ['kernel', 'extension host', 'code-server', 'Chromium'] as const;
type Part = (typeof PARTS)[number];

function partOf(args: string): Part | undefined {
  if (args.includes('dist/kernel.js')) return 'kernel';
  if (args.includes('--type=extensionHost')) return 'extension host';
  if (args.includes('code-server')) return 'code-server';
  if (/chrom/i.test(args)) return 'Chromium';
  return undefined;
}

/**
 * CPU seconds (user + system) used so far by each part, among this process's descendants. A
 * process that ends between two readings takes its time with it (a restarted kernel's part of a
 * difference can even be negative): the kernel's own figure comes from the notebook instead.
 */
function cpuByPart(): Record<Part, number> {
  const used = Object.fromEntries(PARTS.map((p) => [p, 0])) as Record<Part, number>;
  for (const row of descendants(process.pid)) {
    const part = partOf(row.args);
    if (!part) continue;
    try {
      // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
      const fields = readFileSync(`/proc/${row.pid}/stat`, 'utf8').split(') ').pop()!.split(' ');
      used[part] += (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
    } catch {
      // Ended meanwhile.
    }
  }
  return used;
}
const CLOCK_TICKS = 100;

function cpuSince(before: Record<Part, number>): Record<Part, number> {
  const now = cpuByPart();
  return Object.fromEntries(PARTS.map((p) => [p, now[p] - before[p]])) as Record<Part, number>;
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      epochs: { type: 'string', default: '5' },
      rounds: { type: 'string', default: '3' },
      'live-interval': { type: 'string' },
      only: { type: 'string' },
    },
  });
  const epochs = Number(values.epochs);
  const rounds = Number(values.rounds);
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: npm run build`);

  const cliDir = mkdtempSync(join(tmpdir(), 'tfnb-bench-runall-'));
  copyMnistData(cliDir);
  writeFileSync(join(cliDir, 'mnist.ipynb'), mnistNotebook(epochs));
  writeFileSync(join(cliDir, 'trivial.ipynb'), trivialNotebook());

  const server = await startCodeServer({
    workspaceFiles: {
      'mnist.ipynb': mnistNotebook(epochs),
      'trivial.ipynb': trivialNotebook(),
      'waiting.ipynb': notebookJson([{ kind: 'code', source: WAITING_CELL }]),
    },
    // Not recorded, as `tfnb run --no-record`; the wasm backend, as `--backend wasm`.
    settings: {
      'tfnb.recordRuns': false,
      'tfnb.backend': 'wasm',
      ...(values['live-interval'] ? { 'tfnb.liveUpdateIntervalMs': Number(values['live-interval']) } : {}),
    },
  });
  copyMnistData(server.workspace);
  const browser = await launchBrowser(server);
  const loads: string[] = [load()];
  const train = { vs: [] as TrainResult[], cli: [] as TrainResult[] };
  const trivial = { vs: [] as TrivialResult[], cli: [] as TrivialResult[] };
  /** VS Code only: from the Run All click to the last trivial cell's result file (kernel start excluded: it is warm). */
  const trivialWall: number[] = [];
  /** VS Code only: CPU seconds each part used from the Run All click to the training cell's end. */
  const trainCpu: Array<Record<Part, number> & { wallSeconds: number }> = [];
  const trivialCpu: typeof trainCpu = [];
  const waitingCpu: typeof trainCpu = [];
  try {
    const wb = await Workbench.open(browser, server);

    /** One Run All of the active notebook on a fresh kernel; resolves with what the notebook wrote. */
    const vsRun = async <T>(
      result: string,
      timeoutMs: number,
      first: boolean,
    ): Promise<{ value: T; wallMs: number; cpu: Record<Part, number> }> => {
      rmSync(join(server.workspace, result), { force: true });
      if (!first) {
        await wb.command('tfnb: Restart Kernel');
        await wb.waitForStatus(/idle/, 60_000);
      }
      const cpu0 = cpuByPart();
      const t0 = performance.now();
      await wb.runAllFromToolbar();
      const value = await waitForFile<T>(join(server.workspace, result), timeoutMs);
      const wallMs = performance.now() - t0;
      const cpu = cpuSince(cpu0);
      // The cell that wrote the file ends: the kernel goes idle.
      await wb.waitForStatus(/idle/, timeoutMs);
      return { value, wallMs, cpu };
    };

    // What VS Code itself costs while a cell runs: one that only waits, no output.
    await wb.openFromExplorer('waiting.ipynb');
    await wb.runCell(0);
    await wb.waitForCellDone(0, 180_000); // starts the kernel
    for (let i = 0; i < rounds; i++) {
      const cpu0 = cpuByPart();
      const t0 = performance.now();
      await wb.runCell(0);
      await wb.waitForCellDone(0, 60_000);
      waitingCpu.push({ ...cpuSince(cpu0), wallSeconds: (performance.now() - t0) / 1000 });
    }
    await wb.closeActiveEditorWithoutSaving();

    await wb.openFromExplorer('trivial.ipynb');
    for (let i = 0; i < rounds && values.only !== 'mnist'; i++) {
      const vs = await vsRun<TrivialResult>(TRIVIAL_RESULT, 180_000, i === 0);
      trivial.vs.push(vs.value);
      if (i > 0) trivialWall.push(vs.wallMs);
      trivialCpu.push({ ...vs.cpu, wallSeconds: vs.wallMs / 1000 });
      trivial.cli.push(cliRun<TrivialResult>(cliDir, 'trivial.ipynb', TRIVIAL_RESULT));
      loads.push(load());
    }
    await wb.closeActiveEditorWithoutSaving();

    await wb.openFromExplorer('mnist.ipynb');
    for (let i = 0; i < rounds && values.only !== 'trivial'; i++) {
      const vs = await vsRun<TrainResult>(TRAIN_RESULT, 600_000, i === 0);
      train.vs.push(vs.value);
      trainCpu.push({ ...vs.cpu, wallSeconds: vs.wallMs / 1000 });
      train.cli.push(cliRun<TrainResult>(cliDir, 'mnist.ipynb', TRAIN_RESULT));
      loads.push(load());
    }
    await wb.screenshot('bench-runall-mnist');
  } finally {
    await browser.close().catch(() => undefined);
    await server.stop();
    rmSync(cliDir, { recursive: true, force: true });
  }

  for (const r of [...trivial.vs, ...trivial.cli])
    if (r.cells !== TRIVIAL_CELLS) throw new Error(`a trivial run counted ${r.cells} cells, not ${TRIVIAL_CELLS}`);
  const rate = (r: TrainResult) => r.samples / (r.ms / 1000);
  const perCell = (r: TrivialResult) => r.spanMs / (TRIVIAL_CELLS - 1);
  const cpuPerSample = (r: TrainResult) => (1000 * r.cpuMs) / r.samples;
  const busy = (r: TrivialResult) => r.cpuMs / r.spanMs;
  const onCpu = (r: TrainResult) => r.cpuMs / r.ms;
  const [vsRate, cliRate] = [median(train.vs.map(rate)), median(train.cli.map(rate))];
  const [vsCell, cliCell] = [median(trivial.vs.map(perCell)), median(trivial.cli.map(perCell))];
  const rows: Row[] = [
    {
      ratio: vsRate / cliRate,
      target: '≥ 1.0 (same throughput)',
      what: `MNIST tutorial training samples/s (${epochs} epochs, 8,000 digits, live curves + log), median of ${rounds}`,
      tfnb: `${Math.round(vsRate)}/s (${train.vs.map((r) => Math.round(rate(r))).join(', ')})`,
      baseline: `${Math.round(cliRate)}/s (${train.cli.map((r) => Math.round(rate(r))).join(', ')})`,
      baselineName: '`tfnb run`, same notebook',
    },
    {
      ratio: median(train.vs.map((r, i) => rate(r) / rate(train.cli[i]!))),
      target: '≥ 1.0',
      what: 'the same, each VS Code round ÷ the `tfnb run` round right after it (less exposed to load swings), median',
      tfnb: train.vs.map((r, i) => (rate(r) / rate(train.cli[i]!)).toFixed(2)).join(', '),
      baseline: '',
      baselineName: '',
    },
    {
      ratio: median(train.vs.map(onCpu)) / median(train.cli.map(onCpu)),
      target: '',
      what: 'MNIST training: share of the training time the kernel was on the CPU (the rest: waiting for it)',
      tfnb: `${(100 * median(train.vs.map(onCpu))).toFixed(0)} %`,
      baseline: `${(100 * median(train.cli.map(onCpu))).toFixed(0)} %`,
      baselineName: '`tfnb run`',
    },
    {
      ratio: vsCell / cliCell,
      target: '≤ 1.0',
      what: `${TRIVIAL_CELLS} trivial cells: time per cell, first start → last end in the kernel, median of ${rounds}`,
      tfnb: `${ms(vsCell)} (${trivial.vs.map((r) => perCell(r).toFixed(2)).join(', ')})`,
      baseline: `${ms(cliCell)} (${trivial.cli.map((r) => perCell(r).toFixed(2)).join(', ')})`,
      baselineName: '`tfnb run`, same notebook',
    },
    {
      ratio: median(trivial.vs.map((r, i) => perCell(r) / perCell(trivial.cli[i]!))),
      target: '≤ 1.0',
      what: 'the same, each VS Code round ÷ the `tfnb run` round right after it, median',
      tfnb: trivial.vs.map((r, i) => (perCell(r) / perCell(trivial.cli[i]!)).toFixed(2)).join(', '),
      baseline: '',
      baselineName: '',
    },
    {
      ratio: median(train.vs.map(cpuPerSample)) / median(train.cli.map(cpuPerSample)),
      target: '',
      what: 'MNIST training: kernel CPU time per sample (the same work? then a slower VS Code run waited for the CPU)',
      tfnb: `${median(train.vs.map(cpuPerSample)).toFixed(1)} µs`,
      baseline: `${median(train.cli.map(cpuPerSample)).toFixed(1)} µs`,
      baselineName: '`tfnb run`',
    },
    {
      ratio: median(trivial.vs.map(busy)) / median(trivial.cli.map(busy)),
      target: '',
      what: `${TRIVIAL_CELLS} trivial cells: share of the span the kernel was on the CPU (the rest: waiting for cells or the CPU)`,
      tfnb: `${(100 * median(trivial.vs.map(busy))).toFixed(0)} %`,
      baseline: `${(100 * median(trivial.cli.map(busy))).toFixed(0)} %`,
      baselineName: '`tfnb run`',
    },
    {
      ratio: null,
      target: '',
      what: `${TRIVIAL_CELLS} trivial cells: Run All click → last cell's result written (warm kernel restarted), median`,
      tfnb: trivialWall.length ? ms(median(trivialWall)) : '—',
      baseline: '—',
      baselineName: '',
    },
  ];
  // Rows of a part left out (--only) have no numbers.
  printTable(
    'Run All in VS Code (code-server 4.100.3, headless Chromium) vs `tfnb run`, wasm backend',
    rows.filter((r) => !Number.isNaN(r.ratio)),
  );
  const cpuLines = (what: string, span: string, rows: typeof trainCpu) =>
    rows.forEach((c, i) =>
      console.log(
        `VS Code ${what} round ${i + 1}: ${c.wallSeconds.toFixed(1)} s ${span}; CPU seconds meanwhile: ${PARTS.map((p) => `${p} ${c[p].toFixed(2)}`).join(', ')}`,
      ),
    );
  const setups = new Set([...train.vs, ...train.cli].map((r) => r.setup));
  for (const path of ['vs', 'cli'] as const)
    if (train[path].length)
      console.log(`kernel set-up, ${path === 'vs' ? 'VS Code' : 'tfnb run'}: ${[...new Set(train[path].map((r) => r.setup))].join(' | ')}`);
  if (setups.size > 1) console.log('NOTE: the kernels were not started alike');
  cpuLines(`a cell waiting ${WAITING_SECONDS} s`, 'from its Run click to its end', waitingCpu);
  cpuLines('trivial cells', 'from the Run All click to the last cell', trivialCpu);
  cpuLines('MNIST', "from the Run All click to the training's end", trainCpu);
  console.log(`\nload average (1, 5, 15 min) at the start and after each round: ${loads.join(' | ')}`);
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
