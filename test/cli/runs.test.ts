// Recorded runs (docs/experiments.md) with real `node dist/cli.js` processes: `tfnb run` records a
// run (run.json, index.json, a TensorBoard event file read back with protobufjs), `tfnb sweep` runs
// a grid where one point fails, `tfnb runs` prints the table, concurrent runs keep every entry.
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CLI_SCRIPT, tempDir } from '../helpers/kernel';
import { readEventFile } from '../kernel/tfnode/eventFile';
import type { RunIndex, RunRecord } from '../../src/runs/runRecord';

const KERNELSPEC = { kernelspec: { name: 'tfnb', display_name: 'TypeScript (tfnb)', language: 'typescript' } };
const code = (source: string, tags: string[] = []) => ({
  cell_type: 'code',
  metadata: { tags },
  source,
  outputs: [],
  execution_count: null,
});

/** Two fits of 2 epochs on random data (the second with the user's own callbacks kept), then a logged scalar. */
const NOTEBOOK = {
  nbformat: 4,
  nbformat_minor: 5,
  metadata: KERNELSPEC,
  cells: [
    code('let lr = 0.05;\nlet fail = false;', ['parameters']),
    code(
      [
        'const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });',
        "model.compile({ optimizer: tf.train.sgd(lr), loss: 'meanSquaredError', metrics: ['mae'] });",
        'const xs = tf.randomNormal([16, 2]);',
        'const ys = tf.randomNormal([16, 1]);',
        'const h = await model.fit(xs, ys, { epochs: 2, validationSplit: 0.25 });',
        'const seen: number[] = [];',
        'await model.fit(xs, ys, { epochs: 3, callbacks: { onEpochEnd: async (e) => { seen.push(e); } } });',
        "console.log('user callback saw epochs', seen.join(','));",
      ].join('\n'),
    ),
    code("if (fail) throw new Error('this point fails');\ntfnb.log('score', 1 / (1 + (h.history.loss[1] as number)));"),
  ],
};

function writeNotebook(dir: string): string {
  const path = join(dir, 'nb.ipynb');
  writeFileSync(path, JSON.stringify(NOTEBOOK, null, 1));
  return path;
}

function tfnb(args: string[], cwd?: string) {
  const r = spawnSync(process.execPath, [CLI_SCRIPT, ...args], { encoding: 'utf8', timeout: 300_000, cwd });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function tfnbAsync(args: string[]): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI_SCRIPT, ...args], { stdio: 'ignore' });
    child.on('close', (code) => resolve(code));
  });
}

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;
const runsDir = (dir: string) => join(dir, 'tfnb-runs');
const runRecords = (dir: string): RunRecord[] =>
  readdirSync(runsDir(dir))
    .filter((name) => existsSync(join(runsDir(dir), name, 'run.json')))
    .map((name) => readJson<RunRecord>(join(runsDir(dir), name, 'run.json')));

/** float32 as the event file stores it. */
const f32 = (x: number) => Math.fround(x);

