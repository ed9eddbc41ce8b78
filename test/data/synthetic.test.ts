/** Synthetic datasets: shapes, labels, seeding, and the geometry each one promises. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as nb from '../../src/index.js';
import { circles, moons, sine, spirals, xor } from '../../src/data/index.js';

const rows = (t: nb.Tensor): number[][] => t.toArray() as number[][];

test('xor: the truth table, and noisy repeats', () => {
  const d = xor();
  assert.deepEqual(rows(d.tensors[0]!), [[0, 0], [0, 1], [1, 0], [1, 1]]);
  assert.deepEqual(rows(d.tensors[1]!), [[0], [1], [1], [0]]);
  const noisy = xor({ n: 40, noise: 0.1, seed: 3 });
  assert.deepEqual(noisy.tensors[0]!.shape, [40, 2]);
  const x = rows(noisy.tensors[0]!);
  const y = noisy.tensors[1]!.data();
  x.forEach(([a, b], i) => assert.equal(y[i], Math.round(a!) ^ Math.round(b!), `sample ${i} stays on its corner`));
  assert.deepEqual(xor({ n: 40, noise: 0.1, seed: 3 }).tensors[0]!.data(), noisy.tensors[0]!.data());
});

test('spirals: n points, balanced classes, radius in [0, 1], seeded', () => {
  const d = spirals({ n: 100, classes: 3, noise: 0.1, seed: 1 });
  const [x, y] = d.tensors;
  assert.deepEqual(x!.shape, [100, 2]);
  assert.equal(y!.dtype, 'int32');
  const c = [0, 0, 0];
  for (const v of y!.data()) c[v]!++;
  assert.deepEqual(c, [34, 33, 33]);
  for (const [a, b] of rows(x!)) assert.ok(Math.hypot(a!, b!) <= 1 + 1e-6);
  assert.deepEqual(spirals({ n: 100, classes: 3, noise: 0.1, seed: 1 }).tensors[0]!.data(), x!.data());
  assert.notDeepEqual(spirals({ n: 100, classes: 3, noise: 0.1, seed: 2 }).tensors[0]!.data(), x!.data());
});

test('moons and circles: noiseless points lie on their curves', () => {
  const m = moons({ n: 11, noise: 0 });
  const mx = rows(m.tensors[0]!);
  const my = m.tensors[1]!.data();
  mx.forEach(([a, b], i) => {
    const r = my[i] === 0 ? Math.hypot(a!, b!) : Math.hypot(a! - 1, b! - 0.5);
    assert.ok(Math.abs(r - 1) < 1e-6, `moon point ${i} on its unit half circle`);
  });
  assert.deepEqual([...my].filter((v) => v === 0).length, 6);
  const c = circles({ n: 20, noise: 0, factor: 0.3 });
  const cy = c.tensors[1]!.data();
  rows(c.tensors[0]!).forEach(([a, b], i) => assert.ok(Math.abs(Math.hypot(a!, b!) - (cy[i] === 0 ? 1 : 0.3)) < 1e-6));
  assert.throws(() => circles({ factor: 1 }), /factor must be in \(0, 1\)/);
  assert.throws(() => moons({ n: 1 }), /n must be an integer >= 2/);
  assert.throws(() => moons({ noise: -1 }), /noise must be >= 0/);
});

test('sine: windows of a sine wave and their next value', () => {
  const d = sine({ n: 8, seqLen: 5, step: 0.3, seed: 9 });
  const [x, y] = d.tensors;
  assert.deepEqual(x!.shape, [8, 5, 1]);
  assert.deepEqual(y!.shape, [8, 1]);
  const xd = x!.data();
  const yd = y!.data();
  for (let i = 0; i < 8; i++) {
    // sin(p + (t+1)s) = 2 cos(s) sin(p + t s) - sin(p + (t-1)s): the recurrence of a sine wave
    const w = [...xd.subarray(i * 5, i * 5 + 5), yd[i]!];
    for (let t = 1; t < 5; t++) assert.ok(Math.abs(w[t + 1]! - (2 * Math.cos(0.3) * w[t]! - w[t - 1]!)) < 1e-5);
  }
  nb.manualSeed(1);
  const a = sine({ n: 4 }).tensors[0]!.data();
  nb.manualSeed(1);
  assert.deepEqual(sine({ n: 4 }).tensors[0]!.data(), a, 'without a seed, nb.manualSeed decides');
});

test('a small MLP learns XOR through the DataLoader (end to end)', () => {
  // two layers by hand (the nn layers live elsewhere): 2-8-1, sigmoid output, MSE, plain SGD
  const g = new nb.Generator(0);
  const W1 = nb.randn([2, 8], { generator: g }).requiresGrad_();
  const b1 = nb.zeros([8]).requiresGrad_();
  const W2 = nb.randn([8, 1], { generator: g }).requiresGrad_();
  const b2 = nb.zeros([1]).requiresGrad_();
  const params = [W1, b1, W2, b2];
  const loader = new nb.data.DataLoader(xor(), { batchSize: 4, shuffle: true, seed: 0 });
  let loss = Infinity;
  for (let epoch = 0; epoch < 1500; epoch++) {
    for (const [x, y] of loader) {
      const out = x!.matmul(W1).add(b1).tanh().matmul(W2).add(b2).sigmoid();
      const l = out.sub(y!).pow(2).mean();
      for (const p of params) p.grad = null;
      l.backward();
      nb.noGrad(() => params.forEach((p) => p.sub_(p.grad!.mul(2))));
      loss = l.item();
    }
  }
  assert.ok(loss < 0.02, `XOR loss ${loss}`);
});
