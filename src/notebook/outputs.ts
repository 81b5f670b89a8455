/**
 * Collects what one cell's execution produced as nbformat outputs: streams merged as they
 * come, results, errors, and displays. Display ids follow Jupyter: a display with an id adds
 * a new output carrying that id; an update replaces, in place, this cell's outputs carrying
 * it (the execution queue sends an update to every cell that showed the id).
 * Output keeps arriving after the cell's `done` (a timer, an un-awaited promise), so a
 * collector stays open until the notebook is written.
 */
import type { ErrorOutput, ExecutionHandlers } from '../protocol/executionOutputs';
import type { StreamName } from '../protocol/messages';
import type { MimeBundle } from '../protocol/mime';
import { toMultiline, type NbOutput, type NbOutputDisplay } from './ipynb';

export interface CellOutputsOptions {
  /** Echoes streams and errors (the CLI's terminal). */
  echo?: (name: StreamName, text: string) => void;
  /** A display with an id was shown (`update` false) or updated from this cell: live output such as a progress bar. */
  onLiveDisplay?: (displayId: string, data: MimeBundle, update: boolean) => void;
}

export class CellOutputs implements ExecutionHandlers {
  readonly outputs: NbOutput[] = [];
  /** Its number in the kernel, once its turn came. */
  executionCount: number | null = null;
  private streamText = new Map<NbOutput, string>();
  private byDisplayId = new Map<string, NbOutputDisplay[]>();

  constructor(private readonly options: CellOutputsOptions & { onStart?: (executionCount: number) => void } = {}) {}

  onStart(executionCount: number): void {
    this.executionCount = executionCount;
    this.options.onStart?.(executionCount);
  }

  onStream(name: StreamName, text: string): void {
    this.options.echo?.(name, text);
    const last = this.outputs[this.outputs.length - 1];
    if (last?.output_type === 'stream' && last.name === name) {
      const merged = (this.streamText.get(last) ?? '') + text;
      this.streamText.set(last, merged);
      last.text = toMultiline(merged);
    } else {
      const out: NbOutput = { output_type: 'stream', name, text: toMultiline(text) };
      this.streamText.set(out, text);
      this.outputs.push(out);
    }
  }

  onDisplay(data: MimeBundle, displayId: string | undefined, update: boolean): void {
    if (displayId !== undefined && update) {
      const shown = this.byDisplayId.get(displayId) ?? [];
      const nbData = toNbData(data);
      for (const out of shown) out.data = nbData;
      if (shown.length) this.options.onLiveDisplay?.(displayId, data, true);
      return;
    }
    const out: NbOutputDisplay = { output_type: 'display_data', data: toNbData(data), metadata: {} };
    if (displayId !== undefined) {
      out.transient = { display_id: displayId };
      this.byDisplayId.set(displayId, [...(this.byDisplayId.get(displayId) ?? []), out]);
      this.options.onLiveDisplay?.(displayId, data, false);
    }
    this.outputs.push(out);
  }

  onResult(data: MimeBundle): void {
    this.outputs.push({ output_type: 'execute_result', execution_count: this.executionCount, data: toNbData(data), metadata: {} });
  }

  onError(error: ErrorOutput): void {
    this.options.echo?.('stderr', error.traceback.join('\n') + '\n');
    this.outputs.push({ output_type: 'error', ename: error.ename, evalue: error.evalue, traceback: error.traceback });
  }

  /** The outputs as saved: `transient` is run-time only in nbformat. */
  saved(): NbOutput[] {
    return this.outputs.map((o) => {
      if (o.output_type !== 'display_data' || !o.transient) return o;
      const { transient: _transient, ...rest } = o;
      return rest;
    });
  }
}

/** MIME bundle -> nbformat data: JSON types stay objects, text is stored as lines. */
export function toNbData(bundle: MimeBundle): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const [mime, value] of Object.entries(bundle)) {
    const isJson = mime === 'application/json' || mime.endsWith('+json');
    data[mime] =
      !isJson && typeof value === 'string' && (mime.startsWith('text/') || mime === 'image/svg+xml') ? toMultiline(value) : value;
  }
  return data;
}
