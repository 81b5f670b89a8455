import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { KernelClient } from '../../src/client/kernelClient';
import { CLI_SCRIPT, isAlive, ROOT, RULE_BACKENDS, run, startKernel, tempDir, value, writeTree } from '../helpers/kernel';

for (const backend of RULE_BACKENDS)
  describe(`kernel lifecycle (${backend})`, () => {
    it('detects process.exit: the cell says the kernel died and why; the next run starts fresh', async () => {
      const k = startKernel({ backend });
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
      } finally {
        await k.close();
      }
    });

    it('detects a native abort (SIGABRT)', async () => {
      const k = startKernel({ backend });
      try {
        await k.start();
        const r = await run(k, 'process.abort()');
        assert.equal(r.outcome.status, 'died');
        assert.match(r.outcome.deathReason!, /SIGABRT/);
      } finally {
        await k.close();
      }
    });

    it('reports running out of memory as such, with a bounded heap', async () => {
      const k = startKernel({ backend, nodeArgs: ['--max-old-space-size=64'] });
      try {
        await k.start();
        const r = await run(k, 'const hog: number[][] = []; while (true) hog.push(new Array(100000).fill(1.5));');
        assert.equal(r.outcome.status, 'died');
        assert.match(r.outcome.deathReason!, /out of memory/);
        assert.equal(await value(k, '"recovered"'), "'recovered'");
      } finally {
        await k.close();
      }
    });

    it('restarts on request, losing state', async () => {
      const k = startKernel({ backend });
      try {
        await k.start();
        await run(k, 'const gone = 1;');
        await k.restart();
        assert.equal(await value(k, 'typeof gone'), "'undefined'");
      } finally {
        await k.close();
      }
    });

    it('ends the kernel process on close (no orphans)', async () => {
      const k = startKernel({ backend });
      await k.start();
      const pid = k.pid!;
      await k.close();
      assert.throws(() => process.kill(pid, 0), /ESRCH/);
    });

    it('a kernel stuck in a cell does not outlive its client: killed with SIGKILL, the orphan ends itself', async () => {
      // `tfnb run` is the client here; the kernel is its child, spinning in cell 2.
      const dir = tempDir();
      writeFileSync(
        join(dir, 'spin.ipynb'),
        JSON.stringify({
          nbformat: 4,
          nbformat_minor: 5,
          metadata: {},
          cells: [
            { cell_type: 'code', metadata: {}, outputs: [], execution_count: null, source: '1' },
            { cell_type: 'code', metadata: {}, outputs: [], execution_count: null, source: 'while (true) {}' },
          ],
        }),
      );
      const cli = spawn(process.execPath, [CLI_SCRIPT, 'run', join(dir, 'spin.ipynb'), '--backend', backend], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let progress = '';
      cli.stderr.setEncoding('utf8');
      await new Promise<void>((resolve, reject) => {
        cli.stderr.on('data', (chunk: string) => {
          progress += chunk;
          if (/cell 2 \(2 of 2 code cells\) running/.test(progress)) resolve();
        });
        cli.on('exit', () => reject(new Error(`tfnb run ended early:\n${progress}`)));
      });
      const kernel = childrenOf(cli.pid!)[0];
      assert.ok(kernel, 'the kernel process');
      await new Promise((r) => setTimeout(r, 500)); // well into the loop
      cli.kill('SIGKILL');
      const deadline = Date.now() + 15_000;
      while (isAlive(kernel) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      assert.equal(isAlive(kernel), false, `kernel ${kernel} still running after its client died`);
    });

    it('opens no listening socket (IPC only)', async () => {
      const k = startKernel({ backend });
      try {
        await k.start();
        await run(k, 'await tf.ready(); 1');
        const inodes = new Set<string>();
        for (const fd of readdirSync(`/proc/${k.pid}/fd`)) {
          try {
            const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${k.pid}/fd/${fd}`));
            if (m) inodes.add(m[1]!);
          } catch {
            /* fd closed meanwhile */
          }
        }
        const listening: string[] = [];
        for (const table of ['tcp', 'tcp6', 'udp', 'udp6']) {
          for (const line of readFileSync(`/proc/net/${table}`, 'utf8').split('\n').slice(1)) {
            const cols = line.trim().split(/\s+/);
            if (cols.length > 9 && inodes.has(cols[9]!)) listening.push(`${table} ${cols[1]} state ${cols[3]}`);
          }
        }
        assert.deepEqual(listening, []);
      } finally {
        await k.close();
      }
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
      assert.deepEqual(names, ['tensorflow-gpu:false', 'tensorflow:false', 'webgpu:false', 'wasm:true']);
      assert.match(info.attempts[0]!.detail, /not installed/);
      assert.equal(await value(k, 'tf.getBackend()'), "'wasm'");
    } finally {
      await k.close();
    }
  });

  it('forces the cpu backend; its first tensor prints no tfjs banner into the cell', async () => {
    const k = startKernel({ backend: 'cpu' });
    try {
      assert.equal((await k.start()).name, 'cpu');
      assert.equal(await value(k, 'tf.getBackend()'), "'cpu'");
      // tfjs-backend-cpu prints "Hi, looks like you are running TensorFlow.js in Node.js…" on first use.
      const first = await run(k, 'tf.tidy(() => tf.ones([2]).sum().dataSync()[0])');
      assert.equal(first.result?.['text/plain'], '2');
      assert.deepEqual(first.streams, []);
    } finally {
      await k.close();
    }
  });

  it('fails clearly when a forced native backend is missing', async () => {
    const k = startKernel({ backend: 'tensorflow' });
    try {
      await assert.rejects(
        k.start(),
        /No TensorFlow\.js backend could be loaded for --backend tensorflow[\s\S]*npm install @tensorflow\/tfjs-node/,
      );
    } finally {
      await k.close();
    }
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
    } finally {
      await k.close();
    }
  });
});

describe('connecting to a kernel', () => {
  it('rejects a kernel that speaks another protocol version, and ends it', async () => {
    // A stand-in kernel from another tfnb build: it says ready with protocol 999 and stays up.
    const dir = tempDir();
    const script = join(dir, 'old-kernel.js');
    writeFileSync(
      script,
      'process.send({ type: "ready", protocolVersion: 999, pid: process.pid, nodeVersion: process.version, backend: { name: "cpu", tfBackend: "cpu", tfVersion: "0", gpu: false, attempts: [] } });\nsetInterval(() => {}, 1000);',
    );
    const k = new KernelClient({ notebookDir: dir, kernelScript: script });
    try {
      const starting = k.start();
      const pid = k.pid;
      assert.ok(pid, 'the stand-in kernel was spawned');
      await assert.rejects(starting, (e: Error) => {
        assert.match(
          e.message,
          /speaks protocol 999 but this client speaks protocol \d+: they come from different tfnb builds\. Reinstall tfnb/,
        );
        assert.ok(e.message.includes(script), e.message);
        return true;
      });
      const deadline = Date.now() + 5000;
      // The process can be gone a moment before this process sees its exit event: wait for both.
      while ((isAlive(pid) || k.state !== 'dead') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.equal(isAlive(pid), false, 'the mismatched kernel was ended');
      assert.equal(k.state, 'dead');
    } finally {
      await k.close();
    }
  });
});

/**
 * A stand-in for @tensorflow/tfjs-node(-gpu): tfnb's own tfjs with a backend named
 * 'tensorflow' that is the cpu backend under another name (all cpu kernels registered for it),
 * and, like tfjs-node's, a `binding` that says whether a GPU is in use.
 */
function fakeNativePackage(name: string, usesGpu: boolean): Record<string, string> {
  const tfjs = JSON.stringify(join(ROOT, 'node_modules', '@tensorflow', 'tfjs'));
  return {
    [`${name}/package.json`]: JSON.stringify({ name, version: '4.22.0', main: 'index.js' }),
    [`${name}/index.js`]: [
      `const tf = require(${tfjs});`,
      'const Cpu = tf.findBackend("cpu").constructor;',
      `tf.registerBackend("tensorflow", () => { const b = new Cpu(); b.firstUse = false; b.binding = { isUsingGpuDevice: () => ${usesGpu} }; return b; }, 3);`,
      'for (const kernel of tf.getKernelsForBackend("cpu")) tf.registerKernel({ ...kernel, backendName: "tensorflow" });',
      'tf.setBackend("tensorflow");',
      'module.exports = tf;',
    ].join('\n'),
  };
}

describe('native backend lookup', () => {
  it("loads @tensorflow/tfjs-node found upward from the notebook folder (a grandparent's node_modules)", async () => {
    const root = tempDir('tfnb-native-');
    writeTree(join(root, 'node_modules'), fakeNativePackage('@tensorflow/tfjs-node', false));
    const notebookDir = join(root, 'project', 'notebooks');
    mkdirSync(notebookDir, { recursive: true });
    const k = startKernel({ notebookDir, backend: 'auto' });
    try {
      const info = await k.start();
      assert.deepEqual([info.name, info.tfBackend, info.gpu], ['tensorflow', 'tensorflow', false]);
      assert.deepEqual(
        info.attempts.map((a) => `${a.backend}:${a.ok}`),
        ['tensorflow-gpu:false', 'tensorflow:true'],
      );
      assert.equal(info.attempts[1]!.detail, `@tensorflow/tfjs-node from ${join(root, 'node_modules', '@tensorflow', 'tfjs-node')}`);
      assert.match(info.tfVersion, /^4\./);
      // Cells get that tf, whichever package name they import.
      assert.equal(
        await value(
          k,
          'import * as node from "@tensorflow/tfjs-node";\n[tf.getBackend(), node.getBackend(), tf.add(1, 2).dataSync()[0]].join()',
        ),
        "'tensorflow,tensorflow,3'",
      );
    } finally {
      await k.close();
    }
  });

  it('loads @tensorflow/tfjs-node-gpu from a global folder (NODE_PATH) and reports the GPU in use', async () => {
    const global = tempDir('tfnb-global-');
    writeTree(global, fakeNativePackage('@tensorflow/tfjs-node-gpu', true));
    const k = startKernel({ backend: 'tensorflow', env: { ...process.env, NODE_PATH: global } });
    try {
      const info = await k.start();
      assert.deepEqual([info.name, info.tfBackend, info.gpu], ['tensorflow-gpu', 'tensorflow', true]);
      assert.equal(info.attempts[0]!.detail, `@tensorflow/tfjs-node-gpu from ${join(global, '@tensorflow', 'tfjs-node-gpu')}`);
      assert.equal(await value(k, 'tf.getBackend()'), "'tensorflow'");
    } finally {
      await k.close();
    }
  });
});

/** Pids whose parent is `pid`, from /proc. */
function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number)
    .filter((p) => {
      try {
        // Field 4 of /proc/<pid>/stat is the parent pid; the command name (field 2) may hold spaces.
        const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
      } catch {
        return false;
      }
    });
}
