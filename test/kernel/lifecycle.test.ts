import assert from 'node:assert/strict';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { describe, it } from 'node:test';
import { run, startKernel, tempDir, value, writeTree } from '../helpers/kernel';

describe('kernel lifecycle', () => {
  it('detects process.exit: the cell says the kernel died and why; the next run starts fresh', async () => {
    const k = startKernel();
    try {
      await k.start();
      await run(k, 'const lost = 1;');
      const firstPid = k.pid;
      const r = await run(k, 'process.exit(3)');
      assert.equal(r.outcome.status, 'died');
      assert.equal(r.error?.ename, 'KernelDied');
      assert.match(r.error!.evalue, /exit code 3/);
      assert.equal(k.state, 'dead');
      assert.equal(await value(k, 'typeof lost'), "'undefined'");
      assert.notEqual(k.pid, firstPid);
    } finally { await k.close(); }
  });

  it('detects a native abort (SIGABRT)', async () => {
    const k = startKernel();
    try {
      await k.start();
      const r = await run(k, 'process.abort()');
      assert.equal(r.outcome.status, 'died');
      assert.match(r.outcome.deathReason!, /SIGABRT/);
    } finally { await k.close(); }
  });

  it('reports running out of memory as such, with a bounded heap', async () => {
    const k = startKernel({ nodeArgs: ['--max-old-space-size=64'] });
    try {
      await k.start();
      const r = await run(k, 'const hog: number[][] = []; while (true) hog.push(new Array(100000).fill(1.5));');
      assert.equal(r.outcome.status, 'died');
      assert.match(r.outcome.deathReason!, /out of memory/);
      assert.equal(await value(k, '"recovered"'), "'recovered'");
    } finally { await k.close(); }
  });

  it('restarts on request, losing state', async () => {
    const k = startKernel();
    try {
      await k.start();
      await run(k, 'const gone = 1;');
      await k.restart();
      assert.equal(await value(k, 'typeof gone'), "'undefined'");
    } finally { await k.close(); }
  });

  it('ends the kernel process on close (no orphans)', async () => {
    const k = startKernel();
    await k.start();
    const pid = k.pid!;
    await k.close();
    assert.throws(() => process.kill(pid, 0), /ESRCH/);
  });

  it('opens no listening socket (IPC only)', async () => {
    const k = startKernel();
    try {
      await k.start();
      await run(k, 'await tf.ready(); 1');
      const inodes = new Set<string>();
      for (const fd of readdirSync(`/proc/${k.pid}/fd`)) {
        try {
          const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${k.pid}/fd/${fd}`));
          if (m) inodes.add(m[1]!);
        } catch { /* fd closed meanwhile */ }
      }
      const listening: string[] = [];
      for (const table of ['tcp', 'tcp6', 'udp', 'udp6']) {
        for (const line of readFileSync(`/proc/net/${table}`, 'utf8').split('\n').slice(1)) {
          const cols = line.trim().split(/\s+/);
          if (cols.length > 9 && inodes.has(cols[9]!)) listening.push(`${table} ${cols[1]} state ${cols[3]}`);
        }
      }
      assert.deepEqual(listening, []);
    } finally { await k.close(); }
  });
});

describe('backend ladder', () => {
  it('reports the backend, tfjs version and thread count', async () => {
    const k = startKernel({ backend: 'auto' });
    try {
      const info = await k.start();
      assert.equal(info.name, 'wasm');
      assert.equal(info.tfBackend, 'wasm');
      assert.equal(info.gpu, false);
      assert.match(info.tfVersion, /^4\./);
      assert.ok((info.threads ?? 0) >= 1);
      const names = info.attempts.map((a) => `${a.backend}:${a.ok}`);
      assert.deepEqual(names, ['tensorflow-gpu:false', 'tensorflow:false', 'wasm:true']);
      assert.match(info.attempts[0]!.detail, /not installed/);
      assert.equal(await value(k, 'tf.getBackend()'), "'wasm'");
    } finally { await k.close(); }
  });

  it('forces the cpu backend', async () => {
    const k = startKernel({ backend: 'cpu' });
    try {
      assert.equal((await k.start()).name, 'cpu');
      assert.equal(await value(k, 'tf.getBackend()'), "'cpu'");
    } finally { await k.close(); }
  });

  it('fails clearly when a forced native backend is missing', async () => {
    const k = startKernel({ backend: 'tensorflow' });
    try {
      await assert.rejects(k.start(), /No TensorFlow\.js backend could be loaded for --backend tensorflow[\s\S]*npm install @tensorflow\/tfjs-node/);
    } finally { await k.close(); }
  });

  it('moves past a native package that is installed but fails to load', async () => {
    const dir = tempDir('tfnb-ladder-');
    writeTree(dir, {
      'node_modules/@tensorflow/tfjs-node/package.json': JSON.stringify({ name: '@tensorflow/tfjs-node', main: 'index.js' }),
      'node_modules/@tensorflow/tfjs-node/index.js': 'throw new Error("libtensorflow.so.2: cannot open shared object file");',
    });
    const k = startKernel({ notebookDir: dir, backend: 'auto' });
    try {
      const info = await k.start();
      assert.equal(info.name, 'wasm');
      const native = info.attempts.find((a) => a.backend === 'tensorflow')!;
      assert.equal(native.ok, false);
      assert.match(native.detail, /libtensorflow\.so\.2/);
    } finally { await k.close(); }
  });
});
