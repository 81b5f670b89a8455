// TEMPORARY until src/kernel/display/ lands: text-only display.
import type { MimeBundle } from '../protocol/mime';
import type { Tf } from './backend';
export interface DisplayOptions { displayId?: string; update?: boolean }
export interface DisplaySink { display(bundle: MimeBundle, options?: DisplayOptions): void }
export interface DisplayContext { tf: Tf; sink: DisplaySink; maxPayloadBytes?: number; liveUpdateIntervalMs?: number }
export interface DisplayApi { tfvis: Record<string, unknown>; stopTraining(trainingId: string): boolean }
export function toMimeBundle(value: unknown, ctx: DisplayContext): MimeBundle | undefined {
  if (value instanceof ctx.tf.Tensor) return { 'text/plain': value.toString() };
  return undefined;
}
export function createDisplayApi(_ctx: DisplayContext): DisplayApi { return { tfvis: {}, stopTraining: () => false }; }
