// Renderer fuzzing (issue #9): payloads for every tfnb MIME type — valid ones, near-valid
// ones with mutated fields, and arbitrary JSON or text — drawn by the real renderer bundle in
// headless Chromium under a strict CSP, many payloads per page round trip. Properties, for
// every case: the output shows either a drawing or the "malformed" error box (never a blank
// output, never a "drawing failed" box, and valid payloads always draw); nothing throws
// uncaught or logs a console error; the page answers after every batch; no element or
// handler is ever made from payload text, and no CSP violation is reported.
// TFNB_FUZZ_SEED and TFNB_FUZZ_RUNS override the fixed seed and the cases per kind.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import fc from 'fast-check';
import { STRICT_CSP, usePage, type RendererPage } from './harness';
import { CHART, CONFUSION, MODEL, TENSOR, TRAINING } from './fixtures';
import { MIME_TYPES, arbitraryCase, nearValidCase, type FuzzCase, type TfnbMime } from './fuzzPayloads';

const SEED = Number(process.env['TFNB_FUZZ_SEED'] ?? 20_250_609);
const RUNS = Number(process.env['TFNB_FUZZ_RUNS'] ?? 300);
/** Cases drawn per page.evaluate round trip. */
const BATCH = 25;

const KIND_NAMES: Record<TfnbMime, string> = {
  [TENSOR]: 'tensor',
  [TRAINING]: 'training',
  [CONFUSION]: 'confusion-matrix',
  [MODEL]: 'model-summary',
  [CHART]: 'chart',
};

/** Marks NaN, ±Infinity and -0 in JSON text so they survive the trip into the page. */
const SPECIAL = '$tfnbNumber';

function encodeStructured(value: unknown): string {
  return (
    JSON.stringify(value, (_key, v: unknown) =>
      typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0)) ? { [SPECIAL]: Object.is(v, -0) ? '-0' : String(v) } : v,
    ) ?? 'null'
  );
}

interface WireStep {
  /** What text() and data() return: the payload's JSON (NaN → null), or the raw text. */
  text: string;
  /** When present, json() returns this decoded (with NaN, ±Infinity, -0) instead of parsing text. */
  structured?: string;
}

interface WireCase {
  slot: string;
  id: string;
  mime: string;
  steps: WireStep[];
}

function toWire(c: FuzzCase, slot: string): WireCase {
  return {
    slot,
    id: `fuzz-${slot}`,
    mime: c.mime,
    steps: c.steps.map((s) =>
      s.rawText !== undefined
        ? { text: s.rawText }
        : { text: JSON.stringify(s.payload) ?? 'null', structured: encodeStructured(s.payload) },
    ),
  };
}

/** What one output shows after its last step. */
type Outcome =
  { state: 'drawn' } | { state: 'invalid'; reason: string } | { state: 'crashed'; reason: string } | { state: 'blank'; html: string };

interface BatchReport {
  outcomes: Outcome[];
  /** Elements or attributes made from payload text (should never happen). */
  injected: string[];
  /** Uncaught exceptions and rejections seen in the page, with the slot being drawn. */
  errors: string[];
  pwned: unknown;
  violations: string[];
}

