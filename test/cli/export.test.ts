// `tfnb export --to html`: a notebook executed by the real `tfnb run` becomes one HTML file that,
// opened in Chromium with every request refused, draws each output kind — tfnb's own outputs by the
// inlined renderer (interactive), the standard types as VS Code shows them — in the reader's light
// or dark scheme, and fetches nothing.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CLI_SCRIPT, ROOT, tempDir } from '../helpers/kernel';
import { offlineEnv } from '../helpers/samples';
import { ARTIFACTS } from '../renderers/harness';
import { inkShare } from '../helpers/pixels';

const CELLS: Array<[type: 'code' | 'markdown', source: string]> = [
  ['markdown', '# Report test\n\nSome **bold** text and a list:\n\n* one\n* two\n\n| a | b |\n|---|---|\n| 1 | 2 |'],
  ['code', 'console.log("to stdout");\nconsole.error("to stderr");'],
  ['code', 'display(tf.linspace(0, 1, 64).reshape([8, 8]))'],
  [
    'code',
    'const model = tf.sequential({ layers: [tf.layers.dense({ units: 4, inputShape: [3], activation: "relu" }), tf.layers.dense({ units: 1 })] });\nmodel.compile({ optimizer: "adam", loss: "meanSquaredError" });\nmodel',
  ],
  [
    'code',
    'const xs = tf.randomNormal([64, 3]), ys = tf.randomNormal([64, 1]);\nawait model.fit(xs, ys, { epochs: 3, batchSize: 16, callbacks: tfvis.show.fitCallbacks({ name: "Training" }, ["loss"]) });',
  ],
  [
    'code',
    'await tfvis.render.linechart({ name: "A line" }, { values: [[{ x: 0, y: 1 }, { x: 1, y: 3 }, { x: 2, y: 2 }]], series: ["s"] });',
  ],
  ['code', 'await tfvis.render.confusionMatrix({ name: "Confusion" }, { values: [[5, 1], [2, 7]], tickLabels: ["cat", "dog"] });'],
  ['code', 'display.html("<b id=\\"user-html\\">HTML output</b>");\ndisplay.markdown("*markdown* output with `code`");'],
  [
    'code',
    'display.svg("<svg xmlns=\\"http://www.w3.org/2000/svg\\" width=\\"60\\" height=\\"30\\"><rect width=\\"60\\" height=\\"30\\" fill=\\"#c00\\"/></svg>");',
  ],
  ['code', 'display.png(await tf.node.encodePng(tf.fill([16, 16, 3], 200, "int32")));\ndisplay.json({ answer: 42, list: [1, 2] });'],
  ['code', 'throw new RangeError("this cell fails on purpose");'],
];

function writeNotebook(dir: string): string {
  const path = join(dir, 'report.ipynb');
  const cells = CELLS.map(([cell_type, source]) =>
    cell_type === 'code' ? { cell_type, source, metadata: {}, outputs: [], execution_count: null } : { cell_type, source, metadata: {} },
  );
  const nb = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'tfnb', display_name: 'TypeScript (tfnb)', language: 'typescript' } },
    cells,
  };
  writeFileSync(path, JSON.stringify(nb));
  return path;
}

function cli(args: string[], env?: NodeJS.ProcessEnv): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI_SCRIPT, ...args], { encoding: 'utf8', env: env ?? process.env, timeout: 300_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface Loaded {
  page: Page;
  requests: string[];
  errors: string[];
}

async function load(browser: Browser, html: string, colorScheme: 'light' | 'dark'): Promise<Loaded> {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 }, colorScheme });
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('request', (r) => {
    if (!/^(data|blob):/.test(r.url())) requests.push(r.url());
  });
  await page.route('**/*', (route) => {
    requests.push(route.request().url());
    return route.abort();
  });
  await page.setContent(html, { waitUntil: 'load' });
  await page.waitForFunction(() => document.body.dataset.tfnbReady === 'true', undefined, { timeout: 60_000 });
  return { page, requests, errors };
}

