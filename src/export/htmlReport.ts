/**
 * A notebook → one self-contained HTML file: markdown cells rendered, code cells' source, and every
 * output drawn as VS Code shows it. tfnb's outputs are drawn by tfnb's own renderer, inlined
 * (interactive: toggles, zoom, hover), and the page needs no network: its Content-Security-Policy
 * allows only its own script, blob: (the renderer), data: images and inline styles.
 */
import { randomBytes } from 'node:crypto';
import { sourceText, type Notebook } from '../notebook/ipynb';
import { escapeHtml, scriptJson } from './escape';
import { markdownHtml, outputHtml, type RichSlot } from './outputHtml';
import { REPORT_SCRIPT } from './reportScript';
import { reportCss } from './reportStyles';

export interface ReportOptions {
  /** The renderer bundle (dist/renderers/index.js), an ES module exporting activate(). */
  rendererCode: string;
  /** The page's title (default: the notebook's first heading, else "Notebook"). */
  title?: string;
  /** A line in the footer, e.g. where the report came from. */
  footer?: string;
}

/** The bundle without its source map (an inline map triples its size and serves no reader). */
export function stripSourceMap(code: string): string {
  return code.replace(/\n\/\/# sourceMappingURL=\S*\s*$/, '\n');
}

function firstHeading(nb: Notebook): string | undefined {
  for (const cell of nb.cells) {
    if (cell.cell_type !== 'markdown') continue;
    const m = /^#{1,6}\s+(.+)$/m.exec(sourceText(cell.source));
    if (m) return m[1]!.trim();
  }
  return undefined;
}

export function buildHtmlReport(nb: Notebook, options: ReportOptions): string {
  const nonce = randomBytes(16).toString('base64');
  const slots: RichSlot[] = [];
  const cells = nb.cells.map((cell) => {
    const source = sourceText(cell.source);
    if (cell.cell_type === 'markdown') return `<section class="cell markdown">${markdownHtml(source)}</section>`;
    if (cell.cell_type === 'raw') return `<section class="cell raw"><pre>${escapeHtml(source)}</pre></section>`;
    const count = typeof cell.execution_count === 'number' ? `[${cell.execution_count}]` : '[ ]';
    const outputs = (cell.outputs ?? []).map((o) => outputHtml(o, slots)).join('\n');
    return (
      `<section class="cell code"><div class="count">${count}</div>` +
      `<pre class="source"><code>${escapeHtml(source)}</code></pre>` +
      (outputs ? `<div class="outputs">${outputs}</div>` : '') +
      '</section>'
    );
  });
  const title = options.title ?? firstHeading(nb) ?? 'Notebook';
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}' blob:`,
    "style-src 'unsafe-inline'",
    'img-src data: blob:',
    'media-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="tfnb export">
<title>${escapeHtml(title)}</title>
<style>${reportCss()}</style>
</head>
<body class="vscode-light">
<main>
${cells.join('\n')}
${options.footer ? `<footer>${escapeHtml(options.footer)}</footer>` : ''}
</main>
<script type="application/json" id="tfnb-payloads">${scriptJson(slots)}</script>
<script type="application/json" id="tfnb-renderer">${scriptJson(stripSourceMap(options.rendererCode))}</script>
<script type="module" nonce="${nonce}">${REPORT_SCRIPT}</script>
</body></html>
`;
}
