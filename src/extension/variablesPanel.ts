/**
 * Shows one variable's value in a webview panel, drawn by tfnb's own notebook renderer
 * (dist/renderers/index.js) through a small shim of the notebook renderer API: the same
 * heatmap, histogram or model summary a cell's `display(x)` draws, without adding a cell.
 * Bundles without a tfnb MIME type show their image or text.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { MIME, type MimeBundle } from '../protocol/mime';

const TFNB_MIMES = Object.values(MIME).filter((m) => m.startsWith('application/vnd.tfnb.'));

/** The one part of a bundle the panel draws: a tfnb payload, an image, or text. */
export type PanelContent =
  | { kind: 'tfnb'; mime: string; json: string }
  | { kind: 'image'; src: string }
  | { kind: 'text'; text: string }
  | { kind: 'error'; text: string };

export function panelContent(bundle: MimeBundle): PanelContent {
  for (const mime of TFNB_MIMES) {
    const payload = bundle[mime];
    if (payload !== undefined) return { kind: 'tfnb', mime, json: JSON.stringify(payload) };
  }
  const png = bundle['image/png'];
  if (typeof png === 'string') return { kind: 'image', src: `data:image/png;base64,${png}` };
  const svg = bundle['image/svg+xml'];
  if (typeof svg === 'string') return { kind: 'image', src: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}` };
  const text = bundle['text/plain'];
  return { kind: 'text', text: typeof text === 'string' ? text : JSON.stringify(bundle).slice(0, 10_000) };
}

export class VariablePanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;

  constructor(private readonly extensionUri: vscode.Uri) {}

  show(title: string, content: PanelContent): void {
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel(
        'tfnb.variable',
        title,
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
        { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist', 'renderers')] },
      );
      this.panel.onDidDispose(() => (this.panel = undefined));
    } else {
      this.panel.reveal(undefined, true);
    }
    this.panel.title = title;
    this.panel.webview.html = this.html(this.panel.webview, title, content);
  }

  private html(webview: vscode.Webview, title: string, content: PanelContent): string {
    const nonce = randomBytes(16).toString('base64');
    const renderer = webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'renderers', 'index.js'));
    const csp = [
      "default-src 'none'",
      `script-src ${webview.cspSource} 'nonce-${nonce}'`,
      `style-src ${webview.cspSource} 'unsafe-inline'`,
      'img-src data:',
    ].join('; ');
    // JSON inside <script> may not contain "</script>": `<` is escaped.
    const data = JSON.stringify(content).replace(/</g, '\\u003c');
    return `<!DOCTYPE html>
<html lang="en"><head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<title>${escapeHtml(title)}</title>
<style>
  body { padding: 8px 16px; color: var(--vscode-foreground); font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); }
  h2 { font-size: 1.1em; font-weight: 600; margin: 4px 0 10px; font-family: var(--vscode-editor-font-family); }
  pre { font-family: var(--vscode-editor-font-family); white-space: pre-wrap; word-break: break-word; }
  img { max-width: 100%; }
</style>
</head><body>
<h2>${escapeHtml(title)}</h2>
<div id="tfnb-variable-output" class="tfnb-variable-output"></div>
<script type="application/json" id="tfnb-variable-data">${data}</script>
<script type="module" nonce="${nonce}">
  const content = JSON.parse(document.getElementById('tfnb-variable-data').textContent);
  const out = document.getElementById('tfnb-variable-output');
  const pre = (text) => { const p = document.createElement('pre'); p.textContent = text; out.replaceChildren(p); };
  if (content.kind === 'tfnb') {
    try {
      const { activate } = await import(${JSON.stringify(renderer.toString())});
      const api = await activate({ workspace: { isTrusted: true }, setState() {}, getState() { return undefined; } });
      const bytes = new TextEncoder().encode(content.json);
      await api.renderOutputItem({
        id: 'tfnb-variable',
        mime: content.mime,
        metadata: {},
        text: () => content.json,
        json: () => JSON.parse(content.json),
        data: () => bytes,
        blob: () => new Blob([bytes], { type: content.mime }),
      }, out, new AbortController().signal);
    } catch (e) {
      pre('tfnb could not draw this value: ' + (e && e.message ? e.message : String(e)));
    }
  } else if (content.kind === 'image') {
    const img = document.createElement('img');
    img.src = content.src;
    out.replaceChildren(img);
  } else {
    pre(content.text);
  }
</script>
</body></html>`;
  }

  dispose(): void {
    this.panel?.dispose();
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
