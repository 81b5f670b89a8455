/**
 * Authoring benchmark: time from a keystroke in a cell (a document change sent to the
 * TypeScript server) to that cell's updated type-check diagnostics, in a 100-cell notebook
 * against a one-cell notebook, side by side in one server. Target: ≤ 1.5×.
 * Measured on the real TypeScript server with tfnb's plugin loaded as VS Code loads it, fed
 * the requests VS Code's TypeScript extension and tfnb's extension send; VS Code's own IPC
 * and rendering are not part of it (the same for both notebooks).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { median, ms, printTable, type Row } from '../lib';
import { notebookCells, pluginConfig, preparePlugin, scratchDir, TsServer, type TestCell } from '../../test/authoring/tsserver';
import { mlNotebook, oneCellEquivalent } from './notebooks';

const ROUNDS = 25;
const WARMUP = 5;

async function main(): Promise<void> {
  const scratch = scratchDir('tfnb-bench-authoring-');
  try {
    const { probeDir, typesDir } = await preparePlugin(scratch.dir);
    const long = join(scratch.dir, 'long');
    const short = join(scratch.dir, 'short');
    mkdirSync(long);
    mkdirSync(short);
    const longCells = notebookCells(join(long, 'long.ipynb'), mlNotebook(100));
    // The one cell declares what the long notebook's last cell uses from above, so both checks do the same work.
    const shortCells = notebookCells(join(short, 'short.ipynb'), [oneCellEquivalent()]);
    const server = await TsServer.start(probeDir, scratch.dir);
    try {
      await server.request('updateOpen', {
        openFiles: [...longCells.map((c) => ({ c, root: long })), ...shortCells.map((c) => ({ c, root: short }))].map(({ c, root }) => ({
          file: c.serverFile,
          fileContent: c.text,
          projectRootPath: root,
          scriptKindName: 'TS',
        })),
      });
      const config = pluginConfig(typesDir, long, longCells);
      await server.configure({ typesDir, notebooks: [...config.notebooks, ...pluginConfig(typesDir, short, shortCells).notebooks] });
      for (const c of [...longCells, ...shortCells]) {
        const d = await server.semanticDiagnostics(c);
        if (d.length) throw new Error(`the benchmark notebook has errors: ${JSON.stringify(d.slice(0, 3))}`);
      }

      const results: Row[] = [];
      const last = longCells[longCells.length - 1]!;
      const middle = longCells[50]!;
      const only = shortCells[0]!;

      const lastVsOne = await sideBySide(
        server,
        () => keystrokeToDiagnostics(server, last, [last]),
        () => keystrokeToDiagnostics(server, only, [only]),
      );
      results.push(...rows('keystroke → diagnostics of the edited cell (last of 100 cells)', lastVsOne, '≤ 1.5'));

      const middleVsOne = await sideBySide(
        server,
        () => keystrokeToDiagnostics(server, middle, [middle]),
        () => keystrokeToDiagnostics(server, only, [only]),
      );
      results.push(...rows('keystroke → diagnostics of the edited cell (cell 51 of 100)', middleVsOne, '≤ 1.5'));

      const below = longCells.slice(50);
      const belowVsOne = await sideBySide(
        server,
        () => keystrokeToDiagnostics(server, middle, below),
        () => keystrokeToDiagnostics(server, only, [only]),
      );
      results.push(...rows('keystroke in cell 51 → diagnostics of it and the 49 cells below', belowVsOne, 'info'));
      // What each cell below adds to that pass, after the edited cell's own problems are shown.
      const perCellBelow = (median(belowVsOne.tfnb) - median(middleVsOne.tfnb)) / (below.length - 1);
      results.push({
        ratio: null,
        target: 'info',
        what: `each of the ${below.length - 1} cells below, re-checked after the edited cell (pass − edited cell) ÷ ${below.length - 1}: median wall time`,
        tfnb: ms(perCellBelow),
        baseline: '—',
        baselineName: '—',
      });

      const newName = await sideBySide(
        server,
        () => typeNewName(server, middle),
        () => typeNewName(server, only),
      );
      results.push(...rows('keystroke that changes a top-level name (cell 51 of 100) → its diagnostics', newName, '≤ 1.5'));

      printTable(
        'Authoring: keystroke → updated diagnostics, 100-cell vs 1-cell notebook (TypeScript server + tfnb plugin, measured in Node)',
        results,
      );
    } finally {
      await server.stop();
    }
  } finally {
    scratch.dispose();
  }
}

interface Pair {
  tfnb: number[];
  baseline: number[];
  tfnbCpu: number;
  baselineCpu: number;
}

/**
 * Alternates the two measurements so both see the same machine load. Besides wall time, sums
 * the server's CPU time over the rounds: on a shared machine that is the steadier measure.
 */
