// The report's building blocks without a browser: ANSI colours, escaping of what goes inside
// <script> elements, which MIME type of a bundle is drawn, and the page's shape.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ansiToHtml, stripAnsi } from '../../src/export/ansi';
import { scriptJson } from '../../src/export/escape';
import { buildHtmlReport, stripSourceMap } from '../../src/export/htmlReport';
import { outputHtml, type RichSlot } from '../../src/export/outputHtml';
import type { Notebook } from '../../src/notebook/ipynb';
import { MIME } from '../../src/protocol/mime';

const ESC = String.fromCharCode(27);

describe('report building blocks', () => {
  it('turns ANSI colours into classes and drops other sequences', () => {
    const html = ansiToHtml(`${ESC}[31mred${ESC}[0m plain ${ESC}[1;94mbold blue${ESC}[0m ${ESC}[2K${ESC}]0;title\u0007<tag>`);
    assert.equal(html, '<span class="ansi-red">red</span> plain <span class="ansi-blue ansi-bold">bold blue</span> &lt;tag&gt;');
    assert.equal(stripAnsi(`${ESC}[38;5;200mx${ESC}[0m`), 'x');
  });

  it('keeps </script> and <!-- from ending a JSON script element', () => {
    const text = scriptJson({ a: '</script><script>alert(1)</script><!--' });
    assert.doesNotMatch(text, /<|>/);
    assert.deepEqual(JSON.parse(text), { a: '</script><script>alert(1)</script><!--' });
  });

  it('gives tfnb outputs a slot with their static image, and draws standard types', () => {
    const slots: RichSlot[] = [];
    const rich = outputHtml(
      {
        output_type: 'display_data',
        metadata: {},
        data: { [MIME.chart]: { kind: 'bar', bars: [] }, 'image/png': 'iVBORw0=', 'text/plain': 'chart' },
      },
      slots,
    );
    assert.equal(rich, '<div class="rich" data-tfnb-output="0"><img alt="" src="data:image/png;base64,iVBORw0="></div>');
    assert.deepEqual(slots, [{ mime: MIME.chart, value: { kind: 'bar', bars: [] } }]);
    const html = outputHtml(
      { output_type: 'display_data', metadata: {}, data: { 'text/html': ['<b>', 'x</b>'], 'text/plain': 'x' } },
      slots,
    );
    assert.equal(html, '<div class="html-output"><b>x</b></div>');
    const md = outputHtml({ output_type: 'execute_result', execution_count: 1, metadata: {}, data: { 'text/markdown': '**y**' } }, slots);
    assert.match(md, /<strong>y<\/strong>/);
    const plain = outputHtml({ output_type: 'stream', name: 'stderr', text: ['a <b>\n'] }, slots);
    assert.equal(plain, '<pre class="stream stderr">a &lt;b&gt;\n</pre>');
    assert.equal(slots.length, 1);
  });

  it('builds one page with its payloads, renderer and a strict policy', () => {
    const nb: Notebook = {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {},
      cells: [
        { cell_type: 'markdown', source: '# My title\ntext', metadata: {} },
        {
          cell_type: 'code',
          source: 'x',
          metadata: {},
          execution_count: 3,
          outputs: [{ output_type: 'display_data', metadata: {}, data: { [MIME.tensor]: { shape: [], dtype: 'float32' } } }],
        },
      ],
    };
    const page = buildHtmlReport(nb, {
      rendererCode: 'export const activate = () => ({});\n//# sourceMappingURL=data:application/json;base64,AAAA\n',
    });
    assert.match(page, /<title>My title<\/title>/);
    assert.match(page, /default-src &#39;none&#39;; script-src &#39;nonce-[A-Za-z0-9+/=]+&#39; blob:/);
    assert.match(page, /data-tfnb-output="0"/);
    assert.match(page, /<div class="count">\[3\]<\/div>/);
    assert.doesNotMatch(page, /sourceMappingURL/);
    assert.equal(stripSourceMap('a\n//# sourceMappingURL=x.map\n'), 'a\n');
  });
});
