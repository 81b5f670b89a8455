/**
 * The standard notebook MIME types, for cells that want to show something tfnb has no view of:
 * `display.html(...)`, `display.markdown(...)`, images, audio, and raw MIME bundles — the same
 * helpers tslab gives (`tslab.display.html`) and what Deno's kernel does with
 * `Symbol.for('Jupyter.display')`. VS Code, JupyterLab and GitHub draw these types themselves.
 */
import type { MimeBundle } from '../../protocol/mime';
import type { DisplayOptions } from './displayContext';
import { imageGridBundle } from './imageGrid';
import { encodeWav } from './wav';
import type { AudioOptions, AudioSamples, RichDisplay } from '../../api/display';
export type { AudioOptions, AudioSamples, RichDisplay } from '../../api/display';

/** The symbol Deno's Jupyter kernel looks for: a method returning a MIME bundle. */
export const JUPYTER_DISPLAY = Symbol.for('Jupyter.display');

/** WAV bytes above this are refused: a clip should be seconds long, not a recording. */
export const MAX_AUDIO_BYTES = 1024 * 1024;

type Show = (bundle: MimeBundle, options?: DisplayOptions) => void;

export function createRichDisplay(show: Show): RichDisplay {
  const text = (value: unknown, what: string): string => {
    if (typeof value !== 'string') throw new TypeError(`display.${what} takes a string, got ${describe(value)}`);
    return value;
  };
  const base64 = (image: Uint8Array | string, what: string): string => {
    if (typeof image === 'string') return image.replace(/^data:[^,]*;base64,/, '');
    if (image instanceof Uint8Array) return Buffer.from(image.buffer, image.byteOffset, image.byteLength).toString('base64');
    throw new TypeError(`display.${what} takes bytes (Uint8Array) or base64 text, got ${describe(image)}`);
  };
  return {
    html: (html, o) => show({ 'text/html': text(html, 'html'), 'text/plain': '<HTML output>' }, o),
    markdown: (md, o) => show({ 'text/markdown': text(md, 'markdown'), 'text/plain': text(md, 'markdown') }, o),
    svg: (svg, o) => show({ 'image/svg+xml': text(svg, 'svg'), 'text/plain': '<SVG image>' }, o),
    png: (image, o) => show({ 'image/png': base64(image, 'png'), 'text/plain': '<PNG image>' }, o),
    jpeg: (image, o) => show({ 'image/jpeg': base64(image, 'jpeg'), 'text/plain': '<JPEG image>' }, o),
    text: (t, o) => show({ 'text/plain': text(t, 'text') }, o),
    json: (value, o) => show({ 'application/json': toJson(value), 'text/plain': JSON.stringify(value, null, 2) ?? String(value) }, o),
    raw: (bundle, o) => show(checkBundle(bundle, 'display.raw'), o),
    audio: (samples, options) => show(audioBundle(samples, options), { displayId: options?.displayId, update: options?.update }),
    images: (images, options) => show(imageGridBundle(images, options), { displayId: options?.displayId, update: options?.update }),
  };
}

/** The bundle of a value that has a `[Symbol.for('Jupyter.display')]()` method, else undefined. */
export function customBundle(value: unknown): MimeBundle | undefined {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return undefined;
  const method = (value as { [JUPYTER_DISPLAY]?: unknown })[JUPYTER_DISPLAY];
  if (typeof method !== 'function') return undefined;
  return checkBundle(method.call(value), '[Symbol.for("Jupyter.display")]()');
}

const MIME_TYPE = /^[a-z0-9][\w.+-]*\/[\w.+-]+$/i;

