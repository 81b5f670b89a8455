// PNG fallbacks of final outputs: which bundles get a PNG and when (a fake rasteriser counts the
// calls), and the real resvg with tfnb's shipped fonts (dist/, built by npm run build) drawing text.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { decode } from 'fast-png';
import { MIME, type MimeBundle } from '../../../src/protocol/mime';
import { PngFallbacks } from '../../../src/kernel/display/pngFallbacks';
import { startRasterizer, type SvgRasterizer } from '../../../src/kernel/display/raster';
import { ROOT } from '../../helpers/kernel';

const SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>';

function fake(): SvgRasterizer & { calls: number } {
  const r = {
    calls: 0,
    toPng: () => {
      r.calls++;
      return new Uint8Array([137, 80, 78, 71]);
    },
  };
  return r;
}

interface Sent {
  bundle: MimeBundle;
  displayId?: string;
  update: boolean;
}

function setup(): { raster: ReturnType<typeof fake>; sent: Sent[]; fallbacks: PngFallbacks } {
  const raster = fake();
  const sent: Sent[] = [];
  const fallbacks = new PngFallbacks(raster, (_id, bundle, displayId, update) => sent.push({ bundle, displayId, update }));
  return { raster, sent, fallbacks };
}

const chart = (title: string): MimeBundle => ({
  [MIME.chart]: { kind: 'bar', bars: [], title },
  'text/plain': title,
  'image/svg+xml': SVG,
});
const training = (done: boolean): MimeBundle => ({
  [MIME.training]: { epochs: [], progress: { epoch: 1, batch: 1, elapsedMs: 1, done } },
  'text/plain': 'training',
  'image/svg+xml': SVG,
});

describe('PNG fallbacks', () => {
  it('a first display of a tfnb output gets a PNG in place of its SVG', () => {
    const { sent, fallbacks } = setup();
    fallbacks.display('e1', chart('a'), undefined, false);
    assert.equal(sent.length, 1);
    assert.equal(sent[0]!.bundle['image/svg+xml'], undefined);
    assert.equal(sent[0]!.bundle['image/png'], Buffer.from([137, 80, 78, 71]).toString('base64'));
    assert.equal(sent[0]!.bundle['text/plain'], 'a');
  });

  it('a user SVG (no tfnb type) is left as it is', () => {
    const { raster, sent, fallbacks } = setup();
    fallbacks.display('e1', { 'image/svg+xml': SVG, 'text/plain': '<SVG image>' }, undefined, false);
    assert.equal(raster.calls, 0);
    assert.equal(sent[0]!.bundle['image/svg+xml'], SVG);
  });

  it('live training keeps its SVG; its final state is rasterised when the cell ends, not inside fit', () => {
    const { raster, sent, fallbacks } = setup();
    fallbacks.display('e1', training(false), 'run', false);
    for (let i = 0; i < 50; i++) fallbacks.display('e1', training(false), 'run', true);
    fallbacks.display('e1', training(true), 'run', true);
    assert.equal(raster.calls, 0, 'no rasterising while the cell runs');
    assert.ok(sent.at(-1)!.bundle['image/svg+xml']);
    fallbacks.settle('e1');
    assert.equal(raster.calls, 1);
    assert.ok(sent.at(-1)!.bundle['image/png']);
    assert.equal(sent.at(-1)!.displayId, 'run');
  });

  it('a run whose cell already ended (an un-awaited fit) is rasterised when it finishes', () => {
    const { raster, sent, fallbacks } = setup();
    fallbacks.display('e1', training(false), 'run', false);
    fallbacks.settle('e1');
    assert.equal(raster.calls, 0, 'still live at the end of its cell');
    fallbacks.display('e1', training(false), 'run', true);
    assert.equal(raster.calls, 0);
    fallbacks.display('e1', training(true), 'run', true);
    assert.equal(raster.calls, 1);
    assert.ok(sent.at(-1)!.bundle['image/png']);
  });

  it('updates in place are rasterised once, the latest, when their cell ends', () => {
    const { raster, sent, fallbacks } = setup();
    fallbacks.display('e1', chart('v0'), 'surface', false);
    for (let i = 1; i <= 20; i++) fallbacks.display('e1', chart(`v${i}`), 'surface', true);
    assert.equal(raster.calls, 1, 'only the first display so far');
    fallbacks.settle('e2');
    assert.equal(raster.calls, 1, "another cell's end leaves it");
    fallbacks.settle('e1');
    assert.equal(raster.calls, 2);
    const last = sent.at(-1)!;
    assert.equal(last.displayId, 'surface');
    assert.equal(last.update, true);
    assert.equal(last.bundle['text/plain'], 'v20');
    assert.ok(last.bundle['image/png']);
    fallbacks.settle('e1');
    assert.equal(raster.calls, 2, 'settled once');
  });

  it("a cell's result gets its PNG", () => {
    const { fallbacks } = setup();
    const out = fallbacks.result(chart('r'));
    assert.ok(out['image/png']);
    assert.equal(out['image/svg+xml'], undefined);
  });

  it('keeps the SVG when the rasteriser has nothing (not loaded, too big) or throws', () => {
    const sent: Sent[] = [];
    const none = new PngFallbacks({ toPng: () => undefined }, (_i, bundle, displayId, update) => sent.push({ bundle, displayId, update }));
    none.display('e1', chart('x'), undefined, false);
    const throwing = new PngFallbacks(
      {
        toPng: () => {
          throw new Error('bad svg');
        },
      },
      (_i, bundle, displayId, update) => sent.push({ bundle, displayId, update }),
    );
    throwing.display('e1', chart('y'), undefined, false);
    assert.deepEqual(
      sent.map((s) => s.bundle['image/svg+xml']),
      [SVG, SVG],
    );
  });
});

describe('resvg with the shipped fonts', () => {
  it('draws text (the fonts load: resvg has no system fonts)', async () => {
    const raster = startRasterizer(join(ROOT, 'dist'), (m) => assert.fail(m));
    assert.equal(await raster.ready, true);
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40" font-family="system-ui, DejaVu Sans, sans-serif" font-size="16">' +
      '<rect width="100%" height="100%" fill="#fff"/><text x="4" y="24">Loss 0.25 × 3 → ok</text>' +
      '<text x="4" y="38" font-family="ui-monospace, DejaVu Sans Mono, monospace" font-size="12">Layer (type)</text></svg>';
    const png = raster.toPng(svg);
    assert.ok(png, 'a PNG');
    const image = decode(png);
    assert.equal(image.width, 200);
    assert.equal(image.height, 40);
    let dark = 0;
    const c = image.channels;
    for (let i = 0; i < image.width * image.height; i++) if (image.data[i * c]! < 128) dark++;
    assert.ok(dark > 100, `text pixels drawn (${dark} dark pixels)`);
  });

  it('scales a drawing larger than the cap down', async () => {
    const raster = startRasterizer(join(ROOT, 'dist'), (m) => assert.fail(m));
    await raster.ready;
    const png = raster.toPng(
      '<svg xmlns="http://www.w3.org/2000/svg" width="4000" height="100"><rect width="4000" height="100" fill="#c00"/></svg>',
    );
    assert.ok(png);
    assert.equal(decode(png).width, 1600);
  });
});
