/**
 * Test harness for the notebook renderer in real headless Chromium: bundles
 * renderers/index.ts with esbuild (the options of scripts/build.mjs), serves it to a page
 * themed with VS Code's CSS variables, calls the exported activate(context) and feeds
 * output items to renderOutputItem like VS Code's webview does.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { DARK, LIGHT } from '../../src/export/reportStyles';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
export const ARTIFACTS = join(root, '.test-artifacts/renderers');
const ORIGIN = 'http://tfnb.test';
/** Marks the harness's own inline scripts, so a page under a strict CSP can still run them. */
export const HARNESS_NONCE = 'tfnb-harness-nonce';

/**
 * Stricter than the Content-Security-Policy of VS Code's notebook webview (which allows
 * 'unsafe-eval', https: images and fonts): scripts only from the page's own origin (the
 * renderer bundle) and the harness's nonce, no eval, no network, no frames, images only
 * from data: URLs, and Trusted Types enforced so no string can reach an HTML or script sink.
 * Inline styles stay allowed, as in VS Code (the renderer injects its stylesheet).
 */
export const STRICT_CSP = [
  "default-src 'none'",
  `script-src 'self' 'nonce-${HARNESS_NONCE}'`,
  "style-src 'unsafe-inline'",
  'img-src data:',
  "font-src 'none'",
  "connect-src 'none'",
  "media-src 'none'",
  "object-src 'none'",
  "frame-src 'none'",
  "worker-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "require-trusted-types-for 'script'",
  "trusted-types 'none'",
].join('; ');

export type Theme = 'dark' | 'light' | 'high-contrast';

const COMMON_VARS: Record<string, string> = {
  '--vscode-font-family': "system-ui, 'Segoe UI', 'DejaVu Sans', sans-serif",
  '--vscode-font-size': '13px',
  '--vscode-editor-font-family': "'DejaVu Sans Mono', monospace",
};

/** Values of VS Code's Dark Modern, Light Modern and Dark High Contrast themes. */
export const THEMES: Record<Theme, { bodyClass: string; vars: Record<string, string> }> = {
  // The report's copies of Dark Modern and Light Modern (src/export/reportStyles.ts): one home.
  dark: { bodyClass: 'vscode-dark', vars: DARK },
  light: { bodyClass: 'vscode-light', vars: LIGHT },
  'high-contrast': {
    bodyClass: 'vscode-high-contrast',
    vars: {
      '--vscode-foreground': '#ffffff',
      '--vscode-editor-background': '#000000',
      '--vscode-descriptionForeground': '#ffffff',
      '--vscode-contrastBorder': '#6fc3df',
      '--vscode-focusBorder': '#f38518',
      '--vscode-charts-blue': '#3794ff',
      '--vscode-charts-orange': '#d18616',
      '--vscode-charts-green': '#89d185',
      '--vscode-charts-purple': '#b180d7',
      '--vscode-charts-red': '#f14c4c',
      '--vscode-charts-yellow': '#cca700',
      '--vscode-button-background': '#000000',
      '--vscode-button-foreground': '#ffffff',
      '--vscode-button-border': '#6fc3df',
      '--vscode-button-secondaryBackground': '#000000',
      '--vscode-button-secondaryForeground': '#ffffff',
      '--vscode-dropdown-background': '#000000',
      '--vscode-dropdown-foreground': '#ffffff',
      '--vscode-dropdown-border': '#6fc3df',
      '--vscode-editorWidget-border': '#6fc3df',
      '--vscode-inputValidation-errorBackground': '#000000',
      '--vscode-inputValidation-errorBorder': '#f48771',
      '--vscode-errorForeground': '#f48771',
      '--vscode-editorWarning-foreground': '#ffd370',
    },
  },
};

function themeStyle(theme: Theme): string {
  return Object.entries({ ...COMMON_VARS, ...THEMES[theme].vars })
    .map(([k, v]) => `${k}: ${v}`)
    .join('; ');
}

