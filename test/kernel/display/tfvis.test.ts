import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createDisplayApi } from '../../../src/kernel/display/index';
import { MIME, type ChartPayload, type ConfusionMatrixPayload, type TrainingPayload } from '../../../src/protocol/mime';
import { RecordingSink, context, jsonBytes, tf, useCpu } from './helpers';

before(useCpu);

function setup(maxPayloadBytes?: number): { sink: RecordingSink; api: ReturnType<typeof createDisplayApi> } {
  const sink = new RecordingSink();
  return { sink, api: createDisplayApi(context(sink, maxPayloadBytes ? { maxPayloadBytes } : {})) };
}
const chartOf = (sink: RecordingSink, i = sink.shown.length - 1): ChartPayload => sink.shown[i]!.bundle[MIME.chart] as ChartPayload;

describe('tfvis object', () => {
  it('has tfjs-vis names', () => {
    const { tfvis } = setup().api;
    assert.deepEqual(Object.keys(tfvis.render).sort(), [
      'barchart',
      'confusionMatrix',
      'heatmap',
      'histogram',
      'linechart',
      'scatterplot',
      'table',
    ]);
    assert.deepEqual(Object.keys(tfvis.show).sort(), [
      'confusionMatrix',
      'fitCallbacks',
      'history',
      'layer',
      'modelSummary',
      'perClassAccuracy',
      'valuesDistribution',
    ]);
    assert.deepEqual(Object.keys(tfvis.metrics).sort(), ['accuracy', 'confusionMatrix', 'perClassAccuracy', 'precisionRecallF1']);
    assert.equal(typeof tfvis.visor, 'function');
  });

  it('visor() is a harmless stub whose surfaces are containers', async () => {
    const { sink, api } = setup();
    const visor = api.tfvis.visor();
    assert.equal(api.tfvis.visor(), visor);
    visor.open();
    visor.close();
    visor.toggle();
    visor.toggleFullScreen();
    visor.bindKeys();
    visor.unbindKeys();
    visor.setActiveTab('x');
    assert.equal(visor.isOpen(), false);
    assert.throws(() => visor.surface({} as { name: string }), /name/);
    const surface = visor.surface({ name: 'Bars', tab: 'Charts' });
    await api.tfvis.render.barchart(surface, [{ index: 0, value: 1 }]);
    await api.tfvis.render.barchart(surface.drawArea, [{ index: 0, value: 2 }]);
    assert.equal(chartOf(sink, 0).title, 'Bars');
    assert.deepEqual(
      sink.shown[1]!.options,
      { displayId: sink.shown[0]!.options?.displayId, update: true },
      'drawArea is the same surface',
    );
  });

  it('drawing to a surface again updates its output; another surface or the next cell gets a new one', async () => {
    const { sink, api } = setup();
    const data = { values: [{ x: 0, y: 1 }] };
    await api.tfvis.render.linechart({ name: 'a', tab: 't' }, data);
    await api.tfvis.render.linechart({ name: 'a', tab: 't' }, data);
    await api.tfvis.render.linechart({ name: 'a', tab: 'other' }, data);
    await api.tfvis.render.linechart('a', data);
    api.resetSurfaces();
    await api.tfvis.render.linechart({ name: 'a', tab: 't' }, data);
    const ids = sink.shown.map((s) => s.options?.displayId);
    assert.equal(new Set(ids).size, 4);
    assert.equal(ids[0], ids[1]);
    assert.deepEqual(
      sink.shown.map((s) => s.options?.update ?? false),
      [false, true, false, false, false],
    );
  });
});