describe('tfnb export --to html', () => {
  let html = '';
  let sampleHtml = '';
  let browser: Browser | undefined;

  before(async () => {
    const dir = tempDir('tfnb-export-');
    const notebook = writeNotebook(dir);
    const executed = join(dir, 'executed.ipynb');
    const run = cli(['run', notebook, '--output', executed]);
    assert.equal(run.status, 1, `the last cell fails on purpose: ${run.stderr}`);
    const out = join(dir, 'out', 'report.html');
    mkdirSync(join(dir, 'out'));
    const exported = cli(['export', executed, '--to', 'html', '-o', out]);
    assert.equal(exported.status, 0, exported.stderr);
    assert.match(exported.stdout, /wrote .*report\.html/);
    html = readFileSync(out, 'utf8');

    const sample = join(dir, '02-mnist.ipynb');
    const sampleRun = cli(
      ['run', join(ROOT, 'samples', '02-mnist.ipynb'), '--output', sample, '-p', 'epochs=1', '-p', 'subset=2000'],
      await offlineEnv(),
    );
    assert.equal(sampleRun.status, 0, sampleRun.stderr);
    assert.equal(cli(['export', sample]).status, 0, 'the default output is beside the notebook');
    sampleHtml = readFileSync(join(dir, '02-mnist.html'), 'utf8');
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  });

  after(async () => {
    await browser?.close();
  });

  it('is one file that references nothing outside itself', () => {
    assert.doesNotMatch(html, /<(script|link|img|iframe)[^>]+(src|href)="(?!data:)/i);
    assert.match(html, /Content-Security-Policy/);
  });

  it('draws every output kind, fetching nothing, in the light scheme', async () => {
    const { page, requests, errors } = await load(browser!, html, 'light');
    // tfnb's outputs: tensor, model summary, live training, the fit's History (the cell's result),
    // line chart, confusion matrix — by the renderer.
    const slots = page.locator('[data-tfnb-output]');
    assert.equal(await slots.count(), 6);
    mkdirSync(ARTIFACTS, { recursive: true });
    for (let i = 0; i < 6; i++) {
      const slot = slots.nth(i);
      assert.equal(await slot.getAttribute('data-drawn'), 'true', `output ${i} drawn`);
      assert.equal(await slot.locator('.tfnb-output').count(), 1, `output ${i} is the renderer's view`);
      assert.equal(await slot.locator('.tfnb-error').count(), 0, `output ${i} has no error box`);
      const shot = await slot.screenshot({ path: join(ARTIFACTS, `export-light-${i}.png`) });
      assert.ok(inkShare(new Uint8Array(shot)) > 0.02, `output ${i} shows something`);
    }
    assert.ok((await page.locator('[data-tfnb-output] canvas').count()) > 0, 'charts are canvases (uPlot, heatmaps): drawn live');
    // The renderer is interactive: its toggles are buttons.
    assert.ok((await page.locator('[data-tfnb-output] button').count()) > 0);
    // Standard types.
    assert.equal(await page.locator('.cell.markdown strong').first().textContent(), 'bold');
    assert.equal(await page.locator('.cell.markdown table td').count(), 2);
    assert.match((await page.locator('.cell.code .source').nth(0).textContent()) ?? '', /console\.log\("to stdout"\)/);
    assert.equal((await page.locator('pre.stream.stdout').first().textContent())?.trim(), 'to stdout');
    assert.equal((await page.locator('pre.stream.stderr').first().textContent())?.trim(), 'to stderr');
    assert.equal(await page.locator('.html-output #user-html').textContent(), 'HTML output');
    assert.equal(await page.locator('.outputs .markdown em').textContent(), 'markdown');
    const images = page.locator('.outputs > img');
    assert.equal(await images.count(), 2, 'the SVG and the PNG');
    for (let i = 0; i < 2; i++)
      assert.ok((await images.nth(i).evaluate((img: HTMLImageElement) => img.naturalWidth)) > 0, `image ${i} decoded`);
    assert.deepEqual(JSON.parse((await page.locator('pre.json').textContent()) ?? ''), { answer: 42, list: [1, 2] });
    const error = (await page.locator('pre.error').textContent()) ?? '';
    assert.match(error, /RangeError: this cell fails on purpose/);
    assert.ok(!error.includes(String.fromCharCode(27)), 'ANSI sequences are turned into colours, not shown');
    assert.deepEqual(requests, [], 'nothing fetched');
    assert.deepEqual(errors, [], 'no errors in the page (a CSP violation is one)');
    assert.equal(await page.evaluate(() => document.body.className), 'vscode-light');
    await page.screenshot({ path: join(ARTIFACTS, 'export-report-light.png'), fullPage: true });
    await page.close();
  });

  it("follows the reader's dark scheme", async () => {
    const { page, requests, errors } = await load(browser!, html, 'dark');
    assert.equal(await page.evaluate(() => document.body.className), 'vscode-dark');
    assert.equal(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), 'rgb(31, 31, 31)');
    assert.equal(await page.locator('[data-tfnb-output][data-drawn="true"]').count(), 6);
    await page.screenshot({ path: join(ARTIFACTS, 'export-report-dark.png'), fullPage: true });
    // Switching scheme while open: the classes follow, so the renderer redraws its canvases.
    await page.emulateMedia({ colorScheme: 'light' });
    await page.waitForFunction(() => document.body.className === 'vscode-light');
    assert.deepEqual(requests, []);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('draws every tfnb output of an executed sample (02-mnist)', async () => {
    const { page, requests, errors } = await load(browser!, sampleHtml, 'light');
    const slots = page.locator('[data-tfnb-output]');
    const count = await slots.count();
    assert.ok(count >= 4, `model, training, confusion matrix, table: ${count}`);
    assert.equal(await page.locator('[data-tfnb-output][data-drawn="true"]').count(), count);
    assert.equal(await page.locator('.tfnb-error').count(), 0);
    assert.ok((await page.locator('.outputs img').count()) >= 32, 'display.images keeps its tiles');
    // README's picture of a report: the training chart of the tutorial, as a reader first sees it.
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.locator('[data-tfnb-output][data-drawn="true"]').nth(1).scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(ARTIFACTS, 'export-02-mnist.png') });
    assert.deepEqual(requests, []);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('refuses what it cannot do, with exit code 2', () => {
    const dir = tempDir('tfnb-export-bad-');
    const notebook = writeNotebook(dir);
    assert.equal(cli(['export', notebook, '--to', 'pdf']).status, 2);
    assert.equal(cli(['export']).status, 2);
    writeFileSync(join(dir, 'broken.ipynb'), '{ not json');
    const broken = cli(['export', join(dir, 'broken.ipynb')]);
    assert.equal(broken.status, 2);
    assert.match(broken.stderr, /tfnb: /);
  });
});
