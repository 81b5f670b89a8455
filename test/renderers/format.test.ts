// Number formatting and the structure of summarised tensor values (pure; no browser).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatBytes, formatDuration, formatMetric, tensorValueFormatter } from '../../renderers/format';
import { axisIndices, checkValues } from '../../renderers/tensorValues';
import { PayloadError } from '../../renderers/validate';

test('tensor values share one format, like NumPy', () => {
  const floats = tensorValueFormatter([0.5, 1, -2.25], 'float32');
  assert.deepEqual([0.5, 1, -2.25].map(floats), ['0.50', '1.00', '-2.25']);
  const ints = tensorValueFormatter([1, 20, 300], 'int32');
  assert.equal(ints(20), '20');
  const wide = tensorValueFormatter([1e-6, 5], 'float32');
  assert.equal(wide(5), '5.0000e+0');
  assert.equal(floats('NaN'), 'nan');
  assert.equal(floats('-Infinity'), '-inf');
  assert.equal(tensorValueFormatter(['a'], 'string')('a'), "'a'");
  assert.equal(tensorValueFormatter([1, 0], 'bool')(1), 'true');
});

test('metrics, durations and sizes', () => {
  assert.equal(formatMetric(0.123456), '0.1235');
  assert.equal(formatMetric(101770), '101,770');
  assert.equal(formatMetric(null), '—');
  assert.equal(formatDuration(185_000), '3m 05s');
  assert.equal(formatDuration(3_720_000), '1h 02m');
  assert.equal(formatBytes(503_464), '491.66 KB');
});

test('axis indices count from the end after the elision', () => {
  assert.deepEqual(axisIndices(1000, [1, 2, 3, null, 4, 5, 6], 'v'), [0, 1, 2, null, 997, 998, 999]);
  assert.deepEqual(axisIndices(3, [1, 2, 3], 'v'), [0, 1, 2]);
  assert.throws(() => axisIndices(3, [1, null, 2, null], 'v'), PayloadError);
  assert.throws(() => axisIndices(2, [1, null, 2], 'v'), /leave nothing to elide/);
});

test('values must fit the shape', () => {
  checkValues([[1, null, 3], null, [4, null, 6]], [10, 10]);
  assert.throws(() => checkValues([[1, 2], [3]], [2, 2]), /values\[1\]: expected 2 entries/);
  assert.throws(
    () =>
      checkValues(
        [
          [1, 2],
          [3, { x: 1 }],
        ],
        [2, 2],
      ),
    /values\[1\]\[1\]: expected a number, string or boolean/,
  );
  assert.throws(() => checkValues(5, [1]), /expected a nested array/);
});
