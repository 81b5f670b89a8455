import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { trainingText } from '../../../src/kernel/display/trainingOutput';
import type { TrainingPayload } from '../../../src/protocol/mime';

const running: TrainingPayload = {
  title: 'Training',
  epochs: [{ epoch: 1, loss: 0.49421, acc: 1, val_loss: 2, val_acc: 0.5 }],
  progress: { epoch: 2, totalEpochs: 10, batch: 3, batchesPerEpoch: 4, elapsedMs: 1500, done: false, stopped: false },
};

describe('training text', () => {
  it('says "Training" once: the title, then the progress without it', () => {
    const text = trainingText(running);
    assert.equal(text.match(/Training/g)?.length, 1, text);
    assert.equal(text.split('\n')[1], 'epoch 2/10 · batch 3/4 · 1.5s elapsed');
    assert.equal(
      trainingText({ ...running, title: 'MNIST' })
        .split('\n')
        .slice(0, 2)
        .join('\n'),
      'MNIST\nepoch 2/10 · batch 3/4 · 1.5s elapsed',
    );
  });

  it('without a title it is still called Training, once', () => {
    const text = trainingText({ ...running, title: undefined, progress: { ...running.progress!, done: true, stopped: true } });
    assert.match(text, /^Training\nstopped at epoch 2\/10 · 1\.5s\n/);
    assert.equal(text.match(/Training/g)?.length, 1, text);
  });

  it('formats every metric with 4 decimals, whole numbers too', () => {
    const text = trainingText(running);
    assert.match(text, /^epoch 1: loss 0\.4942 · val_loss 2\.0000 · acc 1\.0000 · val_acc 0\.5000$/m);
  });

  it('keeps tiny, huge and non-finite metrics readable', () => {
    const text = trainingText({ epochs: [{ epoch: 1, loss: 1e-7, mse: 3e9, acc: NaN }] });
    assert.match(text, /loss 1\.00e-7 · mse 3\.00e\+9 · acc NaN/);
  });
});
