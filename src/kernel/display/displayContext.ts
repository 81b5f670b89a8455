/**
 * What the display code receives from the kernel: the `tf` instance in use (never imported here,
 * because a user-installed tfjs-node brings its own copy), where bundles go, and the limits.
 */
import { DEFAULT_LIVE_UPDATE_INTERVAL_MS } from '../../protocol/messages';
import type { DisplayOptions } from '../../api/display';
import type { MimeBundle } from '../../protocol/mime';

import type { Tf } from '../tfType';
export type { Tf };

export type { DisplayOptions };

/** Where bundles go; the kernel implements it (it routes to the running cell). */
export interface DisplaySink {
  display(bundle: MimeBundle, options?: DisplayOptions): void;
}

export interface DisplayContext {
  tf: Tf;
  sink: DisplaySink;
  /** Max JSON size of one payload in bytes (default 256 * 1024). */
  maxPayloadBytes?: number;
  /** Min interval between live updates of one output (default 250 ms: ≤ 4/s). */
  liveUpdateIntervalMs?: number;
  /** Clock for throttling and training times (default performance.now); tests pass a fake one. */
  now?: () => number;
  /** The execution running now (its cell's end settles the live outputs it started); default none. */
  currentOwner?: () => string | null;
}

export const DEFAULT_MAX_PAYLOAD_BYTES = 256 * 1024;
export { DEFAULT_LIVE_UPDATE_INTERVAL_MS };

export interface ResolvedContext {
  tf: Tf;
  sink: DisplaySink;
  maxPayloadBytes: number;
  liveUpdateIntervalMs: number;
  now: () => number;
  currentOwner: () => string | null;
}

export function resolveContext(ctx: DisplayContext): ResolvedContext {
  return {
    tf: ctx.tf,
    sink: ctx.sink,
    maxPayloadBytes: ctx.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES,
    liveUpdateIntervalMs: ctx.liveUpdateIntervalMs ?? DEFAULT_LIVE_UPDATE_INTERVAL_MS,
    now: ctx.now ?? (() => performance.now()),
    currentOwner: ctx.currentOwner ?? (() => null),
  };
}
