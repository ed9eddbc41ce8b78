/** Pieces of the application examples with known answers: CartPole physics, ROC AUC, the CSV reader, IoU. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CartPole, MAX_STEPS } from '../../examples/cartpole/env.js';
import { movingAverage } from '../../examples/cartpole/agent.js';
import { parseBreastCancer, rocAuc, rocCurve, stratifiedFolds } from '../../examples/biomedicine/data.js';
import { iou } from '../../examples/segmentation/data.js';
import { Rng } from '../../examples/shared/rng.js';

test('CartPole: one step from rest follows the classic equations; episodes end at the limits or 200 steps', () => {
  const env = new CartPole();
  env.reset(new Rng(0));
  env.state = [0, 0, 0, 0];
  const r = env.step(1);
  // theta" = -(10 / 1.1) / (0.5 (4/3 - 0.1 / 1.1)) = -14.634..., x" = 10/1.1 - 0.05 theta" / 1.1
  const thAcc = -(10 / 1.1) / (0.5 * (4 / 3 - 0.1 / 1.1));
  assert.deepEqual(r.state.map((v) => +v.toFixed(12)), [0, +(0.02 * (10 / 1.1 - (0.05 * thAcc) / 1.1)).toFixed(12), 0, +(0.02 * thAcc).toFixed(12)]);
  assert.equal(r.reward, 1);
  env.state = [2.37, 1, 0, 0];
  assert.equal(env.step(1).done, false);
  assert.equal(env.step(1).done, true);
  assert.throws(() => env.step(0), /the episode has ended/);
  const e2 = new CartPole();
  e2.reset(new Rng(1));
  e2.state = [0, 0, 0, 0];
  let n = 0;
  // pushing towards where the pole falls (sign of 3 theta + theta') balances it for the whole
  // episode; always pushing right loses it within a second
  while (!e2.done) {
    e2.step(3 * e2.state[2] + e2.state[3] > 0 ? 1 : 0);
    n++;
  }
  assert.equal(n, MAX_STEPS);
  assert.ok(Math.abs(e2.state[2]) < 0.01);
  e2.reset(new Rng(2));
  let m = 0;
  while (!e2.done) {
    e2.step(1);
    m++;
  }
  assert.ok(m < 50 && Math.abs(e2.state[2]) > 0.2, `always right: ${m} steps`);
  assert.throws(() => new CartPole().step(2), /call reset/);
  assert.deepEqual(movingAverage([1, 2, 3, 4], 2), [1, 1.5, 2.5, 3.5]);
});

test('ROC AUC is the Mann-Whitney probability, ties counting half; the curve runs from (0,0) to (1,1)', () => {
  assert.equal(rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]), 0.75);
  assert.equal(rocAuc([0.5, 0.5], [0, 1]), 0.5);
  assert.equal(rocAuc([1, 2, 3], [0, 1, 1]), 1);
  assert.ok(Number.isNaN(rocAuc([1, 2], [1, 1])));
  const c = rocCurve([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]);
  assert.deepEqual(c[0], { fpr: 0, tpr: 0 });
  assert.deepEqual(c[c.length - 1], { fpr: 1, tpr: 1 });
});

test('the breast-cancer CSV reader checks the header, row count, fields and classes', () => {
  const row = (c: string) => Array.from({ length: 30 }, (_, i) => i + 0.5).join(',') + ',' + c;
  const t = parseBreastCancer(`2,30,malignant,benign\n${row('0')}\n${row('1')}\n`);
  assert.deepEqual(Array.from(t.y), [1, 0]);
  assert.equal(t.x[31], 1.5);
  assert.throws(() => parseBreastCancer(`3,30,malignant,benign\n${row('0')}\n`), /promises 3 rows, found 1/);
  assert.throws(() => parseBreastCancer(`1,30,malignant,benign\n${row('2')}\n`), /class must be 0 \(malignant\) or 1 \(benign\), got "2"/);
  assert.throws(() => parseBreastCancer(`1,30,malignant,benign\n1,2,3\n`), /line 2 has 3 fields, expected 31/);
  assert.throws(() => parseBreastCancer('a,b\n'), /line 1 should be/);
  const folds = stratifiedFolds(Uint8Array.from([1, 1, 1, 1, 0, 0, 0, 0, 0, 0]), 2, 0);
  assert.deepEqual(folds.map((f) => f.length), [5, 5]);
  assert.deepEqual(folds.map((f) => f.filter((i) => i < 4).length), [2, 2]);
});

test('IoU of masks', () => {
  assert.equal(iou([1, 1, 0, 0], [1, 0, 1, 0]), 1 / 3);
  assert.equal(iou([0, 0], [0, 0]), 1);
});
