/**
 * The `tslab` module, for notebooks written for tslab (`import * as tslab from 'tslab'`): its
 * public API (`display`, `newDisplay`, `versions`) drawn through tfnb's outputs. tslab's
 * `display.raw` takes a content type and data (not a bundle as tfnb's does); `newDisplay()` gives
 * a display whose every call after the first replaces its one output, as tslab's does.
 */
import { randomBytes } from 'node:crypto';
import type { MimeBundle } from '../../protocol/mime';
import type { DisplayOptions } from './displayContext';
import type { TslabDisplay, TslabModule } from '../../api/tslab';
export type { TslabDisplay, TslabModule } from '../../api/tslab';

/** The tslab release whose public API this mirrors. */
export const TSLAB_API_VERSION = '1.0.22';

type Show = (bundle: MimeBundle, options?: DisplayOptions) => void;

const PLAIN_TEXT: Record<string, string> = {
  'text/html': '<HTML output>',
  'image/svg+xml': '<SVG image>',
  'image/png': '<PNG image>',
  'image/jpeg': '<JPEG image>',
  'image/gif': '<GIF image>',
  'application/pdf': '<PDF document>',
  'text/javascript': '<JavaScript output>',
};

function createTslabDisplay(show: Show, displayId?: string): TslabDisplay {
  let shown = false;
  const raw = (contentType: string, b: string | Uint8Array): void => {
    if (typeof contentType !== 'string' || contentType === '')
      throw new TypeError(`tslab display.raw takes a content type string first, got ${typeof contentType}`);
    let data: string;
    if (typeof b === 'string') data = b;
    else if (b instanceof Uint8Array) data = Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
    else
      throw new TypeError(
        `tslab display.raw('${contentType}', …) takes a string or bytes (Uint8Array), got ${b === null ? 'null' : typeof b}`,
      );
    const plain =
      contentType === 'text/plain' || contentType === 'text/markdown' || contentType === 'text/latex'
        ? data
        : (PLAIN_TEXT[contentType] ?? `<${contentType}>`);
    const bundle: MimeBundle = { 'text/plain': plain, [contentType]: data };
    // As tslab: a newDisplay() adds its output on the first call and replaces it on later ones.
    show(bundle, displayId === undefined ? undefined : { displayId, update: shown });
    shown = true;
  };
  return {
    javascript: (s) => raw('text/javascript', s),
    html: (s) => raw('text/html', s),
    markdown: (s) => raw('text/markdown', s),
    latex: (s) => raw('text/latex', s),
    svg: (s) => raw('image/svg+xml', s),
    png: (b) => raw('image/png', b),
    jpeg: (b) => raw('image/jpeg', b),
    gif: (b) => raw('image/gif', b),
    pdf: (b) => raw('application/pdf', b),
    text: (s) => raw('text/plain', s),
    raw,
  };
}

export function createTslabModule(show: Show, typescriptVersion: string): TslabModule {
  const mod: TslabModule = {
    display: createTslabDisplay(show),
    newDisplay: () => createTslabDisplay(show, `tslab-${randomBytes(8).toString('hex')}`),
    versions: { tslab: TSLAB_API_VERSION, typescript: typescriptVersion, node: process.version },
    isNode: true,
    isBrowser: false,
    version: TSLAB_API_VERSION,
  };
  mod.default = mod;
  return mod;
}
