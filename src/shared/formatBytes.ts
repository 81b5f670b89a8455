/**
 * A byte count in binary units (1 KB = 1024 B), for people: the kernel's notices, the status
 * bar, `tfnb cache`, the renderers. No imports, so every side can bundle it.
 */
const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'] as const;
/** The first unit shown with two decimals by default (1.5 GB of tensors is worth 1.50 GB). */
const GB = 3;

/**
 * `1536` → `1.5 KB`. `fractionDigits`: digits after the point; by default 1 below a GB and 2
 * from a GB up. Bytes are shown as they are (`512 B`).
 */
export function formatBytes(bytes: number, fractionDigits?: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${value} B`;
  return `${value.toFixed(fractionDigits ?? (unit < GB ? 1 : 2))} ${UNITS[unit]}`;
}
