/**
 * Collects what one cell's execution produced as nbformat outputs: streams merged as they
 * come, display-id updates replacing the earlier output in place, results and errors.
 */
import type { ErrorOutput, ExecutionHandlers } from '../client/kernelClient';
import type { StreamName } from '../protocol/messages';
import type { MimeBundle } from '../protocol/mime';
import { toMultiline, type NbOutput, type NbOutputDisplay } from './ipynb';

export class CellOutputs implements ExecutionHandlers {
  readonly outputs: NbOutput[] = [];
  /** Called when the cell's turn comes (cells are queued ahead). */
  onStart?: () => void;
  private byDisplayId = new Map<string, NbOutputDisplay>();
  private streamText = new Map<NbOutput, string>();

  constructor(private readonly executionCount: number, private readonly echo?: (name: StreamName, text: string) => void) {}

  onStream(name: StreamName, text: string): void {
    this.echo?.(name, text);
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
    const existing = displayId !== undefined ? this.byDisplayId.get(displayId) : undefined;
    if (existing) {
      existing.data = toNbData(data);
      if (update) return;
    }
    if (update && !existing) return; // an update of an output this cell never showed
    const out: NbOutputDisplay = { output_type: 'display_data', data: toNbData(data), metadata: {} };
    if (displayId !== undefined) {
      out.transient = { display_id: displayId };
      this.byDisplayId.set(displayId, out);
    }
    this.outputs.push(out);
  }

  onResult(data: MimeBundle): void {
    this.outputs.push({ output_type: 'execute_result', execution_count: this.executionCount, data: toNbData(data), metadata: {} });
  }

  onError(error: ErrorOutput): void {
    this.echo?.('stderr', error.traceback.join('\n') + '\n');
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
    data[mime] = !isJson && typeof value === 'string' && (mime.startsWith('text/') || mime === 'image/svg+xml') ? toMultiline(value) : value;
  }
  return data;
}
