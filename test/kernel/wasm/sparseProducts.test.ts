// The zero-skipping products (src/kernel/wasm/sparseProducts.ts) against the dense SIMD products
// they replace for a first dense layer: the same sums in the same order minus exact zeros, so the
// results must be equal bit for bit (+0 and -0 aside), with and without fused multiply-adds, over
// random shapes, strides and densities (fast-check); and allFinite on every kind of float.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { wasmMemoryOf } from '../../../src/kernel/wasm/backendMemory';
import { createGemmSimd } from '../../../src/kernel/wasm/simdMatrixProduct';
import { createSparseProducts } from '../../../src/kernel/wasm/sparseProducts';
import { startWasm, tf } from './helpers';

before(async () => {
  await startWasm({ threads: 1 });
  assert.ok(await tf.setBackend('wasm'));
});

interface Heap {
  malloc(bytes: number): number;
  free(p: number): void;
  f32(): Float32Array;
  i32(): Int32Array;
}

function heap(): Heap {
  const wasm = (tf.backend() as BackendWasm).wasm as unknown as { _malloc(n: number): number; _free(p: number): void; HEAPU8: Uint8Array };
  return {
    malloc: (n) => {
      const p = wasm._malloc(n + 16) >>> 0;
      assert.ok(p);
      return p;
    },
    free: (p) => wasm._free(p),
    f32: () => new Float32Array(wasm.HEAPU8.buffer),
    i32: () => new Int32Array(wasm.HEAPU8.buffer),
  };
}

const up = (v: number, to: number) => Math.ceil(v / to) * to;

function lcg(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 4294967296;
  };
}

/** Equal as float32 values, treating +0 and -0 as equal; NaN only with NaN. */
function sameFloats(actual: Float32Array, expected: Float32Array, what: string): void {
  for (let i = 0; i < expected.length; i++) {
    const [a, e] = [actual[i]!, expected[i]!];
    if (a === e || (Number.isNaN(a) && Number.isNaN(e))) continue;
    assert.fail(`${what}: element ${i}: ${a} against the dense product's ${e}`);
  }
}

const shape = fc.record({
  m: fc.integer({ min: 1, max: 12 }),
  nVectors: fc.integer({ min: 1, max: 21 }),
  k: fc.integer({ min: 1, max: 70 }),
  density: fc.constantFrom(0, 0.05, 0.2, 0.5, 1),
  extraStride: fc.integer({ min: 0, max: 5 }),
  relu: fc.boolean(),
  bias: fc.boolean(),
  fma: fc.boolean(),
  seed: fc.integer({ min: 1, max: 1e9 }),
});