describe('tfnb run records the run', () => {
  it('writes run.json, index.json and an event file TensorBoard reads', () => {
    const dir = tempDir('tfnb-runs-');
    const input = writeNotebook(dir);
    const r = tfnb(['run', input, '-p', 'lr=0.01', '--backend', 'cpu']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /user callback saw epochs 0,1,2/, 'the user’s own callbacks still run');
    assert.match(r.stderr, /run recorded: \S+lr=0\.01/);

    const [run, ...others] = runRecords(dir);
    assert.ok(run);
    assert.equal(others.length, 0);
    assert.equal(run.status, 'ok');
    assert.equal(run.source, 'cli');
    assert.equal(run.name, 'lr=0.01');
    assert.deepEqual(run.parameters, { lr: 0.01 });
    assert.equal(run.notebook, input);
    assert.equal(run.executedNotebook, input);
    assert.equal(run.backend, 'cpu');
    assert.equal(typeof run.tfVersion, 'string');
    assert.equal(run.git, undefined, 'a temp folder is no git repository');
    assert.ok(typeof run.durationMs === 'number' && run.durationMs > 0);
    assert.equal(run.fits, 2);
    // The first fit's logs are `loss`…, the second's `fit2/loss`…; a tfnb.log scalar by its name.
    assert.deepEqual(
      run.series.loss!.map(([step]) => step),
      [1, 2],
    );
    assert.deepEqual(
      run.series['fit2/loss']!.map(([step]) => step),
      [1, 2, 3],
    );
    assert.equal(run.series.val_loss!.length, 2);
    assert.equal(run.series.mae!.length, 2);
    assert.deepEqual(Object.keys(run.series.score!), ['0']);
    for (const [tag, series] of Object.entries(run.series)) assert.equal(run.metrics[tag], series[series.length - 1]![1], tag);
    assert.ok(Math.abs(run.metrics.score! - 1 / (1 + run.metrics.loss!)) < 1e-6);

    const index = readJson<RunIndex>(join(runsDir(dir), 'index.json'));
    assert.equal(index.version, 1);
    assert.equal(index.runs.length, 1);
    assert.equal(index.runs[0]!.id, run.id);
    assert.deepEqual(index.runs[0]!.metrics, run.metrics);
    assert.equal('series' in index.runs[0]!, false, 'the index holds no curves');

    const eventFiles = readdirSync(join(runsDir(dir), run.id)).filter((f) => f.startsWith('events.out.tfevents.'));
    assert.equal(eventFiles.length, 1);
    assert.match(eventFiles[0]!, /^events\.out\.tfevents\.\d{10}\.[^.]+\.\d+\.0\.v2$/);
    const events = readEventFile(readFileSync(join(runsDir(dir), run.id, eventFiles[0]!)));
    assert.equal(events[0]!.fileVersion, 'brain.Event:2');
    const scalars = events.slice(1).flatMap((e) => e.summary!.value.map((v) => ({ step: e.step, tag: v.tag, value: v.simpleValue! })));
    for (const [tag, series] of Object.entries(run.series)) {
      const fromFile = scalars.filter((s) => s.tag === tag).map((s) => [s.step, s.value]);
      assert.deepEqual(
        fromFile,
        series.map(([step, value]) => [step, f32(value)]),
        tag,
      );
    }
  });

  it('records the git commit of the notebook’s repository, --run-name names the run, --no-record records nothing', () => {
    const dir = tempDir('tfnb-runs-git-');
    const input = writeNotebook(dir);
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: dir, encoding: 'utf8' }).trim();
    git('init', '-q');
    git('add', 'nb.ipynb');
    git('commit', '-qm', 'notebook');
    const head = git('rev-parse', 'HEAD');
    const r = tfnb(['run', input, '--run-name', 'baseline', '--output', join(dir, 'out.ipynb'), '--quiet', '--backend', 'cpu']);
    assert.equal(r.code, 0, r.stderr);
    const [run] = runRecords(dir);
    assert.equal(run!.name, 'baseline');
    assert.match(run!.id, /baseline$/);
    assert.deepEqual(run!.git, { commit: head, dirty: false });
    assert.equal(run!.executedNotebook, join(dir, 'out.ipynb'));

    const other = tempDir('tfnb-runs-none-');
    const r2 = tfnb(['run', writeNotebook(other), '--no-record', '--quiet', '--backend', 'cpu']);
    assert.equal(r2.code, 0, r2.stderr);
    assert.deepEqual(readdirSync(other), ['nb.ipynb']);
    assert.equal(tfnb(['run', input, '--no-record', '--run-name', 'x']).code, 2);
  });

  it('keeps every entry when runs of one notebook end at once', async () => {
    const dir = tempDir('tfnb-runs-concurrent-');
    const input = writeNotebook(dir);
    const codes = await Promise.all(
      [1, 2, 3].map((n) =>
        tfnbAsync(['run', input, '-p', `lr=0.0${n}`, '--output', join(dir, `out${n}.ipynb`), '--quiet', '--backend', 'cpu']),
      ),
    );
    assert.deepEqual(codes, [0, 0, 0]);
    const index = readJson<RunIndex>(join(runsDir(dir), 'index.json'));
    assert.deepEqual(index.runs.map((r) => r.parameters.lr).sort(), [0.01, 0.02, 0.03]);
    assert.ok(index.runs.every((r) => r.status === 'ok'));
  });
});

