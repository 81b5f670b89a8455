// text.load: in process with the real @tensorflow/tfjs (cpu), reading what scripts/data/text-spam.mjs
// writes; then once through a real kernel (`import { text } from 'tfnb/datasets'`).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import type { KernelClient } from '../../../src/client/kernelClient';
import type { DatasetContext } from '../../../src/kernel/datasets/datasetContext';
import { createText, type TextData } from '../../../src/kernel/datasets/text';
import { ROOT, run, startKernel, tempDir } from '../../helpers/kernel';

const SHIPPED = join(ROOT, 'samples', 'data', 'text', 'spam.tsv');

function loader(bundledDataDir: string) {
  const notices: string[] = [];
  const ctx: DatasetContext = { tf, notebookDir: tempDir(), bundledDataDir, display: () => {}, notice: (m) => notices.push(m) };
  return { text: createText(ctx), notices };
}

const count = (labels: number[], c: number) => labels.filter((l) => l === c).length;

describe('text.load (spam)', () => {
  let dataDir: string;
  let data: TextData;
  before(async () => {
    await tf.setBackend('cpu');
    dataDir = tempDir('tfnb-data-');
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'data', 'text-spam.mjs'), dataDir], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    data = await loader(dataDir).text.load();
  });

  it('the build script copies the shipped file and its notice, and leaves them alone when up to date', () => {
    const copied = join(dataDir, 'text', 'spam.tsv');
    assert.equal(readFileSync(copied, 'utf8'), readFileSync(SHIPPED, 'utf8'));
    assert.match(readFileSync(join(dataDir, 'text', 'NOTICE.md'), 'utf8'), /PDDL-1\.0[\s\S]*CC0-1\.0/);
    const before = statSync(copied).mtimeMs;
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'data', 'text-spam.mjs'), dataDir], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(statSync(copied).mtimeMs, before);
  });

  it('sizes: every line of the shipped file, 80 / 20 per class', () => {
    const lines = readFileSync(SHIPPED, 'utf8').trim().split('\n').length - 1;
    assert.equal(lines, 2804);
    assert.equal(data.train.texts.length + data.test.texts.length, lines);
    assert.equal(data.train.texts.length, 2244);
    assert.equal(data.test.texts.length, 560);
    assert.equal(data.train.labels.length, data.train.texts.length);
    assert.equal(data.test.labels.length, data.test.texts.length);
    assert.deepEqual(data.classes, ['ham', 'spam']);
  });

  it('classes are balanced in both splits, and mixed in order (validationSplit takes the last examples)', () => {
    assert.deepEqual([count(data.train.labels, 0), count(data.train.labels, 1)], [1122, 1122]);
    assert.deepEqual([count(data.test.labels, 0), count(data.test.labels, 1)], [280, 280]);
    assert.ok([...data.train.labels, ...data.test.labels].every((l) => l === 0 || l === 1));
    const tail = data.train.labels.slice(-224);
    assert.ok(count(tail, 0) > 70 && count(tail, 1) > 70, `last 10 %: ${count(tail, 0)} ham, ${count(tail, 1)} spam`);
  });

  it('the split is the same at every load, and no text is in both splits', async () => {
    const again = await loader(dataDir).text.load();
    assert.deepEqual(again, data);
    const trainTexts = new Set(data.train.texts);
    assert.equal(trainTexts.size, data.train.texts.length);
    assert.equal(data.test.texts.filter((t) => trainTexts.has(t)).length, 0);
  });

  it('texts are real e-mail: subject, then body words; labels match the file', () => {
    const fromFile = new Map(
      readFileSync(SHIPPED, 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => {
          const [label, , text] = l.split('\t');
          return [text, label] as const;
        }),
    );
    data.train.texts.forEach((t, i) => assert.equal(fromFile.get(t), data.classes[data.train.labels[i]!]));
    data.test.texts.forEach((t, i) => assert.equal(fromFile.get(t), data.classes[data.test.labels[i]!]));
    assert.ok(data.train.texts.every((t) => t.length > 0 && !t.includes('\t')));
    assert.match(data.source, /SpamAssassin public corpus.*\(database PDDL-1\.0, contents CC0-1\.0\)/);
    // VS Code's notebook outputs make a '/' after a space a file link (notebook-renderers linkify.ts, POSIX_PATH): only the file is one.
    const [, words, file] = /^(.*): (\/\S+)$/.exec(data.source) ?? [];
    assert.ok(file?.endsWith('spam.tsv'), data.source);
    assert.doesNotMatch(words!, /(^|\s)\//);
  });

  it('testFraction changes the split size per class; bad options and missing data fail clearly', async () => {
    const { text } = loader(dataDir);
    const half = await text.load({ testFraction: 0.5 });
    assert.deepEqual([count(half.test.labels, 0), count(half.test.labels, 1)], [701, 701]);
    await assert.rejects(text.load({ testFraction: 1 }), /testFraction must be between 0 and 1/);
    await assert.rejects(text.load({ name: 'imdb' as 'spam' }), /unknown set 'imdb'/);
    await assert.rejects(loader(tempDir()).text.load(), /spam\.tsv is missing .*npm run build/);
  });
});

describe('tfnb/datasets text in a kernel', () => {
  let k: KernelClient;
  before(async () => {
    k = startKernel();
    await k.start();
  });
  after(async () => {
    await k.close();
  });

  it('loads the bundled set from a cell', async () => {
    const r = await run(
      k,
      "import { text } from 'tfnb/datasets';\nconst d = await text.load();\n[d.train.texts.length, d.test.texts.length, d.classes.join('/'), typeof d.train.texts[0], d.train.labels.slice(0, 5).every((l) => l === 0 || l === 1)].join(' | ')",
    );
    assert.equal(r.error, undefined, r.error?.traceback.join('\n'));
    assert.equal(r.result?.['text/plain'], "'2244 | 560 | ham/spam | string | true'");
  });
});
