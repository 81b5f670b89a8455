/**
 * The report's CSS: VS Code's theme variables (the renderer reads them) for Light Modern and Dark
 * Modern, chosen by the reader's `prefers-color-scheme`, and the page around the cells.
 */
const COMMON: Record<string, string> = {
  '--vscode-font-family': "system-ui, -apple-system, 'Segoe UI', 'DejaVu Sans', sans-serif",
  '--vscode-font-size': '13px',
  '--vscode-editor-font-family': "ui-monospace, Menlo, Consolas, 'DejaVu Sans Mono', monospace",
};

export const LIGHT: Record<string, string> = {
  '--vscode-foreground': '#3b3b3b',
  '--vscode-editor-background': '#ffffff',
  '--vscode-descriptionForeground': '#717171',
  '--vscode-charts-blue': '#1a85ff',
  '--vscode-charts-orange': '#d18616',
  '--vscode-charts-green': '#388a34',
  '--vscode-charts-purple': '#652d90',
  '--vscode-charts-red': '#e51400',
  '--vscode-charts-yellow': '#bf8803',
  '--vscode-button-background': '#005fb8',
  '--vscode-button-foreground': '#ffffff',
  '--vscode-button-hoverBackground': '#0258a8',
  '--vscode-button-secondaryBackground': '#e5e5e5',
  '--vscode-button-secondaryForeground': '#3b3b3b',
  '--vscode-button-secondaryHoverBackground': '#cccccc',
  '--vscode-button-border': '#0000001a',
  '--vscode-focusBorder': '#005fb8',
  '--vscode-dropdown-background': '#ffffff',
  '--vscode-dropdown-foreground': '#3b3b3b',
  '--vscode-dropdown-border': '#cecece',
  '--vscode-editorWidget-border': '#c8c8c8',
  '--vscode-inputValidation-errorBackground': '#f2dede',
  '--vscode-inputValidation-errorBorder': '#be1100',
  '--vscode-errorForeground': '#a1260d',
  '--vscode-editorWarning-foreground': '#bf8803',
  '--vscode-progressBar-background': '#005fb8',
  '--vscode-checkbox-selectBackground': '#ffffff',
  // The page's own colours.
  '--report-cell-background': '#f8f8f8',
  '--report-border': '#e5e5e5',
  '--ansi-black': '#000000',
  '--ansi-red': '#cd3131',
  '--ansi-green': '#107c10',
  '--ansi-yellow': '#949800',
  '--ansi-blue': '#0451a5',
  '--ansi-magenta': '#bc05bc',
  '--ansi-cyan': '#0598bc',
  '--ansi-white': '#555555',
};

export const DARK: Record<string, string> = {
  '--vscode-foreground': '#cccccc',
  '--vscode-editor-background': '#1f1f1f',
  '--vscode-descriptionForeground': '#9d9d9d',
  '--vscode-charts-blue': '#3794ff',
  '--vscode-charts-orange': '#d18616',
  '--vscode-charts-green': '#89d185',
  '--vscode-charts-purple': '#b180d7',
  '--vscode-charts-red': '#f14c4c',
  '--vscode-charts-yellow': '#cca700',
  '--vscode-button-background': '#0078d4',
  '--vscode-button-foreground': '#ffffff',
  '--vscode-button-hoverBackground': '#026ec1',
  '--vscode-button-secondaryBackground': '#313131',
  '--vscode-button-secondaryForeground': '#cccccc',
  '--vscode-button-secondaryHoverBackground': '#3c3c3c',
  '--vscode-button-border': '#ffffff12',
  '--vscode-focusBorder': '#0078d4',
  '--vscode-dropdown-background': '#313131',
  '--vscode-dropdown-foreground': '#cccccc',
  '--vscode-dropdown-border': '#3c3c3c',
  '--vscode-editorWidget-border': '#454545',
  '--vscode-inputValidation-errorBackground': '#5a1d1d',
  '--vscode-inputValidation-errorBorder': '#be1100',
  '--vscode-errorForeground': '#f85149',
  '--vscode-editorWarning-foreground': '#cca700',
  '--vscode-progressBar-background': '#0078d4',
  '--vscode-checkbox-selectBackground': '#313131',
  '--report-cell-background': '#181818',
  '--report-border': '#2b2b2b',
  '--ansi-black': '#808080',
  '--ansi-red': '#f14c4c',
  '--ansi-green': '#23d18b',
  '--ansi-yellow': '#f5f543',
  '--ansi-blue': '#3b8eea',
  '--ansi-magenta': '#d670d6',
  '--ansi-cyan': '#29b8db',
  '--ansi-white': '#e5e5e5',
};

const block = (vars: Record<string, string>): string =>
  Object.entries(vars)
    .map(([k, v]) => `${k}: ${v};`)
    .join(' ');

export function reportCss(): string {
  const ansi = ['black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white']
    .map((c) => `.ansi-${c} { color: var(--ansi-${c}); }`)
    .join('\n');
  return `
:root { color-scheme: light dark; ${block(COMMON)} ${block(LIGHT)} }
@media (prefers-color-scheme: dark) { :root { ${block(DARK)} } }
body { margin: 0; background: var(--vscode-editor-background); color: var(--vscode-foreground);
  font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); line-height: 1.45; }
main { max-width: 1000px; margin: 0 auto; padding: 16px 24px 48px; }
.cell { margin: 14px 0; }
.cell.code .source { background: var(--report-cell-background); border: 1px solid var(--report-border); border-radius: 4px;
  padding: 8px 12px; margin: 0; overflow-x: auto; }
.cell .count { color: var(--vscode-descriptionForeground); font: 11px var(--vscode-editor-font-family); margin-bottom: 2px; }
pre, code { font-family: var(--vscode-editor-font-family); font-size: 12.5px; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; }
.outputs { padding: 4px 0 0 12px; }
.outputs > * { margin: 4px 0; }
.outputs pre { margin: 4px 0; }
.outputs img { max-width: 100%; }
.stream.stderr { color: var(--vscode-editorWarning-foreground); }
.error { color: var(--vscode-errorForeground); border-left: 3px solid var(--vscode-errorForeground); padding-left: 8px; }
.muted { color: var(--vscode-descriptionForeground); }
.markdown table, .html-output table { border-collapse: collapse; }
.markdown th, .markdown td { border: 1px solid var(--report-border); padding: 3px 8px; }
.markdown pre { background: var(--report-cell-background); padding: 8px 12px; border-radius: 4px; overflow-x: auto; }
.markdown a { color: var(--vscode-charts-blue); }
.ansi-bold { font-weight: bold; }
${ansi}
footer { color: var(--vscode-descriptionForeground); font-size: 11px; margin-top: 32px; }
`;
}