/** Installs the page-side checks once: a MutationObserver for injected markup and error traps. */
async function installWatchers(r: RendererPage): Promise<void> {
  await r.page.evaluate(() => {
    const w = window as unknown as { __injected: string[]; __errors: string[]; __slot: string };
    w.__injected = [];
    w.__errors = [];
    w.__slot = '';
    const DENIED = new Set([
      'script',
      'iframe',
      'frame',
      'object',
      'embed',
      'link',
      'meta',
      'base',
      'style',
      'form',
      'a',
      'image',
      'foreignobject',
      'audio',
      'video',
      'source',
      'template',
      'portal',
    ]);
    const URL_ATTRIBUTES = new Set(['src', 'href', 'xlink:href', 'data', 'action', 'formaction', 'srcdoc', 'poster', 'background']);
    const PNG = /^data:image\/png;base64,[A-Za-z0-9+/]+=*$/;
    const GEOMETRY = new Set(['x', 'y', 'x1', 'x2', 'y1', 'y2', 'width', 'height', 'cx', 'cy', 'r', 'd', 'points', 'transform', 'viewBox']);
    const checkAttribute = (el: Element, name: string): void => {
      const value = el.getAttribute(name);
      if (value === null) return;
      // Not an injection, but a drawing bug the browser only logs: NaN or Infinity in SVG geometry.
      if (el instanceof SVGElement && GEOMETRY.has(name) && /NaN|Infinity/.test(value))
        w.__injected.push(`${w.__slot}: bad SVG geometry <${el.localName} ${name}="${value}">`);
      if (/^on/i.test(name)) w.__injected.push(`${w.__slot}: <${el.localName} ${name}="${value.slice(0, 80)}">`);
      else if (URL_ATTRIBUTES.has(name.toLowerCase()) && !(el.localName === 'img' && name === 'src' && PNG.test(value)))
        w.__injected.push(`${w.__slot}: <${el.localName} ${name}="${value.slice(0, 80)}">`);
    };
    const checkElement = (el: Element): void => {
      if (DENIED.has(el.localName.toLowerCase())) w.__injected.push(`${w.__slot}: <${el.localName}> element`);
      for (const name of el.getAttributeNames()) checkAttribute(el, name);
    };
    new MutationObserver((records) => {
      for (const record of records) {
        if (record.type === 'attributes' && record.attributeName) checkAttribute(record.target as Element, record.attributeName);
        record.addedNodes.forEach((node) => {
          if (!(node instanceof Element)) return;
          checkElement(node);
          node.querySelectorAll('*').forEach(checkElement);
        });
      }
    }).observe(document.documentElement, { childList: true, subtree: true, attributes: true });
    window.addEventListener('error', (e) =>
      w.__errors.push(`${w.__slot}: ${e.message} ${e.error instanceof Error ? (e.error.stack ?? '') : ''}`),
    );
    window.addEventListener('unhandledrejection', (e) => w.__errors.push(`${w.__slot}: unhandled rejection ${String(e.reason)}`));
  });
}

/** Draws a batch of cases (each into its own output), reports what each shows, then clears them. */
async function drawBatch(r: RendererPage, cases: WireCase[]): Promise<BatchReport> {
  return r.page.evaluate(
    async ([batch, special]) => {
      const w = window as unknown as {
        __tfnb: { render: (...args: unknown[]) => unknown; dispose: (id: string) => void; slot: (name: string) => HTMLElement };
        __injected: string[];
        __errors: string[];
        __slot: string;
        __pwned?: unknown;
        __cspViolations: string[];
      };
      const revive = (_key: string, v: unknown): unknown =>
        v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1 && special in v
          ? Number((v as Record<string, string>)[special])
          : v;
      // A task boundary after each case: uPlot's deferred commits (microtasks) run, and any
      // error they throw is blamed on the right case.
      const nextTask = (): Promise<void> =>
        new Promise((resolve) => {
          const channel = new MessageChannel();
          channel.port1.onmessage = () => resolve();
          channel.port2.postMessage(null);
        });
      for (const c of batch) {
        w.__slot = c.slot;
        for (const step of c.steps) {
          const object = step.structured === undefined ? null : JSON.parse(step.structured, revive);
          await w.__tfnb.render('main', c.mime, c.id, c.slot, step.text, object, step.structured !== undefined);
        }
        await nextTask();
      }
      w.__slot = '(after the batch)';
      // Deferred work (chart builds, resize observers) gets a frame.
      await new Promise((resolve) => requestAnimationFrame(() => resolve(null)));
      const outcomes = batch.map((c) => {
        const el = w.__tfnb.slot(c.slot);
        const boxes = el.querySelectorAll('.tfnb-error');
        const outputs = el.querySelectorAll('.tfnb-output');
        let outcome: { state: string; reason?: string; html?: string };
        if (boxes.length === 1 && el.childElementCount === 1 && el.firstElementChild === boxes[0]) {
          const title = boxes[0]!.querySelector('.tfnb-error-title')?.textContent ?? '';
          const reason = boxes[0]!.querySelector('.tfnb-error-reason')?.textContent ?? '';
          outcome = title.includes('malformed') ? { state: 'invalid', reason } : { state: 'crashed', reason };
        } else if (boxes.length === 0 && outputs.length === 1 && el.childElementCount === 1 && outputs[0]!.childElementCount > 0) {
          const charts = Array.from(outputs[0]!.querySelectorAll('.tfnb-chart'));
          outcome = charts.every((chart) => chart.querySelector('.uplot canvas'))
            ? { state: 'drawn' }
            : { state: 'blank', html: 'a chart without a plot' };
        } else outcome = { state: 'blank', html: el.innerHTML.slice(0, 300) };
        w.__tfnb.dispose(c.id);
        el.remove();
        return outcome;
      });
      const report = {
        outcomes,
        injected: w.__injected.splice(0),
        errors: w.__errors.splice(0),
        pwned: w.__pwned,
        violations: w.__cspViolations.splice(0),
      };
      return report;
    },
    [cases, SPECIAL] as const,
  ) as Promise<BatchReport>;
}

