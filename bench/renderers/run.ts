/**
 * Renderer benchmark in headless Chromium: render time of a 1000×1000 tensor output (the
 * kernel's summarised payload) and the per-update time of a live training curve growing
 * to 100,000 batch points at 10 updates a second, each beside a baseline run in the same
 * page. Prints a table. Run: node --import tsx bench/renderers/run.ts
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { chromium } from 'playwright-core';
import { bigTensor } from '../../test/renderers/fixtures';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const ORIGIN = 'http://tfnb.bench';

const quick = process.argv.includes('--quick');
const TENSOR_RUNS = quick ? 10 : 40;
const UPDATES = quick ? 20 : 100;
const PER_UPDATE = 100_000 / UPDATES;
const INTERVAL_MS = 100; // 10 updates per second

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}
function p95(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)]!;
}

/** Median of the last tenth of the updates, when the curve holds 90–100k points. */
function tail(times: number[]): string {
  return `median of the last ${Math.ceil(times.length / 10)} updates ${median(times.slice(-Math.ceil(times.length / 10))).toFixed(2)} ms`;
}

interface Row {
  name: string;
  times: number[];
  target?: number;
  baseline?: { name: string; times: number[] };
  note?: string;
}

async function main(): Promise<void> {
  const bundle = (
    await esbuild.build({
      absWorkingDir: root,
      entryPoints: ['bench/renderers/page.ts'],
      bundle: true,
      platform: 'browser',
      target: 'es2022',
      format: 'esm',
      minify: true, // as shipped with --production
      loader: { '.css': 'text' },
      write: false,
      logLevel: 'silent',
    })
  ).outputFiles[0]!.text;

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
  try {
    const page = await browser.newPage({ viewport: { width: 900, height: 800 } });
    await page.route(`${ORIGIN}/**`, (route) => {
      const path = new URL(route.request().url()).pathname;
      if (path === '/bench.js') return route.fulfill({ contentType: 'text/javascript', body: bundle });
      return route.fulfill({
        contentType: 'text/html',
        body: `<!doctype html><html style="--vscode-foreground:#ccc;--vscode-editor-background:#1f1f1f"><body class="vscode-dark"><script type="module" src="/bench.js"></script></body></html>`,
      });
    });
    await page.goto(`${ORIGIN}/`);
    await page.waitForFunction(() => (window as unknown as { benchReady?: boolean }).benchReady === true);
    type Bench = Record<string, (...args: unknown[]) => Promise<unknown>>;
    const call = <T>(fn: string, ...args: unknown[]): Promise<T> =>
      page.evaluate(([f, a]) => (window as unknown as { bench: Bench }).bench[f as string]!(...(a as unknown[])), [
        fn,
        args,
      ] as const) as Promise<T>;

    const tensorText = JSON.stringify(bigTensor());
    const rows: Row[] = [];
    // Interleave ours and the baseline so drift (thermal, other load) hits both alike.
    const ours: number[] = [];
    const base: number[] = [];
    await call('renderTensor', tensorText, 3); // warm-up (JIT)
    for (let i = 0; i < 4; i++) {
      ours.push(...(await call<number[]>('renderTensor', tensorText, TENSOR_RUNS / 4)));
      base.push(...(await call<number[]>('baselineTensor', tensorText, TENSOR_RUNS / 4)));
    }
    rows.push({
      name: `tensor 1000×1000 render (${(tensorText.length / 1024).toFixed(0)} KB payload)`,
      times: ours,
      target: 100,
      baseline: { name: 'JSON in <pre>', times: base },
    });
    rows.push({ name: 'tensor 1000×1000 Values→Heatmap toggle', times: await call<number[]>('toggleHeatmap', tensorText, TENSOR_RUNS) });

    const kernel = await call<{ times: number[]; points: number; drawn: string }>('liveCurve', 'kernel', UPDATES, PER_UPDATE, INTERVAL_MS);
    rows.push({
      name: `live curve → ${kernel.points.toLocaleString('en-US')} pts, kernel payload (≤1,000 batch pts, JSON parsed)`,
      times: kernel.times,
      target: 16,
      note: `${kernel.drawn} points drawn at the end; ${tail(kernel.times)}`,
    });
    const raw = await call<{ times: number[]; points: number; drawn: string }>('liveCurve', 'raw', UPDATES, PER_UPDATE, INTERVAL_MS);
    const bare = await call<number[]>('baselineCurve', UPDATES, PER_UPDATE, INTERVAL_MS);
    rows.push({
      name: `live curve → ${raw.points.toLocaleString('en-US')} pts, all points as objects (size guard bypassed)`,
      times: raw.times,
      target: 16,
      baseline: { name: 'bare uPlot.setData, all points', times: bare },
      note: `${raw.drawn} points drawn at the end; ${tail(raw.times)}; baseline ${tail(bare)}`,
    });

    const fmt = (n: number): string => n.toFixed(2);
    const lines = [
      '| case | median ms | p95 ms | max ms | target | baseline | baseline median ms | ratio (median) |',
      '| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: |',
      ...rows.map((r) => {
        const m = median(r.times);
        const b = r.baseline ? median(r.baseline.times) : null;
        const verdict = r.target === undefined ? '' : p95(r.times) <= r.target ? ' ✓' : ' ✗';
        return `| ${r.name} | ${fmt(m)} | ${fmt(p95(r.times))} | ${fmt(Math.max(...r.times))} | ${r.target === undefined ? '' : `≤ ${r.target}${verdict}`} | ${r.baseline?.name ?? ''} | ${b === null ? '' : fmt(b)} | ${b === null ? '' : `${(m / b).toFixed(2)}×`} |`;
      }),
    ];
    console.log(lines.join('\n'));
    for (const r of rows) if (r.note) console.log(`- ${r.name}: ${r.note}`);
    console.log(
      `- ${UPDATES} updates ${INTERVAL_MS} ms apart for the live curves; ${TENSOR_RUNS} renders for the tensor; Chromium ${browser.version()}; targets checked on p95.`,
    );
  } finally {
    await browser.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