describe('tfvis.render', () => {
  it('linechart and scatterplot take {values, series} like tfjs-vis', async () => {
    const { sink, api } = setup();
    await api.tfvis.render.linechart(
      { name: 'One' },
      {
        values: [
          { x: 0, y: 1 },
          { x: 1, y: 2 },
        ],
      },
      { xLabel: 'step', yLabel: 'loss' },
    );
    assert.deepEqual(chartOf(sink), {
      kind: 'line',
      series: [
        {
          name: 'Series 1',
          points: [
            { x: 0, y: 1 },
            { x: 1, y: 2 },
          ],
        },
      ],
      xLabel: 'step',
      yLabel: 'loss',
      title: 'One',
    });
    await api.tfvis.render.scatterplot('Two', { values: [[{ x: 0, y: 1 }], [{ x: 2, y: 3 }]], series: ['a', 'b'] });
    const p = chartOf(sink);
    assert.equal(p.kind, 'scatter');
    assert.deepEqual(p.kind === 'scatter' && p.series.map((s) => s.name), ['a', 'b']);
    await assert.rejects(api.tfvis.render.linechart('x', { values: [[{ x: 0, y: 1 }]], series: ['a', 'b'] }), /equal number of series/);
    assert.match(sink.shown[1]!.bundle['text/plain'], /b: 1 points/);
  });

  it('a 200,000-point line chart is thinned under the bound, keeping the last point', async () => {
    const { sink, api } = setup();
    const values = Array.from({ length: 200_000 }, (_, x) => ({ x, y: Math.sin(x / 1000) }));
    await api.tfvis.render.linechart('big', { values });
    assert.ok(jsonBytes(sink.shown[0]!.bundle) <= 256 * 1024);
    const p = chartOf(sink);
    assert.ok(p.kind === 'line' && p.series[0]!.points.length < 20_000 && p.series[0]!.points.at(-1)?.x === 199_999);
  });

  it('barchart takes [{index, value}]', async () => {
    const { sink, api } = setup();
    await api.tfvis.render.barchart('b', [
      { index: 0, value: 50 },
      { index: 1, value: 100 },
    ]);
    assert.deepEqual(chartOf(sink), {
      kind: 'bar',
      bars: [
        { label: '0', value: 50 },
        { label: '1', value: 100 },
      ],
      xLabel: undefined,
      yLabel: undefined,
      title: 'b',
    });
  });

  it('histogram bins numbers, {value} objects or typed arrays, with stats unless stats: false', async () => {
    const { sink, api } = setup();
    await api.tfvis.render.histogram('h', [1, 2, 2, 3, NaN, Infinity]);
    let p = chartOf(sink);
    assert.ok(p.kind === 'histogram');
    assert.equal(
      p.counts.reduce((a, b) => a + b, 0),
      4,
    );
    assert.deepEqual(p.binEdges, [0.5, 1.5, 2.5, 3.5], 'unit bins for small integer ranges');
    assert.deepEqual(p.counts, [1, 2, 1]);
    assert.equal(p.stats?.nanCount, 1);
    assert.equal(p.stats?.infCount, 1);
    await api.tfvis.render.histogram('h2', [{ value: 0.5 }, { value: 0.25 }], { stats: false, maxBins: 5 });
    p = chartOf(sink);
    assert.ok(p.kind === 'histogram' && p.stats === undefined && p.counts.length === 5);
    await api.tfvis.render.histogram('h3', new Float32Array([1.5, 2.5]));
    p = chartOf(sink);
    assert.ok(p.kind === 'histogram' && p.counts.reduce((a, b) => a + b, 0) === 2);
  });

  it('heatmap reads values[x][y] (column-major) by default, rows first with rowMajor, and Tensor2D', async () => {
    const { sink, api } = setup();
    const values = [
      [4, 2, 8, 20],
      [1, 7, 2, 10],
      [3, 3, 20, 13],
    ];
    await api.tfvis.render.heatmap(
      'h',
      { values, xTickLabels: ['cheese', 'pig', 'font'], yTickLabels: ['speed', 'smoothness', 'dexterity', 'mana'] },
      { colorMap: 'blues' },
    );
    let p = chartOf(sink);
    assert.ok(p.kind === 'heatmap');
    assert.deepEqual([p.rows, p.cols], [4, 3]);
    assert.deepEqual(p.data.slice(0, 3), [4, 1, 3], 'first row: y = speed across x');
    assert.equal(p.colorMap, 'blues');
    await api.tfvis.render.heatmap('h', { values }, { rowMajor: true });
    p = chartOf(sink);
    assert.ok(p.kind === 'heatmap' && p.rows === 3 && p.cols === 4 && p.data[3] === 20);
    const t = tf.tensor2d(values);
    await api.tfvis.render.heatmap('h', { values: t });
    p = chartOf(sink);
    assert.ok(p.kind === 'heatmap' && p.rows === 4 && p.cols === 3 && p.data[1] === 1);
    t.dispose();
    await assert.rejects(api.tfvis.render.heatmap('h', { values, xTickLabels: ['a'] }), /xTickLabels/);
  });

  it('a 600×600 heatmap is downsampled under the bound', async () => {
    const { sink, api } = setup();
    const values = Array.from({ length: 600 }, (_, i) => Array.from({ length: 600 }, (_, j) => i * j));
    await api.tfvis.render.heatmap('big', { values });
    assert.ok(jsonBytes(sink.shown[0]!.bundle) <= 256 * 1024);
    const p = chartOf(sink);
    assert.ok(p.kind === 'heatmap' && p.rows < 600 && p.data.length === p.rows * p.cols);
  });

  it('confusionMatrix takes {values, tickLabels}', async () => {
    const { sink, api } = setup();
    await api.tfvis.render.confusionMatrix(
      { name: 'cm' },
      {
        values: [
          [5, 1],
          [2, 4],
        ],
        tickLabels: ['no', 'yes'],
      },
    );
    const p = sink.shown[0]!.bundle[MIME.confusionMatrix] as ConfusionMatrixPayload;
    assert.deepEqual(p.classes, ['no', 'yes']);
    assert.deepEqual(p.matrix, [
      [5, 1],
      [2, 4],
    ]);
    assert.equal(p.accuracy, 0.75);
    assert.equal(p.perClass?.[0]!.precision, Number((5 / 7).toPrecision(6)));
  });

  it('table takes {headers, values} with any cells, bounded', async () => {
    const { sink, api } = setup();
    await api.tfvis.render.table('t', {
      headers: ['a', 'b', 'c'],
      values: [
        [1, 'x', null],
        [NaN, true, { k: 1 }],
      ],
    });
    const p = chartOf(sink);
    assert.ok(p.kind === 'table');
    assert.deepEqual(p.rows, [
      [1, 'x', null],
      ['NaN', 'true', '{"k":1}'],
    ]);
    assert.match(sink.shown[0]!.bundle['text/plain'], /a\s+b\s+c/);
    await api.tfvis.render.table('t2', { headers: ['i', 's'], values: Array.from({ length: 50_000 }, (_, i) => [i, 'row '.repeat(20)]) });
    assert.ok(jsonBytes(sink.shown[1]!.bundle) <= 256 * 1024);
    assert.match(sink.shown[1]!.bundle['text/plain'], /more rows/);
  });

  it('escapes titles in SVG', async () => {
    const { sink, api } = setup();
    await api.tfvis.render.barchart({ name: '<b>"A&B"</b>\u0001' }, [{ index: 0, value: 1 }]);
    const svg = String(sink.shown[0]!.bundle['image/svg+xml']);
    assert.ok(svg.includes('&lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt;\ufffd'));
    assert.ok(!svg.includes('<b>') && !svg.includes('\u0001'));
  });
});

