/**
 * fast-check generators for renderer fuzzing (fuzz.test.ts): for every tfnb MIME type, valid
 * payloads (within the documented bounds), the same payloads with a few fields mutated
 * (wrong types, NaN/±Infinity/-0, empty and enormous arrays, markup, deep nesting, unicode,
 * dropped and extra keys), and arbitrary JSON or text. Sizes are bounded so a run of a few
 * thousand payloads stays well under a minute.
 */
import fc from 'fast-check';
import { CHART, CONFUSION, MODEL, TENSOR, TRAINING, pngDataUrl } from './fixtures';

export const MIME_TYPES = [TENSOR, TRAINING, CONFUSION, MODEL, CHART] as const;
export type TfnbMime = (typeof MIME_TYPES)[number];

/** Markup that would run `window.__pwned = …` if any renderer ever parsed payload text as HTML. */
export const HOSTILE_STRINGS = [
  '<img src=x onerror="window.__pwned=1">',
  '<script>window.__pwned=2</script>',
  '<iframe src="javascript:parent.__pwned=3"></iframe>',
  '<svg onload="window.__pwned=4"><circle r=1 /></svg>',
  '"><img src=x onerror=window.__pwned=5>',
  'javascript:window.__pwned=6',
  '</style><script>window.__pwned=7</script>',
  '<a href="javascript:window.__pwned=8" id=x>x</a>',
  '<object data="javascript:window.__pwned=9"></object>',
  '<math><mtext><table><mglyph><style><img src=x onerror=window.__pwned=10>',
  'data:image/png;base64,"><img src=x onerror=window.__pwned=11>',
  '<details open ontoggle="window.__pwned=12">',
  '{{constructor.constructor("window.__pwned=13")()}}',
] as const;

/** Strings that are awkward as text or as object keys. */
const AWKWARD_STRINGS = [
  '',
  ' ',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'NaN',
  'Infinity',
  '-Infinity',
  'null',
  'epoch',
  'step',
  'val_',
  'loss',
  '\u202e\u0000\u200b',
  '\ud800',
  '👩‍👩‍👧‍👦🔥',
  'ﷺ',
  'Z̷̢̛͖a̶l̵g̴o̸',
  '\n\r\t',
  '%s%d%n',
  '\\u0000',
  'line',
  'scatter',
  'table',
] as const;

/** A structured value to hand over as-is (NaN, ±Infinity and -0 survive, unlike in JSON text). */
export type Structured = unknown;

export interface FuzzStep {
  /** The payload; absent when `rawText` is set. */
  payload?: Structured;
  /** Text that is not JSON (or a JSON text to use verbatim). */
  rawText?: string;
}

export interface FuzzCase {
  mime: string;
  /** Rendered one after another into the same output (later ones are display-id updates). */
  steps: FuzzStep[];
  /** True when every step is valid by construction: it must draw, never show an error box. */
  valid: boolean;
}

// ------------------------------------------------------------------ leaves

const SPECIAL_NUMBERS = [
  NaN,
  Infinity,
  -Infinity,
  -0,
  0,
  1,
  -1,
  0.5,
  1e308,
  -1e308,
  5e-324,
  2 ** 31,
  2 ** 53 + 2,
  -(2 ** 53),
  1e-300,
  123456789.123,
] as const;

const text = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 2, arbitrary: fc.constantFrom(...AWKWARD_STRINGS) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.integer({ min: 200, max: 5000 }).map((n) => 'W'.repeat(n)) },
);

const finite = fc.oneof(
  { weight: 4, arbitrary: fc.double({ min: -1e3, max: 1e3, noNaN: true }) },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  { weight: 1, arbitrary: fc.constantFrom(0, -0, 1e308, -1e308, 5e-324, 2 ** 53 - 1) },
);
const nonNegative = finite.map(Math.abs);
const count = fc.oneof(
  { weight: 5, arbitrary: fc.nat({ max: 1000 }) },
  { weight: 1, arbitrary: fc.constantFrom(0, Number.MAX_SAFE_INTEGER) },
);
const finiteOrNull = fc.option(finite, { freq: 6 });

