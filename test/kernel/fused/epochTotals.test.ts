// fit's epoch averages kept as float32 numbers (src/kernel/fused/epochTotals.ts): on wasm and cpu,
// `history` must hold bit for bit what tfjs's BaseLogger computes with tensor ops (add, mul, div
// in float32), over ragged last batches and with validation; and the tensor work per batch must
// really be gone (no Add or Multiply kernels in a fused fit).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { installEpochTotals } from '../../../src/kernel/fused/epochTotals';
import { startWasm, tf } from '../wasm/helpers';

before(async () => {
  await startWasm({ threads: 1 });
  installEpochTotals(tf);
});

function model(seed: number): tf.LayersModel {
  const m = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [12], units: 16, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed }) }),
      tf.layers.dense({ units: 5, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) }),
    ],
  });
  m.compile({ optimizer: tf.train.adam(0.01), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  return m;
}

/** What tfjs's own BaseLogger makes of these batch logs: its tensor ops, in order. */
function tfjsAverage(batches: Array<{ value: number; size: number }>): number {
  return tf.tidy(() => {
    let total: tf.Tensor = tf.scalar(0);
    let seen = 0;
    for (const { value, size } of batches) {
      total = tf.add(total, tf.mul(tf.scalar(value), size));
      seen += size;
    }
    return tf.mul(tf.div(1, seen), total).dataSync()[0]!;
  });
}

async function checkBackend(backend: 'wasm' | 'cpu'): Promise<void> {
  assert.ok(await tf.setBackend(backend));
  const rows = 106; // 84 after the validation split: five batches of 16 and a last one of 4
  const xs = tf.randomNormal([rows, 12], 0, 1, 'float32', 3);
  const ys = tf.randomUniform([rows], 0, 5, 'int32', 4).cast('float32');
  const m = model(7);
  const perEpoch: Array<Record<string, Array<{ value: number; size: number }>>> = [];
  const history = await m.fit(xs, ys, {
    epochs: 3,
    batchSize: 16,
    shuffle: false,
    validationSplit: 0.2,
    verbose: 0,
    callbacks: {
      onEpochBegin: async () => {
        perEpoch.push({ loss: [], acc: [] });
      },
      onBatchEnd: async (_batch, logs) => {
        const epoch = perEpoch[perEpoch.length - 1]!;
        for (const key of ['loss', 'acc']) epoch[key]!.push({ value: logs![key]!, size: logs!.size! });
      },
    },
  });
  assert.equal(history.history.loss!.length, 3);
  assert.ok(
    perEpoch[0]!.loss!.some((b) => b.size !== 16),
    'a ragged last batch',
  );
  for (let e = 0; e < 3; e++) {
    for (const key of ['loss', 'acc']) {
      const got = history.history[key]![e] as number;
      const want = tfjsAverage(perEpoch[e]![key]!);
      assert.ok(Object.is(got, want), `${backend}: epoch ${e} ${key}: ${got} against tfjs's ${want}`);
    }
    assert.equal(typeof history.history.val_loss![e], 'number');
  }
  tf.dispose([xs, ys]);
  m.dispose();
}

describe('epoch averages as float32 numbers', () => {
  it('wasm: history equals tfjs BaseLogger arithmetic bit for bit', async () => {
    await checkBackend('wasm');
  });

  it('cpu: history equals tfjs BaseLogger arithmetic bit for bit', async () => {
    await checkBackend('cpu');
  });

  it('a fused fit on wasm runs no Add or Multiply kernel for the epoch totals', async () => {
    assert.ok(await tf.setBackend('wasm'));
    const xs = tf.randomNormal([64, 12], 0, 1, 'float32', 5);
    const ys = tf.randomUniform([64], 0, 5, 'int32', 6).cast('float32');
    const m = model(11);
    await m.fit(xs, ys, { epochs: 1, batchSize: 16, verbose: 0 }); // builds the fused step's plan
    const profile = await tf.profile(async () => {
      await m.fit(xs, ys, { epochs: 1, batchSize: 16, verbose: 0 });
    });
    const names = profile.kernels.map((k) => k.name);
    assert.ok(names.length > 0, 'the profile saw the fit');
    // Without the patch BaseLogger runs a Multiply and an Add per metric per batch (4 batches × 2).
    const arithmetic = names.filter((n) => n === 'Add' || n === 'Multiply').length;
    assert.ok(arithmetic < 4, `${arithmetic} Add/Multiply kernels in a fused fit of 4 batches: ${names.join(' ')}`);
    tf.dispose([xs, ys]);
    m.dispose();
  });
});
