// src/shared/boundedMap.ts: what long sessions keep per execution stays bounded.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BoundedMap, BoundedSet } from '../../src/shared/boundedMap';

describe('BoundedMap', () => {
  it('forgets the oldest insertion past its capacity', () => {
    const m = new BoundedMap<string, number>(3);
    for (const [k, v] of [
      ['a', 1],
      ['b', 2],
      ['c', 3],
      ['d', 4],
    ] as const)
      m.set(k, v);
    assert.deepEqual(
      [...m],
      [
        ['b', 2],
        ['c', 3],
        ['d', 4],
      ],
    );
  });

  it('keeps the age of a key set again (its value changes, its place does not)', () => {
    const m = new BoundedMap<string, number>(2);
    m.set('a', 1).set('b', 2).set('a', 10).set('c', 3);
    assert.deepEqual(
      [...m],
      [
        ['b', 2],
        ['c', 3],
      ],
    );
  });

  it('never holds more than its capacity over many insertions', () => {
    const m = new BoundedMap<number, number>(100);
    for (let i = 0; i < 10_000; i++) m.set(i, i);
    assert.equal(m.size, 100);
    assert.equal(m.keys().next().value, 9_900);
  });
});

describe('BoundedSet', () => {
  it('forgets the oldest value past its capacity', () => {
    const s = new BoundedSet<string>(2);
    s.add('a').add('b').add('c');
    assert.deepEqual([...s], ['b', 'c']);
    assert.equal(s.has('a'), false);
  });
});
