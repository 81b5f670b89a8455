/**
 * The Compare Runs webview: a page whose script is dist/renderers/compare.js (renderers/
 * compareEntry.ts), given the chosen runs as JSON in the page; nothing else loads (a strict CSP).
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { RunRecord } from '../runs/runRecord';

const VIEW_TYPE = 'tfnb.compareRuns';

export function showCompareRuns(extensionUri: vscode.Uri, title: string, runs: readonly RunRecord[]): vscode.WebviewPanel {
  const scripts = vscode.Uri.joinPath(extensionUri, 'dist', 'renderers');
  const panel = vscode.window.createWebviewPanel(VIEW_TYPE, title, vscode.ViewColumn.Active, {
    enableScripts: true,
    localResourceRoots: [scripts],
    retainContextWhenHidden: true,
  });
  const nonce = randomBytes(16).toString('base64');
  const script = panel.webview.asWebviewUri(vscode.Uri.joinPath(scripts, 'compare.js'));
  const payload = {
    runs: runs.map(({ id, name, status, parameters, metrics, series }) => ({ id, name, status, parameters, metrics, series })),
  };
  // `<` escaped: a run's name cannot end the script element.
  const json = JSON.stringify(payload).replace(/</g, '\\u003c');
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}' ${panel.webview.cspSource}`,
    `style-src 'unsafe-inline' ${panel.webview.cspSource}`,
    'img-src data:',
  ].join('; ');
  panel.webview.html = `<!doctype html>
<html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${csp}">
<style>body { padding: 8px 16px; } #tfnb-compare > * { margin-bottom: 16px; }</style>
<title>${escapeHtml(title)}</title></head>
<body><div id="tfnb-compare"></div>
<script type="application/json" id="tfnb-compare-data">${json}</script>
<script type="module" nonce="${nonce}" src="${script.toString()}"></script>
</body></html>`;
  return panel;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}