/** Nesting `depth` levels deep: [[[…]]] or {"a":{"a":…}}. */
function nest(depth: number, asObject: boolean): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = asObject ? { a: value } : [value];
  return value;
}

/** Values a mutation puts where a field was. */
const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...SPECIAL_NUMBERS) },
  { weight: 3, arbitrary: text },
  { weight: 2, arbitrary: fc.constantFrom(null, true, false, [], {}, [null], [[]], [NaN, Infinity], { length: 3 }, '0', '[]') },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 20, max: 400 }), fc.boolean()).map(([d, o]) => nest(d, o)) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

// ------------------------------------------------------------------ valid payloads per kind

const PNG = pngDataUrl(2, 2, 1, new Uint8Array([0, 255, 128, 64]));

const stats = fc.record({ min: finiteOrNull, max: finiteOrNull, mean: finiteOrNull, std: finiteOrNull, nanCount: count, infCount: count });

/** binEdges (counts + 1 ascending) and counts. */
const histogramData = fc.array(fc.nat({ max: 10_000 }), { minLength: 1, maxLength: 40 }).chain((counts) =>
  fc.tuple(finite, fc.double({ min: 1e-6, max: 100, noNaN: true })).map(([start, step]) => ({
    binEdges: Array.from({ length: counts.length + 1 }, (_, i) => start + i * step),
    counts,
  })),
);

/** A tensor's full values for `shape` (no elision); leaves of the dtype's kind. */
function valuesFor(shape: number[], leaf: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  if (shape.length === 0) return leaf;
  const [n, ...rest] = shape;
  return fc.array(valuesFor(rest, leaf), { minLength: n!, maxLength: n! });
}

const tensorLeaf = (dtype: string): fc.Arbitrary<unknown> =>
  dtype === 'string'
    ? text
    : dtype === 'bool'
      ? fc.boolean()
      : fc.oneof({ weight: 8, arbitrary: finite }, { weight: 1, arbitrary: fc.constantFrom('NaN', 'Infinity', '-Infinity') });

const tensor = fc
  .record({
    shape: fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 4 }),
    dtype: fc.constantFrom('float32', 'int32', 'bool', 'string', 'complex64'),
  })
  .chain(({ shape, dtype }) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const grid = fc.record({ rows: fc.integer({ min: 1, max: 12 }), cols: fc.integer({ min: 1, max: 12 }) }).chain(({ rows, cols }) =>
      fc.record({
        rows: fc.constant(rows),
        cols: fc.constant(cols),
        data: fc.array(finiteOrNull, { minLength: rows * cols, maxLength: rows * cols }),
        sourceShape: fc.constant([rows * 3, cols * 2]),
      }),
    );
    const images = fc.record({
      width: fc.integer({ min: 1, max: 64 }),
      height: fc.integer({ min: 1, max: 64 }),
      channels: fc.constantFrom(1, 3, 4),
      pngDataUrls: fc.array(fc.constant(PNG), { maxLength: 6 }),
      total: count,
    });
    return fc.record(
      {
        shape: fc.constant(shape),
        dtype: fc.constant(dtype),
        size: fc.constant(size),
        values: valuesFor(shape, tensorLeaf(dtype)),
        stats,
        truncated: fc.boolean(),
        heatmap: grid,
        images,
        histogram: histogramData,
        title: text,
      },
      { requiredKeys: ['shape', 'dtype'] },
    );
  });

const metricName = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('loss', 'acc', 'val_loss', 'val_acc', 'mse') },
  { weight: 1, arbitrary: text },
);
const metricLogs = fc.dictionary(metricName, finiteOrNull, { maxKeys: 5 });