/** A bundle from user code, checked: MIME-type keys, text for text types; text/plain added if missing. */
export function checkBundle(bundle: unknown, where: string): MimeBundle {
  if (typeof bundle !== 'object' || bundle === null || Array.isArray(bundle)) {
    throw new TypeError(`${where} must give an object of MIME type -> data, got ${describe(bundle)}`);
  }
  const out: Record<string, unknown> = {};
  for (const [mime, data] of Object.entries(bundle)) {
    if (!MIME_TYPE.test(mime)) throw new TypeError(`${where}: '${mime}' is not a MIME type (like 'text/html')`);
    const isJson = mime === 'application/json' || mime.endsWith('+json');
    if (isJson) out[mime] = toJson(data);
    else if (typeof data === 'string') out[mime] = data;
    else throw new TypeError(`${where}: the data for '${mime}' must be a string, got ${describe(data)}`);
  }
  if (Object.keys(out).length === 0) throw new TypeError(`${where} gave an empty bundle`);
  if (typeof out['text/plain'] !== 'string') out['text/plain'] = `<${Object.keys(out)[0]} output>`;
  return out as MimeBundle;
}

function toJson(value: unknown): unknown {
  const text = JSON.stringify(value);
  if (text === undefined) throw new TypeError(`${describe(value)} cannot be shown as JSON`);
  return JSON.parse(text) as unknown;
}

function audioBundle(samples: AudioSamples, options: AudioOptions): MimeBundle {
  const rate = options?.sampleRate;
  if (!Number.isInteger(rate) || rate < 1 || rate > 384_000) {
    throw new RangeError(`display.audio needs { sampleRate } as a whole number of samples per second, got ${describe(rate)}`);
  }
  let data: ArrayLike<number>;
  let channels = 1;
  // A tensor (from any copy of tfjs) or anything shaped like one.
  if (typeof samples === 'object' && samples !== null && 'shape' in samples && 'dataSync' in samples) {
    const { shape } = samples as { shape: number[] };
    if (shape.length === 2 && shape[1]! >= 1 && shape[1]! <= 8) channels = shape[1]!;
    else if (shape.length !== 1)
      throw new RangeError(`display.audio takes a 1-D tensor, or [frames, channels]; got shape [${shape.join(', ')}]`);
    data = (samples as { dataSync(): ArrayLike<number> }).dataSync();
  } else if (samples !== null && typeof samples === 'object' && typeof (samples as ArrayLike<number>).length === 'number') {
    data = samples as ArrayLike<number>;
  } else {
    throw new TypeError(`display.audio takes samples (an array, Float32Array or tensor), got ${describe(samples)}`);
  }
  const wavBytes = 44 + data.length * 2;
  const seconds = data.length / channels / rate;
  if (wavBytes > MAX_AUDIO_BYTES) {
    throw new RangeError(
      `display.audio: ${seconds.toFixed(1)} s at ${rate} Hz is ${(wavBytes / 1048576).toFixed(1)} MB as WAV; ` +
        `the limit is ${MAX_AUDIO_BYTES / 1048576} MB. Show a slice, or resample to a lower rate.`,
    );
  }
  let scaled: ArrayLike<number> = data;
  if (options.normalize ?? true) {
    let peak = 0;
    for (let i = 0; i < data.length; i++) {
      const a = Math.abs(data[i]!);
      if (a > peak && Number.isFinite(a)) peak = a;
    }
    if (peak > 0) scaled = Float32Array.from(data, (v) => v / peak);
  }
  const src = `data:audio/wav;base64,${encodeWav(scaled, rate, channels).toString('base64')}`;
  const layout = channels === 1 ? 'mono' : channels === 2 ? 'stereo' : `${channels} channels`;
  const summary = `${seconds.toFixed(2)} s, ${rate} Hz, ${layout}`;
  const title = options.title ? `<div>${escapeHtml(options.title)}</div>` : '';
  return {
    'text/html': `${title}<audio controls preload="metadata" src="${src}"></audio>`,
    'text/plain': `<Audio${options.title ? ` ${options.title}:` : ''} ${summary}>`,
  };
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? (v.constructor?.name ?? 'an object') : `${typeof v} ${String(v).slice(0, 40)}`;
}
