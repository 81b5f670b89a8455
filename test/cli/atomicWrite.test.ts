import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CLI_SCRIPT, tempDir } from '../helpers/kernel';

describe('tfnb run killed with SIGKILL', () => {
  it('never leaves a half-written notebook, wherever the kill lands', async () => {
    const dir = tempDir('tfnb-kill-');
    // Large outputs make the final write take a while, widening the window a kill can hit.
    const cells = Array.from({ length: 4 }, (_, i) => ({
      cell_type: 'code',
      metadata: {},
      outputs: [],
      execution_count: null,
      source: `console.log("${i}".repeat(400_000))`,
    }));
    const original = JSON.stringify(
      { nbformat: 4, nbformat_minor: 5, metadata: { kernelspec: { name: 'tfnb', language: 'typescript' } }, cells },
      null,
      1,
    );
    const input = join(dir, 'nb.ipynb');
    for (let round = 0; round < 12; round++) {
      writeFileSync(input, original);
      const child = spawn(process.execPath, [CLI_SCRIPT, 'run', input, '--quiet', '--no-record'], { stdio: ['ignore', 'ignore', 'pipe'] });
      const exited = new Promise((r) => child.once('exit', r));
      child.stderr.resume();
      // Kill at a different moment each round: during start, cells, or the write.
      const at = 300 + round * 120;
      await new Promise((r) => setTimeout(r, at));
      child.kill('SIGKILL');
      await exited;
      const text = readFileSync(input, 'utf8');
      const nb = JSON.parse(text); // must always parse: the old file or the complete new one
      assert.equal(nb.cells.length, 4);
      if (text !== original)
        assert.ok(
          nb.cells.every((c: { execution_count: number }) => c.execution_count > 0),
          'a new file is complete',
        );
    }
    // Temp files of killed writes may remain (hidden, .tmp); the notebook itself is never partial.
    assert.ok(readdirSync(dir).every((f) => f === 'nb.ipynb' || /^\.nb\.ipynb\.tfnb-\d+-\d+\.tmp$/.test(f)));
  });
});