const training = fc
  .record({ epochCount: fc.nat({ max: 30 }), batchesPerEpoch: fc.integer({ min: 1, max: 50 }), batchCount: fc.nat({ max: 400 }) })
  .chain(({ epochCount, batchesPerEpoch, batchCount }) =>
    fc.record(
      {
        epochs: fc
          .array(metricLogs, { minLength: epochCount, maxLength: epochCount })
          .map((logs) => logs.map((l, i) => ({ ...l, epoch: i + 1 }))),
        batches: fc
          .array(metricLogs, { minLength: batchCount, maxLength: batchCount })
          .map((logs) => logs.map((l, i) => ({ ...l, step: i }))),
        progress: fc.record(
          {
            epoch: count,
            batch: count,
            elapsedMs: nonNegative,
            done: fc.boolean(),
            totalEpochs: count,
            batchesPerEpoch: fc.constant(batchesPerEpoch),
            etaMs: nonNegative,
            stopped: fc.boolean(),
          },
          { requiredKeys: ['epoch', 'batch', 'elapsedMs', 'done'] },
        ),
        metrics: fc.array(metricName, { maxLength: 4 }),
        trainingId: text,
        title: text,
      },
      { requiredKeys: ['epochs'] },
    ),
  );

const confusion = fc.integer({ min: 1, max: 12 }).chain((n) =>
  fc.record(
    {
      classes: fc.array(text, { minLength: n, maxLength: n }),
      matrix: fc.array(fc.array(fc.oneof(fc.nat({ max: 1000 }), nonNegative), { minLength: n, maxLength: n }), {
        minLength: n,
        maxLength: n,
      }),
      title: text,
      perClass: fc.array(
        fc.record({ label: text, precision: finiteOrNull, recall: finiteOrNull, f1: finiteOrNull, support: nonNegative }),
        { minLength: n, maxLength: n },
      ),
      accuracy: finite,
    },
    { requiredKeys: ['classes', 'matrix'] },
  ),
);

const modelSummary = fc.record(
  {
    layers: fc.array(
      fc.record({
        name: text,
        className: fc.oneof(fc.constantFrom('Dense', 'Conv2D', ''), text),
        outputShape: text,
        params: count,
        trainable: fc.boolean(),
      }),
      { maxLength: 20 },
    ),
    totalParams: count,
    trainableParams: count,
    nonTrainableParams: count,
    name: text,
    title: text,
    omittedLayers: count,
  },
  { requiredKeys: ['layers', 'totalParams', 'trainableParams', 'nonTrainableParams'] },
);

const labels = { xLabel: text, yLabel: text, title: text };
const point = fc.record({ x: fc.oneof({ weight: 4, arbitrary: finite }, { weight: 1, arbitrary: text }), y: finiteOrNull });

const chart: fc.Arbitrary<Structured> = fc.oneof(
  fc.record(
    {
      ...labels,
      kind: fc.constantFrom('line', 'scatter'),
      series: fc.array(fc.record({ name: text, points: fc.array(point, { maxLength: 80 }) }), { maxLength: 5 }),
      logY: fc.boolean(),
    },
    { requiredKeys: ['kind', 'series'] },
  ),
  fc.record(
    { ...labels, kind: fc.constant('bar'), bars: fc.array(fc.record({ label: text, value: finite }), { maxLength: 30 }) },
    { requiredKeys: ['kind', 'bars'] },
  ),
  histogramData.chain((h) =>
    fc.record(
      { ...labels, kind: fc.constant('histogram'), binEdges: fc.constant(h.binEdges), counts: fc.constant(h.counts), stats },
      { requiredKeys: ['kind', 'binEdges', 'counts'] },
    ),
  ),
  fc.record({ rows: fc.integer({ min: 1, max: 40 }), cols: fc.integer({ min: 1, max: 40 }) }).chain(({ rows, cols }) =>
    fc.record(
      {
        ...labels,
        kind: fc.constant('heatmap'),
        rows: fc.constant(rows),
        cols: fc.constant(cols),
        data: fc.array(finiteOrNull, { minLength: rows * cols, maxLength: rows * cols }),
        xTickLabels: fc.array(text, { minLength: cols, maxLength: cols }),
        yTickLabels: fc.array(text, { minLength: rows, maxLength: rows }),
        colorMap: fc.oneof(fc.constantFrom('viridis', 'greys', 'blues'), text),
        domain: fc.tuple(finite, finite).map(([a, b]) => (a <= b ? [a, b] : [b, a])),
      },
      { requiredKeys: ['kind', 'rows', 'cols', 'data'] },
    ),
  ),
  fc.nat({ max: 6 }).chain((columns) =>
    fc.record(
      {
        kind: fc.constant('table'),
        headers: fc.array(text, { minLength: columns, maxLength: columns }),
        rows: fc.array(fc.array(fc.oneof(text, finite, fc.constant(null)), { minLength: columns, maxLength: columns }), { maxLength: 40 }),
        title: text,
      },
      { requiredKeys: ['kind', 'headers', 'rows'] },
    ),
  ),
);

