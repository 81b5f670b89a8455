/**
 * Hardening (issue #9) in a real VS Code: code-server with the built .vsix, driven by Debian's
 * Chromium. A kernel that blocks its event loop for a minute, floods of output, saving while a
 * cell streams, two notebooks at once, the window and the extension host going away, and the
 * extension host's memory over a few hundred executions. Each test opens its own notebooks and
 * closes them again. Latencies are measured and written down, never asserted: the figures go to
 * .test-artifacts/e2e/hardening-figures.md (rewritten each run).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import type { BrowserContext } from 'playwright-core';
import { DEFAULT_MAX_OUTPUT_BYTES } from '../../src/protocol/messages';
import { ARTIFACTS, codeServerDir, startCodeServer, type RunningCodeServer } from './codeServer';
import { notebookJson, type SourceCell } from './notebooks';
import { extensionHostPids, isAlive, kernelPids, rssKiB } from './processes';
import { ACTIVE_NOTEBOOK, launchBrowser, Workbench } from './workbench';

const code = (source: string): SourceCell => ({ kind: 'code', source });

/** How long the blocking cell holds the kernel's event loop before the test interrupts it. */
const BLOCKED_FOR_MS = 60_000;
/**
 * What the saved flood notebook must stay under: what its two capped outputs can take, not what
 * was printed (106 MB). ipynb stores stream text as a JSON array of lines, each quoted, escaped,
 * indented and comma-separated, so the 2 MiB of short lines of the first cell take about 5 MiB on
 * disk: allow 3 times the cap per capped cell.
 */
const FLOOD_FILE_BOUND = 2 * 3 * DEFAULT_MAX_OUTPUT_BYTES;
/** Run All passes in the soak (TFNB_E2E_SOAK_PASSES for a longer one); the first two are warm-up (kernel start, renderers, JIT). */
const SOAK_RUNS = Number(process.env.TFNB_E2E_SOAK_PASSES ?? 20);
const SOAK_WARMUP_RUNS = 2;
const SOAK_CELLS = 50;
/** The extension host's resident memory may grow this much over its post-warm-up value (see the soak test). */
const SOAK_RSS_GROWTH_BOUND = 0.25;

const NOTEBOOKS: Record<string, string> = {
  'block.ipynb': notebookJson([
    code("const kept = 'state from before the blocking cell';\nconsole.log(process.pid)"),
    code('const end = Date.now() + 10 * 60_000;\nwhile (Date.now() < end) {}'),
    code('console.log(kept)'),
    code('//typed:'),
  ]),
  'flood.ipynb': notebookJson([
    code('for (let i = 0; i < 1e6; i++) console.log(i)'),
    code("console.log('x'.repeat(100 * 1024 * 1024))"),
    code("console.log('after the floods')"),
  ]),
  'stream.ipynb': notebookJson([
    code('for (let i = 1; i <= 50; i++) {\n  console.log(`line ${i}`);\n  await new Promise((r) => setTimeout(r, 200));\n}'),
  ]),
  'a.ipynb': notebookJson([
    code("const who = 'A';\n(globalThis as any).mark = 'set in A';\nconsole.log(process.pid)"),
    code('console.log(who, (globalThis as any).mark)'),
  ]),
  'b.ipynb': notebookJson([code('console.log(process.pid, typeof who, typeof (globalThis as any).mark)')]),
  // These two also write their kernel's pid to a file (in the kernel's folder, the workspace): the
  // tests that reopen windows read it there, not from an output a new window may fail to draw.
  'idle.ipynb': notebookJson([code(pidToFile('idle.pid'))]),
  'busy.ipynb': notebookJson([code(pidToFile('busy.pid')), code('const end = Date.now() + 10 * 60_000;\nwhile (Date.now() < end) {}')]),
  'soak.ipynb': notebookJson(Array.from({ length: SOAK_CELLS }, (_, i) => code(soakCell(i)))),
  'notes.md': '# notes marker\n\nA text file to switch to while a kernel is blocked.\n',
};

