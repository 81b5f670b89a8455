// uPlot charts in headless Chromium: a click or drag-zoom never traps the keyboard (keys the
// renderer does not handle reach the window unprevented, which is what VS Code's webview
// forwards to the workbench), and the legend works from the keyboard as toggle buttons.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { usePage, type RendererPage } from './harness';
import { CHART, CONFUSION, TRAINING, charts, confusion3, trainingRun } from './fixtures';

interface SeenKey {
  key: string;
  ctrl: boolean;
  shift: boolean;
  defaultPrevented: boolean;
  reachedDocument: boolean;
}

/** Records, at the window in the bubbling phase (where VS Code listens), every keydown and click. */
async function watchEvents(r: RendererPage): Promise<void> {
  await r.page.evaluate(() => {
    const w = window as unknown as { __keys: SeenKey[]; __clicks: string[]; __docKeys: Set<KeyboardEvent> };
    if (w.__keys) {
      w.__keys.length = 0;
      w.__clicks.length = 0;
      return;
    }
    w.__keys = [];
    w.__clicks = [];
    w.__docKeys = new Set();
    document.addEventListener('keydown', (e) => w.__docKeys.add(e));
    window.addEventListener('keydown', (e) => {
      if (['Control', 'Shift', 'Alt', 'Meta'].includes(e.key)) return; // the modifier's own keydown
      w.__keys.push({
        key: e.key,
        ctrl: e.ctrlKey,
        shift: e.shiftKey,
        defaultPrevented: e.defaultPrevented,
        reachedDocument: w.__docKeys.has(e),
      });
    });
    window.addEventListener('click', (e) => w.__clicks.push((e.target as Element).className));
  });
}

const seenKeys = (r: RendererPage): Promise<SeenKey[]> =>
  r.page.evaluate(() => (window as unknown as { __keys: SeenKey[] }).__keys.slice());
const seenClicks = (r: RendererPage): Promise<string[]> =>
  r.page.evaluate(() => (window as unknown as { __clicks: string[] }).__clicks.slice());

const OUTPUT = 'the output';

/** Where keyboard focus is: "BODY", "the output" (a renderer's root), or tag.class and text of the focused element. */
const focused = (r: RendererPage): Promise<string> =>
  r.page.evaluate(() => {
    const el = document.activeElement;
    if (el?.classList.contains('tfnb-output')) return 'the output';
    return !el || el === document.body ? 'BODY' : `${el.tagName}.${el.className} ${el.textContent ?? ''}`.trim();
  });

/** VS Code shortcuts that must reach the workbench from wherever focus is. */
const SHORTCUTS = ['F1', 'Control+Shift+KeyP', 'Control+KeyS', 'Control+ArrowDown', 'Alt+ArrowRight', 'Meta+Enter', 'Control+Enter'];

async function assertShortcutsPass(r: RendererPage, where: string): Promise<void> {
  await watchEvents(r);
  for (const key of SHORTCUTS) await r.page.keyboard.press(key);
  const keys = await seenKeys(r);
  assert.deepEqual(
    keys.map((k) => k.key),
    ['F1', 'P', 's', 'ArrowDown', 'ArrowRight', 'Enter', 'Enter'],
    `${where}: every shortcut's keydown bubbles up to the window`,
  );
  for (const k of keys) {
    assert.equal(k.defaultPrevented, false, `${where}: ${k.ctrl ? 'Ctrl+' : ''}${k.key} is not defaultPrevented`);
    assert.equal(k.reachedDocument, true, `${where}: ${k.key} passed the document`);
  }
}

/** A drag across the plot area of the chart in `out` (uPlot's drag-zoom). */
async function dragInPlot(r: RendererPage, out: string): Promise<void> {
  const box = (await r.page.locator(`${out} .u-over`).boundingBox())!;
  await r.page.mouse.move(box.x + box.width * 0.2, box.y + box.height * 0.5);
  await r.page.mouse.down();
  await r.page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.55, { steps: 6 });
  await r.page.mouse.up();
}