/**
 * Valid payloads that sit on the documented bounds: the biggest grids, most classes and
 * longest series a payload under the 1 MB limit can carry.
 */
const bigValid: Record<TfnbMime, fc.Arbitrary<Structured>> = {
  [TENSOR]: fc.oneof(
    fc.integer({ min: 256, max: 400 }).map((side) => ({
      shape: [side, side],
      dtype: 'float32',
      heatmap: {
        rows: side,
        cols: side,
        data: Array.from({ length: side * side }, (_, i) => (i % 7 === 0 ? null : i % 13)),
        sourceShape: [side, side],
      },
      histogram: { binEdges: Array.from({ length: 2001 }, (_, i) => i), counts: Array.from({ length: 2000 }, (_, i) => i % 5) },
    })),
    // Not what the kernel sends (it summarises past 1000 values), but valid: all values shown.
    fc
      .integer({ min: 150_000, max: 200_000 })
      .map((n) => ({ shape: [n], dtype: 'float32', values: Array.from({ length: n }, (_, i) => (i % 4) / 2) })),
  ),
  [TRAINING]: fc.integer({ min: 10_000, max: 25_000 }).map((steps) => ({
    epochs: Array.from({ length: 100 }, (_, i) => ({ epoch: i + 1, loss: 1 / (i + 1), val_loss: 1.1 / (i + 1) })),
    batches: Array.from({ length: steps }, (_, s) => ({ step: s, loss: (s % 97) / 100 })),
    progress: { epoch: 100, batch: 3, batchesPerEpoch: Math.ceil(steps / 100), elapsedMs: 1, done: false },
  })),
  [CONFUSION]: fc.integer({ min: 300, max: 500 }).map((n) => ({
    classes: Array.from({ length: n }, (_, i) => `c${i}`),
    matrix: Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 9 : 0))),
  })),
  [MODEL]: fc.integer({ min: 2000, max: 6000 }).map((n) => ({
    layers: Array.from({ length: n }, (_, i) => ({
      name: `l${i}`,
      className: 'Dense',
      outputShape: '[null,1]',
      params: i,
      trainable: true,
    })),
    totalParams: n,
    trainableParams: n,
    nonTrainableParams: 0,
  })),
  [CHART]: fc.oneof(
    fc.integer({ min: 20_000, max: 35_000 }).map((n) => ({
      kind: 'line',
      series: [{ name: 'a', points: Array.from({ length: n }, (_, i) => ({ x: i, y: Math.round(Math.sin(i) * 100) / 100 })) }],
    })),
    fc
      .integer({ min: 20_000, max: 30_000 })
      .map((n) => ({ kind: 'bar', bars: Array.from({ length: n }, (_, i) => ({ label: '', value: i % 9 })) })),
    fc.integer({ min: 60_000, max: 80_000 }).map((n) => ({
      kind: 'histogram',
      binEdges: Array.from({ length: n + 1 }, (_, i) => i),
      counts: Array.from({ length: n }, () => 0),
    })),
    fc.constant({ kind: 'heatmap', rows: 512, cols: 512, data: Array.from({ length: 512 * 512 }, (_, i) => i % 3) }),
    fc
      .integer({ min: 20_000, max: 40_000 })
      .map((n) => ({ kind: 'table', headers: ['i'], rows: Array.from({ length: n }, (_, i) => [i]) })),
  ),
};

