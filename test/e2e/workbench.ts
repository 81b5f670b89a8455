/**
 * What a person does and sees in VS Code's workbench, through Playwright: open a notebook,
 * run commands from the palette, click a cell's run button or the toolbar's Interrupt, read
 * execution numbers, cell states, outputs (drawn two iframes down, in the output webview)
 * and the status bar.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Frame, type Locator, type Page } from 'playwright-core';
import { ARTIFACTS, type RunningCodeServer } from './codeServer';

/**
 * The notebook editor in front. VS Code keeps the editors of notebooks in background tabs (and
 * of closed ones, for reuse) in the page, marked `inert`: without this, selectors could match
 * their cells.
 */
export const ACTIVE_NOTEBOOK = '.notebook-editor:not([inert])';

export type CellState = 'success' | 'error' | 'executing' | 'pending' | 'none';

export interface CellOutputs {
  /** MIME type VS Code chose to show, per output (from the editor's own DOM). */
  mimes: string[];
  /** Text of each output as drawn in the output webview. */
  texts: string[];
}

export async function launchBrowser(server: RunningCodeServer): Promise<BrowserContext> {
  return chromium.launchPersistentContext(join(server.runDir, 'chrome'), {
    executablePath: process.env.TFNB_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1400, height: 1100 },
    env: server.env as Record<string, string>,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export class Workbench {
  constructor(
    readonly page: Page,
    private readonly server: RunningCodeServer,
  ) {}

  static async open(browser: BrowserContext, server: RunningCodeServer): Promise<Workbench> {
    const page = browser.pages()[0] ?? (await browser.newPage());
    await page.goto(server.url);
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 90_000 });
    // A notebook opened before the extension host registered contributions opens as JSON text.
    const deadline = Date.now() + 90_000;
    while (!server.extensionHostReady()) {
      if (Date.now() > deadline) throw new Error('the extension host did not start within 90 s');
      await page.waitForTimeout(100);
    }
    return new Workbench(page, server);
  }

  async openFromExplorer(name: string): Promise<void> {
    await this.page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).dblclick();
    await this.tab(name, true).waitFor({ timeout: 60_000 });
    await this.page.locator(`${ACTIVE_NOTEBOOK} .code-cell-row`).first().waitFor({ timeout: 60_000 });
  }

  /** Opens any file from the Explorer (a text file too) and waits until its tab is the active one. */
  async openFileFromExplorer(name: string): Promise<void> {
    await this.page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).dblclick();
    await this.tab(name, true).waitFor({ timeout: 60_000 });
  }

  /** The editor tab showing the file `name` (the active one only, when `active`). */
  tab(name: string, active = false): Locator {
    return this.page
      .locator(`.tabs-container .tab${active ? '.active' : ''}`)
      .filter({ has: this.page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(name)}$`) }) })
      .first();
  }

  /** Brings the editor of `name` to the front by clicking its tab. */
  async activateTab(name: string): Promise<void> {
    await this.tab(name).click();
    await this.tab(name, true).waitFor({ timeout: 10_000 });
  }

  /**
   * Waits for a window that was reloaded or opened anew: the Explorer is drawn and a new
   * extension host has activated (more activations than `activationsBefore`).
   */
  async waitForNewWindow(activationsBefore: number, timeoutMs = 90_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    await this.page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: timeoutMs });
    while (this.server.extensionHostActivations() <= activationsBefore) {
      if (Date.now() > deadline) throw new Error(`no new extension host activated within ${timeoutMs} ms`);
      await this.page.waitForTimeout(100);
    }
  }

  /** Runs a command from the palette by its exact title, e.g. "Notebook: Run All". */
  async command(title: string): Promise<void> {
    // The palette closes when something else takes the focus (a notebook that just opened
    // focuses itself a moment later): try again rather than fail on that.
    let lastError: unknown;
    for (let attempt = 0; attempt < 4; attempt++) {
      try {
        await this.openPalette();
        const input = this.page.locator('.quick-input-widget input');
        await input.fill(`>${title}`, { timeout: 5_000 });
        const row = this.page
          .locator('.quick-input-list .monaco-list-row')
          .filter({ has: this.page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(title)}$`) }) })
          .first();
        await row.click({ timeout: 5_000 });
        return;
      } catch (e) {
        lastError = e;
        await this.page.keyboard.press('Escape');
        await this.page.waitForTimeout(500);
      }
    }
    throw lastError;
  }

  private async openPalette(): Promise<void> {
    // With the mouse, through the command center (the search box in the title bar): F1 goes
    // wherever the keyboard focus is, and after a focused button is redrawn that is the page's
    // body, where VS Code does not hear it (seen in CI). command() types the '>' of commands.
    const center = this.page.locator('.command-center .command-center-center').first();
    if (await center.isVisible().catch(() => false)) {
      await center.click();
    } else {
      // Keys typed while an output webview has focus stay in it: first click an empty part of
      // the editor's tab bar, which takes the focus back to the workbench without doing anything.
      const bar = await this.page
        .locator('.tabs-and-actions-container')
        .first()
        .boundingBox()
        .catch(() => null);
      if (bar) await this.page.mouse.click(bar.x + bar.width * 0.6, bar.y + bar.height / 2);
      await this.page.keyboard.press('Escape');
      await this.page.keyboard.press('F1');
    }
    await this.page.locator('.quick-input-widget input').waitFor({ state: 'visible', timeout: 5_000 });
  }

  /** Closes the active editor with its tab's × and answers "Don't Save" if asked. */
  async closeActiveEditorWithoutSaving(): Promise<void> {
    const tab = this.page.locator('.tabs-container .tab.active').first();
    await tab.hover();
    await tab.locator('.tab-actions .action-label').first().click();
    const dontSave = this.page.locator('.monaco-dialog-box .monaco-button', { hasText: "Don't Save" });
    await dontSave.waitFor({ timeout: 5_000 }).then(
      () => dontSave.click(),
      () => undefined,
    );
    await tab.waitFor({ state: 'detached', timeout: 10_000 });
  }

  /** Closes the editor of `name` with its tab's ×, answering "Don't Save" if asked; other editors stay open. */
  async closeEditor(name: string): Promise<void> {
    const tab = this.tab(name);
    await tab.hover();
    await tab.locator('.tab-actions .action-label').first().click();
    const dontSave = this.page.locator('.monaco-dialog-box .monaco-button', { hasText: "Don't Save" });
    await dontSave.waitFor({ timeout: 5_000 }).then(
      () => dontSave.click(),
      () => undefined,
    );
    await tab.waitFor({ state: 'detached', timeout: 10_000 });
  }

  /** The notebook row of the cell at `index` (markdown cells count, as in the notebook). */
  cell(index: number): Locator {
    return this.page.locator(`${ACTIVE_NOTEBOOK} .monaco-list-row[data-index="${index}"]`);
  }

  /**
   * Scrolls the notebook until the cell's row is on screen. The list renders only rows near
   * the viewport and re-renders them as outputs grow, so every step looks again.
   */
  async revealCell(index: number): Promise<Locator> {
    const row = this.cell(index);
    const list = this.page.locator(`${ACTIVE_NOTEBOOK} .monaco-list > .monaco-scrollable-element`).first();
    for (let i = 0; i < 200; i++) {
      if (!(await row.count())) {
        const shown = await this.page
          .locator(`${ACTIVE_NOTEBOOK} .monaco-list-row[data-index]`)
          .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-index'))));
        const down = shown.length === 0 || Math.max(...shown) < index;
        await this.wheel(list, down ? 1000 : -1000);
        continue;
      }
      const [rowBox, listBox] = [await row.boundingBox({ timeout: 1000 }).catch(() => null), await list.boundingBox()];
      if (!rowBox || !listBox) continue;
      const above = rowBox.y < listBox.y;
      const below = rowBox.y + Math.min(rowBox.height, 200) > listBox.y + listBox.height;
      if (!above && !below) return row;
      await this.wheel(list, (rowBox.y - listBox.y - 40) * 10);
    }
    throw new Error(`could not scroll cell ${index} into view`);
  }

  /**
   * Shows the notebook's last (or first) cell with Ctrl+End (Ctrl+Home) from the cell list:
   * revealCell's wheel steps suit nearby cells, not the far end of a long notebook.
   */
  async scrollToEnd(which: 'last' | 'first' = 'last'): Promise<void> {
    // Focus the list through a cell editor that is wholly on screen (not under the tab bar).
    const list = await this.page.locator(`${ACTIVE_NOTEBOOK} .monaco-list > .monaco-scrollable-element`).first().boundingBox();
    const editors = this.page.locator(`${ACTIVE_NOTEBOOK} .monaco-list-row[data-index] .cell-editor-container`);
    let clicked = false;
    for (let i = 0; i < (await editors.count()) && list && !clicked; i++) {
      const box = await editors.nth(i).boundingBox();
      if (!box || box.y < list.y || box.y + box.height > list.y + list.height) continue;
      await this.page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
      clicked = true;
    }
    if (!clicked) throw new Error('no cell editor on screen to focus the notebook from');
    await this.page.keyboard.press('Escape');
    await this.page.keyboard.press(which === 'last' ? 'Control+End' : 'Control+Home');
    await this.page.waitForTimeout(200);
  }

  /** Scrolls the cell to the top of the notebook, so its outputs are in view below it. */
  async scrollCellToTop(index: number): Promise<void> {
    const row = await this.revealCell(index);
    const list = this.page.locator(`${ACTIVE_NOTEBOOK} .monaco-list > .monaco-scrollable-element`).first();
    let last = Number.NaN;
    for (let i = 0; i < 50; i++) {
      const [rowBox, listBox] = [await row.boundingBox(), await list.boundingBox()];
      if (!rowBox || !listBox) return;
      const gap = rowBox.y - listBox.y - 10;
      // The workbench scales wheel deltas down; stop when close or when the list no longer moves.
      if (Math.abs(gap) < 30 || rowBox.y === last) return;
      last = rowBox.y;
      await this.wheel(list, gap * 10);
    }
  }

  /** Clicks what a renderer drew (matched in any output webview) with the mouse, as a person would. */
  async clickRendered(selector: string, cellIndex: number, timeoutMs = 30_000): Promise<void> {
    await this.rendered(selector, timeoutMs);
    await this.scrollCellToTop(cellIndex);
    await this.page.waitForTimeout(300);
    const box = await (await this.rendered(selector, timeoutMs)).boundingBox();
    if (!box) throw new Error(`${selector} has no box on screen`);
    await this.page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  }

  /**
   * Scrolls the notebook list: the wheel over its left margin (over outputs it would go to the
   * webview). The workbench scales wheel deltas down about tenfold.
   */
  private async wheel(list: Locator, deltaY: number): Promise<void> {
    const box = await list.boundingBox();
    if (!box) return;
    await this.page.mouse.move(box.x + 8, box.y + box.height / 2);
    await this.page.mouse.wheel(0, deltaY);
    await this.page.waitForTimeout(100);
  }

  async runCell(index: number): Promise<void> {
    const row = await this.revealCell(index);
    await row.locator('.cell-editor-container').first().click();
    await row.hover();
    await row.locator('.run-button-container .action-label').first().click();
  }

  /** Clicks the notebook toolbar's Run All button. */
  async runAllFromToolbar(): Promise<void> {
    const button = this.page.locator(`${ACTIVE_NOTEBOOK} .notebook-toolbar-container .action-label[aria-label^="Run All"]`).first();
    await button.waitFor({ timeout: 10_000 });
    await button.click();
  }

  /** Clicks the notebook toolbar's Interrupt button (shown while cells run). */
  async interruptFromToolbar(): Promise<void> {
    const button = this.page.locator('.notebook-toolbar-container .action-label[aria-label^="Interrupt"]');
    await button.waitFor({ timeout: 10_000 });
    await button.click();
  }

  async executionOrder(index: number): Promise<string> {
    const label = (await this.revealCell(index)).locator('.execution-count-label');
    const text = (await label.count()) ? ((await label.textContent()) ?? '').trim() : '';
    return text === '[ ]' ? '' : text; // '[ ]': never run
  }

  async cellState(index: number): Promise<CellState> {
    const row = await this.revealCell(index);
    for (const state of ['executing', 'pending', 'success', 'error'] as const) {
      if (await row.locator(`.cell-statusbar-container .codicon-notebook-state-${state}`).count()) return state;
    }
    return 'none';
  }

  /** Waits until the cell has finished (success or error) and returns which. */
  async waitForCellDone(index: number, timeoutMs = 60_000): Promise<CellState> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const state = await this.cellState(index);
      if (state === 'success' || state === 'error') return state;
      if (Date.now() > deadline) throw new Error(`cell ${index} still ${state} after ${timeoutMs} ms`);
      await this.page.waitForTimeout(50);
    }
  }

  async waitForCellState(index: number, wanted: CellState, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (let state = await this.cellState(index); state !== wanted; state = await this.cellState(index)) {
      if (Date.now() > deadline) throw new Error(`cell ${index} is ${state}, not ${wanted}, after ${timeoutMs} ms`);
      await this.page.waitForTimeout(50);
    }
  }

  async outputs(index: number): Promise<CellOutputs> {
    const row = await this.revealCell(index);
    const mimes = await row
      .locator('.output-inner-container')
      .evaluateAll((els) => els.map((e) => e.getAttribute('output-mime-type') ?? ''));
    if (mimes.length === 0) return { mimes, texts: [] };
    // The editor leaves room for outputs in the cell's row; the webview draws them at the same
    // place on screen. Match them by position (closed notebooks may leave webviews behind).
    const slot = await row.locator('.output-inner-container').first().boundingBox();
    if (!slot) return { mimes, texts: [] };
    for (const frame of await this.outputFrames()) {
      const frameBox = await (await frame.frameElement()).boundingBox();
      if (!frameBox) continue;
      const containers = await frame
        .evaluate(() =>
          Array.from(document.querySelectorAll<HTMLElement>('.cell_container')).map((c) => {
            const outputs = Array.from(c.querySelectorAll<HTMLElement>(':scope > .output_container'))
              .filter((o) => o.style.display !== 'none' && o.querySelector('.output'))
              .sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top));
            return { top: outputs[0]?.getBoundingClientRect().top ?? NaN, texts: outputs.map((o) => o.innerText.trim()) };
          }),
        )
        .catch(() => []);
      const mine = containers.find((c) => Math.abs(frameBox.y + c.top - slot.y) < 3);
      if (mine) return { mimes, texts: mine.texts };
    }
    return { mimes, texts: [] };
  }

  /** Polls a cell's outputs until `done` accepts them. */
  async waitForOutputs(index: number, done: (o: CellOutputs) => boolean, timeoutMs = 30_000): Promise<CellOutputs> {
    const deadline = Date.now() + timeoutMs;
    let last: CellOutputs = { mimes: [], texts: [] };
    for (;;) {
      last = await this.outputs(index).catch(() => last);
      if (done(last)) return last;
      if (Date.now() > deadline)
        throw new Error(`cell ${index}: outputs not as expected after ${timeoutMs} ms: ${JSON.stringify(last).slice(0, 2000)}`);
      await this.page.waitForTimeout(100);
    }
  }

  /** Frames of notebook output webviews (page -> iframe.webview -> #active-frame). */
  async outputFrames(): Promise<Frame[]> {
    const found: Frame[] = [];
    for (const f of this.page.frames()) {
      if (
        (await f
          .locator('.cell_container')
          .count()
          .catch(() => 0)) &&
        (await shown(f))
      )
        found.push(f);
    }
    return found;
  }

  /** Text of the first rendered element matching `selector` in any output webview. */
  async rendered(selector: string, timeoutMs = 30_000): Promise<Locator> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (const f of this.page.frames()) {
        const el = f.locator(selector);
        if (await el.count().catch(() => 0)) return el.first();
      }
      if (Date.now() > deadline) throw new Error(`nothing matching ${selector} was rendered within ${timeoutMs} ms`);
      await this.page.waitForTimeout(100);
    }
  }

  statusItem(): Locator {
    return this.page.locator('.statusbar-item[id="tfnb.tfnb.tfnb.kernelStatus"]');
  }

  async statusText(): Promise<string> {
    const item = this.statusItem();
    return (await item.count()) && (await item.isVisible()) ? ((await item.innerText()) ?? '').trim() : '';
  }

  async waitForStatus(match: RegExp, timeoutMs = 30_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (let text = await this.statusText(); ; text = await this.statusText()) {
      if (match.test(text)) return text;
      if (Date.now() > deadline) throw new Error(`status bar shows "${text}", not ${match}, after ${timeoutMs} ms`);
      await this.page.waitForTimeout(100);
    }
  }

  /** Clicks tfnb's status bar item and returns the labels of the kernel menu it opens. */
  async openKernelMenu(): Promise<string[]> {
    await this.statusItem().click();
    return this.quickPickLabels();
  }

  /** The main labels of the rows of the open quick pick (icons and detail lines left out). */
  async quickPickLabels(): Promise<string[]> {
    const rows = this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
    await rows.first().waitFor({ timeout: 10_000 });
    return rows.evaluateAll((els) => els.map((e) => (e.querySelector('.label-name')?.textContent ?? '').trim()));
  }

  /** Picks the row of the open quick pick whose main label is `label`. */
  async pickQuickPick(label: string): Promise<void> {
    const rows = this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
    const index = (await this.quickPickLabels()).indexOf(label);
    if (index < 0) throw new Error(`no "${label}" in the quick pick: ${(await this.quickPickLabels()).join(', ')}`);
    await rows.nth(index).click();
  }

  /** The Output panel as shown: the channel picked in its drop-down, and the text of its editor. */
  async outputPanel(): Promise<{ channel: string; text: string }> {
    const panel = this.page.locator('[id="workbench.panel.output"]');
    await panel.waitFor({ state: 'visible', timeout: 10_000 });
    const channel = await this.page.locator('.part.panel select.monaco-select-box').first().inputValue();
    // Long lines wrap on screen (the joins are not in the log); the editor draws spaces as no-break spaces.
    const read = async () =>
      (await panel.locator('.view-lines').allInnerTexts())
        .join('')
        .replace(/\n/g, '')
        .replace(/\u00a0/g, ' ');
    let text = await read();
    // A panel that just opened draws its lines a moment later.
    for (const deadline = Date.now() + 10_000; text.trim() === '' && Date.now() < deadline; text = await read())
      await this.page.waitForTimeout(100);
    return { channel, text };
  }

  /** Types `filter` into the Output panel's Filter box (shows only the lines containing it) and returns what is shown. */
  async filterOutput(filter: string): Promise<string> {
    await this.page.locator('.part.panel input[placeholder="Filter"]').first().fill(filter);
    await this.page.waitForTimeout(700);
    return filter ? (await this.outputPanel()).text : '';
  }

  async screenshot(name: string): Promise<string> {
    mkdirSync(ARTIFACTS, { recursive: true });
    const path = join(ARTIFACTS, `${name}.png`);
    await this.page.mouse.move(700, 3); // no hover tooltips in the picture
    await this.page.waitForTimeout(300);
    await this.page.screenshot({ path });
    return path;
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Whether a frame is on screen: VS Code hides the webview of a notebook in a background tab with
 * `visibility: hidden`, which leaves it a bounding box at the same place as the active one's.
 */
async function shown(frame: Frame): Promise<boolean> {
  for (let f: Frame | null = frame; f?.parentFrame(); f = f.parentFrame()) {
    const element = await f.frameElement().catch(() => null);
    if (!element || !(await element.isVisible().catch(() => false))) return false;
  }
  return true;
}