describe('line charts and the keyboard', () => {
  const page = usePage('dark');

  test('a click or a drag-zoom in the chart leaves no focus behind and keys reach the window', async () => {
    const r = page();
    const out = await r.render(TRAINING, trainingRun(5));
    await r.page.locator(`${out} select`).focus(); // a control of the output had focus before
    await watchEvents(r);

    await dragInPlot(r, out);
    // The training output itself (tabindex -1) takes it, so VS Code sees the focus inside the
    // output and does not move it to the output's first control later (renderers/training.ts).
    assert.equal(await focused(r), OUTPUT, 'the drag moved focus off the select, to the output, and nothing in the chart took it');
    assert.deepEqual(
      await seenClicks(r),
      ['u-over'],
      'the click that ends a drag-zoom bubbles (the notebook tracks output clicks on body)',
    );
    await assertShortcutsPass(r, 'after a drag-zoom');

    const box = (await r.page.locator(`${out} .u-over`).boundingBox())!;
    await r.page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    assert.equal(await focused(r), OUTPUT);
    await assertShortcutsPass(r, 'after a click in the plot');
    await r.page.mouse.dblclick(box.x + box.width / 2, box.y + box.height / 2); // uPlot: reset zoom
    assert.equal(await focused(r), OUTPUT);
    assert.deepEqual(r.pageErrors, []);
  });

  test('nothing in a chart is focusable but its legend toggles', async () => {
    const r = page();
    const out = await r.render(CHART, charts.line);
    const focusable = await r.page
      .locator(`${out} [tabindex], ${out} button, ${out} input, ${out} select, ${out} a[href]`)
      .evaluateAll((els) =>
        els.map(
          (e) => `${e.tagName.toLowerCase()}[role=${e.getAttribute('role')}][tabindex=${e.getAttribute('tabindex')}] ${e.textContent}`,
        ),
      );
    assert.deepEqual(focusable, ['th[role=button][tabindex=0] cosine', 'th[role=button][tabindex=0] step']);
  });

  test('keys pressed on focused controls with key handlers still reach the window', async () => {
    const r = page();
    const chart = await r.render(CHART, charts.line);
    await r.page.locator(`${chart} .u-legend th[role="button"]`).first().focus();
    await assertShortcutsPass(r, 'legend toggle');
    assert.equal(
      await r.page.locator(`${chart} .u-legend th[role="button"]`).first().getAttribute('aria-pressed'),
      'true',
      'Ctrl/Meta+Enter did not toggle',
    );

    const heat = await r.render(CHART, charts.heatmap);
    await r.page.locator(`${heat} canvas.tfnb-heatmap-canvas`).click();
    await assertShortcutsPass(r, 'heatmap canvas');

    const cm = await r.render(CONFUSION, confusion3());
    await r.page.locator(`${cm} td[data-row="0"][data-col="0"]`).focus();
    await assertShortcutsPass(r, 'confusion matrix cell');
    const cell = (): Promise<string> =>
      r.page.evaluate(() => `${document.activeElement?.getAttribute('data-row')},${document.activeElement?.getAttribute('data-col')}`);
    assert.equal(await cell(), '0,0', 'Ctrl+Arrow did not move the cell cursor');

    // The keys they do handle are still handled (and only those are prevented).
    await watchEvents(r);
    await r.page.keyboard.press('ArrowRight');
    assert.deepEqual(
      (await seenKeys(r)).map((k) => [k.key, k.defaultPrevented]),
      [['ArrowRight', true]],
    );
    assert.equal(await cell(), '0,1');
  });
});

