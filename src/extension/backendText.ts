/** How the status bar, its menu and the log word a kernel's backend: "wasm (1 thread, tfjs 4.22.0)". */
import type { BackendInfo } from '../protocol/messages';

export function describeBackend(info: BackendInfo): string {
  const extra = [
    info.adapter ?? '',
    info.gpu ? 'GPU' : '',
    info.threads ? `${info.threads} thread${info.threads === 1 ? '' : 's'}` : '',
    `tfjs ${info.tfVersion}`,
  ]
    .filter(Boolean)
    .join(', ');
  return `${info.name} (${extra})`;
}