describe('tfvis.show', () => {
  it('history accepts a History-like object, Logs[] and Logs[][]', async () => {
    const { sink, api } = setup();
    await api.tfvis.show.history('h', { epoch: [0, 1], history: { loss: [0.9, 0.5], val_loss: [1, 0.7] } }, ['loss', 'val_loss']);
    let p = sink.shown[0]!.bundle[MIME.training] as TrainingPayload;
    assert.deepEqual(p.epochs, [
      { epoch: 1, loss: 0.9, val_loss: 1 },
      { epoch: 2, loss: 0.5, val_loss: 0.7 },
    ]);
    assert.deepEqual(p.metrics, ['loss', 'val_loss']);
    await api.tfvis.show.history(
      'h',
      [
        { loss: 3, acc: 0.1 },
        { loss: 2, acc: 0.2 },
      ],
      ['loss', 'acc'],
    );
    p = sink.shown[1]!.bundle[MIME.training] as TrainingPayload;
    assert.deepEqual(p.epochs, [
      { epoch: 1, loss: 3, acc: 0.1 },
      { epoch: 2, loss: 2, acc: 0.2 },
    ]);
    await api.tfvis.show.history(
      'h',
      [
        [{ loss: 3 }, { loss: 2 }],
        [{ acc: 0.1 }, { acc: 0.2 }],
      ],
      ['loss', 'acc'],
    );
    p = sink.shown[2]!.bundle[MIME.training] as TrainingPayload;
    assert.deepEqual(p.epochs, [
      { epoch: 1, loss: 3, acc: 0.1 },
      { epoch: 2, loss: 2, acc: 0.2 },
    ]);
    assert.equal(sink.shown[2]!.options?.update, true);
  });

  it('perClassAccuracy shows a table like tfjs-vis', async () => {
    const { sink, api } = setup();
    await api.tfvis.show.perClassAccuracy(
      'pca',
      [
        { accuracy: 0.5, count: 2 },
        { accuracy: 1, count: 1 },
      ],
      ['cat', 'dog'],
    );
    assert.deepEqual(chartOf(sink), {
      kind: 'table',
      headers: ['Class', 'Accuracy', '# Samples'],
      rows: [
        ['cat', 0.5, 2],
        ['dog', 1, 1],
      ],
      title: 'pca',
    });
  });

  it('valuesDistribution and layer summarise weights without leaking tensors', async () => {
    const { sink, api } = setup();
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 4 })] });
    const t = tf.tensor1d([0, 0, 1, 2, NaN]);
    const before = tf.memory().numTensors;
    await api.tfvis.show.valuesDistribution('d', t);
    await api.tfvis.show.layer({ name: 'Layer' }, model.layers[0]!);
    assert.equal(tf.memory().numTensors, before);
    const hist = chartOf(sink, 0);
    assert.ok(hist.kind === 'histogram' && hist.stats?.nanCount === 1 && hist.counts.reduce((a, b) => a + b, 0) === 4);
    const table = chartOf(sink, 1);
    assert.ok(table.kind === 'table');
    assert.deepEqual(table.headers, ['Weight Name', 'Shape', 'Min', 'Max', '# Params', '# Zeros', '# NaNs', '# Infinity']);
    assert.equal(table.rows.length, 2);
    assert.deepEqual(table.rows[0]!.slice(1, 2).concat(table.rows[0]!.slice(4)), ['[3,4]', 12, 0, 0, 0]);
    assert.deepEqual(table.rows[1]!.slice(1), ['[4]', 0, 0, 4, 4, 0, 0], 'bias starts at zeros');
    t.dispose();
    model.dispose();
  });
});
