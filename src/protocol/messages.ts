/**
 * The one protocol between a client (the VS Code extension or the CLI) and a kernel process.
 * Messages travel over Node's IPC channel (child_process fork); interrupts travel over a
 * separate pipe that a kernel worker thread reads, so they arrive while the main thread is blocked.
 * See docs/protocol.md.
 */
import type { MimeBundle, RendererToKernelMessage } from './mime';

/** Bumped on any incompatible change; checked at connect (the kernel's `ready`). */
export const PROTOCOL_VERSION = 1;

export type BackendName = 'tensorflow-gpu' | 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';
export type BackendChoice = 'auto' | 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';

export interface BackendAttempt {
  backend: BackendName;
  ok: boolean;
  /** Why it did not load, or where it was found. */
  detail: string;
}

export interface BackendInfo {
  name: BackendName;
  /** tf.getBackend() after loading: 'tensorflow', 'webgpu', 'wasm' or 'cpu'. */
  tfBackend: string;
  tfVersion: string;
  gpu: boolean;
  /** wasm only: thread count in use. */
  threads?: number;
  /** wasm only: kernels tfnb registered that the backend lacks, and how. */
  filledKernels?: Array<{ name: string; path: 'fast' | 'generic' }>;
  /** webgpu only: the adapter, e.g. "NVIDIA H100 80GB HBM3 (Vulkan)" or "llvmpipe (OpenGL ES, software)". */
  adapter?: string;
  /** Set when a GPU device node is present but no GPU backend loaded: why, and what to install. */
  gpuHint?: string;
  /** Each rung of the ladder that was tried, in order. */
  attempts: BackendAttempt[];
}

export interface MemoryReport {
  numTensors: number;
  numBytes: number;
  deltaTensors: number;
  deltaBytes: number;
}

export type CellLanguage = 'typescript' | 'javascript';

// ---- the variables view (a notebook's top-level names) --------------------------------

/** What a top-level name holds, as the variables view groups it. */
export type VariableKind =
  'tensor' | 'variable' | 'model' | 'dataset' | 'number' | 'string' | 'boolean' | 'array' | 'object' | 'function' | 'undefined' | 'null';

/** A summary of one top-level name: metadata only, never its values (a tensor's data is not read). */
export interface VariableSummary {
  name: string;
  kind: VariableKind;
  /** The value's constructor name or typeof, e.g. "Tensor", "Sequential", "Float32Array". */
  type: string;
  /** Tensors and variables: the shape; typed arrays and arrays: [length]. */
  shape?: number[];
  dtype?: string;
  /** Bytes the value holds where it is cheap to know: a tensor's data, a model's weights, a typed array's buffer. */
  bytes?: number;
  /** Models: countParams(). */
  params?: number;
  /** A short text: a number's value, a string's start, a function's signature (at most 100 characters). */
  preview?: string;
  /** A tensor that was disposed. */
  disposed?: boolean;
}

/** Ask for the top-level names (sorted, matching `filter` case-insensitively), at most `limit` of them. */
export interface VariablesRequest {
  type: 'variables';
  requestId: string;
  filter?: string;
  limit: number;
}

/** Ask for one name's value drawn as `display(x)` would draw it. */
export interface InspectVariableRequest {
  type: 'inspect-variable';
  requestId: string;
  name: string;
}

export type VariablesReply =
  | { type: 'variables'; requestId: string; total: number; variables: VariableSummary[] }
  | { type: 'variable-value'; requestId: string; name: string; data?: MimeBundle; error?: string };

/** The most summaries one `variables` reply carries, whatever the request's limit. */
export const MAX_VARIABLES_LIMIT = 5000;

// ---- client -> kernel ------------------------------------------------------------------

export interface ExecuteRequest {
  type: 'execute';
  executionId: string;
  code: string;
  language: CellLanguage;
  /** How tracebacks name the cell, e.g. "cell 3". */
  cellName: string;
  /**
   * The client's interrupt count when it sent this. The client sends cells ahead of time (the
   * kernel compiles them while the previous one runs); an interrupt with a higher epoch cancels
   * every cell sent before it.
   */
  epoch: number;
  /**
   * Run only if this earlier execution ended `ok`: a headless run (or Run All) sends every
   * cell at once, and a failure must stop the cells behind it, as Jupyter's stop_on_error does.
   */
  after?: string;
}

export type ClientToKernel =
  | ExecuteRequest
  | { type: 'renderer-message'; message: RendererToKernelMessage }
  | { type: 'shutdown' }
  | VariablesRequest
  | InspectVariableRequest;

// ---- kernel -> client ------------------------------------------------------------------

export type StreamName = 'stdout' | 'stderr';

export type ExecutionStatus = 'ok' | 'error' | 'interrupted' | 'cancelled';

export type KernelToClient =
  | { type: 'ready'; protocolVersion: number; pid: number; nodeVersion: string; backend: BackendInfo }
  | { type: 'stream'; executionId: string | null; name: StreamName; text: string }
  | { type: 'display'; executionId: string | null; data: MimeBundle; displayId?: string; update: boolean }
  | { type: 'result'; executionId: string; data: MimeBundle }
  | { type: 'error'; executionId: string; ename: string; evalue: string; traceback: string[] }
  | { type: 'done'; executionId: string; status: ExecutionStatus; durationMs: number; memory: MemoryReport }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string }
  | VariablesReply
  /** The kernel could not start (e.g. a forced backend failed to load); it exits after this. */
  | { type: 'startup-error'; message: string; attempts: BackendAttempt[] }
  | RunMetricMessage;

// ---- run metrics (docs/experiments.md) ----------------------------------------------------

/**
 * A number a recorded run keeps: the logs of one epoch of a `fit`/`fitDataset` (`fitId` tells
 * the fits of a kernel apart, in the order they started), or a scalar a cell logged with
 * `tfnb.log(name, value, step?)`. Sent whether or not the client records runs: it is small.
 */
export type RunMetric =
  | { kind: 'epoch'; fitId: number; epoch: number; logs: Record<string, number> }
  | { kind: 'scalar'; name: string; value: number; step?: number };

export interface RunMetricMessage {
  type: 'run-metric';
  executionId: string | null;
  metric: RunMetric;
}

/** Options the client passes to a kernel process as one JSON argument. */
export interface KernelLaunchOptions {
  /** The notebook's folder: cwd, and where imports resolve first. */
  notebookDir: string;
  /** The notebook file, for a cell's `__filename` (optional: without it, `notebook.ipynb` in notebookDir). */
  notebookPath?: string;
  backend: BackendChoice;
  /** wasm threads: 'auto' or a count. */
  wasmThreads: number | 'auto';
  /** Per-cell cap on streamed output bytes. */
  maxOutputBytes: number;
  /** Throttle for live display updates. */
  liveUpdateIntervalMs: number;
}

/** The least `--max-old-space-size` a kernel can run with (measured on Node 20: about 24 MB just to start). */
export const MIN_KERNEL_HEAP_MB = 32;
export const DEFAULT_MAX_OUTPUT_BYTES = 2 * 1024 * 1024;
export const DEFAULT_LIVE_UPDATE_INTERVAL_MS = 250;

/** The interrupt pipe carries one line per request: `<execution id> <epoch>`. */
export const INTERRUPT_FD = 4;
export const IPC_FD = 3;
