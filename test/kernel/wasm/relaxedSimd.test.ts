// tfnb's SIMD product with and without relaxed SIMD's fused multiply-add (each path forced),
// with row strides wider than the rows; and the fused training step on each path.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { wasmMemoryOf } from '../../../src/kernel/wasm/backendMemory';
import { fmaWanted, relaxedSimdAvailable } from '../../../src/kernel/wasm/relaxedSimd';
import { createGemmSimd } from '../../../src/kernel/wasm/simdMatrixProduct';
import { fusedTrainStep } from '../../../src/kernel/fused/trainStep/install';
import { startWasm, tf } from './helpers';

before(async () => {
  await startWasm({ threads: 1 });
  assert.ok(await tf.setBackend('wasm'));
});

interface Heap {
  malloc(bytes: number): number;
  free(p: number): void;
  f32(): Float32Array;
}

function heap(): Heap {
  const wasm = (tf.backend() as BackendWasm).wasm as unknown as { _malloc(n: number): number; _free(p: number): void; HEAPU8: Uint8Array };
  return { malloc: (n) => wasm._malloc(n) >>> 0, free: (p) => wasm._free(p), f32: () => new Float32Array(wasm.HEAPU8.buffer) };
}

let seed = 7;
const random = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648 - 0.5;
};

/** C = A·B (or Aᵀ·B) through the SIMD product with strides, against float64 arithmetic. */
function checkProduct(fma: boolean, transposedA: boolean, m: number, n: number, k: number): number {
  const gemm = createGemmSimd(wasmMemoryOf(tf.backend() as BackendWasm)!, fma)!;
  assert.equal(gemm.fma, fma);
  const [lda, ldb, ldc] = [(transposedA ? m : k) + 3, n + 5, n + 8];
  const aRows = transposedA ? k : m;
  const h = heap();
  const pa = h.malloc(aRows * lda * 4 + 64);
  const pb = h.malloc(k * ldb * 4 + 64);
  const pc = h.malloc(m * ldc * 4 + 64);
  const pbias = h.malloc(n * 4 + 64);
  let f = h.f32();
  for (let i = 0; i < aRows * lda; i++) f[pa / 4 + i] = random();
  for (let i = 0; i < k * ldb; i++) f[pb / 4 + i] = random();
  for (let i = 0; i < n; i++) f[pbias / 4 + i] = random();
  (transposedA ? gemm.tn : gemm.nn)(pa, pb, pc, pbias, m, n, k, 1, lda, ldb, ldc);
  f = h.f32();
  let worst = 0;
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let sum = f[pbias / 4 + j]!;
      for (let t = 0; t < k; t++) {
        const a = transposedA ? f[pa / 4 + t * lda + i]! : f[pa / 4 + i * lda + t]!;
        sum += a * f[pb / 4 + t * ldb + j]!;
      }
      worst = Math.max(worst, Math.abs(f[pc / 4 + i * ldc + j]! - Math.max(sum, 0)));
    }
  [pa, pb, pc, pbias].forEach((p) => h.free(p));
  return worst;
}

describe('relaxed SIMD multiply-add in the SIMD product', () => {
  it('is available to the kernel (Node 20: the V8 flag set at run time) and chosen by TFNB_WASM_FMA', () => {
    assert.equal(relaxedSimdAvailable(), true);
    assert.equal(fmaWanted({ TFNB_WASM_FMA: 'off' }), false);
    assert.equal(fmaWanted({}), 'auto');
    assert.equal(fmaWanted({ TFNB_WASM_FMA: 'on' }), true);
  });

  it('really fuses: the two paths round differently on a dense-layer product', () => {
    const memory = wasmMemoryOf(tf.backend() as BackendWasm)!;
    const [m, n, k] = [16, 32, 300];
    const h = heap();
    const [pa, pb, pc, pd] = [m * k, k * n, m * n, m * n].map((size) => h.malloc(size * 4));
    const f = h.f32();
    for (let i = 0; i < m * k; i++) f[pa! / 4 + i] = random();
    for (let i = 0; i < k * n; i++) f[pb! / 4 + i] = random();
    createGemmSimd(memory, false)!.nn(pa!, pb!, pc!, 0, m, n, k, 0, k, n, n);
    createGemmSimd(memory, true)!.nn(pa!, pb!, pd!, 0, m, n, k, 0, k, n, n);
    const g = h.f32();
    let differing = 0;
    for (let i = 0; i < m * n; i++) if (g[pc! / 4 + i] !== g[pd! / 4 + i]) differing++;
    [pa, pb, pc, pd].forEach((p) => h.free(p!));
    assert.ok(differing > 0, 'FMA gave bit-identical results: the multiply-adds were not fused');
  });

  for (const fma of [false, true]) {
    it(`${fma ? 'with' : 'without'} FMA: nn and tn products with strides match float64 arithmetic`, () => {
      for (const [m, n, k] of [
        [4, 8, 1],
        [8, 16, 37],
        [64, 128, 784],
        [12, 24, 5],
      ] as const) {
        assert.ok(checkProduct(fma, false, m, n, k) < 1e-4, `nn ${m}x${n}x${k}`);
        assert.ok(checkProduct(fma, true, m, n, k) < 1e-4, `tn ${m}x${n}x${k}`);
      }
    });

    it(`${fma ? 'with' : 'without'} FMA: the fused training step trains as tfjs does`, async () => {
      const saved = fusedTrainStep.fma;
      fusedTrainStep.fma = fma;
      try {
        const results: number[][] = [];
        for (const fused of [true, false]) {
          fusedTrainStep.enabled = fused;
          const model = tf.sequential({
            layers: [
              tf.layers.dense({
                inputShape: [30],
                units: 20,
                activation: 'relu',
                kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
              }),
              tf.layers.dense({ units: 5, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
            ],
          });
          model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
          const x = tf.randomNormal([32, 30], 0, 1, 'float32', 3);
          const y = tf.oneHot(tf.randomUniform([32], 0, 5, 'int32', 4), 5).cast('float32');
          for (let s = 0; s < 5; s++) await model.trainOnBatch(x, y);
          results.push(Array.from(model.getWeights()[0]!.dataSync()));
          tf.dispose([x, y]);
          model.dispose();
        }
        const [fused, reference] = results as [number[], number[]];
        fused.forEach((v, i) => assert.ok(Math.abs(v - reference[i]!) < 1e-5, `${i}: ${v} vs ${reference[i]}`));
      } finally {
        fusedTrainStep.fma = saved;
        fusedTrainStep.enabled = true;
      }
    });
  }
});