/** The case as a short reproducible description for a failure message. */
function describeCase(c: FuzzCase): string {
  const json = JSON.stringify(
    c.steps.map((s) => (s.rawText !== undefined ? { rawText: s.rawText } : { payload: JSON.parse(encodeStructured(s.payload)) })),
  );
  return `${c.mime} ${c.valid ? '(valid)' : ''} ${json.length > 1500 ? `${json.slice(0, 1500)}… (${json.length} chars)` : json}`;
}

let slots = 0;

/** Checks a batch; throws (failing the property) with the first offending case. */
async function checkBatch(r: RendererPage, cases: FuzzCase[]): Promise<void> {
  const wire = cases.map((c) => toWire(c, `f${++slots}`));
  const report = await drawBatch(r, wire);
  // Responsive: a round trip through the page's event loop and a frame.
  assert.equal(
    await r.page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve(document.readyState)))),
    'complete',
  );
  // Taken, not just read: one failure should not fail the kinds tested after it.
  const pageErrors = r.pageErrors.splice(0);
  const consoleErrors = r.consoleErrors.splice(0);

  cases.forEach((c, i) => {
    const outcome = report.outcomes[i]!;
    const ok = outcome.state === 'drawn' || (outcome.state === 'invalid' && !c.valid);
    if (!ok) throw new Error(`${JSON.stringify(outcome)} for ${describeCase(c)}`);
  });
  const slotCase = (text: string): string => {
    const slot = /^(f\d+):/.exec(text)?.[1];
    const index = wire.findIndex((w) => w.slot === slot);
    return index >= 0 ? ` — case: ${describeCase(cases[index]!)}` : '';
  };
  const batch = (): string => cases.map(describeCase).join('\n').slice(0, 4000);
  if (report.errors.length) throw new Error(`uncaught in the page: ${report.errors[0]}${slotCase(report.errors[0]!)}`);
  if (report.injected.length)
    throw new Error(`markup made from payload text or bad geometry: ${report.injected[0]}${slotCase(report.injected[0]!)}`);
  if (report.pwned !== undefined) throw new Error(`an injected handler ran (window.__pwned = ${String(report.pwned)})`);
  if (report.violations.length) throw new Error(`CSP violation: ${report.violations.join('; ')}`);
  if (pageErrors.length) throw new Error(`page error: ${pageErrors.join('; ')} (in this batch: ${batch()})`);
  if (consoleErrors.length) throw new Error(`console error: ${consoleErrors.join('; ')} (in this batch: ${batch()})`);
}

async function fuzz(r: RendererPage, cases: fc.Arbitrary<FuzzCase>): Promise<void> {
  // Late messages of a kind that already failed are not this kind's.
  r.pageErrors.splice(0);
  r.consoleErrors.splice(0);
  const details = await fc.check(
    fc.asyncProperty(fc.array(cases, { minLength: BATCH, maxLength: BATCH }), (batch) => checkBatch(r, batch)),
    { seed: SEED, numRuns: Math.ceil(RUNS / BATCH), endOnFailure: true },
  );
  if (details.failed) {
    const error = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
    assert.fail(`fuzz failure (seed ${SEED}, run ${details.numRuns}): ${error}`);
  }
}

