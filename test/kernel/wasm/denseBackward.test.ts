// The dense layer's backward passes in SIMD (src/kernel/wasm/denseBackward.ts) against the
// JavaScript loops they replace, bit for bit: the ReLU mask (NaN, ±0 and ±∞ in y included) and
// the bias gradient's float32 column sums, row after row, over random shapes (fast-check).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { wasmMemoryOf } from '../../../src/kernel/wasm/backendMemory';
import { createDenseBackward } from '../../../src/kernel/wasm/denseBackward';
import { startWasm, tf } from './helpers';

before(async () => {
  await startWasm({ threads: 1 });
  assert.ok(await tf.setBackend('wasm'));
});

function wasmHeap() {
  const wasm = (tf.backend() as BackendWasm).wasm as unknown as { _malloc(n: number): number; _free(p: number): void; HEAPU8: Uint8Array };
  return {
    malloc: (n: number) => wasm._malloc(n) >>> 0,
    free: (p: number) => wasm._free(p),
    f32: () => new Float32Array(wasm.HEAPU8.buffer),
  };
}

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 4294967296;
  };
}

const special = [0, -0, NaN, Infinity, -Infinity, 1e-40, -1e-40];

describe('dense backward passes in SIMD', () => {
  it('reluMask clears the gradient where y is not > 0, as the JavaScript loop does', () => {
    const ops = createDenseBackward(wasmMemoryOf(tf.backend() as BackendWasm)!)!;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 1, max: 1e9 }), (quads, seed) => {
        const count = quads * 4;
        const h = wasmHeap();
        const [g, y] = [h.malloc(count * 4 + 16), h.malloc(count * 4 + 16)];
        const f = h.f32();
        const rand = lcg(seed);
        const expected = new Float32Array(count);
        for (let i = 0; i < count; i++) {
          const yv = rand() < 0.1 ? special[Math.floor(rand() * special.length)]! : rand() - 0.5;
          const gv = rand() < 0.05 ? special[Math.floor(rand() * special.length)]! : rand() - 0.5;
          f[y / 4 + i] = yv;
          f[g / 4 + i] = gv;
          expected[i] = gv;
          if (!(Math.fround(yv) > 0)) expected[i] = 0;
        }
        ops.reluMask(g, y, count);
        const after = h.f32().slice(g / 4, g / 4 + count);
        for (let i = 0; i < count; i++) assert.ok(Object.is(after[i], expected[i]), `element ${i}: ${after[i]} against ${expected[i]}`);
        h.free(g);
        h.free(y);
      }),
      { numRuns: 100 },
    );
  });

  it('columnSums adds each column row after row in float32', () => {
    const ops = createDenseBackward(wasmMemoryOf(tf.backend() as BackendWasm)!)!;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 70 }),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 1, max: 1e9 }),
        (rows, groups, extra, seed) => {
          const cols = groups * 4;
          const stride = cols + 4 * extra;
          const h = wasmHeap();
          const [g, out] = [h.malloc(Math.max(1, rows * stride) * 4), h.malloc(cols * 4)];
          const f = h.f32();
          const rand = lcg(seed);
          for (let i = 0; i < rows * stride; i++) f[g / 4 + i] = (rand() - 0.5) * 10 ** Math.floor(rand() * 8 - 4);
          ops.columnSums(g, out, rows, cols, stride);
          const after = h.f32();
          for (let j = 0; j < cols; j++) {
            let sum = 0;
            for (let r = 0; r < rows; r++) sum = Math.fround(sum + after[g / 4 + r * stride + j]!);
            assert.ok(Object.is(after[out / 4 + j], sum), `column ${j}: ${after[out / 4 + j]} against ${sum}`);
          }
          h.free(g);
          h.free(out);
        },
      ),
      { numRuns: 100 },
    );
  });
});
