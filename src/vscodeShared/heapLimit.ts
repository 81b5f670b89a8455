import { MIN_KERNEL_HEAP_MB } from '../protocol/messages';

/**
 * The `tfnb.kernelMaxHeapMB` setting as a kernel can use it: 0 (Node's default), else a whole
 * number of MB, at least the floor a kernel starts with (1 to 31 would only fail to start).
 */
export function heapLimit(value: number | undefined): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) return 0;
  const mb = Math.floor(value);
  return mb === 0 ? 0 : Math.max(MIN_KERNEL_HEAP_MB, mb);
}
