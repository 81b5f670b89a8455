/**
 * The tfnb notebook renderer: one entry for the five tfnb MIME types. It checks size and
 * shape of each payload, mounts the view for its kind, routes display-id updates to the
 * view already on the element (so UI state survives), and shows a readable error box for
 * anything malformed or any exception while drawing.
 */
import type { ActivationFunction, OutputItem, RendererApi } from 'vscode-notebook-renderer';
import uplotStyles from 'uplot/dist/uPlot.min.css';
import { MIME, type RendererToKernelMessage, type TfnbMimeType } from '../src/protocol/mime';
import { createChartView } from './chart';
import { createConfusionView } from './confusion';
import { DRAW_ERROR_EVENT, h } from './dom';
import { errorBox } from './errorBox';
import { formatBytes } from './format';
import { createModelSummaryView } from './modelSummary';
import { chartPayload, confusionPayload, modelSummaryPayload, tensorPayload, trainingPayload } from './payloads';
import styles from './styles.css';
import { createTensorView } from './tensor';
import { watchTheme } from './theme';
import { createTrainingView } from './training';
import { PayloadError, type Validator } from './validate';
import type { CreateView, ViewEnv } from './view';

/** Payloads above this are refused: the kernel is meant to send compact, summarised JSON. */
const MAX_PAYLOAD_BYTES = 1024 * 1024;

interface MountedView {
  update(raw: unknown): void;
  refreshTheme(): void;
  dispose(): void;
}

type Mount = (host: HTMLElement, raw: unknown, env: ViewEnv) => MountedView;

/** Pairs a kind's validator with its view so the rest of this file needs no payload types. */
function kind<P>(validate: Validator<P>, create: CreateView<P>): Mount {
  return (host, raw, env) => {
    const view = create(host, validate(raw, ''), env);
    return {
      update: (next) => view.update(validate(next, '')),
      refreshTheme: () => view.refreshTheme(),
      dispose: () => view.dispose(),
    };
  };
}

const KINDS: Record<TfnbMimeType, Mount> = {
  [MIME.tensor]: kind(tensorPayload, createTensorView),
  [MIME.training]: kind(trainingPayload, createTrainingView),
  [MIME.confusionMatrix]: kind(confusionPayload, createConfusionView),
  [MIME.modelSummary]: kind(modelSummaryPayload, createModelSummaryView),
  [MIME.chart]: kind(chartPayload, createChartView),
};

function isTfnbMime(mime: string): mime is TfnbMimeType {
  return Object.prototype.hasOwnProperty.call(KINDS, mime);
}

function payloadBytes(item: OutputItem): number {
  try {
    return item.data().byteLength;
  } catch {
    return new TextEncoder().encode(item.text()).byteLength;
  }
}

function installStyles(): void {
  if (document.getElementById('tfnb-renderer-styles')) return;
  const style = document.createElement('style');
  style.id = 'tfnb-renderer-styles';
  style.textContent = `${uplotStyles}\n${styles}`;
  document.head.appendChild(style);
}

interface Mounted {
  mime: TfnbMimeType;
  id: string;
  view: MountedView;
}

export const activate: ActivationFunction = (context) => {
  installStyles();
  const mounted = new Map<HTMLElement, Mounted>();
  const uiState = new Map<string, unknown>();
  const watched = new WeakSet<HTMLElement>();
  const post = context.postMessage?.bind(context);
  const postMessage = post ? (message: RendererToKernelMessage): void => post(message) : undefined;

  const showError = (element: HTMLElement, mime: string, error: unknown): void => {
    const entry = mounted.get(element);
    mounted.delete(element);
    try {
      entry?.view.dispose();
    } catch {
      // The view is being replaced by the error box anyway.
    }
    element.replaceChildren(errorBox(mime, error));
  };

  watchTheme(() => {
    for (const [element, entry] of mounted) {
      try {
        entry.view.refreshTheme();
      } catch (error) {
        showError(element, entry.mime, error);
      }
    }
  });

  const api: RendererApi = {
    renderOutputItem(item, element) {
      const mime = item.mime;
      try {
        if (!isTfnbMime(mime)) throw new PayloadError(`tfnb does not draw ${mime}`);
        const bytes = payloadBytes(item);
        if (bytes > MAX_PAYLOAD_BYTES) {
          throw new PayloadError(
            `The output is ${formatBytes(bytes)} of JSON, over the ${formatBytes(MAX_PAYLOAD_BYTES)} limit: summarise it in the kernel.`,
          );
        }
        const raw: unknown = item.json();
        const existing = mounted.get(element);
        if (existing && existing.mime === mime) {
          existing.id = item.id;
          existing.view.update(raw);
          return;
        }
        existing?.view.dispose();
        mounted.delete(element);
        if (!watched.has(element)) {
          // Exceptions from event handlers (toggles, selectors) arrive here.
          watched.add(element);
          element.addEventListener(DRAW_ERROR_EVENT, (event) =>
            showError(element, mounted.get(element)?.mime ?? mime, (event as CustomEvent).detail),
          );
        }
        const host = h('div', { class: 'tfnb-output', attrs: { 'data-mime': mime } });
        element.replaceChildren(host);
        const env: ViewEnv = { uiState, outputId: item.id, ...(postMessage ? { postMessage } : {}) };
        mounted.set(element, { mime, id: item.id, view: KINDS[mime](host, raw, env) });
      } catch (error) {
        showError(element, mime, error);
      }
    },
    disposeOutputItem(id) {
      for (const [element, entry] of mounted) {
        if (id !== undefined && entry.id !== id) continue;
        mounted.delete(element);
        try {
          entry.view.dispose();
        } catch {
          // Nothing left to show: the output is going away.
        }
      }
    },
  };
  return api;
};