/** The renderer bundle, built in memory with the options scripts/build.mjs uses. */
export async function buildRendererBundle(minify = false): Promise<string> {
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: ['renderers/index.ts'],
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    format: 'esm',
    minify,
    loader: { '.css': 'text' },
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

const PAGE = (theme: Theme): string => `<!doctype html>
<html style="${themeStyle(theme)}"><head><meta charset="utf-8"><title>tfnb renderer harness</title>
<style>
  body { margin: 0; padding: 12px; background: var(--vscode-editor-background); color: var(--vscode-foreground); }
  .output { padding: 8px; margin-bottom: 12px; width: 820px; }
</style></head>
<body class="${THEMES[theme].bodyClass}">
<script nonce="${HARNESS_NONCE}">
  // tsx compiles the tests with keepNames, which wraps named functions inside
  // page.evaluate() callbacks in __name(...): give the page that helper.
  window.__name = (fn) => fn;
  // Every Content-Security-Policy violation (only a page opened with a csp has any).
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__cspViolations.push(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + (e.sample ? ' (' + e.sample + ')' : ''));
  });
</script>
<script type="module" nonce="${HARNESS_NONCE}">
  const renderer = await import('/renderer.js');
  const messages = [];
  const apis = {};
  async function activate(name, withMessaging) {
    const context = {
      workspace: { isTrusted: true },
      getState: () => undefined,
      setState: () => {},
      getRenderer: async () => undefined,
      ...(withMessaging ? { postMessage: (m) => messages.push(m) } : {}),
    };
    apis[name] = await renderer.activate(context);
  }
  await activate('main', true);
  function slot(name) {
    let el = document.getElementById('out-' + name);
    if (!el) {
      el = document.createElement('div');
      el.id = 'out-' + name;
      el.className = 'output';
      document.body.appendChild(el);
    }
    return el;
  }
  window.__tfnb = {
    messages,
    activate,
    slot,
    render(api, mime, id, slotName, text, object, hasObject) {
      const bytes = new TextEncoder().encode(text);
      const item = {
        id, mime, metadata: {},
        text: () => text,
        json: () => (hasObject ? object : JSON.parse(text)),
        data: () => bytes,
        blob: () => new Blob([bytes], { type: mime }),
      };
      return apis[api].renderOutputItem(item, slot(slotName), new AbortController().signal);
    },
    dispose(id) { apis.main.disposeOutputItem(id); },
  };
  window.__ready = true;
</script></body></html>`;

export interface RenderOptions {
  /** Output element name; rendering again into the same slot is a display-id update. */
  slot?: string;
  id?: string;
  /** Which activation to use ('main' has postMessage; see activateWithoutMessaging). */
  api?: string;
  /**
   * Hand the object itself to json() (so NaN/Infinity reach the renderer as numbers, as
   * from a webview that parsed with a lenient parser); text() is still its JSON.
   */
  asObject?: boolean;
  /** Raw text instead of a payload (invalid JSON, oversize output). */
  rawText?: string;
}

export interface OpenOptions {
  /**
   * A Content-Security-Policy header for the page. The harness's inline scripts carry the
   * nonce HARNESS_NONCE (allow it with 'nonce-…'); the renderer bundle is /renderer.js ('self').
   */
  csp?: string;
}

export class RendererPage {
  private constructor(
    readonly browser: Browser,
    readonly page: Page,
    private theme: Theme,
  ) {}

  static async open(theme: Theme = 'dark', options: OpenOptions = {}): Promise<RendererPage> {
    const bundle = await buildRendererBundle();
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    const page = await browser.newPage({ viewport: { width: 900, height: 800 } });
    const errors: string[] = [];
    const consoleErrors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    const headers: Record<string, string> = options.csp ? { 'Content-Security-Policy': options.csp } : {};
    await page.route(`${ORIGIN}/**`, (route) => {
      const path = new URL(route.request().url()).pathname;
      if (path === '/renderer.js') return route.fulfill({ contentType: 'text/javascript', body: bundle });
      if (path === '/') return route.fulfill({ contentType: 'text/html', headers, body: PAGE(theme) });
      return route.fulfill({ status: 404, body: '' });
    });
    await page.goto(`${ORIGIN}/`);
    await page
      .waitForFunction(() => (window as unknown as { __ready?: boolean }).__ready === true, undefined, { timeout: 10_000 })
      .catch((e: unknown) => {
        throw new Error(`renderer page did not start: ${errors.join('; ') || String(e)}`);
      });
    const harness = new RendererPage(browser, page, theme);
    harness.pageErrors = errors;
    harness.consoleErrors = consoleErrors;
    return harness;
  }

  /** Uncaught exceptions in the page so far (should stay empty). */
  pageErrors: string[] = [];

  /** console.error messages (and browser errors such as refused resources) so far. */
  consoleErrors: string[] = [];

  /** Content-Security-Policy violations reported in the page so far. */
  async cspViolations(): Promise<string[]> {
    return this.page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations.slice());
  }

  /** Renders a payload; returns the CSS selector of its output element. */
  async render(mime: string, payload: unknown, options: RenderOptions = {}): Promise<string> {
    const slot = options.slot ?? `s${++this.slots}`;
    const text = options.rawText ?? JSON.stringify(payload);
    await this.page.evaluate(
      async ([api, mime, id, slot, text, object, hasObject]) => {
        const w = window as unknown as { __tfnb: { render: (...args: unknown[]) => unknown } };
        await w.__tfnb.render(api, mime, id, slot, text, object, hasObject);
        // Let queued microtasks (deferred chart builds) and a frame run.
        await new Promise((resolve) => requestAnimationFrame(() => resolve(null)));
      },
      [
        options.api ?? 'main',
        mime,
        options.id ?? `item-${slot}`,
        slot,
        text,
        options.asObject ? payload : null,
        options.asObject === true,
      ] as const,
    );
    return `#out-${slot}`;
  }

  private slots = 0;

  /** A second activation of the renderer whose context has no postMessage. */
  async activateWithoutMessaging(name: string): Promise<void> {
    await this.page.evaluate(
      (n) => (window as unknown as { __tfnb: { activate: (n: string, m: boolean) => Promise<void> } }).__tfnb.activate(n, false),
      name,
    );
  }

  async messages(): Promise<unknown[]> {
    return this.page.evaluate(() => (window as unknown as { __tfnb: { messages: unknown[] } }).__tfnb.messages.slice());
  }

  async text(selector: string): Promise<string> {
    return (await this.page.locator(selector).first().textContent()) ?? '';
  }

  async setTheme(theme: Theme): Promise<void> {
    this.theme = theme;
    await this.page.evaluate(
      ([style, bodyClass]) => {
        document.documentElement.setAttribute('style', style);
        document.body.className = bodyClass;
      },
      [themeStyle(theme), THEMES[theme].bodyClass] as const,
    );
    // The renderer redraws canvases on the next animation frame after the change.
    await this.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(null)))));
  }

  /** Saves a screenshot of one output to .test-artifacts/renderers/<name>-<theme>.png. */
  async screenshot(selector: string, name: string): Promise<void> {
    mkdirSync(ARTIFACTS, { recursive: true });
    await this.page.locator(selector).screenshot({ path: join(ARTIFACTS, `${name}-${this.theme}.png`), animations: 'disabled' });
  }

  async close(): Promise<void> {
    await this.browser.close();
  }
}

/**
 * Opens one renderer page for the enclosing describe() and closes it after its tests,
 * failing the suite if anything threw uncaught in the page. Call it at the top of a
 * describe(); the returned function gives the open page inside tests.
 */
export function usePage(theme: Theme = 'dark', options: OpenOptions = {}): () => RendererPage {
  let opened: RendererPage | undefined;
  before(async () => {
    opened = await RendererPage.open(theme, options);
  });
  after(async () => {
    const r = opened;
    opened = undefined;
    if (!r) return;
    try {
      assert.deepEqual(r.pageErrors, [], 'no uncaught exception in the page');
    } finally {
      await r.close();
    }
  });
  return () => {
    if (!opened) throw new Error('the renderer page is not open (usePage() must be called inside describe())');
    return opened;
  };
}