describe('zero-skipping products', () => {
  it('nnRows equals the dense nn product on sparse inputs (rows, strides, bias, relu, fma)', () => {
    fc.assert(
      fc.property(shape, ({ m, nVectors, k, density, extraStride, relu, bias, fma, seed }) => {
        const memory = wasmMemoryOf(tf.backend() as BackendWasm)!;
        const dense = createGemmSimd(memory, fma);
        const sparse = createSparseProducts(memory, fma);
        assert.ok(dense && sparse, 'both products exist, with and without FMA (relaxed SIMD is on in the kernel and in tests)');
        const rand = lcg(seed);
        const n = nVectors * 8;
        const rows = up(m, 4);
        const lda = up(k, 4) + 4 * extraStride;
        const [ldb, ldc] = [n + extraStride, n + 8 * extraStride];
        const h = heap();
        const [pa, pb, pc, pd, pbias, scratch] = [rows * lda, k * ldb, rows * ldc, rows * ldc, n, 2 * up(k, 4)].map((f) => h.malloc(f * 4));
        const f = h.f32();
        f.fill(0, pa! / 4, pa! / 4 + rows * lda);
        for (let r = 0; r < m; r++)
          for (let t = 0; t < k; t++) f[pa! / 4 + r * lda + t] = rand() < density ? (rand() < 0.1 ? -0 : rand() - 0.5) : 0;
        for (let i = 0; i < k * ldb; i++) f[pb! / 4 + i] = rand() - 0.5;
        for (let i = 0; i < n; i++) f[pbias! / 4 + i] = rand() - 0.5;
        dense.nn(pa!, pb!, pc!, bias ? pbias! : 0, rows, n, k, relu ? 1 : 0, lda, ldb, ldc);
        sparse.nnRows(pa!, pb!, pd!, bias ? pbias! : 0, rows, n, k, relu ? 1 : 0, lda, ldb, ldc, scratch!);
        const g = h.f32();
        for (let r = 0; r < rows; r++) {
          sameFloats(
            g.subarray(pd! / 4 + r * ldc, pd! / 4 + r * ldc + n),
            g.subarray(pc! / 4 + r * ldc, pc! / 4 + r * ldc + n),
            `row ${r}`,
          );
        }
        [pa, pb, pc, pd, pbias, scratch].forEach((p) => h.free(p!));
      }),
      { numRuns: 150 },
    );
  });

  it('tnBlocks equals the dense tn product', () => {
    fc.assert(
      fc.property(shape, ({ m, nVectors, k, density, extraStride, fma, seed }) => {
        const memory = wasmMemoryOf(tf.backend() as BackendWasm)!;
        const dense = createGemmSimd(memory, fma)!;
        const sparse = createSparseProducts(memory, fma)!;
        const rand = lcg(seed);
        const n = nVectors * 8;
        const outRows = up(m, 4);
        // A stored [k × lda]: k batch rows of m inputs.
        const lda = outRows + 4 * extraStride;
        const [ldb, ldc] = [n + extraStride, n + 8 * extraStride];
        const h = heap();
        const [pa, pb, pc, pd, scratch] = [k * lda + 4, k * ldb, outRows * ldc, outRows * ldc, 2 * k].map((f) => h.malloc(f * 4));
        const f = h.f32();
        f.fill(0, pa! / 4, pa! / 4 + k * lda + 4);
        for (let t = 0; t < k; t++) for (let i = 0; i < m; i++) f[pa! / 4 + t * lda + i] = rand() < density ? rand() - 0.5 : 0;
        for (let i = 0; i < k * ldb; i++) f[pb! / 4 + i] = rand() - 0.5;
        dense.tn(pa!, pb!, pc!, 0, outRows, n, k, 0, lda, ldb, ldc);
        sparse.tnBlocks(pa!, pb!, pd!, 0, outRows, n, k, 0, lda, ldb, ldc, scratch!);
        const g = h.f32();
        for (let r = 0; r < outRows; r++) {
          const row = (p: number) => g.subarray(p / 4 + r * ldc, p / 4 + r * ldc + n);
          sameFloats(row(pd!), row(pc!), `row ${r}`);
        }
        [pa, pb, pc, pd, scratch].forEach((p) => h.free(p!));
      }),
      { numRuns: 150 },
    );
  });

  it('allFinite finds an infinity or NaN anywhere in the whole vectors, and ignores the tail', () => {
    const sparse = createSparseProducts(wasmMemoryOf(tf.backend() as BackendWasm)!, false)!;
    const h = heap();
    const n = 103;
    const [p, out] = [h.malloc(n * 4), h.malloc(4)];
    const check = (at: number | undefined, value: number): number => {
      const f = h.f32();
      for (let i = 0; i < n; i++) f[p / 4 + i] = i % 7 === 0 ? 0 : (i - 50) * 1e30;
      if (at !== undefined) f[p / 4 + at] = value;
      h.i32()[out / 4] = -1;
      sparse.allFinite(p, n, out);
      return h.i32()[out / 4]!;
    };
    assert.equal(check(undefined, 0), 1);
    assert.equal(check(3, -0), 1);
    for (const bad of [Infinity, -Infinity, NaN]) {
      for (const at of [0, 51, 99]) assert.equal(check(at, bad), 0, `${bad} at ${at}`);
      assert.equal(check(101, bad), 1, 'the last n % 4 values are the caller’s to check');
    }
    [p, out].forEach((q) => h.free(q));
  });
});
