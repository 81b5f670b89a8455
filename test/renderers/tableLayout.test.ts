// Tables in headless Chromium: text left-aligned, numbers right-aligned, and a box that shows
// every row fully (04-text's table of e-mails sat in a 480 px box with its last row cut).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { usePage } from './harness';
import { CHART } from './fixtures';

const longText = (i: number): string => `Subject: message ${i} ` + 'words that go on and on '.repeat(12);

describe('table layout', () => {
  const page = usePage('dark');

  const layout = (out: string) =>
    page()
      .page.locator(`${out} table`)
      .evaluate((table) => {
        const box = table.parentElement!;
        box.scrollTop = box.scrollHeight; // scrolled to the end, as a reader would
        const rows = table.querySelectorAll('tbody tr');
        const last = rows[rows.length - 1]!.getBoundingClientRect();
        const visible = box.getBoundingClientRect();
        return {
          cells: Array.from(table.querySelectorAll('tbody tr:first-child td')).map((td) => getComputedStyle(td).textAlign),
          heads: Array.from(table.querySelectorAll('thead th')).map((th) => getComputedStyle(th).textAlign),
          boxHeight: box.clientHeight,
          clipped: box.scrollHeight > box.clientHeight,
          lastRowInside: last.top >= visible.top - 0.5 && last.bottom <= visible.top + box.clientHeight + 0.5,
        };
      });

  test('text columns are left-aligned and number columns right-aligned, headers too', async () => {
    const r = page();
    const rows = Array.from({ length: 8 }, (_, i) => [i % 2 ? 'spam' : 'ham', longText(i), i * 1.5]);
    const out = await r.render(CHART, { kind: 'table', headers: ['label', 'text', 'score'], rows });
    const l = await layout(out);
    assert.deepEqual(l.cells, ['left', 'left', 'right']);
    assert.deepEqual(l.heads, ['left', 'left', 'right']);
    await r.screenshot(out, 'table-long-text');
  });

  test('a short table of long rows fits its box: nothing cut, no inner scroll', async () => {
    const r = page();
    const rows = Array.from({ length: 8 }, (_, i) => [i % 2 ? 'spam' : 'ham', longText(i)]);
    const out = await r.render(CHART, { kind: 'table', headers: ['label', 'text'], rows });
    const l = await layout(out);
    assert.ok(l.boxHeight > 480, `8 rows of long text are taller than 480 px: ${l.boxHeight}`);
    assert.equal(l.clipped, false);
    assert.ok(l.lastRowInside);
  });

  test('a long table scrolls in its box, and the last row shows fully at the end', async () => {
    const r = page();
    const rows = Array.from({ length: 60 }, (_, i) => [`row ${i}`, i]);
    const out = await r.render(CHART, { kind: 'table', headers: ['name', 'value'], rows });
    const l = await layout(out);
    assert.equal(l.boxHeight <= 480, true, String(l.boxHeight));
    assert.equal(l.clipped, true);
    assert.ok(l.lastRowInside);
  });
});
