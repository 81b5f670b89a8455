// Dropout with a rate in the fused training step (src/kernel/fused/trainStep/dropoutMask.ts)
// against tfjs's own step on wasm. A seeded dropout draws the same mask in both; an unseeded one
// seeds itself from Math.random(), so with Math.random replaced by one seeded generator for both
// runs the masks are the same too; without that, the mask is checked statistically.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import fc from 'fast-check';
import { fusedTrainStep } from '../../../src/kernel/fused/trainStep/install';
import { logged, startWasm, tf } from '../wasm/helpers';
import { buildDense, denseCaseArb, denseData, relativeDiff, type DenseCase } from './denseCases';

before(async () => {
  await startWasm({ threads: 1 });
  assert.ok(await tf.setBackend('wasm'));
});

/** Runs `fn` with Math.random a seeded generator (mulberry32). */
async function withRandom<T>(seed: number, fn: () => Promise<T>): Promise<T> {
  const original = Math.random;
  let state = seed >>> 0;
  Math.random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  try {
    return await fn();
  } finally {
    Math.random = original;
  }
}

async function train(c: DenseCase, fused: boolean, optimizer: () => tf.Optimizer = () => tf.train.adam(0.01)) {
  fusedTrainStep.enabled = fused;
  try {
    const model = buildDense(c, optimizer());
    const { x, y } = denseData(c);
    const logs: number[][] = [];
    for (let s = 0; s < c.steps; s++) {
      const [xs, ys] = [x.slice(s * c.batch, c.batch), y.slice(s * c.batch, c.batch)];
      logs.push((await model.trainOnBatch(xs, ys)) as number[]);
      tf.dispose([xs, ys]);
    }
    const weights = model.getWeights().map((w) => w.dataSync() as Float32Array);
    tf.dispose([x, y]);
    model.dispose();
    return { logs, weights };
  } finally {
    fusedTrainStep.enabled = true;
  }
}

function assertSame(fused: Awaited<ReturnType<typeof train>>, reference: Awaited<ReturnType<typeof train>>): void {
  const losses = (logs: number[][]) => logs.map((l) => l[0]!);
  assert.ok(relativeDiff(losses(fused.logs), losses(reference.logs)) < 1e-5, `losses ${fused.logs.join()} vs ${reference.logs.join()}`);
  fused.weights.forEach((w, i) =>
    assert.ok(relativeDiff(w, reference.weights[i]!) < 1e-5, `weight ${i}: ${relativeDiff(w, reference.weights[i]!)}`),
  );
}

const withDropout = fc
  .tuple(denseCaseArb, fc.double({ min: 0.05, max: 0.9, noNaN: true }), fc.option(fc.integer({ min: 0, max: 1000 }), { nil: undefined }))
  .map(([c, rate, seed]): DenseCase => ({
    ...c,
    hidden: c.hidden.length ? c.hidden : [{ units: 9, activation: 'tanh', useBias: true }],
    dropout: { rate, seed },
  }));

