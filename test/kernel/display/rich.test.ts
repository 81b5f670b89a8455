// display.html / markdown / images / audio / raw bundles and Symbol.for('Jupyter.display'),
// through a real kernel.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KernelClient } from '../../../src/client/kernelClient';
import { run, startKernel } from '../../helpers/kernel';

/** The samples of a 16-bit PCM WAV data URL, with its header fields. */
function decodeWav(dataUrl: string): { rate: number; channels: number; bits: number; samples: Int16Array } {
  const wav = Buffer.from(dataUrl.replace(/^data:audio\/wav;base64,/, ''), 'base64');
  assert.equal(wav.toString('ascii', 0, 4), 'RIFF');
  assert.equal(wav.toString('ascii', 8, 12), 'WAVE');
  assert.equal(wav.readUInt32LE(4), wav.length - 8);
  const dataBytes = wav.readUInt32LE(40);
  assert.equal(dataBytes, wav.length - 44);
  const samples = new Int16Array(dataBytes / 2);
  for (let i = 0; i < samples.length; i++) samples[i] = wav.readInt16LE(44 + 2 * i);
  return { rate: wav.readUInt32LE(24), channels: wav.readUInt16LE(22), bits: wav.readUInt16LE(34), samples };
}

function audioSrc(html: unknown): string {
  const m = /<audio controls preload="metadata" src="(data:audio\/wav;base64,[A-Za-z0-9+/=]+)"><\/audio>$/.exec(String(html));
  assert.ok(m, `no audio element in ${String(html).slice(0, 200)}`);
  return m[1]!;
}

