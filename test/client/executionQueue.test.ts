// The execution engine's queue over real kernel processes: every request ends in exactly one
// `done`, whatever the cell, the kernel or the client does; a time limit ends even a blocking
// call; a kernel's process tree goes with it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ExecutionOutcome, OutcomeStatus } from '../../src/client/kernelClient';
import { isAlive, run, startKernel } from '../helpers/kernel';

async function waitFor(what: string, check: () => boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A small seeded generator, so a failing mix can be replayed. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Step {
  code: string;
  timeoutMs?: number;
  chain: boolean;
  interruptAfterMs?: number;
  expect: OutcomeStatus[];
}

/** Cells that end every way a cell can end. */
const KINDS: Array<(n: number) => Omit<Step, 'chain'>> = [
  (n) => ({ code: `${n}`, expect: ['ok', 'cancelled'] }),
  () => ({ code: "throw new Error('thrown')", expect: ['error', 'cancelled'] }),
  () => ({ code: 'let = ;', expect: ['error', 'cancelled'] }),
  () => ({ code: "await new Promise((r) => setTimeout(r, 30)); console.log('slept')", expect: ['ok', 'cancelled'] }),
  () => ({ code: 'while (true) {}', interruptAfterMs: 150, expect: ['interrupted', 'cancelled'] }),
  () => ({ code: 'await new Promise(() => {})', timeoutMs: 200, expect: ['timedOut', 'cancelled'] }),
  () => ({ code: "require('node:child_process').execSync('sleep 30')", timeoutMs: 200, expect: ['timedOut', 'cancelled'] }),
  () => ({ code: 'process.exit(3)', expect: ['died', 'cancelled'] }),
  () => ({ code: "console.log('x'.repeat(1000))", expect: ['ok', 'cancelled'] }),
];

describe('execution queue: every request ends in exactly one done', () => {
  for (const seed of [1, 7]) {
    it(
      `a mix of ok, failing, interrupted, timed-out, blocking and dying cells, sent ahead and chained, then close (seed ${seed})`,
      { timeout: 240_000 },
      async () => {
        const random = prng(seed);
        const k = startKernel({ interruptGraceMs: 1000 });
        const doneEvents = new Map<string, number>();
        k.on('done', (e) => doneEvents.set(e.executionId, (doneEvents.get(e.executionId) ?? 0) + 1));
        const steps: Step[] = Array.from({ length: 24 }, (_, n) => ({
          ...KINDS[Math.floor(random() * KINDS.length)]!(n),
          chain: random() < 0.5,
        }));
        const executions: Array<{ step: Step; id: string; done: Promise<ExecutionOutcome> }> = [];
        try {
          // In batches: each batch is queued at once (sent ahead), some chained to the cell before.
          for (let i = 0; i < steps.length; i += 6) {
            const batch = steps.slice(i, i + 6);
            let previous: string | undefined;
            const started = new Set<{ id: string }>();
            for (const step of batch) {
              // onStart may come during execute() itself (the kernel is idle): the id is known only after.
              const self = { id: '' };
              const exec = k.execute(
                step.code,
                { after: step.chain ? previous : undefined, timeoutMs: step.timeoutMs },
                {
                  onStart: () => {
                    started.add(self);
                    if (step.interruptAfterMs !== undefined)
                      setTimeout(() => {
                        if (started.has(self)) k.interrupt();
                      }, step.interruptAfterMs);
                  },
                },
              );
              self.id = exec.executionId;
              executions.push({
                step,
                id: exec.executionId,
                done: exec.done.then((o) => {
                  started.delete(self);
                  return o;
                }),
              });
              previous = exec.executionId;
            }
            await Promise.all(executions.slice(i).map((e) => e.done));
          }
          // Some still queued when the client closes.
          const late = [
            k.execute('await new Promise((r) => setTimeout(r, 60_000))', {}, {}),
            k.execute('1', {}, {}),
            k.execute('2', {}, {}),
          ];
          await new Promise((r) => setTimeout(r, 300));
          await k.close();
          const lateOutcomes = await Promise.all(late.map((e) => e.done));
          assert.deepEqual(
            lateOutcomes.map((o) => o.status),
            ['died', 'cancelled', 'cancelled'],
          );
          for (const e of late)
            executions.push({ step: { code: '', chain: false, expect: ['died', 'cancelled'] }, id: e.executionId, done: e.done });
        } finally {
          await k.close();
        }
        for (const e of executions) {
          const outcome = await e.done;
          assert.ok(
            e.step.expect.includes(outcome.status),
            `${JSON.stringify(e.step.code)} ended ${outcome.status}, expected one of ${e.step.expect.join(', ')}`,
          );
          assert.equal(doneEvents.get(e.id), 1, `${JSON.stringify(e.step.code)}: ${doneEvents.get(e.id) ?? 0} done events`);
        }
        assert.equal(doneEvents.size, executions.length, 'a done event for every request and no other');
        // The mix really ran: not everything was cancelled.
        const statuses = new Set(await Promise.all(executions.map(async (e) => (await e.done).status)));
        console.log(`seed ${seed}: ${[...statuses].sort().join(', ')}`);
        for (const status of ['ok', 'error', 'timedOut', 'died', 'cancelled'] as const)
          assert.ok(statuses.has(status), `no cell ended ${status}`);
      },
    );
  }

  it('the log carries no inspector notices (the kernel evaluates cells through an in-process inspector)', { timeout: 60_000 }, async () => {
    const k = startKernel();
    const lines: string[] = [];
    k.on('log', (e) => lines.push(`${e.source}: ${e.text}`));
    try {
      await run(k, "console.log('x')");
      await k.restart();
      await run(k, '1');
    } finally {
      await k.close();
    }
    assert.ok(
      lines.some((l) => /exited/.test(l)),
      lines.join('\n'),
    );
    assert.ok(!lines.some((l) => /Waiting for the debugger|Debugger (listening|attached)/.test(l)), lines.join('\n'));
  });

  it("a cell's onEnd comes before the next cell's onStart, and before its done resolves", { timeout: 60_000 }, async () => {
    const k = startKernel();
    const events: string[] = [];
    try {
      const sink = (name: string) => ({
        onStart: () => events.push(`${name} start`),
        onEnd: (o: ExecutionOutcome) => events.push(`${name} end ${o.status}`),
      });
      const a = k.execute('await new Promise((r) => setTimeout(r, 100))', {}, sink('A'));
      const b = k.execute("throw new Error('b')", { after: a.executionId }, sink('B'));
      const c = k.execute('1', { after: b.executionId }, sink('C'));
      void a.done.then(() => events.push('A done'));
      await Promise.all([a.done, b.done, c.done]);
    } finally {
      await k.close();
    }
    assert.deepEqual(events, ['A start', 'A end ok', 'B start', 'A done', 'B end error', 'C end cancelled']);
  });

  it(
    'a sink whose handlers throw (an edit to a closed notebook) does not stop the queue: every request still ends once, the next cells run',
    { timeout: 60_000 },
    async () => {
      const k = startKernel();
      const logged: string[] = [];
      k.on('log', (e) => logged.push(e.text));
      try {
        const boom = () => {
          throw new Error('the notebook is closed');
        };
        const a = k.execute("console.log('a')", {}, { onStart: boom, onStream: boom, onEnd: boom });
        const b = k.execute("throw new Error('b')", { after: a.executionId }, { onError: boom, onEnd: boom });
        const c = k.execute('1', {}, {});
        const outcomes = await Promise.all([a.done, b.done, c.done]);
        assert.deepEqual(
          outcomes.map((o) => o.status),
          ['ok', 'error', 'ok'],
        );
        assert.equal((await run(k, '2 + 2')).result?.['text/plain'], '4');
      } finally {
        await k.close();
      }
      assert.ok(
        logged.some((l) => /a handler of its output failed: the notebook is closed/.test(l)),
        logged.join('\n'),
      );
    },
  );

  it('a request made after close ends at once, cancelled', async () => {
    const k = startKernel();
    await k.close();
    const outcome = await k.execute('1', {}, {}).done;
    assert.equal(outcome.status, 'cancelled');
  });
});

describe('execution queue: time limits', () => {
  it(
    'a cell blocked in a synchronous call (execSync) past its limit: the kernel is killed and restarted, the cell ends timedOut with one Timeout error',
    { timeout: 120_000 },
    async () => {
      const k = startKernel({ interruptGraceMs: 1000 });
      try {
        await run(k, "const kept = 'state';");
        const pid = k.pid;
        const r = await run(k, "import { execSync } from 'node:child_process';\nexecSync('sleep 60');", { timeoutMs: 500 });
        assert.equal(r.outcome.status, 'timedOut');
        assert.equal(r.error?.ename, 'Timeout');
        assert.match(
          r.error!.evalue,
          /timed out after 0\.5 s and did not answer the interrupt within 1 s .*the kernel was killed and restarted, and its state is lost/,
        );
        const after = await run(k, 'typeof kept');
        assert.equal(after.outcome.status, 'ok');
        assert.equal(after.result?.['text/plain'], "'undefined'");
        assert.notEqual(k.pid, pid, 'a fresh kernel');
      } finally {
        await k.close();
      }
    },
  );

  it('a cell awaiting past its limit is interrupted and the kernel keeps its state', { timeout: 60_000 }, async () => {
    const k = startKernel();
    try {
      await run(k, "const kept = 'state';");
      const pid = k.pid;
      const r = await run(k, 'await new Promise(() => {})', { timeoutMs: 300 });
      assert.equal(r.outcome.status, 'timedOut');
      assert.equal(r.error?.evalue, 'the cell timed out after 0.3 s and was interrupted; the kernel kept its state');
      assert.equal((await run(k, 'kept')).result?.['text/plain'], "'state'");
      assert.equal(k.pid, pid);
    } finally {
      await k.close();
    }
  });
});

describe('execution queue: the kernel process tree', () => {
  it("closing the client ends what the kernel started (a child holding the kernel's stdio)", { timeout: 60_000 }, async () => {
    const k = startKernel();
    try {
      const r = await run(k, "import { spawn } from 'node:child_process';\nspawn('sleep', ['300'], { stdio: 'inherit' }).pid");
      const child = Number(r.result?.['text/plain']);
      assert.ok(child > 0 && isAlive(child));
      await k.close();
      await waitFor('the child to end', () => !isAlive(child));
    } finally {
      await k.close();
    }
  });

  it('a kernel that dies takes its children with it', { timeout: 60_000 }, async () => {
    const k = startKernel();
    try {
      const r = await run(k, "import { spawn } from 'node:child_process';\nspawn('sleep', ['300']).pid");
      const child = Number(r.result?.['text/plain']);
      const died = await run(k, 'process.kill(process.pid, "SIGKILL")');
      assert.equal(died.outcome.status, 'died');
      await waitFor('the orphan to end', () => !isAlive(child));
    } finally {
      await k.close();
    }
  });
});
