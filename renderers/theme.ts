/**
 * Colours for canvas drawing, read from VS Code's theme variables at draw time (canvas
 * cannot use var(--…)); views redraw when the theme changes (see watchTheme).
 */

export interface ChartColors {
  foreground: string;
  muted: string;
  grid: string;
  background: string;
  /** VS Code's high-contrast themes (body class vscode-high-contrast). */
  highContrast: boolean;
  /** Series colours: charts-blue, -orange, -green, -purple, -red, -yellow. */
  series: string[];
}

let probe: CanvasRenderingContext2D | null = null;

/** Any CSS colour -> [r, g, b, a] (0-255, alpha 0-1) via the canvas's own parser. */
function parseColor(color: string): [number, number, number, number] | null {
  probe ??= document.createElement('canvas').getContext('2d');
  if (!probe) return null;
  probe.fillStyle = '#000';
  probe.fillStyle = color;
  const normalised = probe.fillStyle;
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(normalised);
  if (hex) return [parseInt(hex[1]!, 16), parseInt(hex[2]!, 16), parseInt(hex[3]!, 16), 1];
  const rgba = /^rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)$/.exec(normalised);
  if (rgba) return [Number(rgba[1]), Number(rgba[2]), Number(rgba[3]), rgba[4] === undefined ? 1 : Number(rgba[4])];
  return null;
}

/** The colour with its alpha multiplied by `alpha`. */
export function withAlpha(color: string, alpha: number): string {
  const rgba = parseColor(color);
  if (!rgba) return color;
  return `rgba(${rgba[0]}, ${rgba[1]}, ${rgba[2]}, ${(rgba[3] * alpha).toFixed(3)})`;
}

function cssVariable(element: Element, name: string, fallback: string): string {
  const value = getComputedStyle(element).getPropertyValue(name).trim();
  return value || fallback;
}

export function chartColors(element: Element): ChartColors {
  const foreground = cssVariable(element, '--vscode-foreground', '#cccccc');
  const highContrast = document.body.classList.contains('vscode-high-contrast');
  return {
    foreground,
    highContrast,
    muted: withAlpha(foreground, highContrast ? 1 : 0.75),
    grid: withAlpha(foreground, highContrast ? 0.4 : 0.12),
    background: cssVariable(element, '--vscode-editor-background', '#1e1e1e'),
    series: [
      cssVariable(element, '--vscode-charts-blue', '#3794ff'),
      cssVariable(element, '--vscode-charts-orange', '#d18616'),
      cssVariable(element, '--vscode-charts-green', '#89d185'),
      cssVariable(element, '--vscode-charts-purple', '#b180d7'),
      cssVariable(element, '--vscode-charts-red', '#f14c4c'),
      cssVariable(element, '--vscode-charts-yellow', '#cca700'),
    ],
  };
}

/** The editor font for canvas text ("12px monospace"-style). */
export function canvasFont(element: Element, sizePx = 11): string {
  const family = cssVariable(element, '--vscode-font-family', 'system-ui, sans-serif');
  return `${sizePx}px ${family}`;
}

/**
 * Calls `onChange` (at most once a frame) when VS Code switches theme: it swaps the body's
 * vscode-light/-dark/-high-contrast class and rewrites the variables on <html style>.
 */
export function watchTheme(onChange: () => void): () => void {
  let pending = 0;
  const observer = new MutationObserver(() => {
    if (pending) return;
    pending = requestAnimationFrame(() => {
      pending = 0;
      onChange();
    });
  });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['class', 'style'] });
  if (document.body) observer.observe(document.body, { attributes: true, attributeFilter: ['class', 'style'] });
  return () => observer.disconnect();
}
