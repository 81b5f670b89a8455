// Outputs outside tfnb: an executed sample converted by Jupyter's own nbconvert (`jupyter
// nbconvert --to html`; Debian's 6.5.3 strips everything inside <svg>), opened in Chromium with the
// network cut off, must show every rich output with visible pixels — the PNG fallbacks the kernel
// writes (src/kernel/display/pngFallbacks.ts). Needs nbconvert: scripts/install-test-deps.sh.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { MIME } from '../../src/protocol/mime';
import { CLI_SCRIPT, ROOT, tempDir } from '../helpers/kernel';
import { inkShare } from '../helpers/pixels';
import { noErrors, offlineEnv, readExecuted, type Cell } from '../helpers/samples';
import { ARTIFACTS } from './harness';

function nbconvert(notebook: string): string {
  const r = spawnSync('jupyter', ['nbconvert', '--to', 'html', notebook], { encoding: 'utf8', timeout: 120_000 });
  if (r.error || r.status !== 0)
    assert.fail(`jupyter nbconvert failed (install it with scripts/install-test-deps.sh): ${r.error?.message ?? r.stderr}`);
  return notebook.replace(/\.ipynb$/, '.html');
}

const TFNB_TYPES: string[] = Object.values(MIME);

describe('an executed sample converted with nbconvert', () => {
  let cells: Cell[] = [];
  let html = '';
  let browser: Browser | undefined;

  before(async () => {
    const notebook = join(tempDir('tfnb-nbconvert-'), '02-mnist.ipynb');
    const args = [CLI_SCRIPT, 'run', join(ROOT, 'samples', '02-mnist.ipynb'), '--output', notebook, '-p', 'epochs=1', '-p', 'subset=2000'];
    const r = spawnSync(process.execPath, args, { encoding: 'utf8', env: await offlineEnv(), timeout: 300_000 });
    assert.equal(r.status, 0, r.stderr);
    cells = readExecuted(notebook).cells;
    noErrors(cells);
    html = readFileSync(nbconvert(notebook), 'utf8');
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  });

  after(async () => {
    await browser?.close();
  });

  it('the kernel wrote PNGs, not SVGs, for the final rich outputs', () => {
    const rich = cells.flatMap((c) => c.outputs ?? []).filter((o) => Object.keys(o.data ?? {}).some((k) => TFNB_TYPES.includes(k)));
    assert.ok(rich.length >= 5, `tensor, model, training, confusion matrix, table: got ${rich.length}`);
    for (const o of rich) {
      assert.equal(typeof o.data!['image/png'], 'string', `a PNG beside ${Object.keys(o.data!).join(', ')}`);
      assert.equal(o.data!['image/svg+xml'], undefined, 'nbconvert 6.5 would prefer the SVG, and strip it');
    }
  });

  it('every output drawn by nbconvert has visible pixels', async () => {
    const page = await browser!.newPage({ viewport: { width: 1100, height: 900 } });
    const fetched: string[] = [];
    // nbconvert's page loads require.js and MathJax: refuse every request, none is needed to draw.
    await page.route('**/*', (route) => {
      fetched.push(route.request().url());
      return route.abort();
    });
    await page.setContent(html, { waitUntil: 'load' });
    const outputs = page.locator('.jp-OutputArea-output:not(.jp-RenderedText)');
    const count = await outputs.count();
    assert.ok(count >= 6, `images and HTML outputs: got ${count}`);
    mkdirSync(ARTIFACTS, { recursive: true });
    for (let i = 0; i < count; i++) {
      const output = outputs.nth(i);
      const box = await output.boundingBox();
      assert.ok(box && box.width > 20 && box.height > 20, `output ${i} has a size`);
      const shot = await output.screenshot({ path: join(ARTIFACTS, `nbconvert-output-${i}.png`) });
      const ink = inkShare(new Uint8Array(shot));
      assert.ok(
        ink > 0.02,
        `output ${i} (${await output.getAttribute('class')}) shows something: ${(ink * 100).toFixed(2)} % of its pixels are not background`,
      );
    }
    await page.close();
  });
});
