/**
 * Turns the SVG fallback of a final tfnb output into a PNG (`image/png` in place of
 * `image/svg+xml`), so viewers without tfnb's renderer show it: nbconvert 6.5 prefers SVG over
 * PNG and then strips the SVG's content, so a PNG beside the SVG would not be seen there.
 * Rasterising costs tens of milliseconds, so it is done for final states only, and never inside
 * a running cell's loop:
 * - a first display is rasterised at once, unless it is a live training chart (progress not
 *   done), which keeps its SVG;
 * - an update in place (a training chart's updates, its final one included; a tfvis surface
 *   redrawn each epoch) keeps its SVG, and the latest update of each output is rasterised once,
 *   when its cell ends (`settle`) — so a `fit` is not slowed by its chart's PNG. An update that
 *   arrives after its cell ended (a fit the cell did not await) is rasterised at once.
 */
import { BoundedMap, BoundedSet } from '../../shared/boundedMap';
import { MIME, type MimeBundle } from '../../protocol/mime';
import type { SvgRasterizer } from './raster';

export type SendDisplay = (executionId: string | null, bundle: MimeBundle, displayId: string | undefined, update: boolean) => void;

/** Outputs waiting for their cell's end; past this, the oldest keeps its SVG. */
const MAX_PENDING = 64;
/** Ended executions remembered (their late updates are rasterised at once). */
const MAX_ENDED = 256;

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
  private readonly ended = new BoundedSet<string>(MAX_ENDED);

  constructor(
    private readonly raster: SvgRasterizer,
    private readonly send: SendDisplay,
  ) {}

  display(executionId: string | null, bundle: MimeBundle, displayId: string | undefined, update: boolean): void {
    if (displayId !== undefined) this.pending.delete(displayId);
    let rasterise = wantsPng(bundle) && !isLiveTraining(bundle);
    if (rasterise && update && displayId !== undefined && executionId !== null && !this.ended.has(executionId)) {
      this.pending.set(displayId, { executionId, bundle }); // rasterised when its cell ends
      rasterise = false;
    }
    this.send(executionId, rasterise ? withPng(bundle, this.raster) : bundle, displayId, update);
  }

  /** A cell's result (final by nature), with its PNG. */
  result(bundle: MimeBundle): MimeBundle {
    return wantsPng(bundle) && !isLiveTraining(bundle) ? withPng(bundle, this.raster) : bundle;
  }

  /** A cell ended: the outputs it updated in place get their PNG now. */
  settle(executionId: string): void {
    this.ended.add(executionId);
    for (const [displayId, entry] of [...this.pending]) {
      if (entry.executionId !== executionId) continue;
      this.pending.delete(displayId);
      const final = withPng(entry.bundle, this.raster);
      if (final !== entry.bundle) this.send(executionId, final, displayId, true);
    }
  }
}
