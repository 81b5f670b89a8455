// speech.load: in process with the real @tensorflow/tfjs (cpu), reading what
// scripts/data/speech-digits.mjs writes; then once through a real kernel.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import type { KernelClient } from '../../../src/client/kernelClient';
import type { DatasetContext } from '../../../src/kernel/datasets/datasetContext';
import { createSpeech, isTestSpeaker, type SpeechData } from '../../../src/kernel/datasets/speech';
import { ROOT, run, startKernel, tempDir } from '../../helpers/kernel';

const SHIPPED = join(ROOT, 'samples', 'data', 'speech');
const RATE = 8000;

function loader(bundledDataDir: string) {
  const ctx: DatasetContext = { tf, notebookDir: tempDir(), bundledDataDir, display: () => {}, notice: () => {} };
  return createSpeech(ctx);
}

function dispose(d: SpeechData): void {
  tf.dispose([d.train.audio, d.train.labels, d.test.audio, d.test.labels]);
}

describe('speech.load (spoken digits)', () => {
  let dataDir: string;
  let data: SpeechData;
  before(async () => {
    await tf.setBackend('cpu');
    dataDir = tempDir('tfnb-data-');
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'data', 'speech-digits.mjs'), dataDir], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    data = await loader(dataDir).load();
  });
  after(() => dispose(data));

  it('the build script copies the shipped files, and leaves them alone when up to date', () => {
    for (const f of ['spoken-digits.pcm.gz', 'spoken-digits.json', 'NOTICE.md']) {
      assert.deepEqual(readFileSync(join(dataDir, 'speech', f)), readFileSync(join(SHIPPED, f)), f);
    }
    const copied = join(dataDir, 'speech', 'spoken-digits.pcm.gz');
    const before = statSync(copied).mtimeMs;
    assert.equal(spawnSync(process.execPath, [join(ROOT, 'scripts', 'data', 'speech-digits.mjs'), dataDir]).status, 0);
    assert.equal(statSync(copied).mtimeMs, before);
  });

  it('source and licence: synthesised with espeak-ng, MIT, said in the source line and the notice', () => {
    assert.match(data.source, /synthesised with espeak-ng in 40 voices, bundled with tfnb \(MIT\)/);
    assert.ok(data.source.endsWith(join(dataDir, 'speech')), data.source);
    const notice = readFileSync(join(dataDir, 'speech', 'NOTICE.md'), 'utf8');
    assert.match(notice, /Licence: the clips were generated for tfnb and are distributed under tfnb's licence \(MIT\)/);
    assert.match(notice, /eSpeak NG itself is GPL-3\.0-or-later/);
  });

  it('sizes and dtypes: 320 train / 80 test clips of one second at 8 kHz', () => {
    assert.equal(data.sampleRate, RATE);
    assert.deepEqual(data.train.audio.shape, [320, RATE]);
    assert.deepEqual(data.test.audio.shape, [80, RATE]);
    assert.equal(data.train.audio.dtype, 'float32');
    assert.deepEqual(data.train.labels.shape, [320]);
    assert.deepEqual(data.test.labels.shape, [80]);
    assert.equal(data.train.labels.dtype, 'int32');
    assert.deepEqual(data.classes, ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine']);
    assert.equal(data.train.speakers.length, 320);
    assert.equal(data.test.speakers.length, 80);
  });

  it('every voice says every digit once: 32 of each digit in train, 8 in test', async () => {
    for (const [split, perDigit] of [
      [data.train, 32],
      [data.test, 8],
    ] as const) {
      const labels = Array.from(await split.labels.data());
      assert.deepEqual(
        Array.from({ length: 10 }, (_, d) => labels.filter((l) => l === d).length),
        new Array(10).fill(perDigit),
      );
      const byVoice = new Map<string, number[]>();
      split.speakers.forEach((s, i) => byVoice.set(s, [...(byVoice.get(s) ?? []), labels[i]!]));
      for (const [voice, digits] of byVoice)
        assert.deepEqual(
          [...digits].sort((a, b) => a - b),
          [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
          voice,
        );
    }
  });

  it('split by voice: no test speaker in train; the voices list agrees', () => {
    const trainVoices = new Set(data.train.speakers);
    const testVoices = new Set(data.test.speakers);
    assert.equal(trainVoices.size, 32);
    assert.equal(testVoices.size, 8);
    assert.deepEqual(
      [...testVoices].filter((v) => trainVoices.has(v)),
      [],
    );
    assert.ok([...testVoices].every(isTestSpeaker));
    assert.ok(![...trainVoices].some(isTestSpeaker));
    assert.equal(data.voices.length, 40);
    assert.deepEqual(
      data.voices
        .filter((v) => v.split === 'test')
        .map((v) => v.speaker)
        .sort(),
      [...testVoices].sort(),
    );
    // The test voices cover all eight accents, and no voice variant is shared across the split.
    const testVoiceInfo = data.voices.filter((v) => v.split === 'test');
    assert.equal(new Set(testVoiceInfo.map((v) => v.accent)).size, 8);
    const trainVariants = new Set(data.voices.filter((v) => v.split === 'train').map((v) => v.variant));
    assert.ok(testVoiceInfo.every((v) => !trainVariants.has(v.variant)));
  });

  it('audio: int16 / 32768 in [-1, 1), each clip peak-normalised to -1 dBFS after at least 50 ms of silence', async () => {
    for (const split of [data.train, data.test]) {
      const audio = await split.audio.data();
      for (let clip = 0; clip < split.speakers.length; clip++) {
        const samples = audio.subarray(clip * RATE, (clip + 1) * RATE);
        let peak = 0,
          energy = 0;
        for (const v of samples) {
          assert.ok(v >= -1 && v < 1 && Number.isInteger(v * 32768));
          peak = Math.max(peak, Math.abs(v));
          energy += v * v;
        }
        assert.ok(peak > 0.85 && peak < 0.9, `clip ${clip}: peak ${peak}`);
        assert.ok(Math.sqrt(energy / RATE) > 0.01, `clip ${clip} is near silent`);
        assert.ok(
          samples.subarray(0, RATE / 20).every((v) => v === 0),
          `clip ${clip} does not start with silence`,
        );
      }
    }
  });

  it('the same clips in the same order at every load; missing data fails clearly', async () => {
    const again = await loader(dataDir).load();
    try {
      assert.deepEqual(again.train.speakers, data.train.speakers);
      assert.deepEqual(await again.train.labels.data(), await data.train.labels.data());
      assert.deepEqual(await again.test.audio.data(), await data.test.audio.data());
    } finally {
      dispose(again);
    }
    await assert.rejects(loader(tempDir()).load(), /spoken digits are missing .*npm run build/);
  });
});

describe('tfnb/datasets speech in a kernel', () => {
  let k: KernelClient;
  before(async () => {
    k = startKernel();
    await k.start();
  });
  after(async () => {
    await k.close();
  });

  it('loads the bundled clips from a cell as tensors', async () => {
    const r = await run(
      k,
      "import { speech } from 'tfnb/datasets';\nconst d = await speech.load();\nconst peak = d.test.audio.abs().max();\n[d.train.audio.shape, d.test.labels.dtype, d.sampleRate, peak.dataSync()[0] < 1, new Set(d.test.speakers).size].join(' | ')",
    );
    assert.equal(r.error, undefined, r.error?.traceback.join('\n'));
    assert.equal(r.result?.['text/plain'], "'320,8000 | int32 | 8000 | true | 8'");
  });
});
