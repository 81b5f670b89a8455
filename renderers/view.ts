/** What every output kind's view offers index.ts. */
import type { RendererToKernelMessage } from '../src/protocol/mime';

export interface View<P> {
  /** Redraw with a new payload (display-id update), keeping UI state. */
  update(payload: P): void;
  /** Redraw canvas parts after a theme change (CSS-styled parts follow by themselves). */
  refreshTheme(): void;
  dispose(): void;
}

export interface ViewEnv {
  /** Present when the webview can message the kernel's controller. */
  postMessage?: (message: RendererToKernelMessage) => void;
  /** UI state that outlives a view (e.g. the selected metric of a training run). */
  uiState: Map<string, unknown>;
  /** Id of the output item being drawn. */
  outputId: string;
}

export type CreateView<P> = (host: HTMLElement, payload: P, env: ViewEnv) => View<P>;

/**
 * A view drawn entirely by `render` from the payload it last got (`accept` stores it), styled by
 * CSS alone, so a theme change redraws nothing. Draws once now; `dispose` empties `host`.
 */
export function redrawingView<P>(host: HTMLElement, render: () => void, accept: (payload: P) => void): View<P> {
  render();
  return {
    update(payload) {
      accept(payload);
      render();
    },
    refreshTheme() {},
    dispose() {
      host.replaceChildren();
    },
  };
}