describe('fused training step with dropout', () => {
  it("draws tfjs's masks: the same steps over random models, rates, with and without a seed", async () => {
    await fc.assert(
      fc.asyncProperty(withDropout, fc.integer({ min: 1, max: 2 ** 31 }), async (c, randomSeed) => {
        logged.length = 0;
        // SGD: Adam's normalisation turns the products' rounding in gradients near 0 into weight
        // noise above 1e-5 now and then (see optimizerUpdate.test.ts); the masks are the subject here.
        const sgd = () => tf.train.sgd(0.1);
        const fused = await withRandom(randomSeed, () => train(c, true, sgd));
        assert.ok(
          logged.some((l) => l.includes(`dropout ${c.dropout!.rate}`) && !l.includes('not for')),
          logged.join('\n'),
        );
        const reference = await withRandom(randomSeed, () => train(c, false, sgd));
        assertSame(fused, reference);
      }),
      { numRuns: Number(process.env.TFNB_FUSED_RUNS ?? 40), seed: 20261207 },
    );
  });

  it('a dropout after the output layer and two in a row, inside fit with shuffling and validation', async () => {
    const results: Array<Record<string, number[]>> = [];
    logged.length = 0;
    for (const fused of [true, false]) {
      fusedTrainStep.enabled = fused;
      try {
        const history = await withRandom(11, async () => {
          const model = tf.sequential({
            layers: [
              tf.layers.dense({
                inputShape: [7],
                units: 12,
                activation: 'relu',
                kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
              }),
              tf.layers.dropout({ rate: 0.3 }),
              tf.layers.dropout({ rate: 0.2, seed: 4 }),
              tf.layers.dense({ units: 4, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
              tf.layers.dropout({ rate: 0.1 }),
            ],
          });
          model.compile({ optimizer: tf.train.rmsprop(0.01), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
          const c: DenseCase = {
            input: [7],
            hidden: [],
            outUnits: 4,
            outActivation: 'softmax',
            loss: 'categoricalCrossentropy',
            batch: 10,
            steps: 6,
            seed: 8,
          };
          const { x, y } = denseData(c);
          const h = await model.fit(x, y, { epochs: 3, batchSize: 10, shuffle: true, validationSplit: 0.2, verbose: 0 });
          tf.dispose([x, y]);
          model.dispose();
          return h.history as Record<string, number[]>;
        });
        results.push(history);
        if (fused)
          assert.ok(
            logged.some((l) => /dense 7→12 relu, dropout 0.3, dropout 0.2, dense 12→4 softmax, dropout 0.1;/.test(l)),
            logged.join('\n'),
          );
      } finally {
        fusedTrainStep.enabled = true;
      }
    }
    assert.deepEqual(Object.keys(results[0]!).sort(), ['acc', 'loss', 'val_acc', 'val_loss']);
    for (const key of Object.keys(results[1]!)) {
      assert.ok(relativeDiff(results[0]![key]!, results[1]![key]!) < 1e-5, `${key}: ${results[0]![key]} vs ${results[1]![key]}`);
    }
  });

  it('without a seed: keeps about 1 − rate of the units, scales them by 1/(1 − rate), gives dropped units no gradient', async () => {
    // x = 1 → dense(n, kernel ones, linear) → dropout(rate) → dense(1, kernel ones); first loss
    // (kept · scale)²; SGD moves exactly the first kernel's kept columns, all by the same amount.
    const n = 4000;
    const rate = 0.35;
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [1], units: n, useBias: false, kernelInitializer: 'ones' }),
        tf.layers.dropout({ rate }),
        tf.layers.dense({ units: 1, useBias: false, kernelInitializer: 'ones' }),
      ],
    });
    model.compile({ optimizer: tf.train.sgd(1e-9), loss: 'meanSquaredError' });
    const masks: number[][] = [];
    for (let step = 0; step < 2; step++) {
      const before = model.layers[0]!.getWeights()[0]!.dataSync().slice();
      const [x, y] = [tf.ones([1, 1]), tf.zeros([1, 1])];
      const loss = (await model.trainOnBatch(x, y)) as number;
      tf.dispose([x, y]);
      const after = model.layers[0]!.getWeights()[0]!.dataSync();
      const kept = Array.from(after, (v, j) => (v !== before[j] ? 1 : 0));
      const count = kept.reduce((a: number, b) => a + b, 0);
      const sd = Math.sqrt(n * rate * (1 - rate));
      assert.ok(Math.abs(count - n * (1 - rate)) < 6 * sd, `kept ${count} of ${n}`);
      if (step === 0) {
        // Before any update every kept unit outputs exactly scale; their float32 sum of ~2,600
        // terms rounds to ~1e-4 (an unscaled or wrongly scaled mask is off by a third or more).
        const scaled = count * Math.fround(1 / Math.fround(1 - rate));
        assert.ok(Math.abs(loss - scaled * scaled) < 1e-3 * scaled * scaled, `loss ${loss} vs ${scaled * scaled}`);
      }
      const moved = new Set(Array.from(after, (v, j) => v - before[j]!).filter((d) => d !== 0));
      assert.equal(moved.size, 1, 'every kept column moves by the same step');
      masks.push(kept);
    }
    assert.notDeepEqual(masks[0], masks[1], 'a new mask each step');
    assert.ok(logged.some((l) => l.includes(`dropout ${rate}`)));
    model.dispose();
  });

  it('leaves dropout on the input, or with a noiseShape, to tfjs and logs why', async () => {
    for (const [layers, reason] of [
      [
        [tf.layers.dropout({ inputShape: [3], rate: 0.5 }), tf.layers.dense({ units: 2 })],
        /dropout .* (on the input|before the first dense layer)/,
      ],
      [
        [
          tf.layers.dense({ inputShape: [3], units: 4 }),
          tf.layers.dropout({ rate: 0.5, noiseShape: [1, 4] }),
          tf.layers.dense({ units: 2 }),
        ],
        /with a noiseShape/,
      ],
    ] as const) {
      logged.length = 0;
      const model = tf.sequential({ layers: [...layers] });
      model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
      await model.trainOnBatch(tf.ones([2, 3]), tf.ones([2, 2]));
      assert.ok(
        logged.some((l) => /not for model/.test(l) && reason.test(l)),
        logged.join('\n'),
      );
      model.dispose();
    }
  });
});
