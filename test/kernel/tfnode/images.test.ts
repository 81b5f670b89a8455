import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { encode as encodeJpeg } from 'jpeg-js';
import type { KernelClient } from '../../../src/client/kernelClient';
import { RULE_BACKENDS, run, startKernel, tempDir } from '../../helpers/kernel';
import { bmp, gif, png } from './imageFiles';

interface Decoded {
  shape: number[];
  dtype: string;
  data: number[];
}

for (const backend of RULE_BACKENDS)
  describe(`tf.node image codecs (${backend})`, () => {
    let k: KernelClient;
    const dir = tempDir('tfnb-tfnode-img-');

    /** Runs `expr` (a tensor) in the kernel and returns its shape, dtype and values. */
    async function decoded(expr: string): Promise<Decoded> {
      const r = await run(
        k,
        `{ const t = ${expr}; require('node:fs').writeFileSync('out.json', JSON.stringify({ shape: t.shape, dtype: t.dtype, data: Array.from(t.dataSync()) })); t.dispose(); }`,
      );
      assert.equal(r.error, undefined, r.error?.traceback.join('\n'));
      return JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as Decoded;
    }
    const file = (name: string) => `new Uint8Array(require('node:fs').readFileSync(${JSON.stringify(name)}))`;

    before(async () => {
      // 2x2 RGB: red, green / blue, white.
      writeFileSync(
        join(dir, 'rgb.png'),
        png({
          width: 2,
          height: 2,
          depth: 8,
          colorType: 2,
          rows: [Uint8Array.from([255, 0, 0, 0, 255, 0]), Uint8Array.from([0, 0, 255, 255, 255, 255])],
        }),
      );
      // 3x1 gray + alpha.
      writeFileSync(
        join(dir, 'ga.png'),
        png({ width: 3, height: 1, depth: 8, colorType: 4, rows: [Uint8Array.from([10, 255, 20, 128, 30, 0])] }),
      );
      // 3x2 palette, 2 bits per index, entry 1 half transparent: indices 0 1 2 / 2 1 0.
      writeFileSync(
        join(dir, 'palette.png'),
        png({
          width: 3,
          height: 2,
          depth: 2,
          colorType: 3,
          palette: [
            [1, 2, 3],
            [40, 50, 60],
            [200, 210, 220],
          ],
          transparency: [255, 128],
          rows: [Uint8Array.from([0b00011000]), Uint8Array.from([0b10010000])],
        }),
      );
      // 2x1 gray at 16 bits: 0x1234, 0xffff.
      writeFileSync(
        join(dir, 'gray16.png'),
        png({ width: 2, height: 1, depth: 16, colorType: 0, rows: [Uint8Array.from([0x12, 0x34, 0xff, 0xff])] }),
      );
      // 10x1 gray at 1 bit: 1010101011.
      writeFileSync(
        join(dir, 'gray1.png'),
        png({ width: 10, height: 1, depth: 1, colorType: 0, rows: [Uint8Array.from([0b10101010, 0b11000000])] }),
      );
      writeFileSync(
        join(dir, 'bottom-up.bmp'),
        bmp(
          [
            [
              [255, 0, 0],
              [0, 255, 0],
              [0, 0, 255],
            ],
            [
              [1, 2, 3],
              [4, 5, 6],
              [7, 8, 9],
            ],
          ],
          24,
        ),
      );
      writeFileSync(join(dir, 'top-down.bmp'), bmp([[[10, 20, 30, 40]], [[50, 60, 70, 80]]], 32, true));
      // Two frames over a 4-color palette; the second only repaints the top-left pixel.
      writeFileSync(
        join(dir, 'anim.gif'),
        gif(2, 2, [0xff0000, 0x00ff00, 0x0000ff, 0xffffff], [{ pixels: [0, 1, 2, 3] }, { w: 1, h: 1, pixels: [3] }]),
      );
      const flat = Buffer.alloc(16 * 16 * 4);
      for (let i = 0; i < 16 * 16; i++) flat.set([200, 100, 50, 255], i * 4);
      writeFileSync(join(dir, 'flat.jpg'), encodeJpeg({ width: 16, height: 16, data: flat }, 95).data);
      copyFileSync(join(__dirname, 'fixtures', 'gray.jpg'), join(dir, 'gray.jpg'));
      k = startKernel({ notebookDir: dir, backend });
      await k.start();
    });
    after(() => k.close());

    it('decodePng: RGB, gray + alpha, palettes with transparency, 16-bit and 1-bit gray, as int32 [h, w, c]', async () => {
      assert.deepEqual(await decoded(`tf.node.decodePng(${file('rgb.png')})`), {
        shape: [2, 2, 3],
        dtype: 'int32',
        data: [255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255],
      });
      assert.deepEqual(await decoded(`tf.node.decodePng(${file('ga.png')})`), {
        shape: [1, 3, 2],
        dtype: 'int32',
        data: [10, 255, 20, 128, 30, 0],
      });
      assert.deepEqual(await decoded(`tf.node.decodePng(${file('palette.png')})`), {
        shape: [2, 3, 4],
        dtype: 'int32',
        data: [1, 2, 3, 255, 40, 50, 60, 128, 200, 210, 220, 255, 200, 210, 220, 255, 40, 50, 60, 128, 1, 2, 3, 255],
      });
      assert.deepEqual(await decoded(`tf.node.decodePng(${file('gray16.png')})`), { shape: [1, 2, 1], dtype: 'int32', data: [0x12, 0xff] });
      assert.deepEqual(await decoded(`tf.node.decodePng(${file('gray1.png')})`), {
        shape: [1, 10, 1],
        dtype: 'int32',
        data: [255, 0, 255, 0, 255, 0, 255, 0, 255, 255],
      });
    });

    it('decodePng with channels: gray to RGB, RGB to gray (BT.601 luma), adds or drops alpha', async () => {
      assert.deepEqual((await decoded(`tf.node.decodePng(${file('ga.png')}, 3)`)).data, [10, 10, 10, 20, 20, 20, 30, 30, 30]);
      assert.deepEqual((await decoded(`tf.node.decodePng(${file('rgb.png')}, 1)`)).data, [76, 150, 29, 255]);
      assert.deepEqual((await decoded(`tf.node.decodePng(${file('rgb.png')}, 4)`)).data.slice(0, 8), [255, 0, 0, 255, 0, 255, 0, 255]);
      const bad = await run(k, `tf.node.decodePng(${file('rgb.png')}, 2)`);
      assert.match(bad.error?.evalue ?? '', /decodePng: channels must be one of 0, 1, 3, 4, got 2/);
    });

    it('decodeBmp: 24-bit bottom-up with row padding, 32-bit top-down with alpha', async () => {
      assert.deepEqual(await decoded(`tf.node.decodeBmp(${file('bottom-up.bmp')})`), {
        shape: [2, 3, 3],
        dtype: 'int32',
        data: [255, 0, 0, 0, 255, 0, 0, 0, 255, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      });
      assert.deepEqual(await decoded(`tf.node.decodeBmp(${file('top-down.bmp')})`), {
        shape: [2, 1, 4],
        dtype: 'int32',
        data: [10, 20, 30, 40, 50, 60, 70, 80],
      });
      assert.deepEqual((await decoded(`tf.node.decodeBmp(${file('top-down.bmp')}, 3)`)).data, [10, 20, 30, 50, 60, 70]);
    });

    it('decodeGif: every frame as [frames, h, w, 3], each drawn over the one before', async () => {
      assert.deepEqual(await decoded(`tf.node.decodeGif(${file('anim.gif')})`), {
        shape: [2, 2, 2, 3],
        dtype: 'int32',
        data: [255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255, /* frame 2 */ 255, 255, 255, 0, 255, 0, 0, 0, 255, 255, 255, 255],
      });
    });

    it('decodeImage tells the format by its bytes; GIFs are 4-D unless expandAnimations is false (first frame)', async () => {
      assert.deepEqual((await decoded(`tf.node.decodeImage(${file('rgb.png')})`)).shape, [2, 2, 3]);
      assert.deepEqual((await decoded(`tf.node.decodeImage(${file('bottom-up.bmp')})`)).shape, [2, 3, 3]);
      assert.deepEqual((await decoded(`tf.node.decodeImage(${file('flat.jpg')})`)).shape, [16, 16, 3]);
      assert.deepEqual((await decoded(`tf.node.decodeImage(${file('anim.gif')})`)).shape, [2, 2, 2, 3]);
      assert.deepEqual(await decoded(`tf.node.decodeImage(${file('anim.gif')}, 0, 'int32', false)`), {
        shape: [2, 2, 3],
        dtype: 'int32',
        data: [255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255],
      });
      const unknown = await run(k, 'tf.node.decodeImage(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]))');
      assert.match(unknown.error?.evalue ?? '', /Expected image \(BMP, JPEG, PNG, or GIF\), but got unsupported image type/);
    });

    it('decodeJpeg: RGB within JPEG loss, gray on request', async () => {
      const rgb = await decoded(`tf.node.decodeJpeg(${file('flat.jpg')})`);
      assert.deepEqual([rgb.shape, rgb.dtype], [[16, 16, 3], 'int32']);
      for (let i = 0; i < rgb.data.length; i += 3) {
        assert.ok(
          Math.abs(rgb.data[i]! - 200) <= 3 && Math.abs(rgb.data[i + 1]! - 100) <= 3 && Math.abs(rgb.data[i + 2]! - 50) <= 3,
          `pixel ${i / 3}: ${rgb.data.slice(i, i + 3).join(',')}`,
        );
      }
      const gray = await decoded(`tf.node.decodeJpeg(${file('flat.jpg')}, 1)`);
      assert.deepEqual(gray.shape, [16, 16, 1]);
      assert.ok(
        gray.data.every((v) => Math.abs(v - 124) <= 3),
        `luma of (200, 100, 50) is 124: ${gray.data.slice(0, 4).join(',')}`,
      );
    });

    it("decodeJpeg of a grayscale JPEG (libjpeg's) is [h, w, 1] unless 3 channels are asked for", async () => {
      const expected = Array.from({ length: 32 }, (_, i) => 32 * (i % 8) + 8 * Math.floor(i / 8));
      const gray = await decoded(`tf.node.decodeJpeg(${file('gray.jpg')})`);
      assert.deepEqual([gray.shape, gray.dtype], [[4, 8, 1], 'int32']);
      gray.data.forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) <= 2, `pixel ${i}: ${v}, libjpeg: ${expected[i]}`));
      assert.deepEqual((await decoded(`tf.node.decodeImage(${file('gray.jpg')})`)).shape, [4, 8, 1]);
      const rgb = await decoded(`tf.node.decodeJpeg(${file('gray.jpg')}, 3)`);
      assert.deepEqual(rgb.shape, [4, 8, 3]);
      assert.deepEqual(
        rgb.data.filter((_, i) => i % 3 === 0),
        gray.data,
      );
    });

    it('encodePng and encodeJpeg give files the decoders read back (PNG exactly)', async () => {
      const r = await run(
        k,
        [
          'const img = tf.tensor3d([[[0, 64, 128, 255], [1, 2, 3, 4]], [[255, 255, 255, 0], [9, 8, 7, 6]]], [2, 2, 4], "int32");',
          'const pngBytes = await tf.node.encodePng(img);',
          'const jpgBytes = await tf.node.encodeJpeg(tf.fill([8, 8, 3], 90, "int32"), "", 90);',
          "require('node:fs').writeFileSync('encoded.png', pngBytes); require('node:fs').writeFileSync('encoded.jpg', jpgBytes);",
          '[pngBytes instanceof Uint8Array, jpgBytes instanceof Uint8Array]',
        ].join('\n'),
      );
      assert.equal(r.error, undefined, r.error?.traceback.join('\n'));
      assert.equal(r.result?.['text/plain'], '[ true, true ]');
      const bytes = readFileSync(join(dir, 'encoded.png'));
      assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      assert.deepEqual([bytes.readUInt32BE(16), bytes.readUInt32BE(20), bytes[24], bytes[25]], [2, 2, 8, 6], 'IHDR: 2x2, 8 bits, RGBA');
      assert.deepEqual(
        (await decoded(`tf.node.decodePng(${file('encoded.png')})`)).data,
        [0, 64, 128, 255, 1, 2, 3, 4, 255, 255, 255, 0, 9, 8, 7, 6],
      );
      assert.deepEqual([...readFileSync(join(dir, 'encoded.jpg')).subarray(0, 3)], [0xff, 0xd8, 0xff]);
      const back = await decoded(`tf.node.decodeJpeg(${file('encoded.jpg')})`);
      assert.ok(
        back.data.every((v) => Math.abs(v - 90) <= 2),
        back.data.slice(0, 6).join(','),
      );
    });

    it('names the member and says to install tfjs-node for what needs libtensorflow', async () => {
      for (const member of ['loadSavedModel', 'getMetaGraphsFromSavedModel', 'getNumOfSavedModels']) {
        const r = await run(k, `tf.node.${member}('some/saved_model')`);
        assert.match(
          r.error?.evalue ?? '',
          new RegExp(`tf\\.node\\.${member} needs the native TensorFlow backend.*npm install @tensorflow/tfjs-node`),
        );
      }
    });
  });
