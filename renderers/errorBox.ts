/** The readable box shown instead of an output that could not be drawn. */
import { h } from './dom';
import { PayloadError } from './validate';

function reason(error: unknown): string {
  if (error instanceof PayloadError) return error.message;
  if (error instanceof SyntaxError) return `The output is not valid JSON (${error.message}).`;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

export function errorBox(mime: string, error: unknown): HTMLElement {
  const invalid = error instanceof PayloadError || error instanceof SyntaxError;
  return h(
    'div',
    { class: 'tfnb-error', attrs: { role: 'alert' } },
    h('div', {
      class: 'tfnb-error-title',
      text: invalid ? 'tfnb: this output is malformed and cannot be drawn' : 'tfnb: drawing this output failed',
    }),
    h('div', { class: 'tfnb-error-reason', text: reason(error) }),
    h('div', { class: 'tfnb-error-mime', text: mime }),
  );
}
