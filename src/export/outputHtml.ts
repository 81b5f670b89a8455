/**
 * One notebook output → HTML for the report. tfnb's own types become an empty slot the inlined
 * renderer draws into (with the static image inside until it does); the standard types are
 * drawn here, as VS Code shows them: the richest type of a bundle wins.
 */
import { marked } from 'marked';
import type { NbOutput } from '../notebook/ipynb';
import { MIME } from '../protocol/mime';
import { ansiToHtml } from './ansi';
import { escapeHtml } from './escape';

const TFNB_TYPES: readonly string[] = Object.values(MIME);

/** In the order VS Code's built-in renderers prefer them. */
const STANDARD_ORDER = [
  'text/html',
  'image/svg+xml',
  'image/png',
  'image/jpeg',
  'image/gif',
  'text/markdown',
  'application/json',
  'text/plain',
];

export interface RichSlot {
  mime: string;
  value: unknown;
}

const joined = (v: unknown): string => (Array.isArray(v) ? v.join('') : typeof v === 'string' ? v : JSON.stringify(v));

function base64Of(v: unknown): string {
  return joined(v).replace(/\s+/g, '');
}

/** Markdown → HTML (cells and text/markdown outputs). */
export function markdownHtml(source: string): string {
  return marked.parse(source, { async: false, gfm: true });
}

/** The HTML of one MIME type's data, or undefined for a type the report does not draw. */
function standardHtml(mime: string, value: unknown): string | undefined {
  switch (mime) {
    case 'text/html':
      return `<div class="html-output">${joined(value)}</div>`;
    case 'image/svg+xml':
      // As an image, not inline: an SVG's own scripts and styles stay inside it.
      return `<img alt="" src="data:image/svg+xml;base64,${Buffer.from(joined(value)).toString('base64')}">`;
    case 'image/png':
    case 'image/jpeg':
    case 'image/gif':
      return `<img alt="" src="data:${mime};base64,${base64Of(value)}">`;
    case 'text/markdown':
      return `<div class="markdown">${markdownHtml(joined(value))}</div>`;
    case 'application/json':
      return `<pre class="json">${escapeHtml(JSON.stringify(value, null, 2) ?? 'undefined')}</pre>`;
    case 'text/plain':
      return `<pre>${ansiToHtml(joined(value))}</pre>`;
    default:
      return undefined;
  }
}

/**
 * `slots` collects the tfnb payloads; the slot's index goes into the HTML so the page's script
 * finds its payload.
 */
export function outputHtml(output: NbOutput, slots: RichSlot[]): string {
  switch (output.output_type) {
    case 'stream':
      return `<pre class="stream ${output.name === 'stderr' ? 'stderr' : 'stdout'}">${ansiToHtml(joined(output.text))}</pre>`;
    case 'error': {
      const text = output.traceback?.length ? output.traceback.join('\n') : `${output.ename}: ${output.evalue}`;
      return `<pre class="error">${ansiToHtml(text)}</pre>`;
    }
    case 'display_data':
    case 'execute_result': {
      const data = output.data ?? {};
      const rich = Object.keys(data).find((k) => TFNB_TYPES.includes(k));
      const fallbackMime = STANDARD_ORDER.find((m) => data[m] !== undefined);
      const fallback = fallbackMime ? (standardHtml(fallbackMime, data[fallbackMime]) ?? '') : '';
      if (rich) {
        slots.push({ mime: rich, value: data[rich] });
        return `<div class="rich" data-tfnb-output="${slots.length - 1}">${fallback}</div>`;
      }
      return fallback || `<pre class="muted">[${escapeHtml(Object.keys(data).join(', ') || 'empty output')}]</pre>`;
    }
    default:
      return '';
  }
}
