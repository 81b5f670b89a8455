/**
 * `tf.node.summaryFileWriter(logdir)`: TensorBoard event files written in JavaScript, named and
 * framed as TensorFlow's own summary writer does (events.out.tfevents.<seconds>.<host>.<pid>.<n>.v2,
 * TFRecord framing, a first "brain.Event:2" record). Scalars are `simple_value`s, histograms
 * `HistogramProto`s. Events are queued and appended when `maxQueue` are waiting, every
 * `flushMillis`, on `flush()` and when the process exits.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { util, type Scalar, type Tensor } from '@tensorflow/tfjs';
import { encodeEvent, type HistogramProto, type SummaryValue } from './eventProto';
import { tfRecord } from './tfrecord';

export const FILE_VERSION = 'brain.Event:2';

let fileCounter = 0;

/** Every writer, flushed when the process exits: one listener for all (a sweep may open dozens). */
const openWriters = new Set<SummaryFileWriter>();
let exitHookInstalled = false;
function flushAtExit(writer: SummaryFileWriter): void {
  openWriters.add(writer);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const w of openWriters) w.flush();
  });
}

export class SummaryFileWriter {
  readonly path: string;
  private queue: Uint8Array[] = [];

  constructor(
    readonly logdir: string,
    private readonly maxQueue = 10,
    flushMillis = 120_000,
    filenameSuffix = '.v2',
  ) {
    mkdirSync(logdir, { recursive: true });
    const seconds = String(Math.floor(Date.now() / 1000)).padStart(10, '0');
    const sep = filenameSuffix.startsWith('.') || filenameSuffix === '' ? '' : '.';
    this.path = join(logdir, `events.out.tfevents.${seconds}.${hostname()}.${process.pid}.${fileCounter++}${sep}${filenameSuffix}`);
    writeFileSync(this.path, tfRecord(encodeEvent({ wallTime: Date.now() / 1000, fileVersion: FILE_VERSION })));
    setInterval(() => this.flush(), flushMillis).unref();
    flushAtExit(this);
  }

  /** Writes a scalar summary: `tag` = name, `simple_value` = value, at `step`. */
  scalar(name: string, value: Scalar | number, step: number, description?: string): void {
    if (description != null) throw new Error('scalar() does not support description yet');
    const v = typeof value === 'number' ? value : value.dataSync()[0]!;
    this.push(step, { tag: name, simpleValue: v });
  }

  /** Writes a histogram of `data`'s values in `buckets` equal-width buckets (30 by default). */
  histogram(name: string, data: Tensor, step: number, buckets?: number, description?: string): void {
    if (description != null) throw new Error('histogram() does not support description yet');
    this.push(step, { tag: name, histo: histogramOf(data.dataSync() as ArrayLike<number>, buckets ?? 30) });
  }

  /** Appends every queued event to the file. */
  flush(): void {
    if (this.queue.length === 0) return;
    const records = this.queue;
    this.queue = [];
    const total = records.reduce((n, r) => n + r.length, 0);
    const joined = new Uint8Array(total);
    let offset = 0;
    for (const r of records) {
      joined.set(r, offset);
      offset += r.length;
    }
    appendFileSync(this.path, joined);
  }

  private push(step: number, value: SummaryValue): void {
    util.assert(Number.isFinite(step), () => `step must be a finite number, got ${step}`);
    this.queue.push(tfRecord(encodeEvent({ wallTime: Date.now() / 1000, step, summary: [value] })));
    if (this.queue.length >= this.maxQueue) this.flush();
  }
}

export function histogramOf(values: ArrayLike<number>, buckets: number): HistogramProto {
  util.assert(Number.isInteger(buckets) && buckets > 0, () => `buckets must be a positive integer, got ${buckets}`);
  let min = Infinity,
    max = -Infinity,
    sum = 0,
    sumSquares = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) throw new Error(`histogram: the data holds a non-finite value (${v})`);
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    sumSquares += v * v;
  }
  if (values.length === 0) return { min: 0, max: 0, num: 0, sum: 0, sumSquares: 0, bucketLimit: [], bucket: [] };
  const n = min === max ? 1 : buckets;
  const width = (max - min) / n;
  const bucketLimit = Array.from({ length: n }, (_, i) => (i === n - 1 ? max : min + width * (i + 1)));
  const bucket = new Array<number>(n).fill(0);
  for (let i = 0; i < values.length; i++) {
    const k = width === 0 ? 0 : Math.min(n - 1, Math.floor((values[i]! - min) / width));
    bucket[k]!++;
  }
  return { min, max, num: values.length, sum, sumSquares, bucketLimit, bucket };
}

/** One writer per folder, as tfjs-node keeps them: two writers on one logdir would interleave files. */
const writers = new Map<string, SummaryFileWriter>();

export function summaryFileWriter(
  baseDir: string,
  logdir: string,
  maxQueue = 10,
  flushMillis = 120_000,
  filenameSuffix = '.v2',
): SummaryFileWriter {
  util.assert(
    typeof logdir === 'string' && logdir.length > 0,
    () => `Invalid logdir: ${String(logdir)}. Expected a non-empty string for logdir.`,
  );
  const dir = resolve(baseDir, logdir);
  let writer = writers.get(dir);
  if (!writer) {
    writer = new SummaryFileWriter(dir, maxQueue, flushMillis, filenameSuffix);
    writers.set(dir, writer);
  }
  return writer;
}
