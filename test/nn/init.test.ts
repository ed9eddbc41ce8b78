import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as nb from '../../src/index.js';
import * as init from '../../src/nn/init.js';
import { Generator } from '../../src/core/rng.js';

function stats(t: nb.Tensor): { mean: number; std: number; min: number; max: number } {
  const d = Array.from(t.data());
  const mean = d.reduce((s, v) => s + v, 0) / d.length;
  const std = Math.sqrt(d.reduce((s, v) => s + (v - mean) ** 2, 0) / d.length);
  return { mean, std, min: Math.min(...d), max: Math.max(...d) };
}

test('calculateGain as PyTorch', () => {
  assert.equal(init.calculateGain('linear'), 1);
  assert.equal(init.calculateGain('sigmoid'), 1);
  assert.equal(init.calculateGain('tanh'), 5 / 3);
  assert.equal(init.calculateGain('relu'), Math.SQRT2);
  assert.equal(init.calculateGain('leaky_relu'), Math.sqrt(2 / (1 + 0.01 ** 2)));
  assert.equal(init.calculateGain('leaky_relu', Math.sqrt(5)), Math.sqrt(1 / 3));
  assert.equal(init.calculateGain('selu'), 0.75);
  assert.throws(() => init.calculateGain('swish' as init.Nonlinearity), /unsupported/);
});

test('fan in / fan out include the receptive field', () => {
  assert.deepEqual(init.calculateFanInAndFanOut(nb.zeros([8, 4, 3, 3])), [36, 72]);
  assert.deepEqual(init.calculateFanInAndFanOut(nb.zeros([5, 7])), [7, 5]);
  assert.throws(() => init.calculateFanInAndFanOut(nb.zeros([5])), /at least 2 dimensions/);
});

test('uniform_, normal_, constant_, zeros_, ones_', () => {
  nb.manualSeed(0);
  const t = nb.zeros([200, 100]);
  init.uniform_(t, -2, 3);
  const s = stats(t);
  assert.ok(s.min >= -2 && s.max < 3 && Math.abs(s.mean - 0.5) < 0.05);
  init.normal_(t, 1, 2);
  const n = stats(t);
  assert.ok(Math.abs(n.mean - 1) < 0.05 && Math.abs(n.std - 2) < 0.05);
  assert.ok(init.constant_(t, 0.3).data().every((v) => Math.abs(v - 0.3) < 1e-7));
  assert.ok(init.zeros_(t).data().every((v) => v === 0));
  assert.ok(init.ones_(t).data().every((v) => v === 1));
});

test('xavier and kaiming have the documented spread', () => {
  nb.manualSeed(1);
  const t = nb.zeros([300, 200], { dtype: 'float64' });
  const xs = 1.5 * Math.sqrt(2 / 500);
  init.xavierUniform_(t, 1.5);
  assert.ok(stats(t).max <= Math.sqrt(3) * xs && Math.abs(stats(t).std - xs) < 0.03 * xs);
  init.xavierNormal_(t);
  assert.ok(Math.abs(stats(t).std - Math.sqrt(2 / 500)) < 0.03 * Math.sqrt(2 / 500));
  init.kaimingNormal_(t, { nonlinearity: 'relu' });
  assert.ok(Math.abs(stats(t).std - Math.SQRT2 / Math.sqrt(200)) < 0.03 * Math.SQRT2 / Math.sqrt(200));
  init.kaimingNormal_(t, { nonlinearity: 'relu', mode: 'fanOut' });
  assert.ok(Math.abs(stats(t).std - Math.SQRT2 / Math.sqrt(300)) < 0.03 * Math.SQRT2 / Math.sqrt(300));
  init.kaimingUniform_(t, { a: Math.sqrt(5) });
  const k = stats(t);
  const bound = 1 / Math.sqrt(200);
  assert.ok(k.max <= bound && k.min >= -bound && k.max > 0.99 * bound);
});

test('init draws from the seeded generator (or a given one) and works on parameters in place', () => {
  const l = new nb.nn.Linear(3, 3);
  nb.manualSeed(5);
  init.normal_(l.weight);
  const a = l.weight.data();
  nb.manualSeed(5);
  init.normal_(l.weight);
  assert.deepEqual(l.weight.data(), a);
  const g1 = new Generator(9);
  const g2 = new Generator(9);
  assert.deepEqual(init.uniform_(nb.zeros([4]), 0, 1, { generator: g1 }).data(), init.uniform_(nb.zeros([4]), 0, 1, { generator: g2 }).data());
  assert.ok(l.weight.requiresGrad && l.weight.isLeaf);
  assert.equal(nb.nn.init.kaimingUniform_, init.kaimingUniform_);
});
