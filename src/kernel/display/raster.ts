/**
 * SVG → PNG in the kernel with resvg (WebAssembly, no native code), for the `image/png` fallback
 * of tfnb's outputs: Jupyter's nbconvert (6.5) strips everything inside `<svg>`, and a PNG is what
 * matplotlib writes by default. resvg-wasm sees no system fonts, so tfnb ships DejaVu Sans and
 * DejaVu Sans Mono (dist/fonts, converted from @fontsource's WOFF files by scripts/build.mjs).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { initWasm, Resvg } from '@resvg/resvg-wasm';
import { compileWithV8Flags } from '../wasm/assembler';

/** Longest side of a rasterised image, in pixels: bounds the time and the bytes of one PNG. */
export const MAX_RASTER_SIDE = 1600;
/** A PNG larger than this is not attached (the SVG stays). */
export const MAX_PNG_BYTES = 512 * 1024;

export const FONT_FILES = ['DejaVuSans.ttf', 'DejaVuSansMono.ttf'];

/** resvg's wasm can be initialised once per process. */
let wasmLoaded: Promise<void> | undefined;

export interface SvgRasterizer {
  /** The PNG of an SVG, or undefined when the rasteriser is not loaded yet, failed, or the PNG is too big. */
  toPng(svg: string): Uint8Array | undefined;
}

/**
 * Starts loading resvg from `distDir` (its .wasm and the fonts); until it has loaded (tens of
 * milliseconds, while the kernel starts), toPng returns undefined. A failure is reported once.
 */
export function startRasterizer(distDir: string, onError: (message: string) => void): SvgRasterizer & { ready: Promise<boolean> } {
  let fonts: Uint8Array[] | undefined;
  const ready = (async () => {
    try {
      const loaded = FONT_FILES.map((f) => new Uint8Array(readFileSync(join(distDir, 'fonts', f))));
      await (wasmLoaded ??= initWasm(compileUnoptimized(new Uint8Array(readFileSync(join(distDir, 'resvg.wasm'))))));
      fonts = loaded;
      return true;
    } catch (e) {
      onError(`PNG fallbacks are off: could not load resvg (${e instanceof Error ? e.message : String(e)})`);
      return false;
    }
  })();
  return {
    ready,
    toPng(svg) {
      return fonts ? rasterize(svg, fonts) : undefined;
    },
  };
}

/**
 * resvg's module (2.5 MB) compiled to stay on V8's baseline tier. By default V8 optimizes the
 * functions a first PNG runs hot, in background threads; on a 2-core machine that took
 * 0.3-0.4 s of CPU from the next cell — the MNIST tutorial's first training epoch ran at half
 * speed after its image grid and model summary got their PNGs. A PNG is made once per final
 * output, so baseline code is fast enough (--liftoff-only is on only while this module compiles;
 * measured: the tutorial's training cell 1.09-1.47 s against 1.49-1.90 s, four runs each).
 */
function compileUnoptimized(bytes: BufferSource): WebAssembly.Module {
  return compileWithV8Flags(bytes, '--liftoff-only', '--no-liftoff-only');
}

function rasterize(svg: string, fonts: Uint8Array[]): Uint8Array | undefined {
  const size = /<svg[^>]*\swidth="(\d+(?:\.\d+)?)"[^>]*\sheight="(\d+(?:\.\d+)?)"/.exec(svg);
  const longest = size ? Math.max(Number(size[1]), Number(size[2])) : MAX_RASTER_SIDE;
  const fitTo = longest > MAX_RASTER_SIDE ? { mode: 'zoom' as const, value: MAX_RASTER_SIDE / longest } : { mode: 'original' as const };
  const resvg = new Resvg(svg, {
    fitTo,
    background: '#ffffff',
    font: {
      fontBuffers: fonts,
      defaultFontFamily: 'DejaVu Sans',
      sansSerifFamily: 'DejaVu Sans',
      monospaceFamily: 'DejaVu Sans Mono',
    },
  });
  try {
    const image = resvg.render();
    try {
      const png = image.asPng();
      return png.length <= MAX_PNG_BYTES ? png : undefined;
    } finally {
      image.free();
    }
  } finally {
    resvg.free();
  }
}
