// readTar against archives GNU tar writes in each format an npm tarball might use.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readTar, TarFormatError } from '../../../src/kernel/datasets/tar';
import { tempDir } from '../../helpers/kernel';

const LONG = `package/${'deep-folder-name/'.repeat(8)}file-with-a-long-name.txt`; // 165 characters

function archive(format: string): Buffer {
  const dir = tempDir('tfnb-tar-');
  mkdirSync(join(dir, LONG, '..'), { recursive: true });
  writeFileSync(join(dir, LONG), 'long\n');
  writeFileSync(join(dir, 'package', 'data.bin'), Buffer.from(Array.from({ length: 1500 }, (_, i) => i % 251)));
  const out = join(dir, `a.${format}.tar`);
  const r = spawnSync('tar', [`--format=${format}`, '-cf', out, '-C', dir, 'package/data.bin', LONG], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return readFileSync(out);
}

describe('readTar', () => {
  for (const format of ['ustar', 'gnu', 'pax']) {
    it(`reads a ${format} archive: regular files with their full names and bytes, folders skipped`, () => {
      const files = readTar(archive(format), 'a.tar');
      assert.deepEqual(
        files.map((f) => f.name),
        ['package/data.bin', LONG],
      );
      assert.equal(files[0]!.data.length, 1500);
      assert.equal(files[0]!.data[1499], 1499 % 251);
      assert.equal(Buffer.from(files[1]!.data).toString(), 'long\n');
    });
  }

  it('rejects what is not a tar archive, and one cut short', () => {
    assert.throws(() => readTar(Buffer.from('<html>'.padEnd(1024, ' ')), 'page'), TarFormatError);
    const whole = archive('ustar');
    assert.throws(() => readTar(whole.subarray(0, 1024), 'cut'), /cut: package\/data\.bin is cut short \(512 of 1500 bytes\)/);
  });
});
