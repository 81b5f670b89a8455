/**
 * Which Node runs a kernel (src/extension/nodeRuntime.ts), with real binaries: the node on
 * PATH, a stand-in `node` that reports an old version, a missing path. Runs in `npm test`
 * (it needs no VS Code).
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { findNodeRuntime, NodeRuntimeError } from '../../src/extension/nodeRuntime';

describe('the Node.js that runs the kernel', () => {
  let dir: string;
  let oldNodeDir: string;
  const savedPath = process.env.PATH;
  const log: string[] = [];

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tfnb-node-runtime-'));
    oldNodeDir = join(dir, 'old');
    mkdirSync(oldNodeDir);
    // A `node` that is too old: prints its version like `node -p process.versions.node` would.
    writeFileSync(join(oldNodeDir, 'node'), '#!/bin/sh\necho 18.19.0\n');
    chmodSync(join(oldNodeDir, 'node'), 0o755);
  });
  after(() => {
    process.env.PATH = savedPath;
    rmSync(dir, { recursive: true, force: true });
  });

  it('takes the node on PATH when it is 20 or newer', async () => {
    process.env.PATH = dirname(process.execPath);
    const found = await findNodeRuntime('', (l) => log.push(l));
    assert.equal(found.source, 'PATH');
    assert.equal(found.path, join(dirname(process.execPath), 'node'));
    assert.equal(found.version, process.versions.node);
  });

  it('passes over an old node on PATH and says why in the log', async () => {
    process.env.PATH = [oldNodeDir, dirname(process.execPath)].join(delimiter);
    log.length = 0;
    const found = await findNodeRuntime('', (l) => log.push(l));
    assert.equal(found.path, join(dirname(process.execPath), 'node'));
    assert.ok(
      log.some((l) => l.includes(join(oldNodeDir, 'node')) && l.includes('18.19.0') && l.includes('needs 20')),
      log.join('\n'),
    );
  });

  it('falls back to the runtime running the extension when PATH has no node', async () => {
    process.env.PATH = join(dir, 'empty');
    const found = await findNodeRuntime('', () => undefined);
    // A version manager's node may be found first on a developer's machine; either is a working Node >= 20.
    assert.ok(found.source === 'VS Code' || found.source === 'version manager', found.source);
    assert.ok(Number(found.version.split('.')[0]) >= 20);
  });

  it('uses tfnb.nodePath when it names a working node', async () => {
    const found = await findNodeRuntime(process.execPath, () => undefined);
    assert.deepEqual(found, { path: process.execPath, version: process.versions.node, source: 'tfnb.nodePath' });
  });

  it('refuses a tfnb.nodePath that is too old, naming the setting and the version', async () => {
    await assert.rejects(
      findNodeRuntime(join(oldNodeDir, 'node'), () => undefined),
      (e: unknown) => {
        assert.ok(e instanceof NodeRuntimeError);
        assert.match(e.message, /tfnb\.nodePath/);
        assert.match(e.message, /Node\.js 18\.19\.0; tfnb needs 20 or newer/);
        return true;
      },
    );
  });

  it('refuses a tfnb.nodePath that does not exist', async () => {
    await assert.rejects(
      findNodeRuntime(join(dir, 'no-such-node'), () => undefined),
      /tfnb\.nodePath is ".*no-such-node", which cannot run the kernel: .*ENOENT/,
    );
  });
});
