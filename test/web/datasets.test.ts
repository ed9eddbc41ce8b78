/** The playground's datasets (web/src/datasets.ts): seeded, split as asked, balanced, in range. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DATASETS, makeDataset } from '../../web/src/datasets.js';

test('each playground dataset is deterministic given its seed, split as asked, with both labels and points near [-1, 1]^2', () => {
  for (const name of DATASETS) {
    const o = { name, n: 200, noise: 0.05, trainFraction: 0.7, seed: 3 };
    const a = makeDataset(o), b = makeDataset(o), c = makeDataset({ ...o, seed: 4 });
    assert.deepEqual(a.train.xy, b.train.xy, `${name}: same seed, same points`);
    assert.notDeepEqual(a.train.xy, c.train.xy, `${name}: another seed, other points`);
    assert.equal(a.train.label.length, 140, name);
    assert.equal(a.test.label.length, 60, name);
    assert.equal(a.train.xy.length, 280, name);
    const all = [...a.train.label, ...a.test.label];
    assert.equal(all.filter((l) => l === 1).length, 100, `${name}: half the points are class 1`);
    assert.ok(all.every((l) => l === 0 || l === 1), name);
    const xy = [...a.train.xy, ...a.test.xy];
    assert.ok(xy.every((v) => Math.abs(v) < 1.25), `${name}: a point lies outside the drawn square`);
  }
});

test('XOR without noise puts class 1 in the quadrants where x*y > 0', () => {
  const { train } = makeDataset({ name: 'xor', n: 100, noise: 0, trainFraction: 0.5, seed: 1 });
  for (let i = 0; i < train.label.length; i++) assert.equal(train.xy[2 * i]! * train.xy[2 * i + 1]! > 0 ? 1 : 0, train.label[i]);
});

test('makeDataset names what was wrong', () => {
  assert.throws(() => makeDataset({ name: 'zigzag' as 'xor', n: 10, noise: 0, trainFraction: 0.5, seed: 0 }), /unknown dataset 'zigzag' \(one of xor, spirals, moons, circles, blobs\)/);
  assert.throws(() => makeDataset({ name: 'xor', n: 10, noise: 0, trainFraction: 1, seed: 0 }), /trainFraction must lie in \(0, 1\), got 1/);
});