describe('chart legend from the keyboard', () => {
  const page = usePage('dark');

  const toggles = (r: RendererPage, out: string) => r.page.locator(`${out} .u-legend th[role="button"]`);
  const pressed = (r: RendererPage, out: string): Promise<Array<string | null>> =>
    toggles(r, out).evaluateAll((els) => els.map((e) => e.getAttribute('aria-pressed')));
  const offRows = (r: RendererPage, out: string): Promise<string[]> =>
    r.page.locator(`${out} .u-legend tr.u-off .u-label`).allTextContents();
  const pixels = (r: RendererPage, out: string): Promise<string> =>
    r.page.locator(`${out} .tfnb-chart canvas`).evaluate((c) => (c as HTMLCanvasElement).toDataURL());

  /** Puts focus just before the output, so the next Tab enters it. */
  const focusBefore = (r: RendererPage, out: string): Promise<void> =>
    r.page.locator(out).evaluate((el) => {
      (el as HTMLElement).tabIndex = -1;
      (el as HTMLElement).focus();
    });

  test('Tab reaches each series, Enter and Space toggle it, aria-pressed follows', async () => {
    const r = page();
    const out = await r.render(CHART, charts.line);
    const drawn = await pixels(r, out);
    assert.deepEqual(await pressed(r, out), ['true', 'true']);

    await focusBefore(r, out);
    await r.page.keyboard.press('Tab');
    assert.equal(await focused(r), 'TH. cosine');
    await r.page.keyboard.press('Enter');
    assert.deepEqual(await pressed(r, out), ['false', 'true']);
    assert.deepEqual(await offRows(r, out), ['cosine'], 'uPlot hid the series (series.show = false)');
    assert.notEqual(await pixels(r, out), drawn, 'the plot was redrawn without it');

    await r.page.keyboard.press('Tab');
    assert.equal(await focused(r), 'TH. step');
    await r.page.keyboard.press('Space');
    assert.deepEqual(await pressed(r, out), ['false', 'false']);
    await r.page.keyboard.press('Shift+Tab');
    await r.page.keyboard.press('Space');
    await r.page.keyboard.press('Tab');
    await r.page.keyboard.press('Enter');
    assert.deepEqual(await pressed(r, out), ['true', 'true']);
    assert.deepEqual(await offRows(r, out), []);
    assert.equal(await pixels(r, out), drawn, 'both series drawn again, exactly as before');
  });

  test("a keyboard-focused toggle shows an outline in VS Code's focus colour", async () => {
    const r = page();
    const out = await r.render(CHART, charts.scatter);
    await focusBefore(r, out);
    await r.page.keyboard.press('Tab');
    const outline = await r.page.evaluate(() => {
      const style = getComputedStyle(document.activeElement!);
      return {
        matches: document.activeElement!.matches(':focus-visible'),
        style: style.outlineStyle,
        width: style.outlineWidth,
        color: style.outlineColor,
      };
    });
    // --vscode-focusBorder of the dark theme is #0078d4.
    assert.deepEqual(outline, { matches: true, style: 'solid', width: '1px', color: 'rgb(0, 120, 212)' });
    await r.screenshot(`${out} .u-legend`, 'legend-focus');
  });

  test('assistive tech hears buttons with their pressed state, inside a labelled figure', async () => {
    const r = page();
    const out = await r.render(CHART, charts.line);
    await toggles(r, out).nth(1).click(); // the mouse toggles too, and the state follows
    const snapshot = await r.page.locator(`${out} .tfnb-chart`).ariaSnapshot();
    assert.match(snapshot, /^- figure "Line chart of cosine, step \(100 points\)":/);
    assert.match(snapshot, /- button "cosine" \[pressed\]/);
    assert.match(snapshot, /- button "step"(?! \[pressed\])/);
    assert.doesNotMatch(snapshot, /canvas|img/, 'the plot area is hidden from the accessibility tree');
  });

  test('hidden series stay hidden when the chart is rebuilt (log scale, theme change)', async () => {
    const r = page();
    const out = await r.render(TRAINING, { ...trainingRun(5), trainingId: 'legend' });
    const val = toggles(r, out).filter({ hasText: 'val_loss' });
    await val.focus();
    await r.page.keyboard.press('Enter');
    assert.equal(await val.getAttribute('aria-pressed'), 'false');
    await r.page.locator(`${out} label`, { hasText: 'Log scale' }).click(); // rebuilds the plot
    assert.equal(await r.page.locator(`${out} .tfnb-chart`).getAttribute('data-y-scale'), 'log');
    assert.equal(await val.getAttribute('aria-pressed'), 'false');
    assert.deepEqual(await offRows(r, out), ['val_loss']);
    await r.setTheme('light'); // redraws canvases: another rebuild
    assert.deepEqual(await offRows(r, out), ['val_loss']);
    assert.deepEqual(await pressed(r, out), ['true', 'true', 'false']);
  });
});
