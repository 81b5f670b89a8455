import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeEvent } from '../../../src/kernel/tfnode/eventProto';
import { tfRecord } from '../../../src/kernel/tfnode/tfrecord';
import { readEventFile } from './eventFile';

describe('Event protos decode with the published field definitions', () => {
  it('int64 steps past 2^32 and negative, float32 values, double wall times, UTF-8 tags', () => {
    const bytes = Buffer.concat([
      tfRecord(encodeEvent({ wallTime: 1765000000.123456, fileVersion: 'brain.Event:2' })),
      tfRecord(encodeEvent({ wallTime: 1.5, step: 2 ** 40 + 3, summary: [{ tag: 'loss/训练', simpleValue: 0.1 }] })),
      tfRecord(encodeEvent({ wallTime: 2.5, step: -7, summary: [{ tag: 'neg', simpleValue: -3 }] })),
      tfRecord(encodeEvent({ wallTime: 3, step: 0, summary: [{ tag: 'step zero', simpleValue: 1 }] })),
    ]);
    const events = readEventFile(bytes);
    assert.deepEqual(
      events.map((e) => [e.wallTime, e.step]),
      [
        [1765000000.123456, 0],
        [1.5, 2 ** 40 + 3],
        [2.5, -7],
        [3, 0],
      ],
    );
    assert.equal(events[0]!.fileVersion, 'brain.Event:2');
    assert.deepEqual(
      events.slice(1).map((e) => e.summary!.value.map((v) => [v.tag, v.simpleValue])),
      [[['loss/训练', Math.fround(0.1)]], [['neg', -3]], [['step zero', 1]]],
    );
  });

  it('a corrupted byte fails the CRC check TensorBoard makes', () => {
    const record = tfRecord(encodeEvent({ wallTime: 1, step: 1, summary: [{ tag: 'x', simpleValue: 1 }] }));
    record[14]! ^= 0x01;
    assert.throws(() => readEventFile(record), /bad data CRC/);
  });
});