async function sideBySide(server: TsServer, measured: () => Promise<number>, baseline: () => Promise<number>): Promise<Pair> {
  const pair: Pair = { tfnb: [], baseline: [], tfnbCpu: 0, baselineCpu: 0 };
  for (let i = 0; i < WARMUP + ROUNDS; i++) {
    const cpu0 = server.cpuMs();
    const a = await measured();
    const cpu1 = server.cpuMs();
    const b = await baseline();
    const cpu2 = server.cpuMs();
    if (i >= WARMUP) {
      pair.tfnb.push(a);
      pair.baseline.push(b);
      pair.tfnbCpu += cpu1 - cpu0;
      pair.baselineCpu += cpu2 - cpu1;
    }
  }
  pair.tfnbCpu /= ROUNDS;
  pair.baselineCpu /= ROUNDS;
  return pair;
}

/** Types one digit into the cell's `tf.scalar(…)` literal, then asks for diagnostics of `check` in order. */
async function keystrokeToDiagnostics(server: TsServer, cell: TestCell, check: readonly TestCell[]): Promise<number> {
  const line = cell.text.split('\n').findIndex((l) => l.includes('tf.scalar(')) + 1;
  const offset = cell.text.split('\n')[line - 1]!.indexOf('tf.scalar(') + 'tf.scalar('.length + 1;
  const started = performance.now();
  await server.insert(cell, line, offset, '1');
  for (const c of check) {
    const d = await server.semanticDiagnostics(c);
    if (d.length) throw new Error(`unexpected diagnostics: ${JSON.stringify(d[0])}`);
  }
  return performance.now() - started;
}

let typed = 0;
/** Types one more letter of a new top-level name (`const tmpa…`): every cell below sees a new name. */
async function typeNewName(server: TsServer, cell: TestCell): Promise<number> {
  const lines = cell.text.split('\n');
  if (!lines[lines.length - 1]!.startsWith('const tmp')) {
    await server.insert(cell, lines.length, lines[lines.length - 1]!.length + 1, '\nconst tmp = 0;');
  }
  const lastLine = cell.text.split('\n').length;
  const started = performance.now();
  await server.insert(cell, lastLine, 'const tmp'.length + 1, String.fromCharCode(97 + (typed++ % 26)));
  await server.semanticDiagnostics(cell);
  return performance.now() - started;
}

function rows(what: string, pair: Pair, target: string): Row[] {
  const a = median(pair.tfnb);
  const b = median(pair.baseline);
  return [
    { ratio: a / b, target, what: `${what}: median wall time`, tfnb: ms(a), baseline: ms(b), baselineName: 'same edit, one-cell notebook' },
    {
      ratio: pair.tfnbCpu / pair.baselineCpu,
      target,
      what: `${what}: server CPU time (mean)`,
      tfnb: ms(pair.tfnbCpu),
      baseline: ms(pair.baselineCpu),
      baselineName: 'same edit, one-cell notebook',
    },
  ];
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