/** Payloads the fuzzer broke the renderer with (the error they caused in brackets), kept as fixed cases. */
const REGRESSIONS: Array<{ name: string } & FuzzCase> = [
  {
    name: 'scatter on a log scale from 2e-273 to 0.36 (uPlot built log ticks until "Invalid array length")',
    mime: CHART,
    steps: [
      {
        payload: {
          kind: 'scatter',
          logY: true,
          series: [
            {
              name: 'val_',
              points: [
                { x: 1.1439399205652067e-38, y: 2.0940204066938676e-273 },
                { x: 6.18878816853966e-116, y: -6.8743595007111836e-164 },
                { x: -3.376803808070899e222, y: 0.35583670206008294 },
                { x: 2.5111084041205058e-247, y: 2.2490090803567388e-33 },
                { x: 0, y: 3.3755047492968747e-116 },
                { x: -5.839771624350632e-170, y: 4.2610368492171145e-26 },
                { x: '-Infinity', y: -5.054756998654792e147 },
                { x: 4.488243460406012e-85, y: null },
                { x: -1.908397038615117e144, y: null },
              ],
            },
          ],
        },
      },
    ],
    valid: true,
  },
  {
    name: 'tensor with 200,000 values shown (RangeError: Maximum call stack size exceeded)',
    mime: TENSOR,
    steps: [{ payload: { shape: [200_000], dtype: 'float32', values: Array.from({ length: 200_000 }, (_, i) => (i % 4) / 2) } }],
    valid: true,
  },
  {
    name: 'confusion matrix with 500 classes (RangeError: Maximum call stack size exceeded)',
    mime: CONFUSION,
    steps: [
      {
        payload: {
          classes: Array.from({ length: 500 }, (_, i) => `c${i}`),
          matrix: Array.from({ length: 500 }, (_, i) => Array.from({ length: 500 }, (_, j) => (i === j ? 9 : 0))),
        },
      },
    ],
    valid: true,
  },
  {
    name: 'heatmap with colorMap "toString" (TypeError: STOPS[name].map is not a function)',
    mime: CHART,
    steps: [{ payload: { kind: 'heatmap', rows: 1, cols: 2, data: [1, 2], colorMap: 'toString' } }],
    valid: true,
  },
  {
    name: 'histogram spanning ±1e308 with counts of 1e308 (tick loop ran until "Invalid array length")',
    mime: CHART,
    steps: [{ payload: { kind: 'histogram', binEdges: [-1e308, 0, 1e308], counts: [1e308, Number.MAX_VALUE] } }],
    valid: true,
  },
  {
    name: 'histogram edges out of order (bars at x = Infinity)',
    mime: CHART,
    steps: [{ payload: { kind: 'histogram', binEdges: [1.5e-323, 1e308, 0.0208], counts: [190, 5503] } }],
    valid: false,
  },
];

/** Extremes that must keep drawing, quickly: the ends of the float range and the biggest payloads under 1 MB. */
const EDGES: Array<{ name: string } & FuzzCase> = [
  {
    name: 'scatter updated to a log scale with no series',
    mime: CHART,
    steps: [
      { payload: { kind: 'scatter', series: [{ name: 'a', points: [{ x: 1, y: 2 }] }] } },
      { payload: { kind: 'scatter', series: [], logY: true } },
    ],
    valid: true,
  },
  {
    name: 'log scale with nothing positive to show',
    mime: CHART,
    steps: [
      {
        payload: {
          kind: 'line',
          logY: true,
          series: [
            {
              name: 'a',
              points: [
                { x: 0, y: 0 },
                { x: 1, y: -1 },
                { x: 2, y: null },
              ],
            },
          ],
        },
      },
    ],
    valid: true,
  },
  {
    name: 'line chart spanning ±Number.MAX_VALUE',
    mime: CHART,
    steps: [
      {
        payload: {
          kind: 'line',
          series: [
            {
              name: 'a',
              points: [
                { x: -Number.MAX_VALUE, y: 1e308 },
                { x: Number.MAX_VALUE, y: -Number.MAX_VALUE },
                { x: 0, y: 5e-324 },
              ],
            },
          ],
        },
      },
    ],
    valid: true,
  },
  {
    name: 'log scale from 5e-324 to Number.MAX_VALUE',
    mime: CHART,
    steps: [
      {
        payload: {
          kind: 'line',
          logY: true,
          series: [
            {
              name: 'a',
              points: [
                { x: 1, y: 5e-324 },
                { x: 2, y: Number.MAX_VALUE },
              ],
            },
          ],
        },
      },
    ],
    valid: true,
  },
  {
    name: 'training with an epoch at Number.MAX_SAFE_INTEGER',
    mime: TRAINING,
    steps: [
      {
        payload: {
          epochs: [
            { epoch: 1, loss: 1 },
            { epoch: Number.MAX_SAFE_INTEGER, loss: 1e308 },
          ],
        },
      },
    ],
    valid: true,
  },
  {
    name: 'tensor with a full 400 × 400 values grid',
    mime: TENSOR,
    steps: [
      {
        payload: {
          shape: [400, 400],
          dtype: 'int32',
          values: Array.from({ length: 400 }, (_, i) => Array.from({ length: 400 }, (_, j) => (i * j) % 7)),
        },
      },
    ],
    valid: true,
  },
  {
    name: 'heatmap with values of ±Number.MAX_VALUE',
    mime: CHART,
    steps: [{ payload: { kind: 'heatmap', rows: 1, cols: 3, data: [-Number.MAX_VALUE, 0, Number.MAX_VALUE] } }],
    valid: true,
  },
  {
    name: 'histogram of 80,000 bins',
    mime: CHART,
    steps: [
      {
        payload: {
          kind: 'histogram',
          binEdges: Array.from({ length: 80_001 }, (_, i) => i),
          counts: Array.from({ length: 80_000 }, (_, i) => i % 3),
        },
      },
    ],
    valid: true,
  },
  {
    name: 'bar chart of 30,000 bars from -1e308 to 1e308',
    mime: CHART,
    steps: [{ payload: { kind: 'bar', bars: Array.from({ length: 30_000 }, (_, i) => ({ label: '', value: i % 2 ? 1e308 : -1e308 })) } }],
    valid: true,
  },
];

