// Per-class metrics from a confusion matrix (pure; no browser).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classReport, perClassMetrics } from '../../renderers/classMetrics';

const close = (actual: number | null, expected: number, what: string): void => {
  assert.ok(actual !== null && Math.abs(actual - expected) < 1e-12, `${what}: ${actual} ≠ ${expected}`);
};

test('precision is per predicted column, recall per true row, F1 their harmonic mean', () => {
  const [cat, dog] = perClassMetrics(
    ['cat', 'dog'],
    [
      [8, 2],
      [4, 6],
    ],
  );
  close(cat!.precision, 8 / 12, 'cat precision');
  close(cat!.recall, 8 / 10, 'cat recall');
  close(cat!.f1, (2 * (8 / 12) * (8 / 10)) / (8 / 12 + 8 / 10), 'cat f1');
  close(dog!.precision, 6 / 8, 'dog precision');
  close(dog!.recall, 6 / 10, 'dog recall');
  assert.equal(dog!.support, 10);
});

test('0/0 is undefined per class and counts as 0 in the averages of occurring classes', () => {
  // "b" is never predicted (precision 0/0); "c" neither occurs nor is predicted.
  const report = classReport(
    ['a', 'b', 'c'],
    [
      [5, 0, 0],
      [5, 0, 0],
      [0, 0, 0],
    ],
  );
  assert.equal(report.rows[1]!.precision, null);
  assert.equal(report.rows[1]!.recall, 0);
  assert.equal(report.rows[1]!.f1, null);
  close(report.accuracy, 0.5, 'accuracy');
  close(report.macro.precision, (0.5 + 0) / 2, 'macro precision over a and b');
  close(report.macro.recall, (1 + 0) / 2, 'macro recall');
  close(report.weighted.recall, (1 * 5 + 0 * 5) / 10, 'weighted recall');
  assert.equal(report.total, 10);
});

test('an empty matrix has no accuracy', () => {
  assert.equal(classReport(['a'], [[0]]).accuracy, null);
});
