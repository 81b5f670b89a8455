/**
 * ANSI-coloured text (a traceback, a coloured log line) → escaped HTML: SGR colours and bold become
 * spans with classes the report styles for light and dark; every other escape sequence is dropped.
 */
import { escapeHtml } from './escape';

const NAMES = ['black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white'];
// eslint-disable-next-line no-control-regex -- ANSI escape sequences start with ESC.
const SEQUENCE = /\u001b\[([0-9;]*)([A-Za-z])|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-_]?/g;

export function ansiToHtml(text: string): string {
  let out = '';
  let color: string | undefined;
  let bold = false;
  let last = 0;
  const write = (chunk: string): void => {
    if (!chunk) return;
    const classes = [color ? `ansi-${color}` : '', bold ? 'ansi-bold' : ''].filter(Boolean).join(' ');
    out += classes ? `<span class="${classes}">${escapeHtml(chunk)}</span>` : escapeHtml(chunk);
  };
  for (const m of text.matchAll(SEQUENCE)) {
    write(text.slice(last, m.index));
    last = m.index! + m[0].length;
    if (m[2] !== 'm') continue;
    const codes = (m[1] || '0').split(';').map(Number);
    for (let i = 0; i < codes.length; i++) {
      const c = codes[i]!;
      if (c === 0) {
        color = undefined;
        bold = false;
      } else if (c === 1) bold = true;
      else if (c === 22) bold = false;
      else if (c === 39) color = undefined;
      else if (c >= 30 && c <= 37) color = NAMES[c - 30];
      else if (c >= 90 && c <= 97) color = NAMES[c - 90];
      else if (c === 38 || c === 48) i += codes[i + 1] === 5 ? 2 : codes[i + 1] === 2 ? 4 : 0; // 256-colour / RGB: skipped
    }
  }
  write(text.slice(last));
  return out;
}

/** The text without any ANSI escape sequence. */
export function stripAnsi(text: string): string {
  return text.replace(SEQUENCE, '');
}
