// The renderer under a Content-Security-Policy stricter than VS Code's notebook webview
// (STRICT_CSP in harness.ts: no eval, no network, images only from data: URLs, Trusted Types
// enforced): every kind of output draws, every control works, and no violation is reported.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { STRICT_CSP, buildRendererBundle, usePage, type RendererPage } from './harness';
import {
  CHART,
  CONFUSION,
  MODEL,
  TENSOR,
  TRAINING,
  bigTensor,
  charts,
  confusion10,
  confusion3,
  imageTensor,
  modelSummary,
  nonFiniteTensor,
  smallTensor,
  trainingRun,
} from './fixtures';

const ALL_OUTPUTS: Array<[string, string, unknown]> = [
  ['tensor-small', TENSOR, smallTensor()],
  ['tensor-big', TENSOR, bigTensor()],
  ['tensor-non-finite', TENSOR, nonFiniteTensor()],
  ['tensor-images', TENSOR, imageTensor()],
  ['training', TRAINING, trainingRun(5)],
  ['confusion-3', CONFUSION, confusion3()],
  ['confusion-10', CONFUSION, confusion10()],
  [
    'confusion-200',
    CONFUSION,
    {
      classes: Array.from({ length: 200 }, (_, i) => `c${i}`),
      matrix: Array.from({ length: 200 }, (_, i) => Array.from({ length: 200 }, (_, j) => (i === j ? 20 : (i + j) % 7))),
    },
  ],
  ['model-summary', MODEL, modelSummary()],
  ...Object.entries(charts).map(([kind, payload]): [string, string, unknown] => [`chart-${kind}`, CHART, payload]),
];

/** Whether an output drew: its view (no error box), with canvases painted and images decoded. */
async function drawn(r: RendererPage, out: string): Promise<{ ok: boolean; why: string }> {
  return r.page.locator(out).evaluate((el) => {
    if (el.querySelector('.tfnb-error')) return { ok: false, why: el.querySelector('.tfnb-error')!.textContent ?? '' };
    const view = el.querySelector('.tfnb-output');
    if (!view || view.childElementCount === 0) return { ok: false, why: 'empty output' };
    for (const chart of Array.from(el.querySelectorAll('.tfnb-chart')))
      if (!chart.querySelector('.uplot canvas')) return { ok: false, why: 'chart without a plot' };
    for (const img of Array.from(el.querySelectorAll('img')))
      if (!(img.complete && img.naturalWidth > 0)) return { ok: false, why: `image not decoded: ${img.src.slice(0, 40)}` };
    for (const canvas of Array.from(el.querySelectorAll('canvas'))) {
      const ctx = canvas.getContext('2d');
      if (!ctx || canvas.width === 0 || canvas.height === 0) return { ok: false, why: 'canvas without size' };
      const pixels = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
      let painted = false;
      for (let i = 3; i < pixels.length && !painted; i += 4) painted = pixels[i]! > 0;
      if (!painted) return { ok: false, why: `blank canvas ${canvas.className}` };
    }
    return { ok: true, why: '' };
  });
}

/** Forgets earlier (deliberate) violations and console lines, once their late reports are in. */
async function clearReports(r: RendererPage): Promise<void> {
  await r.page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 50)));
  await r.page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations.splice(0));
  r.consoleErrors.splice(0);
}

