import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accuracyFromConfusion, confusionMatrix, perClassMetrics } from '../../src/report/metrics.js';

test('confusionMatrix counts rows = true class, columns = predicted class', () => {
  const target = Int32Array.from([0, 0, 1, 1, 1, 2, 2, 2, 2]);
  const pred = Int32Array.from([0, 1, 1, 1, 2, 2, 2, 0, 2]);
  assert.deepEqual(confusionMatrix(pred, target, 3), [
    [1, 1, 0],
    [0, 2, 1],
    [1, 0, 3],
  ]);
  assert.deepEqual(confusionMatrix([], [], 2), [[0, 0], [0, 0]]);
});

test('confusionMatrix rejects mismatched lengths and out-of-range classes', () => {
  assert.throws(() => confusionMatrix([0, 1], [0], 2), /pred has 2 entries but target has 1/);
  assert.throws(() => confusionMatrix([0, 3], [0, 1], 3), /at index 1, pred 3/);
  assert.throws(() => confusionMatrix([0.5], [0], 3), /class indices/);
  assert.throws(() => confusionMatrix([0], [0], 0), /positive integer/);
});

test('accuracy and per-class precision/recall/F1 from the matrix', () => {
  const m = [[1, 1, 0], [0, 2, 1], [1, 0, 3]];
  assert.equal(accuracyFromConfusion(m), 6 / 9);
  const per = perClassMetrics(m);
  assert.equal(per[0]!.support, 2);
  assert.equal(per[0]!.precision, 1 / 2);
  assert.equal(per[1]!.recall, 2 / 3);
  assert.equal(per[2]!.precision, 3 / 4);
  assert.ok(Math.abs(per[1]!.f1 - (2 * (2 / 3) * (2 / 3)) / (4 / 3)) < 1e-12);
  const empty = perClassMetrics([[0, 0], [0, 5]]);
  assert.ok(Number.isNaN(empty[0]!.precision) && Number.isNaN(empty[0]!.recall));
  assert.equal(accuracyFromConfusion([[0]]), 0);
});
