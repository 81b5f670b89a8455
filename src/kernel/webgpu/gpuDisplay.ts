/**
 * Displays of tensors that live on the GPU (webgpu): tfnb's renderers read values synchronously,
 * which the webgpu backend cannot do in Node.js (syncReads.ts). Such a display shows a
 * placeholder at once, in its place among the cell's outputs, reads the tensor with `data()`,
 * then replaces the placeholder (a display-id update) with the real output. The tensor is cloned
 * first, so `display(t); t.dispose()` still works. The executor waits for these reads before it
 * ends the cell, so its outputs are complete and the clones are not reported as leaks.
 */
import type { MimeBundle } from '../../protocol/mime';
import { livesOnGpu } from './syncReads';

interface ShowOptions {
  displayId?: string;
  update?: boolean;
}
type Show = (bundle: MimeBundle, options?: ShowOptions) => void;
interface TensorLike {
  shape: number[];
  dtype: string;
  clone(): TensorLike;
  data(): Promise<unknown>;
  dispose(): void;
}

const pending = new Set<Promise<void>>();
let reads = 0;

/** `render` as is for everything but a GPU tensor, which is read asynchronously first. */
export function readGpuTensorsFirst<V, O extends ShowOptions | undefined>(
  render: (value: V, options: O) => void,
  show: Show,
): (value: V, options: O) => void {
  return (value, options) => {
    if (!livesOnGpu(value)) {
      render(value, options);
      return;
    }
    const tensor = value as unknown as TensorLike;
    const what = `Tensor ${tensor.dtype} [${tensor.shape.join(',')}]`;
    const displayId = options?.displayId ?? `tfnb-gpu-read-${++reads}`;
    const copy = tensor.clone();
    show({ 'text/plain': `${what} · reading it from the GPU…` }, { displayId, update: options?.update ?? false });
    const done: Promise<void> = copy
      .data()
      .then(() => render(copy as unknown as V, { ...options, displayId, update: true } as O))
      .catch((e: unknown) =>
        show({ 'text/plain': `${what} could not be shown: ${e instanceof Error ? e.message : String(e)}` }, { displayId, update: true }),
      )
      .finally(() => {
        copy.dispose();
        pending.delete(done);
      });
    pending.add(done);
  };
}

/** Resolves once every GPU read a display started has been shown (or has failed). */
export async function settleGpuDisplays(): Promise<void> {
  while (pending.size > 0) await Promise.allSettled([...pending]);
}
