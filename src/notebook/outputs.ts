/**
 * Collects what one cell's execution produced as nbformat outputs: streams merged as they
 * come, results, errors, and displays. Display ids follow Jupyter: a display with an id adds
 * a new output carrying that id; an update (`update: true`) replaces, in place, every output
 * carrying that id in any cell of the notebook (`DisplayIds` is shared by the whole run).
 * Output keeps arriving after the cell's `done` (a timer, an un-awaited promise), so a
 * collector stays open until the notebook is written.
 */
import type { ErrorOutput, ExecutionHandlers } from '../client/kernelClient';
import type { StreamName } from '../protocol/messages';
import type { MimeBundle } from '../protocol/mime';
import { toMultiline, type NbOutput, type NbOutputDisplay } from './ipynb';

/** Every output shown with a display id, notebook-wide. */
export class DisplayIds {
  private byId = new Map<string, NbOutputDisplay[]>();

  add(displayId: string, output: NbOutputDisplay): void {
    const list = this.byId.get(displayId);
    if (list) list.push(output);
    else this.byId.set(displayId, [output]);
  }

  /** Replaces the data of every output shown with this id; false when none was (Jupyter then ignores the update). */
  update(displayId: string, data: MimeBundle): boolean {
    const list = this.byId.get(displayId);
    if (!list) return false;
    const nbData = toNbData(data);
    for (const out of list) out.data = nbData;
    return true;
  }
}

export interface CellOutputsOptions {
  executionCount: number;
  /** The run's display ids, shared by every cell. */
  displays: DisplayIds;
  /** Echoes streams and errors (the CLI's terminal). */
  echo?: (name: StreamName, text: string) => void;
  /** A display with an id was shown (`update` false) or updated from this cell: live output such as a progress bar. */
  onLiveDisplay?: (displayId: string, data: MimeBundle, update: boolean) => void;
}

export class CellOutputs implements ExecutionHandlers {
  readonly outputs: NbOutput[] = [];
  /** Called when the cell's turn comes (cells are queued ahead). */
  onStart?: () => void;
  private streamText = new Map<NbOutput, string>();
  private timeoutError: ErrorOutput | undefined;

  constructor(private readonly options: CellOutputsOptions) {}

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
      if (this.options.displays.update(displayId, data)) this.options.onLiveDisplay?.(displayId, data, true);
      return;
    }
    const out: NbOutputDisplay = { output_type: 'display_data', data: toNbData(data), metadata: {} };
    if (displayId !== undefined) {
      out.transient = { display_id: displayId };
      this.options.displays.add(displayId, out);
      this.options.onLiveDisplay?.(displayId, data, false);
    }
    this.outputs.push(out);
  }

  onResult(data: MimeBundle): void {
    this.outputs.push({ output_type: 'execute_result', execution_count: this.options.executionCount, data: toNbData(data), metadata: {} });
  }

  onError(error: ErrorOutput): void {
    // The interrupt that ends a timed-out cell: its error says why instead.
    if (this.timeoutError && error.ename === 'Interrupted') {
      error = this.timeoutError;
      this.timeoutError = undefined;
    }
    this.options.echo?.('stderr', error.traceback.join('\n') + '\n');
    this.outputs.push({ output_type: 'error', ename: error.ename, evalue: error.evalue, traceback: error.traceback });
  }

  /** The cell ran over its time limit and is being interrupted: the kernel's `Interrupted` error becomes this one. */
  expectTimeout(error: ErrorOutput): void {
    this.timeoutError = error;
  }

  /**
   * After the timed-out cell ended: adds the timeout error if no interrupt error took its place
   * (the cell ended on its own meanwhile), unless `add` is false (the kernel died instead).
   */
  settleTimeout(add: boolean): void {
    const error = this.timeoutError;
    this.timeoutError = undefined;
    if (error && add) this.onError(error);
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
    data[mime] = !isJson && typeof value === 'string' && (mime.startsWith('text/') || mime === 'image/svg+xml') ? toMultiline(value) : value;
  }
  return data;
}
