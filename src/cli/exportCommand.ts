/**
 * `tfnb export NOTEBOOK.ipynb --to html [-o REPORT.html]`: the notebook as one self-contained HTML
 * file (src/export/htmlReport.ts), its outputs as saved (run it first: `tfnb run`). Exit codes:
 * 0 written; 2 bad arguments, an unreadable or malformed notebook, or a file that cannot be written.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseCommandLine } from './commandLine';
import { buildHtmlReport } from '../export/htmlReport';
import { readNotebookFile, writeFileAtomic } from '../notebook/ipynb';
import { formatBytes } from '../shared/formatBytes';

export const EXPORT_USAGE = 'tfnb export NOTEBOOK.ipynb --to html [-o REPORT.html]';

/** The renderer bundle beside the CLI's (dist/renderers/index.js, built by scripts/build.mjs). */
function rendererPath(): string {
  return join(__dirname, 'renderers', 'index.js');
}

export function exportCommand(args: string[]): number {
  const parsed = parseCommandLine(
    args,
    { to: { type: 'string', default: 'html' }, output: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h' } },
    `usage: ${EXPORT_USAGE}`,
  );
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const [input, ...extra] = positionals;
  if (!input || extra.length) {
    console.error(`usage: ${EXPORT_USAGE}`);
    return 2;
  }
  if (values.to !== 'html') {
    console.error(`tfnb: --to ${values.to}: only html is supported`);
    return 2;
  }
  const output = values.output ?? input.replace(/(\.ipynb)?$/i, '.html');
  const renderer = rendererPath();
  if (!existsSync(renderer)) {
    console.error(`tfnb: the renderer bundle is missing (${renderer}); build tfnb first (npm run build)`);
    return 2;
  }
  try {
    const nb = readNotebookFile(input);
    const html = buildHtmlReport(nb, {
      rendererCode: readFileSync(renderer, 'utf8'),
      footer: `Exported from ${basename(input)} by tfnb.`,
    });
    writeFileAtomic(output, html);
    console.log(`wrote ${output} (${formatBytes(Buffer.byteLength(html))})`);
    return 0;
  } catch (e) {
    console.error(`tfnb: ${(e as Error).message}`);
    return 2;
  }
}
