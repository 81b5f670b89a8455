/**
 * Protocol-buffer encoding of the few TensorFlow messages a TensorBoard event file holds
 * (tensorflow/core/util/event.proto, tensorflow/core/framework/summary.proto): Event, Summary,
 * Summary.Value and HistogramProto. Hand-written: the whole need is five field kinds, smaller than
 * any protobuf library; test/kernel/tfnode decodes the output with protobufjs and the published fields.
 */

export interface HistogramProto {
  min: number;
  max: number;
  num: number;
  sum: number;
  sumSquares: number;
  /** Right edge of each bucket; bucket i spans (bucketLimit[i-1], bucketLimit[i]]. */
  bucketLimit: number[];
  bucket: number[];
}

export type SummaryValue = { tag: string; simpleValue: number } | { tag: string; histo: HistogramProto };

export type EventProto =
  { wallTime: number; step?: number; fileVersion: string } | { wallTime: number; step: number; summary: SummaryValue[] };

const WIRE_VARINT = 0,
  WIRE_FIXED64 = 1,
  WIRE_BYTES = 2,
  WIRE_FIXED32 = 5;

class ProtoWriter {
  private chunks: number[] = [];

  private varint(value: bigint): void {
    let v = BigInt.asUintN(64, value);
    while (v >= 0x80n) {
      this.chunks.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.chunks.push(Number(v));
  }
  private key(field: number, wire: number): void {
    this.varint(BigInt((field << 3) | wire));
  }
  private raw(bytes: Uint8Array): void {
    for (const b of bytes) this.chunks.push(b);
  }

  int64(field: number, value: number): this {
    this.key(field, WIRE_VARINT);
    this.varint(BigInt(Math.trunc(value)));
    return this;
  }
  double(field: number, value: number): this {
    this.key(field, WIRE_FIXED64);
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, value, true);
    this.raw(b);
    return this;
  }
  float(field: number, value: number): this {
    this.key(field, WIRE_FIXED32);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.raw(b);
    return this;
  }
  bytes(field: number, value: Uint8Array): this {
    this.key(field, WIRE_BYTES);
    this.varint(BigInt(value.length));
    this.raw(value);
    return this;
  }
  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }
  packedDoubles(field: number, values: number[]): this {
    const b = new Uint8Array(values.length * 8);
    const view = new DataView(b.buffer);
    values.forEach((v, i) => view.setFloat64(i * 8, v, true));
    return this.bytes(field, b);
  }
  finish(): Uint8Array {
    return Uint8Array.from(this.chunks);
  }
}

function encodeHistogram(h: HistogramProto): Uint8Array {
  return new ProtoWriter()
    .double(1, h.min)
    .double(2, h.max)
    .double(3, h.num)
    .double(4, h.sum)
    .double(5, h.sumSquares)
    .packedDoubles(6, h.bucketLimit)
    .packedDoubles(7, h.bucket)
    .finish();
}

function encodeValue(v: SummaryValue): Uint8Array {
  const w = new ProtoWriter().string(1, v.tag);
  if ('simpleValue' in v) w.float(2, v.simpleValue);
  else w.bytes(5, encodeHistogram(v.histo));
  return w.finish();
}

export function encodeEvent(e: EventProto): Uint8Array {
  const w = new ProtoWriter().double(1, e.wallTime);
  if (e.step) w.int64(2, e.step);
  if ('fileVersion' in e) w.string(3, e.fileVersion);
  else {
    const summary = new ProtoWriter();
    for (const v of e.summary) summary.bytes(1, encodeValue(v));
    w.bytes(5, summary.finish());
  }
  return w.finish();
}
