/**
 * Turns the SVG fallback of a final tfnb output into a PNG (`image/png` in place of
 * `image/svg+xml`), so viewers without tfnb's renderer show it: nbconvert 6.5 prefers SVG over
 * PNG and then strips the SVG's content, so a PNG beside the SVG would not be seen there.
 * Rasterising costs tens of milliseconds, so it is done for final states only:
 * - a first display is rasterised at once, unless it is a live training chart;
 * - a live training chart (progress not done) keeps its SVG; its final update is rasterised;
 * - other updates in place (a tfvis surface redrawn each epoch) keep their SVG, and the latest
 *   one of each output is rasterised once, when its cell ends (`settle`).
 */
import { BoundedMap } from '../../shared/boundedMap';
import { MIME, type MimeBundle } from '../../protocol/mime';
import type { SvgRasterizer } from './raster';

export type SendDisplay = (executionId: string | null, bundle: MimeBundle, displayId: string | undefined, update: boolean) => void;

/** Outputs waiting for their cell's end; past this, the oldest keeps its SVG. */
const MAX_PENDING = 64;

const TFNB_TYPES: readonly string[] = Object.values(MIME);

function wantsPng(bundle: MimeBundle): boolean {
  return typeof bundle['image/svg+xml'] === 'string' && !('image/png' in bundle) && Object.keys(bundle).some((k) => TFNB_TYPES.includes(k));
}

function isLiveTraining(bundle: MimeBundle): boolean {
  const payload = bundle[MIME.training] as { progress?: { done?: unknown } } | undefined;
  return payload?.progress !== undefined && payload.progress.done !== true;
}

/** The bundle with its SVG replaced by a PNG (base64), or as it is when no PNG can be made. */
export function withPng(bundle: MimeBundle, raster: SvgRasterizer): MimeBundle {
  let png: Uint8Array | undefined;
  try {
    png = raster.toPng(bundle['image/svg+xml'] as string);
  } catch {
    png = undefined; // a drawing resvg cannot parse keeps its SVG
  }
  if (!png) return bundle;
  const { 'image/svg+xml': _svg, ...rest } = bundle;
  return { ...rest, 'image/png': Buffer.from(png).toString('base64') };
}

export class PngFallbacks {
  private readonly pending = new BoundedMap<string, { executionId: string | null; bundle: MimeBundle }>(MAX_PENDING);

  constructor(
    private readonly raster: SvgRasterizer,
    private readonly send: SendDisplay,
  ) {}

  display(executionId: string | null, bundle: MimeBundle, displayId: string | undefined, update: boolean): void {
    if (displayId !== undefined) this.pending.delete(displayId);
    if (!wantsPng(bundle) || isLiveTraining(bundle)) {
      this.send(executionId, bundle, displayId, update);
      return;
    }
    if (update && displayId !== undefined && bundle[MIME.training] === undefined) {
      this.pending.set(displayId, { executionId, bundle });
      this.send(executionId, bundle, displayId, update);
      return;
    }
    this.send(executionId, withPng(bundle, this.raster), displayId, update);
  }

  /** A cell's result (final by nature), with its PNG. */
  result(bundle: MimeBundle): MimeBundle {
    return wantsPng(bundle) && !isLiveTraining(bundle) ? withPng(bundle, this.raster) : bundle;
  }

  /** A cell ended: the outputs it updated in place get their PNG now. */
  settle(executionId: string): void {
    for (const [displayId, entry] of [...this.pending]) {
      if (entry.executionId !== executionId) continue;
      this.pending.delete(displayId);
      const final = withPng(entry.bundle, this.raster);
      if (final !== entry.bundle) this.send(executionId, final, displayId, true);
    }
  }
}