const validByKind: Record<TfnbMime, fc.Arbitrary<Structured>> = {
  [TENSOR]: tensor,
  [TRAINING]: training,
  [CONFUSION]: confusion,
  [MODEL]: modelSummary,
  [CHART]: chart,
};

/** Valid payloads of one kind, now and then one on the bounds. */
export function validPayload(mime: TfnbMime): fc.Arbitrary<Structured> {
  return fc.oneof({ weight: 60, arbitrary: validByKind[mime] }, { weight: 1, arbitrary: bigValid[mime] });
}

// ------------------------------------------------------------------ mutations

type Container = Record<string, unknown> | unknown[];

/** A deep copy (keeps -0, NaN, own "__proto__" keys): generated constants are shared objects. */
const clone = <T>(value: T): T => structuredClone(value);

/** Every place in `value` a mutation can hit: [container, key] pairs, depth first. */
function places(value: unknown, out: Array<[Container, string | number]> = []): Array<[Container, string | number]> {
  if (Array.isArray(value)) {
    // Long arrays: a few positions are enough (the first, the last, one in the middle).
    const picks = value.length <= 8 ? value.map((_, i) => i) : [0, value.length >> 1, value.length - 1];
    for (const i of picks) {
      out.push([value, i]);
      places(value[i], out);
    }
  } else if (typeof value === 'object' && value !== null) {
    for (const key of Object.keys(value)) {
      out.push([value as Record<string, unknown>, key]);
      places((value as Record<string, unknown>)[key], out);
    }
  }
  return out;
}

type Mutation =
  | { kind: 'replace'; value: unknown }
  | { kind: 'delete' }
  | { kind: 'add'; key: string; value: unknown }
  | { kind: 'empty' }
  | { kind: 'enormous'; length: number }
  | { kind: 'wrap'; depth: number };

const mutation: fc.Arbitrary<{ at: number; change: Mutation }> = fc.record({
  at: fc.nat(),
  change: fc.oneof<Array<fc.WeightedArbitrary<Mutation>>>(
    { weight: 8, arbitrary: nastyValue.map((value) => ({ kind: 'replace' as const, value })) },
    { weight: 2, arbitrary: fc.constant({ kind: 'delete' as const }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('add' as const), key: fc.oneof(text, metricName), value: nastyValue }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'empty' as const }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('enormous' as const), length: fc.integer({ min: 2000, max: 20_000 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('wrap' as const), depth: fc.integer({ min: 1, max: 50 }) }) },
  ),
});

function applyMutation(payload: unknown, { at, change }: { at: number; change: Mutation }): unknown {
  const root: Container = [payload];
  const all = places(root).slice(); // includes [root, 0]: the payload itself
  const [container, key] = all[at % all.length]!;
  const current = (container as Record<string | number, unknown>)[key];
  const set = (v: unknown): void => {
    (container as Record<string | number, unknown>)[key] = v;
  };
  switch (change.kind) {
    case 'replace':
      set(clone(change.value));
      break;
    case 'delete':
      if (Array.isArray(container)) container.splice(Number(key), 1);
      else delete container[key as string];
      break;
    case 'add':
      if (typeof current === 'object' && current !== null && !Array.isArray(current)) {
        // defineProperty: a key "__proto__" stays an own property, as JSON.parse would make it.
        Object.defineProperty(current, change.key, { value: clone(change.value), enumerable: true, writable: true, configurable: true });
      } else set(clone(change.value));
      break;
    case 'empty':
      set(Array.isArray(current) ? [] : typeof current === 'object' && current !== null ? {} : '');
      break;
    case 'enormous': {
      // Copies, not references: a later mutation of one item must not change 20,000 of them.
      const items = Array.isArray(current) && current.length ? current : [0];
      set(Array.from({ length: change.length }, (_, i) => clone(items[i % items.length])));
      break;
    }
    case 'wrap': {
      let v = current;
      for (let i = 0; i < change.depth; i++) v = [v];
      set(v);
      break;
    }
  }
  return root[0];
}

