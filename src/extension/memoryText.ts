/** How the status bar words a kernel's memory: tensor counts (singular for one) and byte sizes. */
import type { MemoryReport } from '../protocol/messages';
import { formatBytes } from '../shared/formatBytes';

export { formatBytes };

export function tensors(n: number): string {
  return `${n} tensor${Math.abs(n) === 1 ? '' : 's'}`;
}

/** A change in the number of live tensors, signed: "+1 tensor", "-3 tensors", "0 tensors". */
export function tensorDelta(n: number): string {
  return n > 0 ? `+${tensors(n)}` : tensors(n);
}

export function formatMemory(memory: MemoryReport): string {
  return `${tensors(memory.numTensors)} · ${formatBytes(memory.numBytes)}`;
}
