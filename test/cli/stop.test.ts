// `tfnb run` stopped from outside — SIGINT, SIGTERM, SIGHUP, a reader that goes away (EPIPE) —
// writes what completed and exits 128 + the signal's number; every run ends, also with a child
// process holding the kernel's stdio, and time limits past Node's timer range.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { CLI_SCRIPT, isAlive, tempDir, writeCodeNotebook as writeNotebook } from '../helpers/kernel';

interface Output {
  output_type: string;
  name?: string;
  text?: string[];
  ename?: string;
  evalue?: string;
}
interface SavedCell {
  outputs: Output[];
  execution_count: number | null;
}

const cells = (path: string) => (JSON.parse(readFileSync(path, 'utf8')) as { cells: SavedCell[] }).cells;
const streamText = (c: SavedCell) =>
  c.outputs
    .filter((o) => o.output_type === 'stream')
    .map((o) => o.text!.join(''))
    .join('');

const SLOW_NOTEBOOK = [
  "console.log('cell 1 done');",
  "console.log(process.pid);\nconsole.log('cell 2 started');\nawait new Promise((r) => setTimeout(r, 120_000));",
  "console.log('cell 3 ran');",
];

describe('tfnb run: stopped from outside, it writes what completed', () => {
  for (const [signal, exitCode] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const) {
    it(
      `${signal}: completed cells keep their outputs, the cut-off cell says so, exit ${exitCode}, no kernel left`,
      { timeout: 120_000 },
      async () => {
        const dir = tempDir('tfnb-stop-');
        const input = writeNotebook(dir, SLOW_NOTEBOOK);
        const child = spawn(process.execPath, [CLI_SCRIPT, 'run', input, '--backend', 'wasm'], { stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '',
          stderr = '';
        child.stderr.on('data', (d: Buffer) => {
          stderr += d.toString();
        });
        const started = new Promise<void>((resolve) =>
          child.stdout.on('data', (d: Buffer) => {
            stdout += d.toString();
            if (stdout.includes('cell 2 started')) resolve();
          }),
        );
        const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
        await started;
        const kernelPid = Number(/^(\d+)$/m.exec(stdout)![1]);
        assert.ok(isAlive(kernelPid));
        child.kill(signal);
        const status = await closed;
        assert.equal(status, exitCode, stderr);
        assert.match(stderr, new RegExp(`^tfnb: stopped by ${signal}; the cells that completed were written: `, 'm'));
        const [c1, c2, c3] = cells(input);
        assert.equal(streamText(c1!), 'cell 1 done\n');
        assert.equal(c1!.execution_count, 1);
        assert.match(streamText(c2!), /cell 2 started/);
        const error = c2!.outputs.find((o) => o.output_type === 'error');
        assert.equal(error?.ename, 'KernelStopped');
        assert.equal(error?.evalue, `tfnb run was stopped by ${signal} while this cell ran.`);
        assert.deepEqual(c3!.outputs, []);
        assert.equal(c3!.execution_count, null);
        assert.ok(!isAlive(kernelPid), 'the kernel is gone');
      },
    );
  }

  it(
    'EPIPE (`tfnb run nb | head -1`): stops like SIGPIPE, exit 141, the notebook keeps the completed cells',
    { timeout: 120_000 },
    async () => {
      const dir = tempDir('tfnb-stop-');
      const input = writeNotebook(dir, [
        "console.log('cell 1 done');",
        'for (let i = 0; i < 600; i++) { console.log(`line ${i}`); await new Promise((r) => setTimeout(r, 50)); }',
        "console.log('cell 3 ran');",
      ]);
      const child = spawn(process.execPath, [CLI_SCRIPT, 'run', input, '--backend', 'wasm'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
      });
      // The reader takes the first line, then goes away, as `head -1` does.
      child.stdout.once('data', () => child.stdout.destroy());
      const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
      assert.equal(status, 141, stderr);
      const [c1, c2, c3] = cells(input);
      assert.equal(streamText(c1!), 'cell 1 done\n');
      assert.equal(c2!.outputs.find((o) => o.output_type === 'error')?.ename, 'KernelStopped');
      assert.deepEqual(c3!.outputs, []);
    },
  );
});

describe('tfnb run: every run ends', () => {
  it(
    "a child process that inherits the kernel's stdio does not keep tfnb run alive, and is ended with the kernel",
    { timeout: 120_000 },
    () => {
      const dir = tempDir('tfnb-tree-');
      const input = writeNotebook(dir, [
        "import { spawn } from 'node:child_process';\nconsole.log(spawn('sleep', ['300'], { stdio: 'inherit' }).pid);",
      ]);
      const r = spawnSync(process.execPath, [CLI_SCRIPT, 'run', input, '--backend', 'wasm'], { encoding: 'utf8', timeout: 60_000 });
      assert.equal(r.error, undefined, 'tfnb run ended by itself');
      assert.equal(r.status, 0, r.stderr);
      const pid = Number(/^(\d+)$/m.exec(r.stdout)![1]);
      assert.ok(!isAlive(pid), 'the child was ended');
    },
  );

  for (const timeout of ['Infinity', '3000000']) {
    it(
      `--timeout ${timeout} is no limit in practice (Node's timers overflow past 24.8 days; the queue re-arms)`,
      { timeout: 60_000 },
      () => {
        const dir = tempDir('tfnb-timeout-');
        const input = writeNotebook(dir, ["await new Promise((r) => setTimeout(r, 300));\nconsole.log('slept');"]);
        const r = spawnSync(process.execPath, [CLI_SCRIPT, 'run', input, '--backend', 'wasm', '--timeout', timeout], {
          encoding: 'utf8',
          timeout: 60_000,
        });
        assert.equal(r.status, 0, r.stderr);
        assert.equal(streamText(cells(input)[0]!), 'slept\n');
      },
    );
  }

  it('--timeout bounds a blocking call (execSync): the cell times out, the run ends, exit 1', { timeout: 120_000 }, () => {
    const dir = tempDir('tfnb-timeout-');
    const input = writeNotebook(dir, ["import { execSync } from 'node:child_process';\nexecSync('sleep 120');", "console.log('not run');"]);
    const r = spawnSync(process.execPath, [CLI_SCRIPT, 'run', input, '--backend', 'wasm', '--timeout', '1'], {
      encoding: 'utf8',
      timeout: 90_000,
    });
    assert.equal(r.error, undefined, 'tfnb run ended by itself');
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /^tfnb: cell 1 timed out after 1 s; executed notebook: /m);
    const [c1, c2] = cells(input);
    const errors = c1!.outputs.filter((o) => o.output_type === 'error');
    assert.equal(errors.length, 1);
    assert.equal(errors[0]!.ename, 'Timeout');
    assert.match(errors[0]!.evalue!, /did not answer the interrupt .* the kernel was killed and restarted/);
    assert.deepEqual(c2!.outputs, []);
  });

  it("--max-output-bytes caps a cell's output; a value under 1024 is refused with exit 2", { timeout: 60_000 }, () => {
    const dir = tempDir('tfnb-cap-');
    const input = writeNotebook(dir, ["console.log('x'.repeat(100_000));"]);
    const bad = spawnSync(process.execPath, [CLI_SCRIPT, 'run', input, '--max-output-bytes', '10'], { encoding: 'utf8' });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--max-output-bytes must be a whole number of bytes, 1024 or more/);
    const r = spawnSync(process.execPath, [CLI_SCRIPT, 'run', input, '--backend', 'wasm', '--quiet', '--max-output-bytes', '4096'], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(r.status, 0, r.stderr);
    const text = streamText(cells(input)[0]!);
    assert.ok(text.length < 4096 + 300, `${text.length} characters saved`);
    assert.match(text, /output limit reached/);
  });
});

describe('tfnb run: an error from work a cell left running fails the run', () => {
  for (const [what, source] of [
    ['a timer that throws', "setTimeout(() => { throw new Error('late boom'); }, 50);\nconsole.log('cell 1 ended');"],
    [
      'a rejection nobody awaits',
      "void (async () => { await new Promise((r) => setTimeout(r, 50)); throw new Error('late boom'); })();\nconsole.log('cell 1 ended');",
    ],
  ] as const) {
    it(`${what}: the error is saved under the cell that started it, and the exit code is 1`, { timeout: 60_000 }, () => {
      const dir = tempDir('tfnb-late-');
      const input = writeNotebook(dir, [source, "await new Promise((r) => setTimeout(r, 500));\nconsole.log('cell 2 ran');"]);
      const r = spawnSync(process.execPath, [CLI_SCRIPT, 'run', input, '--backend', 'wasm'], { encoding: 'utf8', timeout: 60_000 });
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, /^tfnb: cell 1 failed \(an error was thrown by work it left running/m);
      const [c1, c2] = cells(input);
      assert.equal(streamText(c1!), 'cell 1 ended\n');
      const errors = c1!.outputs.filter((o) => o.output_type === 'error');
      assert.equal(errors.length, 1);
      assert.equal(errors[0]!.evalue, 'late boom');
      // The kernel lived on: the next cell ran.
      assert.equal(streamText(c2!), 'cell 2 ran\n');
    });
  }
});
