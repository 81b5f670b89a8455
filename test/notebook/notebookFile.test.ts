/**
 * NotebookFile on real files: symlinks, modes, owners, FIFOs, /dev/zero, a full tmpfs, a
 * read-only mount, a notebook saved by someone else while it "ran".
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  statSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readRegularFile } from '../../src/notebook/boundedRead';
import { NotebookFormatError, NotebookWriteError, type Notebook } from '../../src/notebook/ipynb';
import { NotebookFile, parseForRewrite } from '../../src/notebook/notebookFile';
import { tempDir } from '../helpers/kernel';
import { mountTmpfs, remountReadOnly } from '../helpers/tmpfs';

const NB =
  JSON.stringify(
    {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: { kernelspec: { name: 'tfnb', display_name: 'TS' } },
      cells: [{ cell_type: 'code', id: 'a', metadata: {}, source: '1', outputs: [], execution_count: null }],
    },
    null,
    1,
  ) + '\n';

function executed(file: NotebookFile, text = 'ran\n'): Notebook {
  const cell = file.notebook.cells[0]!;
  cell.execution_count = 1;
  cell.outputs = [{ output_type: 'stream', name: 'stdout', text: [text] }];
  return file.notebook;
}

const outputsOf = (path: string) => (JSON.parse(readFileSync(path, 'utf8')) as Notebook).cells[0]!.outputs;

describe('NotebookFile: where the executed notebook goes', () => {
  it('in place through a symlink: the link stays a link, its target gets the outputs and keeps mode 0600 and its owner', () => {
    const dir = tempDir('tfnb-nbfile-');
    mkdirSync(join(dir, 'real'));
    const real = join(dir, 'real', 'nb.ipynb');
    writeFileSync(real, NB);
    chmodSync(real, 0o600);
    chownSync(real, 4321, 4321);
    const link = join(dir, 'link.ipynb');
    symlinkSync(join('real', 'nb.ipynb'), link);
    const file = NotebookFile.open({ input: link });
    assert.equal(file.targetPath, real);
    assert.equal(file.inPlace, true);
    assert.deepEqual(file.writeExecuted(executed(file)), { path: real });
    assert.ok(lstatSync(link).isSymbolicLink());
    assert.equal(readlinkSync(link), join('real', 'nb.ipynb'));
    assert.deepEqual(outputsOf(real), [{ output_type: 'stream', name: 'stdout', text: ['ran\n'] }]);
    const st = statSync(real);
    assert.equal(st.mode & 0o777, 0o600);
    if (process.getuid?.() === 0) assert.deepEqual([st.uid, st.gid], [4321, 4321]);
    assert.deepEqual(readdirSync(join(dir, 'real')), ['nb.ipynb'], 'no temp files left');
  });

  it('--output through a symlink writes its target; --output naming the input itself is in place', () => {
    const dir = tempDir('tfnb-nbfile-');
    const input = join(dir, 'nb.ipynb');
    writeFileSync(input, NB);
    const target = join(dir, 'target.ipynb');
    writeFileSync(target, '{}');
    chmodSync(target, 0o640);
    symlinkSync(target, join(dir, 'out.ipynb'));
    const file = NotebookFile.open({ input, output: join(dir, 'out.ipynb') });
    file.writeExecuted(executed(file));
    assert.ok(lstatSync(join(dir, 'out.ipynb')).isSymbolicLink());
    assert.equal(outputsOf(target)!.length, 1);
    assert.equal(statSync(target).mode & 0o777, 0o640);
    assert.equal(readFileSync(input, 'utf8'), NB);
    assert.equal(NotebookFile.open({ input, output: join(dir, '.', 'nb.ipynb') }).inPlace, true);
  });

  it('a UTF-8 byte-order mark is kept', () => {
    const dir = tempDir('tfnb-nbfile-');
    const input = join(dir, 'nb.ipynb');
    writeFileSync(input, '\ufeff' + NB);
    const file = NotebookFile.open({ input });
    file.writeExecuted(executed(file));
    const bytes = readFileSync(input);
    assert.deepEqual([...bytes.subarray(0, 4)], [0xef, 0xbb, 0xbf, 0x7b]);
  });

  it('a missing output folder is made at write time, not at open', () => {
    const dir = tempDir('tfnb-nbfile-');
    const input = join(dir, 'nb.ipynb');
    writeFileSync(input, NB);
    const file = NotebookFile.open({ input, output: join(dir, 'out', 'deeper', 'x.ipynb') });
    assert.equal(existsSync(join(dir, 'out')), false);
    file.writeExecuted(executed(file));
    assert.equal(outputsOf(join(dir, 'out', 'deeper', 'x.ipynb'))!.length, 1);
  });

  const badTargets: Array<[string, (dir: string) => string, RegExp]> = [
    [
      'a folder',
      (dir) => {
        mkdirSync(join(dir, 'o'));
        return join(dir, 'o');
      },
      /is a folder; tfnb writes the executed notebook only to a regular file/,
    ],
    [
      'a read-only file',
      (dir) => {
        writeFileSync(join(dir, 'o'), '');
        chmodSync(join(dir, 'o'), 0o444);
        return join(dir, 'o');
      },
      /is read-only \(mode 0444\)/,
    ],
    [
      'a path under a file',
      (dir) => {
        writeFileSync(join(dir, 'f'), '');
        return join(dir, 'f', 'o.ipynb');
      },
      /is a regular file, not a folder/,
    ],
    [
      'a dangling symlink',
      (dir) => {
        symlinkSync(join(dir, 'nowhere', 'x'), join(dir, 'o'));
        return join(dir, 'o');
      },
      /is a symbolic link to .*nowhere\/x, which does not exist/,
    ],
    [
      'a FIFO',
      (dir) => {
        execFileSync('mkfifo', [join(dir, 'o')]);
        return join(dir, 'o');
      },
      /is a FIFO/,
    ],
    ['/dev/null', () => '/dev/null', /is a character device/],
  ];
  for (const [name, make, message] of badTargets) {
    it(`refuses an output that is ${name}, at open`, () => {
      const dir = tempDir('tfnb-nbfile-');
      const input = join(dir, 'nb.ipynb');
      writeFileSync(input, NB);
      assert.throws(
        () => NotebookFile.open({ input, output: make(dir) }),
        (e: Error) => e instanceof NotebookFormatError && message.test(e.message),
      );
      assert.equal(readFileSync(input, 'utf8'), NB);
    });
  }

  it('refuses in place on a read-only mount, at open (the probe file cannot be made)', (t) => {
    const dir = mountTmpfs(t, '64k');
    if (!dir) return;
    writeFileSync(join(dir, 'nb.ipynb'), NB);
    remountReadOnly(dir);
    assert.throws(
      () => NotebookFile.open({ input: join(dir, 'nb.ipynb') }),
      /the notebook \(run in place\): cannot write .*nb\.ipynb: a file cannot be created in .*read-only file system \(EROFS\)/,
    );
  });
});

describe('NotebookFile: a notebook saved by someone else during the run', () => {
  it('is left as they saved it; the executed copy goes beside it, never over another file', () => {
    const dir = tempDir('tfnb-nbfile-');
    const input = join(dir, 'nb.ipynb');
    writeFileSync(input, NB);
    chmodSync(input, 0o600);
    const userSave = NB.replace('"source": "1"', '"source": "2"');
    for (const expected of ['nb.executed.ipynb', 'nb.executed-2.ipynb']) {
      writeFileSync(input, NB);
      const file = NotebookFile.open({ input });
      writeFileSync(input, userSave); // the user's save, while "running"
      const saved = file.writeExecuted(executed(file));
      assert.equal(saved.path, join(dir, expected));
      assert.match(saved.besideBecause!, /nb\.ipynb was changed \(saved from an editor\?\) while tfnb ran/);
      assert.equal(readFileSync(input, 'utf8'), userSave);
      assert.equal(outputsOf(saved.path)!.length, 1);
      assert.equal(statSync(saved.path).mode & 0o777, 0o600);
    }
    assert.deepEqual(readdirSync(dir).sort(), ['nb.executed-2.ipynb', 'nb.executed.ipynb', 'nb.ipynb']);
  });

  it('a deleted notebook counts as changed; the same bytes saved again (a new inode) do not', () => {
    const dir = tempDir('tfnb-nbfile-');
    const input = join(dir, 'nb.ipynb');
    writeFileSync(input, NB);
    let file = NotebookFile.open({ input });
    unlinkSync(input);
    assert.match(file.writeExecuted(executed(file)).besideBecause!, /was deleted or moved/);
    writeFileSync(input, NB);
    file = NotebookFile.open({ input });
    writeFileSync(join(dir, 'copy'), NB);
    renameSync(join(dir, 'copy'), input); // an editor's atomic save of unchanged content
    assert.deepEqual(file.writeExecuted(executed(file)), { path: input });
  });
});

describe('NotebookFile: a full disk (a real 64 KB tmpfs)', () => {
  it('keeps the original byte for byte, removes the temp file, and saves a rescue copy elsewhere', (t) => {
    const dir = mountTmpfs(t, '64k');
    if (!dir) return;
    const input = join(dir, 'nb.ipynb');
    writeFileSync(input, NB);
    const file = NotebookFile.open({ input });
    let error: unknown;
    try {
      file.writeExecuted(executed(file, 'x'.repeat(200_000)));
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof NotebookWriteError, String(error));
    assert.match(
      error.message,
      /cannot write .*nb\.ipynb: no space left on device \(ENOSPC\); .*nb\.ipynb was left as it was; the executed notebook was saved to (\S+) instead/,
    );
    assert.equal(readFileSync(input, 'utf8'), NB);
    assert.deepEqual(readdirSync(dir), ['nb.ipynb']);
    const rescue = /saved to (\S+) instead/.exec(error.message)![1]!;
    assert.ok(rescue.startsWith(tmpdir()));
    assert.equal((outputsOf(rescue)![0] as { text: string[] }).text[0]!.length, 200_000);
    unlinkSync(rescue);
  });
});

describe('NotebookFile: what it reads', () => {
  it('refuses a FIFO, /dev/zero and a folder at once (no blocking, no endless read)', () => {
    const dir = tempDir('tfnb-nbfile-');
    execFileSync('mkfifo', [join(dir, 'fifo.ipynb')]);
    assert.throws(() => NotebookFile.open({ input: join(dir, 'fifo.ipynb') }), /fifo\.ipynb is a FIFO \(named pipe\), not a regular file/);
    assert.throws(() => NotebookFile.open({ input: '/dev/zero' }), /\/dev\/zero is a character device, not a regular file/);
    assert.throws(() => NotebookFile.open({ input: dir }), /is a folder, not a regular file/);
  });

  it('reads no more than the cap', () => {
    const dir = tempDir('tfnb-nbfile-');
    writeFileSync(join(dir, 'big'), Buffer.alloc(2000, 0x20));
    assert.throws(() => readRegularFile(join(dir, 'big'), 1000), /is 0\.002 MiB; tfnb reads notebooks up to 0\.001 MiB/);
    assert.equal(readRegularFile(join(dir, 'big'), 2000).bytes.length, 2000);
  });

  const nb = (over: Record<string, unknown>, cell: Record<string, unknown> = {}) =>
    JSON.stringify({
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {},
      cells: [{ cell_type: 'code', id: 'ok', metadata: {}, source: '1', outputs: [], execution_count: null, ...cell }],
      ...over,
    });
  const invalid: Array<[string, string, RegExp]> = [
    ['no top-level metadata', JSON.stringify({ nbformat: 4, nbformat_minor: 5, cells: [] }), /the top-level "metadata" object is missing/],
    ['no nbformat_minor', JSON.stringify({ nbformat: 4, metadata: {}, cells: [] }), /"nbformat_minor" is missing/],
    [
      'an empty language_info.name',
      nb({ metadata: { language_info: { name: '' } } }),
      /metadata\.language_info\.name is empty; set it to "typescript"/,
    ],
    [
      'a kernelspec that is not an object',
      nb({ metadata: { kernelspec: 'tfnb' } }),
      /metadata\.kernelspec must be an object with "name" and "display_name", not string/,
    ],
    [
      'a kernelspec with a numeric display_name',
      nb({ metadata: { kernelspec: { name: 'tfnb', display_name: 3 } } }),
      /metadata\.kernelspec\.display_name must be a string, not 3/,
    ],
    ['an id with a space', nb({}, { id: 'a b' }), /cell 1: id "a b" is not a valid cell id/],
    ['an empty id', nb({}, { id: '' }), /cell 1: id "" is not a valid cell id/],
    ['a 65-character id', nb({}, { id: 'x'.repeat(65) }), /cell 1: id "x{59}… \(65 characters\) is not a valid cell id/],
    ['a numeric id', nb({}, { id: 7 }), /cell 1: id must be a string, not 7/],
    ['a negative execution_count', nb({}, { execution_count: -1 }), /execution_count must be a non-negative integer or null, not -1/],
    ['an output that is not an object', nb({}, { outputs: [1] }), /output 1 must be an object with an "output_type"/],
    ['an unknown output_type', nb({}, { outputs: [{ output_type: 'widget' }] }), /output 1 has an unknown output_type "widget"/],
  ];
  for (const [name, text, message] of invalid) {
    it(`refuses ${name} as nbformat's schema does`, () => {
      assert.throws(
        () => parseForRewrite(text, 'nb.ipynb'),
        (e: Error) => e instanceof NotebookFormatError && message.test(e.message),
      );
    });
  }

  it('ids are checked only from nbformat 4.5 (earlier versions have none)', () => {
    const text = JSON.stringify({ nbformat: 4, nbformat_minor: 4, metadata: {}, cells: [{ cell_type: 'raw', metadata: {}, source: '' }] });
    assert.deepEqual(parseForRewrite(text, 'nb').notices, []);
  });
});