describe(`renderer fuzzing (seed ${SEED}, strict CSP)`, () => {
  const page = usePage('dark', { csp: STRICT_CSP });
  const only = process.env['TFNB_FUZZ_ONLY'];
  before(async () => installWatchers(page()));

  for (const [kind, { name, ...c }] of [
    ...REGRESSIONS.map((c) => ['regression', c] as const),
    ...EDGES.map((c) => ['edge case', c] as const),
  ]) {
    test(`${kind}: ${name}`, { timeout: 120_000 }, async () => {
      const r = page();
      r.pageErrors.splice(0);
      r.consoleErrors.splice(0);
      await checkBatch(r, [c]);
    });
  }

  test('edge case: 80,000 bins draw as at most 400 bars; 30,000 bars as 1,000 and a note', async () => {
    const r = page();
    const histogram = await r.render(CHART, {
      kind: 'histogram',
      binEdges: Array.from({ length: 80_001 }, (_, i) => i),
      counts: Array.from({ length: 80_000 }, () => 1),
    });
    assert.equal(await r.page.locator(`${histogram} rect.tfnb-bar`).count(), 400);
    assert.equal(await r.page.locator(`${histogram} rect.tfnb-bar title`).first().textContent(), '[0, 200): 200');
    const bars = await r.render(CHART, { kind: 'bar', bars: Array.from({ length: 30_000 }, (_, i) => ({ label: `b${i}`, value: i })) });
    assert.equal(await r.page.locator(`${bars} .tfnb-bar-row`).count(), 1000);
    assert.equal(await r.text(`${bars} .tfnb-note`), '29,000 more bars not shown.');
  });

  test('regression: strings named like Object.prototype members stay text ("toString" was shown as a function)', async () => {
    const r = page();
    const out = await r.render(TENSOR, { shape: [3], dtype: 'string', values: ['toString', 'constructor', '__proto__'] });
    assert.deepEqual(await r.page.locator(`${out} table.tfnb-values td`).allTextContents(), ["'toString'", "'constructor'", "'__proto__'"]);
    const floats = await r.render(TENSOR, { shape: [2], dtype: 'float32', values: ['NaN', 'valueOf'] });
    assert.deepEqual(await r.page.locator(`${floats} table.tfnb-values td`).allTextContents(), ['nan', 'valueOf']);
  });

  const kinds = MIME_TYPES.filter((m) => !only || KIND_NAMES[m].startsWith(only));
  for (const mime of kinds) {
    test(`near-valid ${KIND_NAMES[mime]} payloads: ${RUNS} cases`, { timeout: 300_000 }, async () => fuzz(page(), nearValidCase(mime)));
  }
  for (const mime of kinds) {
    test(`arbitrary JSON and text as ${KIND_NAMES[mime]}: ${RUNS} cases`, { timeout: 300_000 }, async () =>
      fuzz(page(), arbitraryCase(mime)),
    );
  }
});
