/**
 * Browser side of the renderer benchmark: the real renderer (activate from
 * renderers/index.ts) and, side by side, the baselines it is compared with. Each timing
 * covers the synchronous work plus the microtasks it queued (uPlot draws in one) and a
 * forced layout, so it is the main-thread time the update costs.
 */
import uPlot from 'uplot';
import type { OutputItem, RendererApi } from 'vscode-notebook-renderer';
import { activate } from '../../renderers/index';

const TRAINING = 'application/vnd.tfnb.training+json';
const TENSOR = 'application/vnd.tfnb.tensor+json';

function item(mime: string, id: string, text: string, object?: unknown, bytes?: Uint8Array<ArrayBuffer>): OutputItem {
  const data = bytes ?? new TextEncoder().encode(text);
  return {
    id,
    mime,
    metadata: {},
    text: () => text,
    json: () => (object !== undefined ? object : JSON.parse(text)),
    data: () => data,
    blob: () => new Blob([data], { type: mime }),
  };
}

function slot(): HTMLElement {
  const el = document.createElement('div');
  el.style.width = '820px';
  document.body.appendChild(el);
  return el;
}

/** Runs `work`, lets its microtasks run, forces layout; returns the elapsed ms. */
async function timed(el: HTMLElement, work: () => void): Promise<number> {
  const t0 = performance.now();
  work();
  for (let i = 0; i < 4; i++) await null;
  void el.offsetHeight;
  return performance.now() - t0;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

let api: RendererApi;

/** Training logs as fit() would produce them, `perEpoch` batches an epoch. */
function batchLog(step: number): { step: number; loss: number; acc: number } {
  return {
    step,
    loss: 1.5 * Math.exp(-step / 30000) + 0.05 + 0.04 * Math.sin(step * 0.37),
    acc: 0.5 + 0.45 * (1 - Math.exp(-step / 25000)),
  };
}

/** As src/kernel/display/training.ts MAX_BATCH_POINTS. */
const KERNEL_MAX_BATCH_POINTS = 1000;

/** The kernel's side (modelled): keep at most `max` batch points by striding. */
function kernelDownsample<T>(points: T[], max: number): T[] {
  if (points.length <= max) return points;
  const stride = Math.ceil(points.length / max);
  return points.filter((_, i) => i % stride === 0 || i === points.length - 1);
}

const bench = {
  async renderTensor(text: string, runs: number): Promise<number[]> {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const el = slot();
      times.push(await timed(el, () => void api.renderOutputItem(item(TENSOR, `t${i}`, text), el, new AbortController().signal)));
      el.remove();
      api.disposeOutputItem?.(`t${i}`);
    }
    return times;
  },

  async toggleHeatmap(text: string, runs: number): Promise<number[]> {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const el = slot();
      void api.renderOutputItem(item(TENSOR, `h${i}`, text), el, new AbortController().signal);
      const button = Array.from(el.querySelectorAll('button')).find((b) => b.textContent === 'Heatmap')!;
      times.push(await timed(el, () => button.click()));
      el.remove();
      api.disposeOutputItem?.(`h${i}`);
    }
    return times;
  },

  /** Baseline: the payload pretty-printed into a <pre>, the least a notebook could show. */
  async baselineTensor(text: string, runs: number): Promise<number[]> {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const el = slot();
      times.push(
        await timed(el, () => {
          const pre = document.createElement('pre');
          pre.textContent = JSON.stringify(JSON.parse(text), null, 1);
          el.replaceChildren(pre);
        }),
      );
      el.remove();
    }
    return times;
  },

  /**
   * Live curve: `updates` display-id updates, `intervalMs` apart, each adding `perUpdate`
   * batch points. mode 'kernel': the payload the kernel sends (batches downsampled to 1,000,
   * parsed from JSON text each time as VS Code does). mode 'raw': every point so far handed
   * to the renderer as an object (the 1 MB guard bypassed: this times the drawing alone).
   */
  async liveCurve(
    mode: 'kernel' | 'raw',
    updates: number,
    perUpdate: number,
    intervalMs: number,
  ): Promise<{ times: number[]; points: number; drawn: string }> {
    const el = slot();
    const perEpoch = 1000;
    const totalSteps = updates * perUpdate;
    const batches: Array<ReturnType<typeof batchLog>> = [];
    const epochs: Array<Record<string, number>> = [];
    const times: number[] = [];
    for (let u = 0; u < updates; u++) {
      for (let i = 0; i < perUpdate; i++) {
        const step = batches.length;
        batches.push(batchLog(step));
        if ((step + 1) % perEpoch === 0) {
          const e = epochs.length;
          epochs.push({
            epoch: e + 1,
            loss: batchLog(step).loss,
            acc: batchLog(step).acc,
            val_loss: batchLog(step).loss * 1.1,
            val_acc: batchLog(step).acc * 0.97,
          });
        }
      }
      const payload = {
        trainingId: 'bench',
        epochs,
        batches: mode === 'kernel' ? kernelDownsample(batches, KERNEL_MAX_BATCH_POINTS) : batches,
        progress: {
          epoch: epochs.length + 1,
          totalEpochs: totalSteps / perEpoch,
          batch: batches.length % perEpoch,
          batchesPerEpoch: perEpoch,
          elapsedMs: u * intervalMs,
          done: false,
        },
      };
      const output =
        mode === 'kernel' ? item(TRAINING, 'live', JSON.stringify(payload)) : item(TRAINING, 'live', '', payload, new Uint8Array(0));
      times.push(await timed(el, () => void api.renderOutputItem(output, el, new AbortController().signal)));
      await sleep(intervalMs);
    }
    const drawn = el.querySelector('.tfnb-chart')?.getAttribute('data-points') ?? '?';
    el.remove();
    api.disposeOutputItem?.('live');
    return { times, points: batches.length, drawn };
  },

  /** Baseline: a bare uPlot chart given every point so far with setData (no renderer around it). */
  async baselineCurve(updates: number, perUpdate: number, intervalMs: number): Promise<number[]> {
    const el = slot();
    const x: number[] = [];
    const loss: number[] = [];
    const plot = new uPlot(
      { width: 800, height: 260, scales: { x: { time: false } }, series: [{}, { label: 'loss', stroke: '#3794ff', width: 1 }] },
      [[], []],
      el,
    );
    const times: number[] = [];
    for (let u = 0; u < updates; u++) {
      for (let i = 0; i < perUpdate; i++) {
        const b = batchLog(x.length);
        x.push((b.step + 1) / 1000);
        loss.push(b.loss);
      }
      const data: uPlot.AlignedData = [x.slice(), loss.slice()];
      times.push(await timed(el, () => plot.setData(data)));
      await sleep(intervalMs);
    }
    plot.destroy();
    el.remove();
    return times;
  },
};

api = (await activate({
  workspace: { isTrusted: true },
  getState: () => undefined,
  setState: () => {},
  getRenderer: async () => undefined,
  postMessage: () => {},
}))!;
(window as unknown as { bench: typeof bench }).bench = bench;
(window as unknown as { benchReady: boolean }).benchReady = true;
