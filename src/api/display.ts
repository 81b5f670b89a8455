/**
 * The `display` global cells see: hand-written, with the documentation shown on hover. The
 * kernel's implementation (src/kernel/display/rich.ts, src/kernel/runtime.ts) is typed against
 * these interfaces; src/authoring/types/kernel-globals.d.ts serves them to cells. Types only:
 * nothing here may import implementation code.
 */

/** Where an output goes: a new one, or (with `update`) the one shown earlier with `displayId`. */
export interface DisplayOptions {
  /** Names the output, so a later call with `update: true` can replace it. */
  displayId?: string;
  /** Replace the output shown earlier with the same `displayId` instead of adding one. */
  update?: boolean;
}

export interface AudioOptions extends DisplayOptions {
  /** Samples per second (per channel). */
  sampleRate: number;
  /** Scale so the loudest sample is at full volume (default true, as IPython's Audio). */
  normalize?: boolean;
  /** Shown above the player. */
  title?: string;
}

/** Mono samples (an array or 1-D tensor), or a [frames, channels] tensor, in [-1, 1]. */
export type AudioSamples = ArrayLike<number> | { shape: number[]; dataSync(): ArrayLike<number> };

export interface ImagesOptions extends DisplayOptions {
  /** One caption per image, shown under it (and as the text fallback). */
  captions?: string[];
  /** Tile width in CSS pixels (default: the image scaled up to about 56 pixels, at most 4×). */
  size?: number;
  /** Shown above the grid. */
  title?: string;
}

/** Shape-and-data duck type: a tensor from any copy of tfjs. */
export interface ImageTensor {
  shape: number[];
  dtype: string;
  dataSync(): ArrayLike<number> | unknown;
}

/** The standard notebook MIME types, as `display.html(...)`, `display.png(...)` and so on. */
export interface RichDisplay {
  /**
   * HTML, drawn by the notebook.
   * @example display.html('<b>bold</b> and <i>italic</i>');
   */
  html(html: string, options?: DisplayOptions): void;
  /**
   * Markdown, drawn by the notebook.
   * @example display.markdown('## Results\n| epoch | loss |\n|---|---|\n| 1 | 0.31 |');
   */
  markdown(markdown: string, options?: DisplayOptions): void;
  /**
   * An SVG image.
   * @example display.svg('<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><circle cx="20" cy="20" r="18" fill="teal"/></svg>');
   */
  svg(svg: string, options?: DisplayOptions): void;
  /**
   * PNG bytes, or base64 text.
   * @example display.png(await tf.node.encodePng(tf.zeros([8, 8, 3], 'int32')));
   */
  png(image: Uint8Array | string, options?: DisplayOptions): void;
  /**
   * JPEG bytes, or base64 text.
   * @example display.jpeg(require('node:fs').readFileSync('photo.jpg'));
   */
  jpeg(image: Uint8Array | string, options?: DisplayOptions): void;
  /**
   * Plain text, shown as given.
   * @example display.text('epoch 3: loss 0.12');
   */
  text(text: string, options?: DisplayOptions): void;
  /**
   * A value as a JSON tree.
   * @example display.json({ epochs: 5, optimizer: 'adam' });
   */
  json(value: unknown, options?: DisplayOptions): void;
  /**
   * A MIME bundle shown as given.
   * @example display.raw({ 'text/html': '<b>hi</b>', 'text/plain': 'hi' });
   */
  raw(bundle: Record<string, unknown>, options?: DisplayOptions): void;
  /**
   * A playable clip: mono samples (array or 1-D tensor), or [frames, channels] tensor, in [-1, 1].
   * @example display.audio(Float32Array.from({ length: 8000 }, (_, i) => Math.sin(i / 4)), { sampleRate: 8000 });
   */
  audio(samples: AudioSamples, options: AudioOptions): void;
  /**
   * A batch of images ([n, h, w], [n, h, w, 1|3|4] or one [h, w, 3|4]) as a grid of tiles, each
   * with its caption under it.
   * @example display.images(mistakes, { captions: ['4 → 9', '7 → 1'] });
   */
  images(images: ImageTensor, options?: ImagesOptions): void;
}

/**
 * Shows a value as an output of the running cell: tensors, models and training histories
 * richly, values with a `[Symbol.for('Jupyter.display')]()` method as the bundle it returns,
 * anything else as text. With `displayId`, a later `display(x, { displayId, update: true })`
 * replaces that output in place. `display.html`, `.markdown`, `.svg`, `.png`, `.jpeg`, `.text`,
 * `.json`, `.raw` and `.audio` show the standard notebook MIME types; `display.images(batch,
 * { captions })` draws a grid of captioned images.
 * @example
 * display(tf.randomNormal([3, 4]));
 * display('step 1', { displayId: 'status' });
 * display('step 2', { displayId: 'status', update: true });
 */
export type Display = ((value: unknown, options?: DisplayOptions) => void) & RichDisplay;
