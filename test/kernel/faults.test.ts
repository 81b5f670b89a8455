/**
 * Faults in cells and what the kernel sends for them, at the protocol level: a real kernel
 * process from dist/, spawned as the client spawns it, and the exact messages it sends
 * (docs/protocol.md). Whatever the fault, the cell ends (`done`), the error names the cell that
 * caused it, and the kernel is still usable after.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KernelToClient } from '../../src/protocol/messages';
import { RULE_BACKENDS } from '../helpers/kernel';
import { RawKernel, type Message } from './rawKernel';

const errorsOf = (ms: Message[]) => ms.filter((m): m is Extract<KernelToClient, { type: 'error' }> => m.type === 'error');
const doneOf = (ms: Message[]) => ms.find((m): m is Extract<KernelToClient, { type: 'done' }> => m.type === 'done');
const resultOf = (ms: Message[]) => ms.find((m): m is Extract<KernelToClient, { type: 'result' }> => m.type === 'result');
const streamText = (ms: Message[], name: 'stdout' | 'stderr') =>
  ms
    .filter((m) => m.type === 'stream' && m.name === name)
    .map((m) => (m as { text: string }).text)
    .join('');

for (const backend of RULE_BACKENDS)
  describe(`faults: every cell ends, errors reach their cell (${backend})`, () => {
    let k: RawKernel;
    before(async () => {
      k = await RawKernel.start({ backend, maxOutputBytes: 64 * 1024 });
    });
    after(() => k.close());

    it("a rejected promise as the last expression is the cell's error, not a hang", async () => {
      for (const code of ['async function f() { throw new Error("x") } f();', 'Promise.reject(new Error("x"))']) {
        const ms = await k.run(code);
        assert.equal(doneOf(ms)?.status, 'error', code);
        const errors = errorsOf(ms);
        // One error: awaiting the value handles the rejection, so it is not also reported as unhandled.
        assert.equal(errors.length, 1, `${code}: ${JSON.stringify(errors)}`);
        assert.equal(errors[0]!.evalue, 'x');
        assert.match(errors[0]!.traceback.join('\n'), /cell \d+, line 1/);
      }
      const rejectedWithValue = await k.run('Promise.reject(7)');
      assert.equal(errorsOf(rejectedWithValue)[0]?.evalue, '7');
      assert.equal(resultOf(await k.run('"alive"'))?.data['text/plain'], "'alive'");
    });

    it('a promise as the last expression is awaited: its value is the result; undefined shows nothing', async () => {
      assert.equal(resultOf(await k.run('Promise.resolve(5)'))?.data['text/plain'], '5');
      assert.equal(resultOf(await k.run('(async () => ({ a: 1 }))()'))?.data['text/plain'], '{ a: 1 }');
      // A call returning undefined or Promise<undefined> (`await tfvis.render.table(...)`) shows nothing.
      for (const code of [
        '(async () => undefined)()',
        'await (async () => undefined)()',
        'console.log("x")',
        '(() => undefined)()',
        'await tfvis.render.table({ name: "t" }, { headers: ["a"], values: [[1]] })',
      ]) {
        const ms = await k.run(code);
        assert.equal(doneOf(ms)?.status, 'ok', `${code}: ${JSON.stringify(errorsOf(ms))}`);
        assert.equal(resultOf(ms), undefined, code);
      }
    });

    it('an exception thrown from a timer after its cell ended is an error of that cell, sent after its done', async () => {
      const id = k.send('setTimeout(() => { throw new TypeError("timer threw") }, 100);\n"scheduled"');
      const ms = await k.until(id, (m) => m.type === 'error');
      const done = ms.findIndex((m) => m.type === 'done');
      const error = ms.findIndex((m) => m.type === 'error');
      assert.equal((ms[done] as { status: string }).status, 'ok');
      assert.ok(error > done, 'the error comes after done');
      assert.equal(errorsOf(ms)[0]!.evalue, 'timer threw');
      assert.match(errorsOf(ms)[0]!.traceback.join('\n'), /cell \d+, line 1/);
      assert.equal(resultOf(await k.run('"kernel lives on"'))?.data['text/plain'], "'kernel lives on'");
    });

    it('a late error goes to the cell that scheduled the work, not to the cell running when it fires', async () => {
      const first = k.send('setTimeout(() => { throw new Error("from the first cell") }, 150);');
      await k.until(first, (m) => m.type === 'done');
      const second = await k.run('await new Promise((r) => setTimeout(r, 600)); "second"');
      assert.equal(doneOf(second)?.status, 'ok');
      assert.deepEqual(errorsOf(second), []);
      assert.deepEqual(
        errorsOf(k.messagesOf(first)).map((e) => e.evalue),
        ['from the first cell'],
      );
    });

    it('a cell whose timer throws while it still runs gets the error and ends with status error at once', async () => {
      const ms = await k.run(
        'setTimeout(() => { throw new RangeError("during the cell") }, 50);\nawait new Promise((r) => setTimeout(r, 600_000));\n"never"',
      );
      assert.equal(doneOf(ms)?.status, 'error');
      assert.deepEqual(
        errorsOf(ms).map((e) => e.evalue),
        ['during the cell'],
      );
      // (k.run gives up after 2 minutes: the cell ended when its timer threw, not after the 10 it awaited.)
      assert.equal(resultOf(ms), undefined);
    });

    it('a rejection nobody awaits is an error of the cell that made it, during the cell or later', async () => {
      const during = await k.run('Promise.reject(new Error("nobody awaits me"));\nawait new Promise((r) => setTimeout(r, 600_000));');
      assert.equal(doneOf(during)?.status, 'error');
      assert.deepEqual(
        errorsOf(during).map((e) => e.evalue),
        ['nobody awaits me'],
      );
      const id = k.send(
        'async function later() { await new Promise((r) => setTimeout(r, 100)); throw new Error("rejected later"); }\nlater();\nundefined',
      );
      // `later();` is not the last statement: nothing awaits its promise.
      const ms = await k.until(id, (m) => m.type === 'error');
      assert.equal(doneOf(ms)?.status, 'ok');
      assert.ok(ms.findIndex((m) => m.type === 'error') > ms.findIndex((m) => m.type === 'done'));
      assert.equal(errorsOf(ms)[0]!.evalue, 'rejected later');
      // Callbacks of other kinds carry their cell too.
      const cb = k.send('require("node:fs").readFile("/nonexistent-tfnb", () => { throw new Error("from a callback") });');
      assert.equal(errorsOf(await k.until(cb, (m) => m.type === 'error'))[0]!.evalue, 'from a callback');
      assert.equal(resultOf(await k.run('1 + 1'))?.data['text/plain'], '2');
    });

    it('a thrown value that cannot be looked at still fails its cell, in the cell or in a timer', async () => {
      const hostile =
        'const hostile = () => new Proxy({}, { get() { throw new Error("trap") }, has() { throw new Error("trap") }, getPrototypeOf() { throw new Error("trap") }, ownKeys() { throw new Error("trap") }, getOwnPropertyDescriptor() { throw new Error("trap") } });';
      const inCell = await k.run(`${hostile}\nthrow hostile();`);
      assert.equal(doneOf(inCell)?.status, 'error');
      assert.match(errorsOf(inCell)[0]!.evalue, /cannot be shown/);
      const id = k.send(`${hostile}\nsetTimeout(() => { throw hostile() }, 20);`);
      assert.match(errorsOf(await k.until(id, (m) => m.type === 'error'))[0]!.evalue, /cannot be shown/);
      assert.equal(resultOf(await k.run('"alive"'))?.data['text/plain'], "'alive'");
    });

    it('a huge result or error message ends quickly, capped, and the kernel stays usable', async () => {
      const result = await k.run("'é'.repeat(100e6)");
      assert.equal(doneOf(result)?.status, 'ok');
      // Shown as its first 100,000 characters (200 KB in UTF-8), which is over this kernel's cap.
      assert.match(
        resultOf(result)!.data['text/plain'] as string,
        /^\[tfnb\] result not shown: 195\.\d KB is over this cell's output limit/,
      );
      const thrown = await k.run("throw new Error('x'.repeat(280e6))");
      assert.equal(doneOf(thrown)?.status, 'error');
      const error = errorsOf(thrown)[0]!;
      assert.ok(JSON.stringify(error).length < 64 * 1024, `error of ${JSON.stringify(error).length} characters`);
      assert.match(error.evalue, /^x{1000}.*more characters of this message not shown/s);
      assert.equal(resultOf(await k.run('"still usable"'))?.data['text/plain'], "'still usable'");
    });

    it("displays, results and errors count against the cell's output cap, each replaced by a visible note", async () => {
      const big = await k.run('display.html("<p>" + "é".repeat(100e6) + "</p>");\ndisplay.text("small one");\n"the result"');
      const displays = big.filter((m) => m.type === 'display') as Array<Extract<KernelToClient, { type: 'display' }>>;
      assert.equal(displays.length, 2);
      assert.match(
        displays[0]!.data['text/plain'] as string,
        /^\[tfnb\] display not shown: .* over this cell's output limit \(setting tfnb\.maxOutputBytes\)/,
      );
      assert.equal(displays[0]!.data['text/html'], undefined);
      assert.equal(displays[1]!.data['text/plain'], 'small one');
      assert.equal(resultOf(big)?.data['text/plain'], "'the result'");
      // Each display fits, together they do not: the ones past the cap become notes, and so does
      // the result after them (30 KB, over the 8 KB always let through); a line that still fits is printed.
      const many = await k.run(
        'for (let i = 0; i < 5; i++) display.text(String(i).repeat(20_000));\nconsole.log("printed");\n"r".repeat(30_000)',
      );
      const texts = many.filter((m) => m.type === 'display').map((m) => (m as { data: { 'text/plain': string } }).data['text/plain']);
      assert.deepEqual(
        texts.map((t) => t.startsWith('[tfnb] display not shown')),
        [false, false, false, true, true],
      );
      assert.match(resultOf(many)!.data['text/plain'] as string, /^\[tfnb\] result not shown/);
      assert.equal(streamText(many, 'stdout'), 'printed\n');
      // A small result is shown even when printed output used the cap up.
      const flood = await k.run('console.log("p".repeat(100_000));\n"small answer"');
      assert.match(streamText(flood, 'stdout'), /output limit reached/);
      assert.equal(resultOf(flood)?.data['text/plain'], "'small answer'");
      // An error is never dropped: past the cap it is cut to its head and a note.
      const failed = await k.run('display.text("d".repeat(60_000));\nthrow new Error("m".repeat(9_000))');
      const error = errorsOf(failed)[0]!;
      assert.equal(doneOf(failed)?.status, 'error');
      assert.ok(error.evalue.startsWith('mmm') && error.evalue.length < 1000, error.evalue.slice(-100));
      assert.match(error.traceback.join('\n'), /this error's text .* was cut: over this cell's output limit/);
    });

    it("display updates replace an output: hundreds of them do not use the cell's budget up", async () => {
      const ms = await k.run(
        'display.text("0", { displayId: "live" });\nfor (let i = 0; i < 200; i++) display.text(String(i).padEnd(20_000, "."), { displayId: "live", update: true });\ndisplay.text("after the updates")',
      );
      const texts = ms.filter((m) => m.type === 'display').map((m) => (m as { data: { 'text/plain': string } }).data['text/plain']);
      assert.equal(texts[texts.length - 1], 'after the updates');
      assert.ok(!texts.some((t) => t.startsWith('[tfnb]')), 'no update was replaced by a note');
      // One update bigger than the whole cap is.
      const huge = await k.run('display.text("x".repeat(100_000), { displayId: "live", update: true })');
      assert.match(
        (huge.find((m) => m.type === 'display') as { data: { 'text/plain': string } }).data['text/plain'],
        /^\[tfnb\] display update not shown/,
      );
    });

    it('counts the variables of models a cell built apart from tensors it left behind', async () => {
      const built = await k.run('const model = tf.sequential({ layers: [tf.layers.dense({ units: 4, inputShape: [3] })] });');
      assert.equal(streamText(built, 'stdout'), '[tfnb] +2 variables, 64 B held by models\n');
      assert.equal(streamText(built, 'stderr'), '', 'building a model is not a leak');
      const held = await k.run('const one = tf.ones([2]);');
      assert.equal(streamText(held, 'stdout'), '[tfnb] +1 tensor, 8 B held by one\n', 'a tensor a name keeps is not a leak');
      assert.equal(streamText(held, 'stderr'), '');
      const leaked = await k.run('tf.ones([2]).sum().dispose();');
      assert.equal(streamText(leaked, 'stderr'), '[tfnb] +1 tensor, 8 B not disposed\n', 'nothing reaches the ones any more');
      assert.equal(streamText(leaked, 'stdout'), '');
      const both = await k.run(
        'const model2 = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });\nconst two = tf.zeros([3]);\nconst three = tf.zeros([1]);\ntf.zeros([5]).sum().dispose();',
      );
      assert.equal(streamText(both, 'stdout'), '[tfnb] +2 variables, 12 B held by models\n[tfnb] +2 tensors, 16 B held by three, two\n');
      assert.equal(streamText(both, 'stderr'), '[tfnb] +1 tensor, 20 B not disposed\n');
      const disposed = await k.run('model.dispose(); model2.dispose(); tf.dispose([one, two, three]);');
      assert.equal(streamText(disposed, 'stdout') + streamText(disposed, 'stderr'), '');
    });

    it('counts tensors a loaded dataset or an object keeps as held by its name, a few levels deep', async () => {
      const r = await k.run(
        [
          'const data = { train: { xs: tf.zeros([4]), ys: [tf.zeros([2])] }, note: "x" };',
          'class Holder { kept = tf.zeros([1]); }',
          'const holder = new Holder();',
          'const table = new Map([["a", tf.zeros([1])]]);',
          'const deep = { a: { b: { c: { d: tf.zeros([1]) } } } };',
        ].join('\n'),
      );
      assert.equal(streamText(r, 'stdout'), '[tfnb] +4 tensors, 32 B held by data, holder, table\n');
      // Four levels down is past the walk: reported as a leak would be.
      assert.equal(streamText(r, 'stderr'), '[tfnb] +1 tensor, 4 B not disposed\n');
      const gone = await k.run('tf.dispose([data.train.xs, ...data.train.ys, holder.kept, ...table.values(), deep.a.b.c.d]);');
      assert.equal(streamText(gone, 'stdout') + streamText(gone, 'stderr'), '');
    });
  });

for (const backend of RULE_BACKENDS)
  describe(`faults: output written just before the kernel exits is delivered (${backend})`, () => {
    it('process.exit in the same tick as a print', async () => {
      const k = await RawKernel.start({ backend });
      try {
        const id = k.send('console.log("last words"); process.stdout.write("x".repeat(1_000_000)); process.exit(0)');
        const exit = await k.exited;
        assert.deepEqual(exit, { code: 0, signal: null });
        const out = streamText(k.messagesOf(id), 'stdout');
        // (Not assert.equal: a failure would print a megabyte.)
        assert.ok(out === `last words\n${'x'.repeat(1_000_000)}`, `got ${out.length} characters: ${JSON.stringify(out.slice(0, 40))}`);
      } finally {
        k.close();
      }
    });

    it('process.abort in the same tick as a print', async () => {
      const k = await RawKernel.start({ backend });
      try {
        const id = k.send('console.error("about to abort"); process.abort()');
        const exit = await k.exited;
        assert.equal(exit.signal, 'SIGABRT');
        assert.equal(streamText(k.messagesOf(id), 'stderr'), 'about to abort\n');
      } finally {
        k.close();
      }
    });
  });

if (RULE_BACKENDS.includes('wasm'))
  describe('faults: the wasm backend out of memory', () => {
    it('says the wasm heap cannot grow past 4 GB and suggests the native backend', async () => {
      // About 4 GB of memory for a few seconds: WebAssembly's limit, whatever the machine has.
      const k = await RawKernel.start({ backend: 'wasm' });
      try {
        const ms = await k.run('const held = [];\nfor (let i = 0; i < 8; i++) held.push(tf.zeros([256, 1024, 1024]).add(1));');
        assert.equal(doneOf(ms)?.status, 'error');
        const error = errorsOf(ms)[0]!;
        assert.match(
          error.evalue,
          /^memory access out of bounds \(the wasm backend ran out of memory: its heap \(now \d\.\d GB\) cannot grow past WebAssembly's 4 GB limit\..*native backend/,
        );
        assert.match(error.traceback[1]!, /\[tfnb\] the wasm backend ran out of memory/);
        // The backend is broken now (emscripten aborts next time): the advice says to restart.
        assert.match(error.evalue, /restart the kernel/);
      } finally {
        k.close();
      }
    });
  });

describe('faults: a timer that keeps throwing', () => {
  it('sends at most 100 errors for its cell, then one notice; the kernel stays usable', async () => {
    const k = await RawKernel.start({ backend: RULE_BACKENDS[0]! });
    try {
      const id = k.send('const every = setInterval(() => { throw new Error("again") }, 1);');
      await k.until(id, (m) => m.type === 'stream' && /later ones are not shown/.test(m.text));
      await k.run('clearInterval(every)');
      const errors = errorsOf(k.messagesOf(id));
      assert.equal(errors.length, 100);
      assert.ok(errors.every((e) => e.evalue === 'again'));
      assert.equal(resultOf(await k.run('"usable"'))?.data['text/plain'], "'usable'");
    } finally {
      k.close();
    }
  });
});

describe('faults: an interrupted cell that finishes later', () => {
  it('a promise as the last expression that never settles is interrupted like any await', async () => {
    const k = await RawKernel.start({ backend: RULE_BACKENDS[0]! });
    try {
      const id = k.send('const kept = "state";\nnew Promise(() => {})');
      await new Promise((r) => setTimeout(r, 300));
      k.interrupt(id);
      const ms = await k.until(id, (m) => m.type === 'done');
      assert.equal(doneOf(ms)?.status, 'interrupted');
      assert.equal(errorsOf(ms)[0]?.ename, 'Interrupted');
      assert.equal(resultOf(await k.run('kept'))?.data['text/plain'], "'state'");
    } finally {
      k.close();
    }
  });

  it('does not give its value to the cell running when it finishes', async () => {
    const k = await RawKernel.start({ backend: RULE_BACKENDS[0]! });
    try {
      const first = k.send('await new Promise((r) => setTimeout(r, 300));\n"stale value of the first cell"');
      await new Promise((r) => setTimeout(r, 50));
      k.interrupt(first);
      assert.equal(doneOf(await k.until(first, (m) => m.type === 'done'))?.status, 'interrupted');
      // Still running when the first cell's await ends and its last line runs.
      const second = await k.run('await new Promise((r) => setTimeout(r, 600));\nconst nothing = 1;');
      assert.equal(doneOf(second)?.status, 'ok');
      assert.equal(resultOf(second), undefined, JSON.stringify(resultOf(second)));
    } finally {
      k.close();
    }
  });
});