/** JSON no bigger than the renderer's 1 MB limit and a little more (bigger is refused unread). */
const MAX_JSON_CHARS = 1_200_000;

function smallEnough(value: unknown): boolean {
  try {
    return (JSON.stringify(value)?.length ?? 0) <= MAX_JSON_CHARS;
  } catch {
    return false; // too big even to stringify
  }
}

/** A valid payload of the kind with 1–3 mutations. */
export function mutatedPayload(mime: TfnbMime): fc.Arbitrary<Structured> {
  return fc
    .tuple(validByKind[mime], fc.array(mutation, { minLength: 1, maxLength: 3 }))
    .map(([payload, changes]) => changes.reduce((p, c) => applyMutation(p, c), clone(payload)))
    .filter(smallEnough);
}

/** Near-valid cases: a mutated payload, alone or as an update after / before a valid one. */
export function nearValidCase(mime: TfnbMime): fc.Arbitrary<FuzzCase> {
  return fc.oneof(
    { weight: 4, arbitrary: mutatedPayload(mime).map((payload) => ({ mime, steps: [{ payload }], valid: false })) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(validPayload(mime), mutatedPayload(mime))
        .map(([a, b]) => ({ mime, steps: [{ payload: a }, { payload: b }], valid: false })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(mutatedPayload(mime), validPayload(mime))
        .map(([a, b]) => ({ mime, steps: [{ payload: a }, { payload: b }], valid: true })),
    },
    {
      weight: 2,
      arbitrary: fc
        .array(validPayload(mime), { minLength: 1, maxLength: 3 })
        .map((ps) => ({ mime, steps: ps.map((payload) => ({ payload })), valid: true })),
    },
  );
}

/** Anything at all: arbitrary JSON values, objects with a plausible `kind`, and non-JSON text. */
export function arbitraryCase(mime: TfnbMime): fc.Arbitrary<FuzzCase> {
  const payload = fc.oneof(
    { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
    {
      weight: 2,
      arbitrary: fc.dictionary(
        fc.oneof(text, fc.constantFrom('shape', 'dtype', 'epochs', 'classes', 'matrix', 'layers', 'kind', 'series', 'bars', 'rows')),
        nastyValue,
        { maxKeys: 6 },
      ),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constantFrom('line', 'scatter', 'bar', 'histogram', 'heatmap', 'table'),
        series: nastyValue,
        rows: nastyValue,
        data: nastyValue,
        bars: nastyValue,
      }),
    },
    {
      weight: 1,
      arbitrary: fc.anything({
        maxDepth: 3,
        withNullPrototype: false,
        withBoxedValues: false,
        withMap: false,
        withSet: false,
        withObjectString: false,
        withDate: false,
        withTypedArray: false,
        withSparseArray: false,
        withBigInt: false,
      }),
    },
  );
  return fc.oneof(
    { weight: 6, arbitrary: payload.map((p) => ({ mime, steps: [{ payload: p }], valid: false })) },
    {
      weight: 1,
      arbitrary: fc
        .oneof(fc.string({ maxLength: 40 }), fc.constantFrom(...HOSTILE_STRINGS), fc.constantFrom('{', '[1,', 'NaN', '{"a":1}}', '\u0000'))
        .map((rawText) => ({ mime, steps: [{ rawText }], valid: false })),
    },
  );
}
