// What `tfnb run` saves and prints for outputs that are not simply "this cell, while it runs":
// display-id updates across cells, output arriving after its cell ended, output no cell owns,
// and live displays (progress bars) shown on the terminal.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { CLI_SCRIPT, tempDir, writeCodeNotebook as writeNotebook } from '../helpers/kernel';
import { serveFolder, writeMnistFixture } from '../kernel/datasets/mnistFixtures';

interface Output {
  output_type: string;
  name?: string;
  text?: string[];
  data?: Record<string, unknown>;
  ename?: string;
}
interface SavedCell {
  outputs: Output[];
  execution_count: number | null;
}

function tfnb(args: string[]) {
  const r = spawnSync(process.execPath, [CLI_SCRIPT, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** As tfnb(), without blocking this process (a server in this process must answer the kernel). */
function tfnbAsync(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_SCRIPT, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '',
      stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`tfnb run timed out\n${stderr}`));
    }, 120_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const cells = (path: string): SavedCell[] => JSON.parse(readFileSync(path, 'utf8')).cells;
const texts = (outputs: Output[]) =>
  outputs.map((o) =>
    o.output_type === 'stream'
      ? `${o.name}:${o.text!.join('')}`
      : o.output_type === 'display_data'
        ? `display:${(o.data!['text/plain'] as string[]).join('')}`
        : o.output_type,
  );

describe('tfnb run: display ids, late and stray output, live displays', () => {
  it('display ids are notebook-wide: an update from a later cell replaces every output with that id, in place', () => {
    const dir = tempDir('tfnb-cli-');
    const input = writeNotebook(dir, [
      "display.text('first', { displayId: 'status' });\nconsole.log('between');\ndisplay.text('second', { displayId: 'status' });",
      "display.text('other', { displayId: 'other' });\ndisplay.text('no such output', { displayId: 'never-shown', update: true });",
      "display.text('updated', { displayId: 'status', update: true });\n'cell 3 done'",
    ]);
    const r = tfnb(['run', input, '--backend', 'wasm']);
    assert.equal(r.code, 0, r.stderr);
    const [c1, c2, c3] = cells(input) as [SavedCell, SavedCell, SavedCell];
    // The same id without update gave two outputs; the later update replaced both, where they were.
    assert.deepEqual(texts(c1.outputs), ['display:updated', 'stdout:between\n', 'display:updated']);
    // An update of an id nothing showed is ignored, as in Jupyter.
    assert.deepEqual(texts(c2.outputs), ['display:other']);
    // The updating cell itself gets no output for it.
    assert.deepEqual(texts(c3.outputs), ['execute_result']);
    // nbformat: display ids are run-time only, not saved.
    assert.ok(c1.outputs.every((o) => !('transient' in o)));
  });

  it('saves output that arrives after its cell ended (a timer, an un-awaited promise) under the cell that started it', () => {
    const dir = tempDir('tfnb-cli-');
    const input = writeNotebook(dir, [
      [
        'let timerDone!: () => void;',
        'const timerFired = new Promise<void>((r) => { timerDone = r; });',
        "setTimeout(() => { console.log('from the timer'); display.text('a display from the timer'); timerDone(); }, 50);",
        'let release!: () => void;',
        "void new Promise<void>((r) => { release = r; }).then(() => console.error('from the promise'));",
        "'cell 1 done'",
      ].join('\n'),
      "await timerFired;\nconsole.log('cell 2');",
      "release();\nawait new Promise((r) => setTimeout(r, 100));\n'cell 3 done'",
    ]);
    const r = tfnb(['run', input, '--backend', 'wasm']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /from the timer/);
    const [c1, c2, c3] = cells(input) as [SavedCell, SavedCell, SavedCell];
    assert.deepEqual(texts(c1.outputs), [
      'execute_result',
      'stdout:from the timer\n',
      'display:a display from the timer',
      'stderr:from the promise\n',
    ]);
    assert.deepEqual(texts(c2.outputs), ['stdout:cell 2\n']);
    assert.deepEqual(texts(c3.outputs), ['execute_result']);
  });

  it('saves late output under its cell however many cells ran since', () => {
    // Output of work that cell 1 left running, arriving 201 cells later, still has its cell
    // (the README promises it: `tfnb run` remembers every execution of the run).
    const dir = tempDir('tfnb-cli-');
    const input = writeNotebook(dir, [
      "let release!: () => void;\nvoid new Promise<void>((r) => { release = r; }).then(() => console.log('from cell 1, long gone'));",
      ...Array.from({ length: 201 }, () => '0'),
      'release();\nawait new Promise((r) => setTimeout(r, 100));',
    ]);
    const r = tfnb(['run', input, '--backend', 'wasm', '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /output with no cell/);
    const saved = cells(input);
    assert.deepEqual(texts(saved[0]!.outputs), ['stdout:from cell 1, long gone\n']);
    assert.deepEqual(saved[202]!.outputs, []);
  });

  it('saves what the kernel process writes past its capture (a child with stdio inherit, a raw write) under the running cell, and logs raw stderr', () => {
    const dir = tempDir('tfnb-cli-');
    const input = writeNotebook(dir, [
      "import { execSync } from 'node:child_process';\nexecSync('echo from-a-child', { stdio: 'inherit' });\nundefined",
      "(process as unknown as { _rawDebug(s: string): void })._rawDebug('written past the capture');\nawait new Promise((r) => setTimeout(r, 300));",
    ]);
    const r = tfnb(['run', input, '--backend', 'wasm', '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^\[tfnb \d+\.\ds\] kernel log: \[kernel \d+\] written past the capture$/m);
    const saved = cells(input);
    assert.deepEqual(texts(saved[0]!.outputs), ['stdout:from-a-child\n']);
    assert.deepEqual(texts(saved[1]!.outputs), ['stderr:written past the capture\n']);
  });

  it('shows a display updated in place (a progress bar) as throttled progress lines, ending with its final state', () => {
    const dir = tempDir('tfnb-cli-');
    const input = writeNotebook(dir, [
      "for (let i = 0; i <= 30; i++) {\n  display.text(`step ${i} of 30`, { displayId: 'bar', update: i > 0 });\n  await new Promise((r) => setTimeout(r, 80));\n}",
      "display.text('shown once', { displayId: 'static' });",
    ]);
    const r = tfnb(['run', input, '--backend', 'wasm']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stderr.split('\n').filter((l) => / cell 1: step /.test(l));
    // 30 updates over at least 2.4 s: a line at most every second, at least one before the last.
    assert.ok(lines.length >= 2 && lines.length < 30, lines.join('\n'));
    assert.ok(
      lines.every((l) => /^\[tfnb \d+\.\ds\] cell 1: step \d+ of 30$/.test(l)),
      lines.join('\n'),
    );
    assert.match(lines.at(-1)!, /step 30 of 30$/);
    // The final state comes before the cell's own end line.
    assert.ok(r.stderr.indexOf('cell 1: step 30 of 30') < r.stderr.indexOf('cell 1 ok in'));
    // A display never updated is not progress.
    assert.doesNotMatch(r.stderr, /shown once/);
    assert.deepEqual(texts(cells(input)[0]!.outputs), ['display:step 30 of 30']);

    const quiet = tfnb(['run', input, '--backend', 'wasm', '--quiet']);
    assert.equal(quiet.code, 0, quiet.stderr);
    assert.doesNotMatch(quiet.stderr, /step \d+ of 30/);
  });

  it('shows the MNIST download progress on the terminal (local mirror)', async () => {
    const served = tempDir('tfnb-served-');
    writeMnistFixture(served, 64, 16, true);
    const server = await serveFolder(served);
    try {
      const dir = tempDir('tfnb-cli-');
      const input = writeNotebook(dir, [
        `import { mnist } from 'tfnb/datasets';\nconst data = await mnist.load({ mirror: ${JSON.stringify(server.url)} });\ndata.train.images.shape.join('x')`,
      ]);
      const r = await tfnbAsync(['run', input, '--backend', 'wasm'], { ...process.env, TFNB_CACHE_DIR: tempDir('tfnb-cache-') });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(server.requests.length, 4);
      assert.match(
        r.stderr,
        /^\[tfnb \d+\.\ds\] cell 1: MNIST: downloaded 4 files \([\d.]+ MB\) from http:\/\/127\.0\.0\.1:\d+\/mnist\/ into .*mnist$/m,
      );
      const outputs = cells(input)[0]!.outputs;
      assert.match(texts(outputs)[0]!, /^display:MNIST: downloaded 4 files/);
    } finally {
      await server.close();
    }
  });
});
