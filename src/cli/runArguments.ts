/** The options `tfnb run` and `tfnb sweep` share: their parseArgs spec and checks. */
import { MIN_KERNEL_HEAP_MB, type BackendChoice } from '../protocol/messages';

/** As the tfnb.maxOutputBytes setting's minimum: room for a notice of what was dropped. */
const MIN_OUTPUT_BYTES = 1024;
const BACKENDS: BackendChoice[] = ['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu'];

export const KERNEL_OPTIONS = {
  backend: { type: 'string' as const, default: 'auto' },
  timeout: { type: 'string' as const },
  'max-heap-mb': { type: 'string' as const },
  'max-output-bytes': { type: 'string' as const },
  parameter: { type: 'string' as const, short: 'p', multiple: true as const, default: [] as string[] },
  help: { type: 'boolean' as const, short: 'h', default: false },
};

export interface KernelArguments {
  backend: BackendChoice;
  timeoutSeconds?: number;
  maxHeapMB?: number;
  maxOutputBytes?: number;
}

/** The checked values, or what is wrong with them (exit code 2). */
export function kernelArguments(values: {
  backend?: string;
  timeout?: string;
  'max-heap-mb'?: string;
  'max-output-bytes'?: string;
}): KernelArguments | { problem: string } {
  const backend = (values.backend ?? 'auto') as BackendChoice;
  if (!BACKENDS.includes(backend)) return { problem: `--backend must be one of ${BACKENDS.join(', ')}` };
  const timeoutSeconds = values.timeout === undefined ? undefined : Number(values.timeout);
  // Infinity (or any huge number) is allowed: the queue's timer re-arms past Node's 24.8-day limit.
  if (timeoutSeconds !== undefined && !(timeoutSeconds > 0))
    return { problem: '--timeout must be a positive number of seconds (Infinity: no limit)' };
  const maxHeapMB = values['max-heap-mb'] === undefined ? undefined : Number(values['max-heap-mb']);
  // Measured: below 24 MB the kernel cannot even start (Node 20); 32 leaves room for a small cell.
  if (maxHeapMB !== undefined && !(Number.isInteger(maxHeapMB) && maxHeapMB >= MIN_KERNEL_HEAP_MB))
    return {
      problem: `--max-heap-mb must be a whole number of megabytes, ${MIN_KERNEL_HEAP_MB} or more (a kernel needs about 24 MB to start)`,
    };
  const maxOutputBytes = values['max-output-bytes'] === undefined ? undefined : Number(values['max-output-bytes']);
  if (maxOutputBytes !== undefined && !(Number.isInteger(maxOutputBytes) && maxOutputBytes >= MIN_OUTPUT_BYTES))
    return { problem: `--max-output-bytes must be a whole number of bytes, ${MIN_OUTPUT_BYTES} or more` };
  return { backend, timeoutSeconds, maxHeapMB, maxOutputBytes };
}