describe('tfnb sweep', () => {
  it('runs every point of the grid; a failing point fails only itself; the table and tfnb runs show them', () => {
    const dir = tempDir('tfnb-sweep-');
    const input = writeNotebook(dir);
    const before = readFileSync(input, 'utf8');
    const r = tfnb(['sweep', input, '-p', 'lr=0.01,0.1', '-p', 'fail=false,true', '--jobs', '2', '--backend', 'cpu']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /sweep: 4 points, 2 at a time/);
    assert.match(r.stderr, /sweep: 2 of 4 points ran ok, 2 failed \(lr=0\.01,fail=true; lr=0\.1,fail=true\)/);
    assert.equal(readFileSync(input, 'utf8'), before, 'the notebook itself is left as it was');

    const runs = runRecords(dir);
    assert.equal(runs.length, 4);
    for (const run of runs) {
      assert.equal(run.source, 'sweep');
      const failing = run.parameters.fail === true;
      assert.equal(run.status, failing ? 'failed' : 'ok', run.id);
      if (failing) assert.match(run.failure!, /cell 4 failed/);
      else assert.equal(typeof run.metrics.score, 'number');
      // Each point's executed notebook is in its own run folder.
      assert.equal(run.executedNotebook, join(runsDir(dir), run.id, 'nb.ipynb'));
      const executed = readJson<{ cells: Array<{ outputs: unknown[] }> }>(run.executedNotebook!);
      assert.ok(executed.cells.some((c) => c.outputs.length > 0));
    }
    // The summary table: a header, a rule, one row per point.
    const table = r.stdout.trim().split('\n');
    assert.match(table[0]!, /^run\s+status\s+time\s+lr\s+fail\s/);
    assert.equal(table.length, 2 + 4);

    const sorted = tfnb(['runs', '--sort', 'score', dir]);
    assert.equal(sorted.code, 0, sorted.stderr);
    const rows = sorted.stdout.trim().split('\n').slice(2);
    assert.equal(rows.length, 4);
    const byId = new Map(runs.map((run) => [run.id, run]));
    const scores = rows.map((row) => byId.get(row.split(/\s+/)[0]!)!.metrics.score);
    // Higher is better for a score: the best first; runs without one last.
    assert.ok(scores[0]! >= scores[1]!, String(scores));
    assert.deepEqual(scores.slice(2), [undefined, undefined]);
    assert.match(sorted.stderr, /4 runs in /);

    const nb = tfnb(['runs', input, '--json']);
    assert.equal((JSON.parse(nb.stdout) as RunRecord[]).length, 4, 'a notebook names its folder’s runs');
    const unknown = tfnb(['runs', '--sort', 'nope', dir]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /no run has a metric "nope"; metrics: .*score/);
  });

  it('rejects a bad grid with exit 2 before running anything', () => {
    const dir = tempDir('tfnb-sweep-bad-');
    const input = writeNotebook(dir);
    for (const args of [['-p', 'lr'], ['-p', 'lr=1', '-p', 'lr=2'], ['--jobs', '0', '-p', 'lr=1'], []]) {
      const r = tfnb(['sweep', input, ...args]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    }
    assert.deepEqual(readdirSync(dir), ['nb.ipynb']);
  });
});
