/**
 * A TensorBoard event file for a run, written from the client (no tfjs needed): the framing and
 * encoding of the kernel's `tf.node.summaryFileWriter` (src/kernel/tfnode), one file per run,
 * each scalar appended as it comes so a run that dies keeps its curves.
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { encodeEvent } from '../kernel/tfnode/eventProto';
import { tfRecord } from '../kernel/tfnode/tfrecord';

/** The first record's file_version, as summaryWriter.ts's FILE_VERSION (not imported: that module loads tfjs). */
const FILE_VERSION_TAG = 'brain.Event:2';

export class ScalarEventFile {
  readonly path: string;

  constructor(dir: string) {
    const seconds = String(Math.floor(Date.now() / 1000)).padStart(10, '0');
    this.path = join(dir, `events.out.tfevents.${seconds}.${hostname()}.${process.pid}.0.v2`);
    writeFileSync(this.path, tfRecord(encodeEvent({ wallTime: Date.now() / 1000, fileVersion: FILE_VERSION_TAG })));
  }

  scalars(step: number, values: Record<string, number>): void {
    const summary = Object.entries(values).map(([tag, simpleValue]) => ({ tag, simpleValue }));
    if (summary.length === 0) return;
    appendFileSync(this.path, tfRecord(encodeEvent({ wallTime: Date.now() / 1000, step, summary })));
  }
}
