// The live training-curves renderer in headless Chromium: progress, metric selector, log
// scale, batch overlay, Stop button messaging, and updates in place that keep UI state.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { usePage } from './harness';
import { TRAINING, trainingRun } from './fixtures';

describe('training renderer', () => {
  const page = usePage('dark');

  const legend = (out: string): Promise<string[]> =>
    page().page.locator(`${out} .u-legend .u-series:not(:first-child) .u-label`).allTextContents();

  test('progress bar shows epoch i/N, batch j/M and time left', async () => {
    const r = page();
    const out = await r.render(TRAINING, trainingRun(5));
    assert.equal(await r.text(`${out} .tfnb-progress-text`), 'Epoch 6/10 · Batch 30/100 · 53s elapsed · ~47s left');
    assert.equal(await r.page.locator(`${out} [role="progressbar"]`).getAttribute('aria-valuenow'), '53');
    assert.equal(await r.text(`${out} .tfnb-run-state`), 'running');
    assert.match(await r.text(`${out} .tfnb-latest`), /^Epoch 5: loss 0\.3\d+ · acc /);
    await r.screenshot(out, 'training');
  });

  test('overlays train, validation and batch series of the selected metric', async () => {
    const r = page();
    const out = await r.render(TRAINING, trainingRun(5));
    assert.deepEqual(await legend(out), ['loss (batches)', 'loss', 'val_loss']);
    // 530 batches; the 5 epoch points fall on the batch x of each epoch's last batch.
    assert.equal(await r.page.locator(`${out} .tfnb-chart`).getAttribute('data-points'), '530');
    assert.deepEqual(await r.page.locator(`${out} select option`).allTextContents(), ['loss', 'acc']);
    await r.page.locator(`${out} select`).selectOption('acc');
    assert.deepEqual(await legend(out), ['acc (batches)', 'acc', 'val_acc']);
    await r.page.locator(`${out} label`, { hasText: 'Batches' }).click();
    assert.deepEqual(await legend(out), ['acc', 'val_acc']);
    assert.equal(await r.page.locator(`${out} .tfnb-chart`).getAttribute('data-points'), '5');
  });

  test('log scale switches the y scale, and updates keep metric, log scale and the chart', async () => {
    const r = page();
    // UI state is kept per training run: a run id of its own keeps the earlier tests' choices out.
    const live = (epochs: number) => ({ ...trainingRun(epochs), trainingId: 'live' });
    const out = await r.render(TRAINING, live(5), { slot: 'live' });
    await r.page.locator(`${out} select`).selectOption('acc');
    await r.page.locator(`${out} label`, { hasText: 'Log scale' }).click();
    const chart = r.page.locator(`${out} .tfnb-chart`);
    assert.equal(await chart.getAttribute('data-y-scale'), 'log');
    await chart.evaluate((el) => ((el as HTMLElement & { marker?: number }).marker = 1));

    await r.render(TRAINING, live(6), { slot: 'live' }); // display-id update, same element
    assert.equal(await r.page.locator(`${out} select`).inputValue(), 'acc');
    assert.equal(await r.page.locator(`${out} label:has-text("Log scale") input`).isChecked(), true);
    assert.equal(await chart.getAttribute('data-y-scale'), 'log');
    assert.equal(await chart.getAttribute('data-points'), '630');
    assert.equal(await chart.evaluate((el) => (el as HTMLElement & { marker?: number }).marker), 1, 'chart element reused, not rebuilt');
    assert.equal(await r.text(`${out} .tfnb-progress-text`), 'Epoch 7/10 · Batch 30/100 · 53s elapsed · ~47s left');

    await r.page.locator(`${out} label`, { hasText: 'Log scale' }).click();
    assert.equal(await chart.getAttribute('data-y-scale'), 'linear');
  });

  test('Stop posts stop-training once, then leaves the page when training is done; it never stops taking focus', async () => {
    const r = page();
    const before = (await r.messages()).length;
    const out = await r.render(TRAINING, trainingRun(5), { slot: 'stop' });
    const stop = r.page.locator(`${out} button.tfnb-stop`);
    assert.equal(await stop.isVisible(), true);
    await stop.press('Enter'); // keyboard works: it is a real button
    assert.deepEqual((await r.messages()).slice(before), [{ type: 'stop-training', trainingId: 'run-1' }]);
    // Greyed out but still focusable (aria-disabled): VS Code focuses an output's first button,
    // and one that cannot take focus makes the notebook steal focus from the workbench.
    assert.equal(await stop.getAttribute('aria-disabled'), 'true');
    assert.equal(await stop.evaluate((el) => (el as HTMLButtonElement).disabled), false);
    assert.equal(
      await stop.evaluate((el) => {
        (el as HTMLElement).focus();
        return document.activeElement === el;
      }),
      true,
    );
    assert.equal(await stop.textContent(), 'Stopping…');
    await stop.click({ force: true });
    assert.equal((await r.messages()).length, before + 1, 'a second click sends nothing');

    await r.render(TRAINING, trainingRun(5), { slot: 'stop' }); // still running: stays "Stopping…"
    assert.equal(await stop.textContent(), 'Stopping…');
    await r.render(TRAINING, trainingRun(6, { done: true, stopped: true }), { slot: 'stop' });
    assert.equal(await stop.count(), 0, 'removed, not hidden in place');
    // What VS Code focuses in an output (its first button, input, select...) can take focus.
    const first = r.page.locator(`${out}`).locator('[tabindex="0"], [href], button, input, option, select, textarea').first();
    assert.equal(
      await first.evaluate((el) => {
        (el as HTMLElement).focus();
        return document.activeElement === el;
      }),
      true,
    );
    // A click on the chart focuses the output, not the body: VS Code sees the focus is inside.
    await r.page.locator(`${out} .u-over`).click();
    assert.equal(
      await r.page.locator(out).evaluate((el) => el.contains(document.activeElement) && document.activeElement !== document.body),
      true,
    );
    assert.equal(await r.text(`${out} .tfnb-progress-text`), 'Stopped after 6 epochs in 53s');
    assert.equal(await r.text(`${out} .tfnb-run-state`), 'stopped');
    assert.equal(await r.page.locator(`${out} [role="progressbar"]`).getAttribute('aria-valuenow'), '100');
  });

  test('no Stop button without messaging, a trainingId, or while done', async () => {
    const r = page();
    await r.activateWithoutMessaging('plain');
    const noMessaging = await r.render(TRAINING, trainingRun(3), { api: 'plain' });
    assert.equal(await r.page.locator(`${noMessaging} button.tfnb-stop`).isVisible(), false);
    const { trainingId: _omit, ...anonymous } = trainingRun(3);
    const noId = await r.render(TRAINING, anonymous);
    assert.equal(await r.page.locator(`${noId} button.tfnb-stop`).isVisible(), false);
    const done = await r.render(TRAINING, trainingRun(10, { done: true }));
    assert.equal(await r.page.locator(`${done} button.tfnb-stop`).isVisible(), false);
    assert.equal(await r.text(`${done} .tfnb-progress-text`), 'Done: 10 epochs in 53s');
  });

  test('epochs only (no batches, no progress) draw train and val curves', async () => {
    const r = page();
    const out = await r.render(TRAINING, {
      epochs: [
        { loss: 1, acc: 0.5 },
        { loss: 0.5, acc: 0.7 },
        { loss: null, acc: 0.8 },
      ],
    });
    assert.deepEqual(await legend(out), ['loss']);
    assert.equal(await r.page.locator(`${out} .tfnb-progress-row`).isVisible(), false);
    assert.equal(await r.text(`${out} .tfnb-latest`), 'Epoch 3: loss — · acc 0.8000');
  });

  test('a run named "Training" says Training once; every metric of the last epoch has 4 decimals (acc 1.0000, not acc 1)', async () => {
    const r = page();
    const run = { ...trainingRun(2, { done: true }), title: 'Training', trainingId: 'named' };
    run.epochs[1] = { ...run.epochs[1]!, acc: 1 };
    const out = await r.render(TRAINING, run);
    assert.equal(await r.text(`${out} .tfnb-kind`), 'Training');
    assert.equal(await r.page.locator(`${out} .tfnb-title`).count(), 0, 'no "— Training" after the kind');
    assert.match(await r.text(`${out} .tfnb-latest`), /^Epoch 2: loss \d\.\d{4} · acc 1\.0000 · val_loss \d\.\d{4} · val_acc \d\.\d{4}$/);
    // Any other name is still shown.
    const named = await r.render(TRAINING, { ...run, title: 'mnist convnet' });
    assert.equal(await r.text(`${named} .tfnb-title`), 'mnist convnet');
  });

  test('in Dark High Contrast the batch line is drawn in the foreground colour, not a faint blue on black', async () => {
    const r = page();
    /** WCAG contrast of an rgba() colour, composited on the background, against that background. */
    const contrastOnBackground = (color: string, background: [number, number, number]): number => {
      const [red, green, blue, alpha = 1] = (/rgba?\(([^)]+)\)/.exec(color)?.[1] ?? '').split(',').map(Number);
      const seen = [red!, green!, blue!].map((c, i) => c * alpha + background[i]! * (1 - alpha));
      const luminance = (rgb: number[]) =>
        rgb
          .map((c) => c / 255)
          .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4))
          .reduce((sum, c, i) => sum + c * [0.2126, 0.7152, 0.0722][i]!, 0);
      const [a, b] = [luminance(seen), luminance(background)].sort((x, y) => y - x);
      return (a! + 0.05) / (b! + 0.05);
    };
    const batchMarker = async (out: string) =>
      r.page
        .locator(`${out} .u-legend .u-series`, { hasText: 'loss (batches)' })
        .locator('.u-marker')
        .evaluate((el) => getComputedStyle(el).borderTopColor);
    await r.setTheme('high-contrast');
    try {
      const out = await r.render(TRAINING, { ...trainingRun(5), trainingId: 'hc' });
      const hc = contrastOnBackground(await batchMarker(out), [0, 0, 0]);
      assert.ok(hc >= 4.5, `batch line contrast ${hc.toFixed(2)}:1 on black`);
    } finally {
      await r.setTheme('dark');
    }
    // Other themes keep the faint companion of the epoch line.
    const dark = await r.render(TRAINING, { ...trainingRun(5), trainingId: 'dark' });
    assert.match(await batchMarker(dark), /^rgba\(55, 148, 255, 0\.45/);
  });

  test('a malformed update shows the error box; the next good one restores the chosen metric', async () => {
    const r = page();
    const out = await r.render(TRAINING, trainingRun(4), { slot: 'recover' });
    await r.page.locator(`${out} select`).selectOption('acc');
    await r.render(TRAINING, { epochs: 'oops' }, { slot: 'recover' });
    assert.match(await r.text(`${out} .tfnb-error`), /epochs: expected an array, got a string/);
    await r.render(TRAINING, trainingRun(5), { slot: 'recover' });
    assert.equal(await r.page.locator(`${out} .tfnb-error`).count(), 0);
    assert.equal(await r.page.locator(`${out} select`).inputValue(), 'acc');
  });
});
