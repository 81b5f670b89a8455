/**
 * The extension-host suite (test/extension/suite: the controller, the commands and the settings
 * through the VS Code API) run inside a real VS Code extension host — code-server's, since VS
 * Code desktop cannot be downloaded here — by runInCodeServer.ts. Each result line it prints
 * becomes a test here, so a failure names the extension-host test that failed.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';

test('extension-host suite in code-server', { timeout: 900_000 }, async (t) => {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'runInCodeServer.ts')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));

  // "  ✔ name (123 ms)" or "  ✖ name" followed by the error's stack, up to the next result line.
  const results = [...out.matchAll(/^ {2}([✔✖]) (.+?)(?: \(\d+ ms\))?\n((?:(?! {2}[✔✖] |\d+ passed)[^\n]*\n)*)/gm)];
  assert.ok(results.length > 0, `no results from the extension host (exit ${code}):\n${(out + err).slice(-3000)}`);
  for (const [, mark, name, details] of results) {
    await t.test(name!, () => {
      assert.equal(mark, '✔', details!.slice(0, 3000));
    });
  }
  assert.match(out, /#DONE ok/, `the suite did not finish cleanly (exit ${code}):\n${(out + err).slice(-3000)}`);
  assert.equal(code, 0);
});
