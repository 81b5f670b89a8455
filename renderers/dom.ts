/**
 * Small DOM builders. Payload strings only ever reach the page through textContent or
 * setAttribute (never innerHTML), so they cannot inject markup.
 */

export type Child = Node | string | number | null | undefined | false;
export type AttributeValue = string | number | boolean | null | undefined;

export interface ElementOptions {
  class?: string;
  text?: string;
  title?: string;
  attrs?: Record<string, AttributeValue>;
}

function setAttributes(node: Element, attrs: Record<string, AttributeValue> | undefined): void {
  if (!attrs) return;
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    node.setAttribute(name, value === true ? '' : String(value));
  }
}

function appendChildren(node: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

/** Replaces the children of `node` (null/false children are skipped). */
export function fill(node: Element, ...children: Child[]): void {
  node.replaceChildren();
  appendChildren(node, children);
}

/** Creates an HTML element. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  options: ElementOptions = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (options.class) node.className = options.class;
  if (options.title !== undefined) node.title = options.title;
  if (options.text !== undefined) node.textContent = options.text;
  setAttributes(node, options.attrs);
  appendChildren(node, children);
  return node;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Creates an SVG element; `title` becomes a <title> child (the SVG tooltip). */
export function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, AttributeValue> = {},
  title?: string,
): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG_NS, tag);
  setAttributes(node, attrs);
  if (title !== undefined) {
    const t = document.createElementNS(SVG_NS, 'title');
    t.textContent = title;
    node.appendChild(t);
  }
  return node;
}

/** Name of the bubbling event that carries an exception out of an event handler. */
export const DRAW_ERROR_EVENT = 'tfnb-draw-error';

/**
 * addEventListener whose handler's exceptions do not vanish into the console: they bubble
 * up as DRAW_ERROR_EVENT so index.ts can replace the output with the error box.
 */
export function listen<K extends keyof HTMLElementEventMap>(
  node: HTMLElement,
  type: K,
  handler: (event: HTMLElementEventMap[K]) => void,
): void {
  node.addEventListener(type, (event) => {
    try {
      handler(event);
    } catch (error) {
      node.dispatchEvent(new CustomEvent(DRAW_ERROR_EVENT, { bubbles: true, detail: error }));
    }
  });
}

/**
 * True when Ctrl, Alt or Meta is held. Our key handlers act only on plain keys (Shift
 * allowed) and leave the rest alone, unhandled and bubbling: VS Code forwards the keydowns
 * that reach the webview's window to the workbench, so its shortcuts keep working.
 */
export function hasModifier(event: KeyboardEvent): boolean {
  return event.ctrlKey || event.altKey || event.metaKey;
}

export interface SegmentedControl<T extends string> {
  readonly element: HTMLElement;
  set(value: T): void;
}

/**
 * A row of toggle buttons (aria-pressed) choosing one of a few values. Buttons are native,
 * so Tab / Enter / Space work without extra code.
 */
export function segmented<T extends string>(
  label: string,
  options: ReadonlyArray<{ value: T; label: string }>,
  selected: T,
  onChange: (value: T) => void,
): SegmentedControl<T> {
  const group = h('div', { class: 'tfnb-segmented', attrs: { role: 'group', 'aria-label': label } });
  const buttons = options.map((option) => {
    const button = h('button', { text: option.label, attrs: { type: 'button', 'data-value': option.value } });
    listen(button, 'click', () => {
      set(option.value);
      onChange(option.value);
    });
    group.appendChild(button);
    return { value: option.value, button };
  });
  function set(value: T): void {
    for (const b of buttons) b.button.setAttribute('aria-pressed', String(b.value === value));
  }
  set(selected);
  return { element: group, set };
}

/** A labelled checkbox. */
export function checkbox(label: string, checked: boolean, onChange: (checked: boolean) => void): HTMLLabelElement {
  const input = h('input', { attrs: { type: 'checkbox' } });
  input.checked = checked;
  listen(input, 'change', () => onChange(input.checked));
  return h('label', { class: 'tfnb-checkbox' }, input, label);
}

/** The output's heading line: its kind, the payload's title, then muted details. */
export function heading(title: string | undefined, kind: string, ...details: Child[]): HTMLElement {
  return h(
    'div',
    { class: 'tfnb-heading' },
    h('span', { class: 'tfnb-kind', text: kind }),
    // A title that repeats the kind (fitCallbacks({ name: 'Training' })) would read "Training — Training".
    title && title.trim().toLowerCase() !== kind.toLowerCase() ? h('span', { class: 'tfnb-title', text: title }) : null,
    ...details,
  );
}

/**
 * Where a key moves a keyboard cursor at (`row`, `col`) in a `rows` × `cols` grid (heatmaps,
 * the confusion matrix): arrow keys one cell, clamped to the grid; Home the first cell, End the
 * last. Undefined for any other key.
 */
export function gridKeyMove(key: string, row: number, col: number, rows: number, cols: number): [number, number] | undefined {
  const clamp = (value: number, size: number): number => Math.min(size - 1, Math.max(0, value));
  switch (key) {
    case 'ArrowUp':
      return [clamp(row - 1, rows), clamp(col, cols)];
    case 'ArrowDown':
      return [clamp(row + 1, rows), clamp(col, cols)];
    case 'ArrowLeft':
      return [clamp(row, rows), clamp(col - 1, cols)];
    case 'ArrowRight':
      return [clamp(row, rows), clamp(col + 1, cols)];
    case 'Home':
      return [0, 0];
    case 'End':
      return [rows - 1, cols - 1];
    default:
      return undefined;
  }
}
