import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { CLI_SCRIPT } from '../helpers/kernel';

const tfnb = (...args: string[]) => spawnSync(process.execPath, [CLI_SCRIPT, ...args], { encoding: 'utf8', timeout: 60_000 });

describe('every tfnb command parses its command line the same way (src/cli/commandLine.ts)', () => {
  for (const command of [[], ['runs'], ['sweep'], ['export']]) {
    const name = command[0] ?? 'run';
    it(`tfnb ${name}: --help prints the usage and exits 0; an unknown option prints it with the reason and exits 2`, () => {
      const help = tfnb(...command, '--help');
      assert.equal(help.status, 0, help.stderr);
      assert.match(help.stdout, new RegExp(`^usage: tfnb ${name} `));
      const bad = tfnb(...command, '--no-such-option', 'x.ipynb');
      assert.equal(bad.status, 2);
      assert.match(bad.stderr, /^tfnb: Unknown option '--no-such-option'/);
      assert.match(bad.stderr, new RegExp(`\\nusage: tfnb ${name} `));
      assert.equal(bad.stdout, '');
    });
  }
});