function pidToFile(file: string): string {
  return `import { writeFileSync } from 'node:fs';\nwriteFileSync('${file}', String(process.pid));\nconsole.log(process.pid)`;
}

/** Cells of the soak notebook: tensors, displays, streams, caught errors, results; the last one throws. */
function soakCell(i: number): string {
  if (i === SOAK_CELLS - 1) return `throw new Error('soak error at the end of Run All')`;
  switch (i % 5) {
    case 0:
      return 'display(tf.randomNormal([8, 8]))';
    case 1:
      return `display({ cell: ${i}, squares: Array.from({ length: 20 }, (_, k) => k * k) })`;
    case 2:
      return `for (let k = 0; k < 20; k++) console.log('cell ${i} line', k)`;
    case 3:
      return "try { JSON.parse('{') } catch (e) { console.error(String(e)) }\n" + `${i} * 2`;
    default:
      return `tf.tidy(() => tf.ones([4, 4]).mul(${i}).sum())`;
  }
}

/** Figures of this run, by section, written to hardening-figures.md when the suite ends. */
const figures = new Map<string, string[]>();
function record(section: string, line: string): void {
  console.log(`[figures] ${section}: ${line}`);
  figures.set(section, [...(figures.get(section) ?? []), line]);
}

function summary(ms: number[]): string {
  if (ms.length === 0) return 'no samples';
  const sorted = [...ms].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  return `n=${ms.length}, median ${Math.round(median)} ms, max ${Math.round(sorted[sorted.length - 1]!)} ms`;
}

async function timed(action: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await action();
  return performance.now() - start;
}

async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface SavedNotebook {
  cells: Array<{ cell_type: string; execution_count?: number | null; outputs?: SavedOutput[] }>;
}
interface SavedOutput {
  output_type: string;
  name?: string;
  text?: string | string[];
}

/** The kernel's notice that a cell's output reached tfnb.maxOutputBytes. */
const NOTICE = /\[tfnb\] output limit reached: .* more output was dropped/;

const joined = (text: string | string[] | undefined): string => [text ?? ''].flat().join('');

