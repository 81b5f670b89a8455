/**
 * Reads a TensorBoard event file the way TensorBoard does: TFRecord frames (checking both masked
 * CRC-32Cs) holding `tensorflow.Event` messages, decoded by protobufjs from the field definitions
 * of TensorFlow's tensorflow/core/util/event.proto and tensorflow/core/framework/summary.proto
 * (the messages an event file with scalars and histograms uses; names and numbers as published).
 */
import protobuf from 'protobufjs';
import { maskedCrc32c } from '../../../src/kernel/tfnode/tfrecord';

const EVENT_PROTO = `
syntax = "proto3";
package tensorflow;
message HistogramProto {
  double min = 1;
  double max = 2;
  double num = 3;
  double sum = 4;
  double sum_squares = 5;
  repeated double bucket_limit = 6 [packed = true];
  repeated double bucket = 7 [packed = true];
}
message Summary {
  message Value {
    string node_name = 7;
    string tag = 1;
    oneof value {
      float simple_value = 2;
      bytes obsolete_old_style_histogram = 3;
      HistogramProto histo = 5;
    }
  }
  repeated Value value = 1;
}
message Event {
  double wall_time = 1;
  int64 step = 2;
  oneof what {
    string file_version = 3;
    bytes graph_def = 4;
    Summary summary = 5;
    bytes meta_graph_def = 9;
  }
}
`;

const Event = protobuf.parse(EVENT_PROTO).root.lookupType('tensorflow.Event');

export interface DecodedEvent {
  wallTime: number;
  step: number;
  fileVersion?: string;
  summary?: {
    value: Array<{
      tag: string;
      simpleValue?: number;
      histo?: { min: number; max: number; num: number; sum: number; sumSquares: number; bucketLimit: number[]; bucket: number[] };
    }>;
  };
}

export function readEventFile(bytes: Uint8Array): DecodedEvent[] {
  const events: DecodedEvent[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 0;
  while (offset < bytes.length) {
    if (offset + 12 > bytes.length) throw new Error(`truncated record header at ${offset}`);
    const length = Number(view.getBigUint64(offset, true));
    if (view.getUint32(offset + 8, true) !== maskedCrc32c(bytes.subarray(offset, offset + 8)))
      throw new Error(`bad length CRC at ${offset}`);
    const data = bytes.subarray(offset + 12, offset + 12 + length);
    if (data.length !== length || offset + 16 + length > bytes.length) throw new Error(`truncated record at ${offset}`);
    if (view.getUint32(offset + 12 + length, true) !== maskedCrc32c(data)) throw new Error(`bad data CRC at ${offset}`);
    const message = Event.decode(data);
    events.push(Event.toObject(message, { longs: Number, defaults: true, oneofs: false }) as DecodedEvent);
    offset += 16 + length;
  }
  return events;
}
