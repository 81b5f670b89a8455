import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KernelClient } from '../../src/client/kernelClient';
import { RULE_BACKENDS, run, startKernel, tempDir, value } from '../helpers/kernel';

for (const backend of RULE_BACKENDS)
  describe(`output: streams, batching, cap, display, memory (${backend})`, () => {
    let k: KernelClient;
    before(async () => {
      k = startKernel({ backend, maxOutputBytes: 64 * 1024 });
      await k.start();
    });
    after(() => k.close());

    it('streams console and process writes in order', async () => {
      const r = await run(k, 'console.log("a"); console.error("b"); process.stdout.write("c\\n"); console.warn("d"); console.info("e");');
      assert.deepEqual(
        r.streams.map((s) => [s.name, s.text]),
        [
          ['stdout', 'a\n'],
          ['stderr', 'b\n'],
          ['stdout', 'c\n'],
          ['stderr', 'd\n'],
          ['stdout', 'e\n'],
        ],
      );
    });

    it('batches many writes into few messages', async () => {
      const r = await run(k, 'for (let i = 0; i < 100000; i++) console.log(i % 10);');
      // 200,000 bytes were written, past the 64 KB cap: what came is the head, in few messages.
      const dataMessages = r.streams.filter((s) => s.name === 'stdout');
      assert.ok(dataMessages.length < 50, `expected batching, got ${dataMessages.length} messages`);
      assert.ok(r.stdout.startsWith('0\n1\n2\n3\n'));
    });

    it('caps output per cell and says how much was dropped', async () => {
      const r = await run(k, 'for (let i = 0; i < 20000; i++) console.log("0123456789");');
      // The notice ends the stream that hit the cap (here stdout), after its last kept byte.
      const notice = '\n[tfnb] output limit reached: 150.8 KB more output was dropped (setting tfnb.maxOutputBytes)\n';
      assert.ok(r.stdout.endsWith(notice), r.stdout.slice(-200));
      assert.equal(Buffer.byteLength(r.stdout) - Buffer.byteLength(notice), 64 * 1024);
      assert.equal(r.stderr, '');
      // The next cell has its own budget.
      assert.equal((await run(k, 'console.log("fresh")')).stdout, 'fresh\n');
      // A cap hit on stderr puts the notice there.
      const e = await run(k, 'console.error("x".repeat(70 * 1024))');
      assert.match(e.stderr.slice(-200), /output limit reached: 6\.0 KB more output was dropped/);
      assert.equal(e.stdout, '');
    });

    it('sends display bundles, and a later display with the same id is an update', async () => {
      const r = await run(
        k,
        'display("first", { displayId: "d1" });\ndisplay({ n: 2 }, { displayId: "d1", update: true });\ndisplay(tf.tensor([1, 2]));',
      );
      assert.equal(r.displays.length, 3);
      assert.deepEqual([r.displays[0]!.displayId, r.displays[0]!.update, r.displays[0]!.data['text/plain']], ['d1', false, "'first'"]);
      assert.deepEqual([r.displays[1]!.displayId, r.displays[1]!.update, r.displays[1]!.data['text/plain']], ['d1', true, '{ n: 2 }']);
      assert.match(r.displays[2]!.data['text/plain'], /^Tensor float32 \[2\][\s\S]*\[1, 2\]$/);
      assert.deepEqual((r.displays[2]!.data['application/vnd.tfnb.tensor+json'] as { shape: number[] }).shape, [2]);
    });

    it('reports tf.memory() after each cell and a notice for tensors left behind', async () => {
      const base = await run(k, 'tf.disposeVariables(); tf.engine().reset !== undefined');
      const start = base.outcome.memory!.numTensors;
      const r = await run(k, 'tf.ones([10, 10]).sum().dispose(); const kept = tf.tidy(() => tf.zeros([5]).add(1));');
      assert.equal(r.outcome.memory!.deltaTensors, 2);
      assert.equal(r.outcome.memory!.deltaBytes, 420);
      assert.equal(r.outcome.memory!.numTensors, start + 2);
      assert.match(r.stderr, /\+1 tensor, 400 B not disposed/);
      assert.match(r.stdout, /\+1 tensor, 20 B held by kept/);
      const clean = await run(k, 'tf.dispose(kept);');
      assert.equal(clean.outcome.memory!.deltaTensors, -1);
      assert.doesNotMatch(clean.stderr, /not disposed/);
    });

    it('routes output of a timer to the cell that started it, after that cell ended', async () => {
      let late = '';
      const first = k.execute(
        'setTimeout(() => console.log("late line"), 150);',
        { cellName: 'cell 1' },
        {
          onStream: (_n, t) => {
            late += t;
          },
        },
      );
      await first.done;
      const second = await run(k, 'await new Promise((r) => setTimeout(r, 400)); "second"');
      assert.equal(late, 'late line\n');
      assert.doesNotMatch(second.stdout, /late line/);
    });

    it('reports an unhandled rejection and an exception thrown from a timer as errors of the cell, without dying', async () => {
      // The first of them ends the cell (the await is abandoned); the other arrives after its done.
      const errors: string[] = [];
      const cell = k.execute(
        'Promise.reject(new Error("nobody awaits me"));\nsetTimeout(() => { throw new TypeError("timer threw") }, 10);\nawait new Promise((r) => setTimeout(r, 60_000));',
        { cellName: 'cell 40' },
        { onError: (e) => errors.push(e.traceback.join('\n')) },
      );
      const outcome = await cell.done;
      assert.equal(outcome.status, 'error');
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(errors.length, 2, errors.join('\n---\n'));
      assert.match(errors[0]!, /^Error: nobody awaits me\n\s+at cell 40, line 1/);
      // Frames of work a cell left running map to that cell's lines too.
      assert.match(errors[1]!, /^TypeError: timer threw\n\s+at .*cell 40, line 2/);
      assert.equal(await value(k, '"still alive"'), "'still alive'");
    });
  });

describe('a cell in another kernel', () => {
  it('does not share state with the first (one kernel per notebook)', async () => {
    const a = startKernel({ notebookDir: tempDir() });
    const b = startKernel({ notebookDir: tempDir() });
    try {
      await Promise.all([a.start(), b.start()]);
      await run(a, 'const only_in_a = 1;');
      assert.equal(await value(b, 'typeof only_in_a'), "'undefined'");
      assert.notEqual(a.pid, b.pid);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
