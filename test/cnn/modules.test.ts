/** Conv and pooling modules: parameter shapes and names, PyTorch's initialisation, seeding, the W3 stack. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { manualSeed } from '../../src/core/rng.js';
import { rand, zeros } from '../../src/ops/create.js';
import { Conv1d, Conv2d } from '../../src/nn/conv.js';
import { AdaptiveAvgPool2d, AvgPool2d, MaxPool2d } from '../../src/nn/pool.js';
import * as nn from '../../src/nn/index.js';
import * as F from '../../src/functional/index.js';

test('Conv2d parameters: names, shapes, dtype, and PyTorch bounds U(-1/sqrt(fanIn), 1/sqrt(fanIn))', () => {
  manualSeed(0);
  const conv = new Conv2d(4, 8, [3, 2], { groups: 2 });
  assert.deepEqual(conv.namedParameters().map(([k, p]) => [k, p.shape]), [['weight', [8, 2, 3, 2]], ['bias', [8]]]);
  assert.deepEqual(Object.keys(conv.stateDict()), ['weight', 'bias']);
  assert.equal(conv.weight.dtype, 'float32');
  const bound = 1 / Math.sqrt(2 * 3 * 2); // fanIn = inC/groups * kh * kw
  for (const p of [conv.weight, conv.bias!]) {
    const d = p.data();
    const max = Math.max(...Array.from(d, Math.abs));
    assert.ok(max <= bound, `|${max}| > ${bound}`);
  }
  // the draws really spread over the range (not all zero or clustered)
  const w = Array.from(conv.weight.data());
  assert.ok(Math.max(...w) > 0.6 * bound && Math.min(...w) < -0.6 * bound);
  assert.equal(new Conv2d(1, 2, 3, { bias: false }).bias, null);
  assert.deepEqual(new Conv2d(1, 2, 3, { bias: false }).namedParameters().map(([k]) => k), ['weight']);
});

test('Conv2d initialisation is reproducible from manualSeed', () => {
  manualSeed(7);
  const a = new Conv2d(3, 4, 3);
  manualSeed(7);
  const b = new Conv2d(3, 4, 3);
  assert.deepEqual(Array.from(a.weight.data()), Array.from(b.weight.data()));
  assert.deepEqual(Array.from(a.bias!.data()), Array.from(b.bias!.data()));
  const c = new Conv2d(3, 4, 3);
  assert.notDeepEqual(Array.from(a.weight.data()), Array.from(c.weight.data()));
});

test('Conv1d parameters and output shape', () => {
  const conv = new Conv1d(3, 5, 4, { padding: 'same' });
  assert.deepEqual(conv.weight.shape, [5, 3, 4]);
  assert.deepEqual(conv.forward(zeros([2, 3, 10])).shape, [2, 5, 10]);
});

test('the W3 network shapes: conv 1->16 same, pool, conv 16->32 same, pool, flatten to 1568', () => {
  manualSeed(0);
  const c1 = new Conv2d(1, 16, 3, { padding: 1 });
  const c2 = new Conv2d(16, 32, 3, { padding: 'same' });
  const pool = new MaxPool2d(2);
  const x = rand([4, 1, 28, 28]);
  const h = pool.forward(c2.forward(pool.forward(c1.forward(x).relu())).relu());
  assert.deepEqual(h.shape, [4, 32, 7, 7]);
  assert.equal(h.flatten(1).shape[1], 1568);
  h.sum().backward();
  assert.deepEqual(c1.weight.grad!.shape, [16, 1, 3, 3]);
  assert.deepEqual(c2.bias!.grad!.shape, [32]);
});

test('pool modules and adaptive pooling', () => {
  const x = rand([2, 3, 9, 7]);
  assert.deepEqual(new MaxPool2d(3, { stride: 2, padding: 1 }).forward(x).shape, [2, 3, 5, 4]);
  assert.deepEqual(new AvgPool2d(2).forward(x).shape, [2, 3, 4, 3]);
  assert.deepEqual(new AdaptiveAvgPool2d([4, 2]).forward(x).shape, [2, 3, 4, 2]);
  const g = new AdaptiveAvgPool2d(1).forward(x);
  assert.ok(Math.abs(g.data()[0]! - x.slice(0, 0).mean().item()) < 1e-6);
  assert.equal(new MaxPool2d(2).numParameters(), 0);
});

test('exported from nn and functional barrels', () => {
  for (const k of ['Conv2d', 'Conv1d', 'MaxPool2d', 'AvgPool2d', 'AdaptiveAvgPool2d', 'AdaptiveMaxPool2d', 'MaxPool1d', 'AvgPool1d']) {
    assert.equal(typeof (nn as Record<string, unknown>)[k], 'function', `nn.${k}`);
  }
  for (const k of ['conv2d', 'conv1d', 'maxPool2d', 'avgPool2d', 'adaptiveAvgPool2d', 'adaptiveMaxPool2d', 'maxPool1d', 'avgPool1d']) {
    assert.equal(typeof (F as Record<string, unknown>)[k], 'function', `functional.${k}`);
  }
});