describe(`renderer under a strict Content-Security-Policy (${STRICT_CSP.split(';').length} directives)`, () => {
  const page = usePage('dark', { csp: STRICT_CSP });

  test('the policy is enforced and its violations are seen (so "none reported" means something)', async () => {
    const r = page();
    const blocked = await r.page.evaluate(async () => {
      const results: string[] = [];
      // In a task of the page's own (code run by page.evaluate itself may eval).
      results.push(
        await new Promise<string>((resolve) =>
          setTimeout(() => {
            try {
              (0, eval)('1');
              resolve('eval ran');
            } catch (e) {
              resolve(`eval: ${(e as Error).name}`);
            }
          }, 0),
        ),
      );
      try {
        document.createElement('div').innerHTML = '<b>x</b>';
        results.push('innerHTML ran');
      } catch (e) {
        results.push(`innerHTML: ${(e as Error).name}`);
      }
      try {
        document.createElement('script').textContent = 'window.__inlineRan = true';
        results.push('script text set');
      } catch (e) {
        results.push(`script text: ${(e as Error).name}`);
      }
      const img = document.createElement('img');
      img.src = 'http://tfnb.test/remote.png';
      document.body.appendChild(img);
      return results;
    });
    assert.deepEqual(blocked, ['eval: EvalError', 'innerHTML: TypeError', 'script text: TypeError']);
    // Reports arrive as events after the fact: wait for all four.
    await r.page.waitForFunction(() => (window as unknown as { __cspViolations: string[] }).__cspViolations.length >= 4, undefined, {
      timeout: 5000,
    });
    const violations = await r.cspViolations();
    for (const sample of [
      '(eval|1)',
      '(Element innerHTML|<b>x</b>)',
      '(HTMLScriptElement textContent|',
      'img-src blocked http://tfnb.test/remote.png',
    ]) {
      assert.ok(
        violations.some((v) => v.includes(sample)),
        `${sample} reported in: ${violations.join('; ')}`,
      );
    }
    assert.equal(await r.page.evaluate(() => (window as unknown as { __inlineRan?: boolean }).__inlineRan), undefined);
  });

  test('every kind of output draws with no violation', async () => {
    const r = page();
    await clearReports(r);
    for (const [name, mime, payload] of ALL_OUTPUTS) {
      const out = await r.render(mime, payload, { slot: name });
      await r.page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve(null))));
      const result = await drawn(r, out);
      assert.ok(result.ok, `${name}: ${result.why}`);
    }
    const bad = await r.render(MODEL, { layers: 'none' });
    assert.match(await r.text(`${bad} .tfnb-error-reason`), /^layers: expected an array/);
    assert.deepEqual(await r.cspViolations(), []);
    assert.deepEqual(r.consoleErrors, []);
  });

  test('controls and updates work with no violation: views, metric, log scale, legend, theme, messaging', async () => {
    const r = page();
    const tensor = '#out-tensor-big';
    for (const view of ['Heatmap', 'Values', 'Heatmap']) await r.page.locator(`${tensor} button`, { hasText: view }).click();
    assert.equal((await drawn(r, tensor)).ok, true);
    await r.page.locator('#out-tensor-images button', { hasText: 'Values' }).click();

    const training = '#out-training';
    await r.page.locator(`${training} select`).selectOption('acc');
    await r.page.locator(`${training} label`, { hasText: 'Log scale' }).click();
    await r.page.locator(`${training} .u-legend th[role="button"]`).first().press('Enter');
    await r.render(TRAINING, trainingRun(6), { slot: 'training' }); // a live update
    await r.page.locator(`${training} button.tfnb-stop`).click();
    assert.deepEqual((await r.messages()).at(-1), { type: 'stop-training', trainingId: 'run-1' });

    await r.page.locator('#out-confusion-3 button', { hasText: 'Normalised by row' }).click();
    await r.page.locator('#out-chart-heatmap canvas.tfnb-heatmap-canvas').press('ArrowRight');
    await r.setTheme('light'); // canvases are redrawn from the new variables
    for (const name of ['training', 'chart-line', 'chart-heatmap', 'confusion-200']) {
      const result = await drawn(r, `#out-${name}`);
      assert.ok(result.ok, `${name} after the interactions: ${result.why}`);
    }
    assert.deepEqual(await r.cspViolations(), []);
    assert.deepEqual(r.consoleErrors, []);
  });

  test('the bundle holds no string-to-code or string-to-HTML call and no URL to fetch', async () => {
    const bundle = await buildRendererBundle(true);
    for (const sink of [
      /\beval\s*\(/,
      /\bnew Function\s*\(/,
      /\bFunction\s*\(\s*["'`]/,
      /\.innerHTML\b/,
      /\.outerHTML\b/,
      /insertAdjacentHTML/,
      /document\.write/,
      /\bset(Timeout|Interval)\(\s*["'`]/,
      /\bimport\s*\(/,
    ]) {
      assert.doesNotMatch(bundle, sink);
    }
    const urls = [...new Set(bundle.match(/\b(?:https?|wss?):\/\/[^\s"'`)]+/g) ?? [])];
    assert.deepEqual(urls, ['http://www.w3.org/2000/svg'], 'the only URL is the SVG namespace');
  });
});