describe('tfnb hardening in VS Code (code-server)', { timeout: 900_000 }, () => {
  let server: RunningCodeServer;
  let browser: BrowserContext;
  let wb: Workbench;

  before(async () => {
    server = await startCodeServer({ workspaceFiles: NOTEBOOKS });
    browser = await launchBrowser(server);
    wb = await Workbench.open(browser, server);
  });

  let testNumber = 0;
  afterEach(async () => {
    testNumber++;
    await wb?.screenshot(`hardening-after-test-${testNumber}`).catch(() => undefined);
  });

  after(async () => {
    writeFigures();
    await browser?.close().catch(() => undefined);
    await server?.stop();
  });

  /** The notebook's first cell prints the kernel's pid: runs it and returns the pid. */
  async function kernelPidOf(cellIndex = 0): Promise<number> {
    await wb.runCell(cellIndex);
    assert.equal(await wb.waitForCellDone(cellIndex, 90_000), 'success');
    // A notebook the window restored still shows the pid of the kernel its last window ran; that
    // kernel is gone, so wait for the pid of one that runs now (the cell's state can read 'success'
    // from the old run before the new output arrives).
    const pidIn = (texts: string[]) => Number(/^\d+/.exec(texts[0] ?? '')?.[0] ?? NaN);
    const out = await wb.waitForOutputs(cellIndex, (o) => kernelPids(server.runDir).includes(pidIn(o.texts)));
    return pidIn(out.texts);
  }

  /**
   * Runs a cell that writes its kernel's pid to `file` (in the workspace) and returns that pid once
   * it is the pid of a kernel running now. A window that was just restored may fail to draw outputs
   * (code-server: "Error loading renderer 'vscode.builtin-renderer'"), which says nothing of kernels,
   * and the file may still name the kernel of the window before, which is gone.
   */
  async function kernelPidFromFile(cellIndex: number, file: string): Promise<number> {
    await wb.runCell(cellIndex);
    const path = join(server.workspace, file);
    let pid = NaN;
    await waitFor(
      () => {
        pid = existsSync(path) ? Number(readFileSync(path, 'utf8')) : NaN;
        return kernelPids(server.runDir).includes(pid);
      },
      90_000,
      `${file} to name a running kernel`,
    );
    return pid;
  }

  /** Saves the active notebook with Ctrl+S (from a cell's editor) and returns what landed on disk, once it is new and whole JSON. */
  async function saveAndRead(name: string): Promise<{ notebook: SavedNotebook; bytes: number }> {
    const path = join(server.workspace, name);
    const before = readFileSync(path, 'utf8');
    await focusCellEditor(0);
    await wb.page.keyboard.press('Control+s');
    const deadline = Date.now() + 60_000;
    for (;;) {
      const text = readFileSync(path, 'utf8');
      if (text !== before) {
        try {
          return { notebook: JSON.parse(text) as SavedNotebook, bytes: statSync(path).size };
        } catch {
          /* still being written */
        }
      }
      if (Date.now() > deadline) throw new Error(`${name} was not saved within 60 s`);
      await wb.page.waitForTimeout(100);
    }
  }

  const closeEditor = (name: string) => wb.closeEditor(name);

  /** Waits until no kernel runs beyond those in `before` (the ones earlier tests left, if any). */
  async function kernelsBackTo(before: number[], what: string): Promise<void> {
    await waitFor(() => kernelPids(server.runDir).every((pid) => before.includes(pid)), 20_000, what);
  }

  // ---- probes of the workbench's responsiveness: each returns how long the UI took ----

  /**
   * Puts the keyboard focus in a cell's editor. F1 does nothing while the focus is on the page's
   * body, where it lands when the run button that had it is redrawn as a stop button.
   */
  async function focusCellEditor(cellIndex: number): Promise<void> {
    const row = await wb.revealCell(cellIndex);
    await row.locator('.cell-editor-container').first().click();
    await wb.page.keyboard.press('Escape');
  }

  /** F1 (from a cell's editor) until the command palette's input shows. */
  async function probePalette(focusCell = 0): Promise<number> {
    await focusCellEditor(focusCell);
    const input = wb.page.locator('.quick-input-widget input');
    const ms = await timed(async () => {
      await wb.page.keyboard.press('F1');
      await input.waitFor({ state: 'visible', timeout: 30_000 });
    });
    await wb.page.keyboard.press('Escape');
    await input.waitFor({ state: 'hidden', timeout: 10_000 });
    return ms;
  }

  /** Click on tfnb's status bar item until the extension host's kernel menu shows, offering Interrupt. */
  async function probeKernelMenu(): Promise<number> {
    const interrupt = wb.page.locator('.quick-input-list .monaco-list-row', { hasText: 'Interrupt Kernel' });
    const ms = await timed(async () => {
      await wb.statusItem().click();
      await interrupt.waitFor({ state: 'visible', timeout: 30_000 });
    });
    await wb.page.keyboard.press('Escape');
    await wb.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
    return ms;
  }

  /** One key typed into a cell's editor until it is drawn there. */
  let typedKeys = 0;
  async function probeTyping(cellIndex: number): Promise<number> {
    const row = await wb.revealCell(cellIndex);
    await row.locator('.cell-editor-container').first().click();
    await wb.page.keyboard.press('End');
    typedKeys++;
    const drawn = row.locator('.view-lines', { hasText: new RegExp(`typed:k{${typedKeys}}(?!k)`) });
    return timed(async () => {
      await wb.page.keyboard.type('k');
      await drawn.waitFor({ state: 'visible', timeout: 30_000 });
    });
  }

  /** To the text file and back to the notebook (until the extension host shows tfnb's status again). */
  async function probeSwitchEditors(notebook: string): Promise<[number, number]> {
    const away = await timed(async () => {
      await wb.tab('notes.md').click();
      await wb.page.locator('.monaco-editor .view-lines', { hasText: 'notes marker' }).waitFor({ state: 'visible', timeout: 30_000 });
      await wb.statusItem().waitFor({ state: 'hidden', timeout: 30_000 });
    });
    const back = await timed(async () => {
      await wb.tab(notebook).click();
      await wb.page.locator(`${ACTIVE_NOTEBOOK} .code-cell-row`).first().waitFor({ state: 'visible', timeout: 30_000 });
      await wb.waitForStatus(/busy/, 30_000);
    });
    return [away, back];
  }

  it('a cell blocking the kernel for a minute: the editor stays responsive, Interrupt stops it, state survives', async () => {
    await wb.openFileFromExplorer('notes.md');
    await wb.openFromExplorer('block.ipynb');
    const pid = await kernelPidOf(0);
    await wb.runCell(1);
    await wb.waitForCellState(1, 'executing');
    await wb.waitForStatus(/busy/);
    const blockedSince = Date.now();

    const palette: number[] = [];
    const menu: number[] = [];
    const typing: number[] = [];
    const away: number[] = [];
    const back: number[] = [];
    while (Date.now() - blockedSince < BLOCKED_FOR_MS) {
      palette.push(await probePalette());
      menu.push(await probeKernelMenu());
      typing.push(await probeTyping(3));
      const [a, b] = await probeSwitchEditors('block.ipynb');
      away.push(a);
      back.push(b);
      await wb.page.waitForTimeout(2000);
    }
    // The cell is still running: the kernel's event loop was blocked all along.
    assert.equal(await wb.cellState(1), 'executing');
    assert.ok(isAlive(pid));
    const section = 'Kernel blocked for a minute';
    record(section, `blocked for ${Math.round((Date.now() - blockedSince) / 1000)} s (cell 2 of block.ipynb, a busy loop)`);
    record(section, `command palette opens (F1 to input shown): ${summary(palette)}`);
    record(section, `tfnb kernel menu from the status bar (extension host quick pick): ${summary(menu)}`);
    record(section, `a key typed into another cell until drawn: ${summary(typing)}`);
    record(section, `switch to a text editor: ${summary(away)}`);
    record(section, `switch back to the notebook until tfnb's status shows: ${summary(back)}`);
    await wb.screenshot('hardening-blocked');

    const interruptMs = await timed(async () => {
      await wb.interruptFromToolbar();
      assert.equal(await wb.waitForCellDone(1, 20_000), 'error');
    });
    record(section, `Interrupt (toolbar click) until the cell shows as ended: ${Math.round(interruptMs)} ms`);
    const interrupted = await wb.waitForOutputs(1, (o) => o.texts.length > 0);
    assert.match(interrupted.texts.join('\n'), /Interrupted/);

    await wb.runCell(2);
    assert.equal(await wb.waitForCellDone(2), 'success');
    const state = await wb.waitForOutputs(2, (o) => o.texts.length > 0);
    assert.deepEqual(state.texts, ['state from before the blocking cell']);
    assert.ok(isAlive(pid) && kernelPids(server.runDir).includes(pid), 'the same kernel process, not a restarted one');

    await closeEditor('block.ipynb');
    await closeEditor('notes.md');
    await waitFor(() => !isAlive(pid), 20_000, 'the kernel of the closed notebook to exit');
  });

  it('floods of output (1,000,000 lines; one 100 MB string) are capped with a notice; the saved notebook stays small', async () => {
    const kernelsBefore = kernelPids(server.runDir);
    await wb.openFromExplorer('flood.ipynb');
    const section = 'Output floods';
    for (const [cell, what] of [
      [0, '1,000,000 console.log lines'],
      [1, 'one 100 MB string'],
    ] as const) {
      const palette: number[] = [];
      let noticeMs = 0;
      let doneAt = 0;
      const started = performance.now();
      await wb.runCell(cell);
      // Probe the palette while the output streams in, until the notice is on screen; give the
      // editor 20 s after the cell ended to draw it.
      for (;;) {
        const out = await wb.outputs(cell).catch(() => ({ mimes: [], texts: [] }));
        if (NOTICE.test(out.texts.join('\n'))) {
          noticeMs = performance.now() - started;
          break;
        }
        if (!doneAt && ['success', 'error'].includes(await wb.cellState(cell))) doneAt = performance.now();
        if (doneAt && performance.now() - doneAt > 20_000) {
          throw new Error(
            `${what}: the cell ended ${Math.round((doneAt - started) / 1000)} s after the run, but no output-limit notice was drawn within 20 s more (outputs in the editor: ${out.mimes.join(', ')}): ${JSON.stringify(out.texts).slice(-300)}`,
          );
        }
        if (performance.now() - started > 240_000) throw new Error(`${what}: no output-limit notice within 240 s`);
        palette.push(await probePalette(cell));
      }
      assert.equal(await wb.waitForCellDone(cell, 60_000), 'success');
      record(
        section,
        `${what}: run click to the capped notice on screen ${Math.round(noticeMs)} ms; palette while streaming ${summary(palette)}`,
      );
      await wb.screenshot(`hardening-flood-${cell}`);
    }
    // The kernel and the editor are still fine.
    await wb.runCell(2);
    assert.equal(await wb.waitForCellDone(2), 'success');
    assert.deepEqual((await wb.waitForOutputs(2, (o) => o.texts.length > 0)).texts, ['after the floods']);
    const paletteAfter = await probePalette();
    record(section, `palette after both floods: ${Math.round(paletteAfter)} ms`);

    let saved!: { notebook: SavedNotebook; bytes: number };
    const saveMs = await timed(async () => {
      saved = await saveAndRead('flood.ipynb');
    });
    record(
      section,
      `Ctrl+S until the file is on disk: ${Math.round(saveMs)} ms; flood.ipynb is ${(saved.bytes / 1024 / 1024).toFixed(2)} MiB`,
    );
    for (const cell of [0, 1]) {
      const streams = (saved.notebook.cells[cell]?.outputs ?? []).filter((o) => o.output_type === 'stream');
      const text = streams.map((o) => joined(o.text)).join('');
      const notice = new RegExp(`\\n?${NOTICE.source}[^\\n]*\\n`).exec(text);
      assert.ok(notice, `cell ${cell + 1}: the saved outputs hold the notice`);
      const printed = Buffer.byteLength(text.replace(notice[0], ''));
      assert.ok(printed <= DEFAULT_MAX_OUTPUT_BYTES, `cell ${cell + 1}: saved output is within the cap (${printed} bytes)`);
      assert.ok(printed > DEFAULT_MAX_OUTPUT_BYTES / 2, `cell ${cell + 1}: the output up to the cap was kept (${printed} bytes)`);
      record(
        section,
        `saved cell ${cell + 1}: ${streams.map((o) => o.name).join(' + ')} streams, ${printed} bytes of output, notice "${notice[0].trim()}"`,
      );
    }
    assert.ok(saved.bytes < FLOOD_FILE_BOUND, `flood.ipynb is ${saved.bytes} bytes`);
    await closeEditor('flood.ipynb');
    await kernelsBackTo(kernelsBefore, "the flood notebook's kernel to exit");
  });

  it('Ctrl+S while a cell streams writes a valid notebook with the output so far; saving after it ends writes all of it', async () => {
    const kernelsBefore = kernelPids(server.runDir);
    await wb.openFromExplorer('stream.ipynb');
    const section = 'Save while a cell streams';
    const lines = (n: number) => Array.from({ length: n }, (_, i) => `line ${i + 1}`);
    const savedLines = (nb: SavedNotebook) =>
      (nb.cells[0]?.outputs ?? [])
        .filter((o) => o.output_type === 'stream' && o.name === 'stdout')
        .map((o) => joined(o.text))
        .join('')
        .split('\n')
        .filter(Boolean);
    await wb.runCell(0);
    const counts: number[] = [];
    for (const atLeast of [10, 30]) {
      await wb.waitForOutputs(
        0,
        (o) => (o.texts[0] ?? '').includes(`line ${atLeast}\n`) || (o.texts[0] ?? '').endsWith(`line ${atLeast}`),
        30_000,
      );
      const { notebook, bytes } = await saveAndRead('stream.ipynb');
      const got = savedLines(notebook);
      assert.equal(notebook.cells.length, 1);
      assert.deepEqual(got, lines(got.length), 'the saved output is a prefix of the final one');
      assert.ok(got.length >= atLeast && got.length < 50, `saved while running: ${got.length} lines`);
      counts.push(got.length);
      record(
        section,
        `saved while running (after line ${atLeast} showed): ${got.length} of 50 lines, ${bytes} bytes, execution_count ${JSON.stringify(notebook.cells[0]?.execution_count)}`,
      );
    }
    assert.ok(counts[1]! > counts[0]!, 'the second save holds more output than the first');
    assert.equal(await wb.cellState(0), 'executing', 'both saves happened while the cell ran');
    assert.equal(await wb.waitForCellDone(0, 30_000), 'success');
    const { notebook } = await saveAndRead('stream.ipynb');
    assert.deepEqual(savedLines(notebook), lines(50));
    assert.equal(notebook.cells[0]?.execution_count, 1);
    record(section, 'saved after the cell ended: all 50 lines, execution_count 1');
    await closeEditor('stream.ipynb');
    await kernelsBackTo(kernelsBefore, "the stream notebook's kernel to exit");
  });

  it('two notebooks get two kernel processes that share nothing; closing one ends only its kernel', async () => {
    await wb.openFromExplorer('a.ipynb');
    const pidA = await kernelPidOf(0);
    await wb.openFromExplorer('b.ipynb');
    await wb.runCell(0);
    assert.equal(await wb.waitForCellDone(0, 90_000), 'success');
    const [pidText, whoType, markType] = ((await wb.waitForOutputs(0, (o) => o.texts.length > 0)).texts[0] ?? '').split(' ');
    const pidB = Number(pidText);
    assert.notEqual(pidB, pidA);
    assert.deepEqual([whoType, markType], ['undefined', 'undefined'], "B sees neither A's variable nor its global");
    const both = kernelPids(server.runDir);
    assert.ok(both.includes(pidA) && both.includes(pidB), `both kernels are in the process table: ${both}`);

    const closing = performance.now();
    const exited = waitFor(() => !isAlive(pidB), 20_000, "B's kernel to exit").then(() => performance.now() - closing);
    await closeEditor('b.ipynb');
    record('Two notebooks', `closing B's editor (its tab's ×) until its kernel exited: ${Math.round(await exited)} ms`);
    assert.ok(kernelPids(server.runDir).includes(pidA), "A's kernel still runs");

    await wb.activateTab('a.ipynb');
    await wb.runCell(1);
    assert.equal(await wb.waitForCellDone(1), 'success');
    assert.deepEqual((await wb.waitForOutputs(1, (o) => o.texts.length > 0)).texts, ['A set in A']);
    assert.ok(isAlive(pidA) && !kernelPids(server.runDir).includes(pidB));
    await closeEditor('a.ipynb');
    await waitFor(() => !isAlive(pidA), 20_000, "A's kernel to exit");
  });

  it(`extension host memory over ${SOAK_RUNS * SOAK_CELLS} executions stays within ${SOAK_RSS_GROWTH_BOUND * 100} % of its post-warm-up value`, async () => {
    const kernelsBefore = kernelPids(server.runDir);
    await wb.openFromExplorer('soak.ipynb');
    const [host] = extensionHostPids(server.pid);
    assert.ok(host, 'the extension host process is found');
    const last = SOAK_CELLS - 1;
    const curve: number[] = [rssKiB(host)];
    const runTimes: number[] = [];
    for (let run = 1; run <= SOAK_RUNS; run++) {
      runTimes.push(
        await timed(async () => {
          await wb.runAllFromToolbar();
          const deadline = Date.now() + 120_000;
          for (;;) {
            await wb.scrollToEnd();
            if ((await wb.executionOrder(last)) === `[${run * SOAK_CELLS}]` && (await wb.cellState(last)) === 'error') break;
            if (Date.now() > deadline) throw new Error(`Run All ${run} did not reach the last cell in 120 s`);
            await wb.page.waitForTimeout(200);
          }
        }),
      );
      curve.push(rssKiB(host));
    }
    const out = await wb.waitForOutputs(last, (o) => o.texts.length > 0);
    assert.match(out.texts.join('\n'), /soak error at the end of Run All/);
    await wb.scrollToEnd('first');
    assert.equal(await wb.executionOrder(0), `[${(SOAK_RUNS - 1) * SOAK_CELLS + 1}]`, 'every cell ran in every pass');
    const warm = curve[SOAK_WARMUP_RUNS]!;
    const end = curve[curve.length - 1]!;
    const mib = (kib: number) => (kib / 1024).toFixed(0);
    const section = 'Extension host memory (soak)';
    record(
      section,
      `${SOAK_RUNS} Run All passes of ${SOAK_CELLS} cells (tensors, displays, streams, caught errors, results, a final error): ${summary(runTimes)} per pass`,
    );
    record(section, `VmRSS MiB before, then after each pass: ${curve.map(mib).join(' → ')}`);
    record(
      section,
      `post-warm-up (after pass ${SOAK_WARMUP_RUNS}) ${mib(warm)} MiB, end ${mib(end)} MiB: ${(((end - warm) / warm) * 100).toFixed(1)} %`,
    );
    // Why 25 %: resident size drifts up with no leak. In a 45-pass diagnostic run (inspector on the
    // extension host, GC forced) its JS heap stayed at 42-44 MiB and object counts flat while VmRSS
    // rose about 0.3-0.5 MiB a pass (V8 and malloc keep freed pages). So this bound only catches
    // gross retention: about 3 MiB a pass (60 KB an execution) over the 18 passes after warm-up,
    // e.g. every output or tensor view of every run kept; the curve recorded shows smaller drifts.
    assert.ok(end <= warm * (1 + SOAK_RSS_GROWTH_BOUND), `extension host RSS grew from ${mib(warm)} to ${mib(end)} MiB`);
    await closeEditor('soak.ipynb');
    await kernelsBackTo(kernelsBefore, "the soak notebook's kernel to exit");
  });

  /** Opens idle.ipynb (kernel idle) and busy.ipynb (kernel in a busy loop); returns their kernels' pids. */
  async function idleAndBusyKernels(open: boolean): Promise<{ idle: number; busy: number }> {
    if (open) await wb.openFromExplorer('idle.ipynb');
    else await wb.activateTab('idle.ipynb');
    const idle = await kernelPidFromFile(0, 'idle.pid');
    if (open) await wb.openFromExplorer('busy.ipynb');
    else await wb.activateTab('busy.ipynb');
    const busy = await kernelPidFromFile(0, 'busy.pid');
    await wb.runCell(1);
    await wb.waitForCellState(1, 'executing');
    await wb.waitForStatus(/busy/);
    const running = kernelPids(server.runDir);
    assert.ok(running.includes(idle) && running.includes(busy) && idle !== busy, `two kernels: ${running}`);
    return { idle, busy };
  }

  /**
   * Waits up to 20 s for the kernels to exit. Returns those left behind, after ending them (they
   * would burn a core for the rest of the run), so the test can fail naming them.
   */
  async function leftBehind(kernels: { idle: number; busy: number }, section: string, what: string): Promise<string[]> {
    const started = performance.now();
    const alive = () => Object.entries(kernels).filter(([, pid]) => isAlive(pid));
    await waitFor(() => alive().length === 0, 20_000, 'kernels to exit').catch(() => undefined);
    const left = alive().map(([name, pid]) => `${name} kernel ${pid}`);
    record(
      section,
      left.length === 0
        ? `${what}: both kernels (idle, busy) exited within ${Math.round(performance.now() - started)} ms`
        : `${what}: LEFT BEHIND after 20 s: ${left.join(', ')}`,
    );
    for (const [, pid] of alive()) process.kill(pid, 'SIGKILL');
    return left;
  }

  /**
   * Runs `action`; if it throws, ends the two kernels first, so that the busy loop does not hold
   * the notebooks of the tests after this one.
   */
  async function orEndKernels(kernels: { idle: number; busy: number }, action: () => Promise<void>): Promise<void> {
    try {
      await action();
    } catch (e) {
      for (const pid of [kernels.idle, kernels.busy]) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
      throw e;
    }
  }

  it('Developer: Reload Window leaves no kernel behind (one idle, one in a busy loop)', async () => {
    const kernels = await idleAndBusyKernels(true);
    const activations = server.extensionHostActivations();
    await orEndKernels(kernels, () => wb.command('Developer: Reload Window'));
    const left = await leftBehind(kernels, 'Window and extension host going away', 'Developer: Reload Window');
    await wb.waitForNewWindow(activations);
    assert.deepEqual(left, []);
  });

  it('closing the browser page leaves no kernel behind (one idle, one in a busy loop)', async () => {
    await wb.tab('busy.ipynb').waitFor({ timeout: 60_000 }); // the reloaded window restored both notebooks
    const kernels = await idleAndBusyKernels(false);
    const activations = server.extensionHostActivations();
    await wb.page.close();
    const left = await leftBehind(kernels, 'Window and extension host going away', 'closing the browser page');
    const page = await browser.newPage();
    await page.goto(server.url);
    wb = new Workbench(page, server);
    await wb.waitForNewWindow(activations);
    assert.deepEqual(left, []);
  });

  it('the extension host dying (SIGKILL) leaves no kernel behind (one idle, one in a busy loop)', async () => {
    await wb.tab('busy.ipynb').waitFor({ timeout: 60_000 });
    const kernels = await idleAndBusyKernels(false);
    const hosts = extensionHostPids(server.pid);
    assert.equal(hosts.length, 1, `one extension host: ${hosts}`);
    process.kill(hosts[0]!, 'SIGKILL');
    const left = await leftBehind(kernels, 'Window and extension host going away', 'extension host killed with SIGKILL');
    assert.deepEqual(left, []);
  });

  function writeFigures(): void {
    mkdirSync(ARTIFACTS, { recursive: true });
    const lines = [
      '# tfnb hardening figures (real VS Code)',
      '',
      `Written by test/e2e/hardening.test.ts on ${new Date().toISOString()}: code-server ${codeServerVersion()}, headless Chromium, ${process.platform} ${process.arch}, Node ${process.versions.node}. Measured, not asserted.`,
      '',
    ];
    for (const [section, entries] of figures) lines.push(`## ${section}`, '', ...entries.map((e) => `- ${e}`), '');
    writeFileSync(join(ARTIFACTS, 'hardening-figures.md'), lines.join('\n'));
  }
});

function codeServerVersion(): string {
  const pkg = join(codeServerDir(), 'node_modules/code-server/package.json');
  return existsSync(pkg) ? (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version : 'unknown';
}
