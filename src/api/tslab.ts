/**
 * The `tslab` module cells may import (notebooks written for tslab): tslab's public API, drawn
 * through tfnb's outputs. The kernel's implementation is src/kernel/display/tslab.ts. Types only.
 */

/** tslab's `Display` interface (tslab/src/public.ts). */
export interface TslabDisplay {
  javascript(s: string): void;
  html(s: string): void;
  markdown(s: string): void;
  latex(s: string): void;
  svg(s: string): void;
  png(b: Uint8Array): void;
  jpeg(b: Uint8Array): void;
  gif(b: Uint8Array): void;
  pdf(b: Uint8Array): void;
  text(s: string): void;
  raw(contentType: string, b: string | Uint8Array): void;
}

export interface TslabModule {
  /**
   * Shows output in the running cell.
   * @example tslab.display.html('<b>hello</b>');
   */
  display: TslabDisplay;
  /**
   * A display whose every call after the first replaces its one output.
   * @example const d = tslab.newDisplay(); d.text('1/3'); d.text('2/3');
   */
  newDisplay(): TslabDisplay;
  versions: { tslab: string; typescript: string; node: string };
  /** tfnb runs every cell in Node.js (tslab's `%browser` cells have no counterpart). */
  isNode: boolean;
  isBrowser: boolean;
  /** The tslab version whose API this module follows. */
  version: string;
  default?: TslabModule;
}