describe('display: standard MIME types, audio, raw bundles', () => {
  let k: KernelClient;
  before(async () => {
    k = startKernel();
    await k.start();
  });
  after(() => k.close());

  /** Runs `code` and expects it to fail with `name` and `message`, having shown nothing. */
  async function refused(code: string, name: string, message: RegExp): Promise<void> {
    const bad = await run(k, code);
    assert.equal(bad.error?.ename, name, code);
    assert.match(bad.error!.evalue, message);
    assert.equal(bad.displays.length, 0);
  }

  it('html, markdown, svg, png, jpeg, text and json each give their MIME type with a text/plain', async () => {
    const r = await run(
      k,
      [
        'display.html("<b>bold</b>");',
        'display.markdown("# Title");',
        'display.svg("<svg xmlns=\\"http://www.w3.org/2000/svg\\"/>");',
        'display.png(new Uint8Array([137, 80, 78, 71]));',
        'display.jpeg("data:image/jpeg;base64,/9j/");',
        'display.text("plain");',
        'display.json({ a: [1, 2] });',
      ].join('\n'),
    );
    assert.equal(r.error, undefined);
    assert.deepEqual(
      r.displays.map((d) => Object.keys(d.data).sort()),
      [
        ['text/html', 'text/plain'],
        ['text/markdown', 'text/plain'],
        ['image/svg+xml', 'text/plain'],
        ['image/png', 'text/plain'],
        ['image/jpeg', 'text/plain'],
        ['text/plain'],
        ['application/json', 'text/plain'],
      ],
    );
    const [html, md, , png, jpeg, text, json] = r.displays.map((d) => d.data);
    assert.equal(html!['text/html'], '<b>bold</b>');
    assert.equal(md!['text/plain'], '# Title');
    assert.equal(png!['image/png'], Buffer.from([137, 80, 78, 71]).toString('base64'));
    assert.equal(jpeg!['image/jpeg'], '/9j/', 'a data URL prefix is dropped: Jupyter stores bare base64');
    assert.equal(text!['text/plain'], 'plain');
    assert.deepEqual(json!['application/json'], { a: [1, 2] });
  });

  it('display.raw shows a bundle as given, with display ids; a bad bundle is a clear error', async () => {
    const r = await run(
      k,
      [
        'display.raw({ "text/html": "<i>v1</i>", "text/plain": "v1" }, { displayId: "raw1" });',
        'display.raw({ "text/html": "<i>v2</i>" }, { displayId: "raw1", update: true });',
      ].join('\n'),
    );
    assert.equal(r.error, undefined);
    assert.deepEqual(
      r.displays.map((d) => [d.displayId, d.update, d.data['text/html'], d.data['text/plain']]),
      [
        ['raw1', false, '<i>v1</i>', 'v1'],
        ['raw1', true, '<i>v2</i>', '<text/html output>'],
      ],
    );
    for (const [code, message] of [
      ['display.raw("<b>")', /display\.raw must give an object of MIME type -> data, got string/],
      ['display.raw({ html: "x" })', /'html' is not a MIME type/],
      ['display.raw({ "text/html": 3 })', /the data for 'text\/html' must be a string, got number 3/],
      ['display.raw({})', /empty bundle/],
      ['display.html(42)', /display\.html takes a string, got number 42/],
    ] as const)
      await refused(code, 'TypeError', message);
  });

  it('a value with [Symbol.for("Jupyter.display")]() shows as the bundle it returns, also as a cell result', async () => {
    const r = await run(
      k,
      [
        'class Dog { [Symbol.for("Jupyter.display")]() { return { "text/html": "<b>Rex</b>", "text/plain": "Rex" }; } }',
        'display(new Dog());',
        'new Dog()',
      ].join('\n'),
    );
    assert.equal(r.error, undefined);
    assert.deepEqual(r.displays[0]!.data, { 'text/html': '<b>Rex</b>', 'text/plain': 'Rex' });
    assert.deepEqual(r.result, { 'text/html': '<b>Rex</b>', 'text/plain': 'Rex' });
  });

  it('display.audio: a playable 16-bit WAV of the samples, normalised, from an array or a tensor', async () => {
    const r = await run(
      k,
      [
        'const rate = 8000;',
        'const tone = Float32Array.from({ length: 800 }, (_, i) => 0.5 * Math.sin(2 * Math.PI * 440 * i / rate));',
        'display.audio(tone, { sampleRate: rate, title: "A <440 Hz>" });',
        'display.audio(tf.tensor1d([0, 0.25, -0.5, 2]), { sampleRate: 16000, normalize: false });',
        'display.audio(tf.tensor2d([[0.1, -0.1], [0.2, -0.2]]), { sampleRate: 44100 });',
      ].join('\n'),
    );
    assert.equal(r.error, undefined);
    const [tone, clipped, stereo] = r.displays.map((d) => d.data);
    assert.equal(tone!['text/plain'], '<Audio A <440 Hz>: 0.10 s, 8000 Hz, mono>');
    assert.match(String(tone!['text/html']), /^<div>A &#60;440 Hz&#62;<\/div><audio/, 'the title is escaped');
    const wav = decodeWav(audioSrc(tone!['text/html']));
    assert.deepEqual([wav.rate, wav.channels, wav.bits, wav.samples.length], [8000, 1, 16, 800]);
    // Normalised: the loudest sample is at full scale, the shape of the wave kept.
    assert.equal(Math.max(...wav.samples.map(Math.abs)), 32767);
    assert.ok(Math.abs(wav.samples[5]! / 32767 - Math.sin((2 * Math.PI * 440 * 5) / 8000)) < 1e-3);

    const raw = decodeWav(audioSrc(clipped!['text/html']));
    assert.deepEqual(Array.from(raw.samples), [0, 8192, -16383, 32767], 'without normalising, values above 1 are clipped');

    const two = decodeWav(audioSrc(stereo!['text/html']));
    assert.deepEqual([two.channels, two.rate, Array.from(two.samples)], [2, 44100, [16384, -16383, 32767, -32767]]);
    assert.match(stereo!['text/plain'], /stereo/);
  });

  it('display.audio refuses what it cannot play: no rate, wrong shape, a clip too long', async () => {
    for (const [code, name, message] of [
      ['display.audio([0, 1], {} as any)', 'RangeError', /needs \{ sampleRate \}/],
      ['display.audio(tf.zeros([2, 2, 2]), { sampleRate: 8000 })', 'RangeError', /got shape \[2, 2, 2\]/],
      ['display.audio("noise" as any, { sampleRate: 8000 })', 'TypeError', /takes samples/],
      [
        'display.audio(new Float32Array(44100 * 60), { sampleRate: 44100 })',
        'RangeError',
        /60\.0 s at 44100 Hz is 5\.0 MB as WAV; the limit is 1 MB/,
      ],
    ] as const)
      await refused(code, name, message);
  });
  it('display.images: a grid of captioned PNG tiles, grey and colour, captions as the text fallback', async () => {
    const r = await run(
      k,
      `const digits = tf.tidy(() => tf.stack([tf.zeros([28, 28, 1]), tf.ones([28, 28, 1])]));
display.images(digits, { captions: ['4 → 9', '<b>'], title: 'mistakes' });
display.images(tf.randomUniform([3, 10, 12]));
display.images(tf.fill([16, 16, 3], 200, 'int32'), { size: 64 });
digits.dispose();`,
    );
    assert.equal(r.error, undefined, r.error?.evalue);
    assert.equal(r.displays.length, 3);
    const [captioned, grey, colour] = r.displays.map((d) => ({ html: String(d.data['text/html']), text: String(d.data['text/plain']) }));
    const tiles = [
      ...captioned!.html.matchAll(/<img src="data:image\/png;base64,([^"]+)" width="56"[^>]*><figcaption[^>]*>([^<]*)<\/figcaption>/g),
    ];
    assert.deepEqual(
      tiles.map((t) => t[2]),
      ['4 → 9', '&#60;b&#62;'],
      'captions in order, escaped',
    );
    const png = Buffer.from(tiles[1]![1]!, 'base64');
    assert.equal(png.toString('latin1', 1, 4), 'PNG');
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20), png[25]], [28, 28, 0], '28×28 grey');
    assert.match(captioned!.html, /^<div style="font-weight:bold">mistakes<\/div>/);
    assert.equal(captioned!.text, 'mistakes\n<2 grayscale images, 28 × 28>\n4 → 9  <b>');
    assert.equal([...grey!.html.matchAll(/<img /g)].length, 3, '[n, h, w] is n grey images');
    assert.equal(grey!.text, '<3 grayscale images, 10 × 12>');
    assert.match(colour!.html, /width="64"/);
    assert.equal(colour!.text, '<1 RGB image, 16 × 16>');
    const rgb = Buffer.from(/base64,([^"]+)"/.exec(colour!.html)![1]!, 'base64');
    assert.equal(rgb[25], 2, 'colour type 2: RGB');
  });

  it('display.images states the real shape and says why images are dropped or downscaled, captions matching the tiles', async () => {
    const r = await run(
      k,
      `const batch = tf.zeros([10, 129, 61, 1]);
display.images(batch);
batch.dispose();
const many = tf.zeros([205, 8, 8]);
display.images(many, { captions: Array.from({ length: 205 }, (_, i) => 'c' + i) });
many.dispose();`,
    );
    assert.equal(r.error, undefined, r.error?.evalue);
    const [big, many] = r.displays.map((d) => ({ html: String(d.data['text/html']), text: String(d.data['text/plain']) }));
    assert.equal(
      big!.text,
      '<10 grayscale images, 129 × 61>\nimages are stored downscaled to 96 px on the longest side to keep the output small',
    );
    assert.match(big!.html, /<div>images are stored downscaled to 96 px on the longest side to keep the output small<\/div>$/);
    assert.match(big!.html, /width="61"/, 'drawn at the real width');
    const [, head, captionLine] =
      /^(<205 grayscale images, 8 × 8>\nshowing the first 200: a grid holds at most 200 images)\n(.*)$/s.exec(many!.text) ?? [];
    assert.ok(head, many!.text.slice(0, 200));
    assert.equal(captionLine!.split('  ').length, 200, 'a caption for each image shown, no more');
    assert.equal([...many!.html.matchAll(/<figcaption/g)].length, 200);
    assert.match(many!.html, /<div>showing the first 200: a grid holds at most 200 images<\/div>$/);
  });

  it('display.images refuses what it cannot draw: a caption count that does not match, bad shapes, strings', async () => {
    await refused('display.images(tf.zeros([2, 8, 8]), { captions: ["a"] })', 'RangeError', /1 captions for 2 images/);
    await refused('display.images(tf.zeros([8, 8]))', 'RangeError', /got shape \[8, 8\]/);
    await refused('display.images(tf.zeros([2, 8, 8, 2]))', 'RangeError', /\[n, height, width, 1\|3\|4\]/);
    await refused('display.images(tf.tensor(["a", "b", "c"], [1, 3, 1]))', 'TypeError', /numbers, got a string tensor/);
    await refused('display.images([1, 2, 3] as never)', 'TypeError', /takes a tensor of images/);
  });
});
