/**
 * Gradcheck (float64) of every pooling function over a case table: odd sizes, overlapping
 * windows, padding, ceil mode, rectangular kernels, dilation (max), countIncludePad (avg),
 * adaptive sizes that divide and that do not, 1-D forms. Random inputs have no ties.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Tensor } from '../../src/core/tensor.js';
import { gradcheck } from '../../src/core/gradcheck.js';
import { manualSeed } from '../../src/core/rng.js';
import { randn, tensor } from '../../src/ops/create.js';
import {
  adaptiveAvgPool2d, adaptiveMaxPool2d, avgPool1d, avgPool2d, maxPool1d, maxPool2d,
} from '../../src/functional/pool.js';

interface Case {
  name: string;
  x: number[];
  f: (x: Tensor) => Tensor;
  out: number[];
}

const cases: Case[] = [
  { name: 'maxPool2d k2', x: [2, 3, 6, 6], f: (x) => maxPool2d(x, 2), out: [2, 3, 3, 3] },
  { name: 'maxPool2d k2 odd input', x: [1, 2, 7, 5], f: (x) => maxPool2d(x, 2), out: [1, 2, 3, 2] },
  { name: 'maxPool2d k3 s2 p1', x: [2, 2, 7, 6], f: (x) => maxPool2d(x, 3, { stride: 2, padding: 1 }), out: [2, 2, 4, 3] },
  { name: 'maxPool2d k3 s1 overlapping', x: [1, 2, 5, 5], f: (x) => maxPool2d(x, 3, { stride: 1 }), out: [1, 2, 3, 3] },
  { name: 'maxPool2d k[2,3]', x: [1, 2, 6, 7], f: (x) => maxPool2d(x, [2, 3]), out: [1, 2, 3, 2] },
  { name: 'maxPool2d ceilMode', x: [1, 2, 5, 5], f: (x) => maxPool2d(x, 2, { ceilMode: true }), out: [1, 2, 3, 3] },
  { name: 'maxPool2d ceilMode k3 s2 p1', x: [1, 1, 6, 6], f: (x) => maxPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true }), out: [1, 1, 4, 4] },
  { name: 'maxPool2d dilation 2', x: [1, 2, 6, 6], f: (x) => maxPool2d(x, 2, { stride: 1, dilation: 2 }), out: [1, 2, 4, 4] },
  { name: 'maxPool2d dilation 2 padding 1 ceil', x: [1, 1, 7, 6], f: (x) => maxPool2d(x, 3, { stride: 2, padding: 1, dilation: 2, ceilMode: true }), out: [1, 1, 3, 3] },
  { name: 'avgPool2d k2', x: [2, 3, 6, 6], f: (x) => avgPool2d(x, 2), out: [2, 3, 3, 3] },
  { name: 'avgPool2d k3 s2 p1 countIncludePad', x: [2, 2, 7, 6], f: (x) => avgPool2d(x, 3, { stride: 2, padding: 1 }), out: [2, 2, 4, 3] },
  { name: 'avgPool2d k3 s2 p1 exclude pad', x: [2, 2, 7, 6], f: (x) => avgPool2d(x, 3, { stride: 2, padding: 1, countIncludePad: false }), out: [2, 2, 4, 3] },
  { name: 'avgPool2d k[2,3] p[0,1]', x: [1, 2, 6, 7], f: (x) => avgPool2d(x, [2, 3], { padding: [0, 1] }), out: [1, 2, 3, 3] },
  { name: 'avgPool2d ceilMode', x: [1, 2, 5, 5], f: (x) => avgPool2d(x, 2, { ceilMode: true }), out: [1, 2, 3, 3] },
  { name: 'avgPool2d ceilMode p1 exclude pad', x: [1, 1, 6, 5], f: (x) => avgPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }), out: [1, 1, 4, 3] },
  { name: 'adaptiveAvgPool2d 1 (global)', x: [2, 3, 5, 7], f: (x) => adaptiveAvgPool2d(x, 1), out: [2, 3, 1, 1] },
  { name: 'adaptiveAvgPool2d [2,3] from 5x7', x: [1, 2, 5, 7], f: (x) => adaptiveAvgPool2d(x, [2, 3]), out: [1, 2, 2, 3] },
  { name: 'adaptiveAvgPool2d 2 from 6x4 (kernel path)', x: [1, 2, 6, 4], f: (x) => adaptiveAvgPool2d(x, 2), out: [1, 2, 2, 2] },
  { name: 'adaptiveAvgPool2d [null,2]', x: [1, 2, 3, 5], f: (x) => adaptiveAvgPool2d(x, [null, 2]), out: [1, 2, 3, 2] },
  { name: 'adaptiveMaxPool2d [2,3] from 5x7', x: [1, 2, 5, 7], f: (x) => adaptiveMaxPool2d(x, [2, 3]), out: [1, 2, 2, 3] },
  { name: 'adaptiveMaxPool2d 3 from 6x6 (kernel path)', x: [1, 1, 6, 6], f: (x) => adaptiveMaxPool2d(x, 3), out: [1, 1, 3, 3] },
  { name: 'maxPool1d k2', x: [2, 3, 7], f: (x) => maxPool1d(x, 2), out: [2, 3, 3] },
  { name: 'maxPool1d k3 s2 p1', x: [1, 2, 8], f: (x) => maxPool1d(x, 3, { stride: 2, padding: 1 }), out: [1, 2, 4] },
  { name: 'avgPool1d k3 s1 p1', x: [1, 2, 6], f: (x) => avgPool1d(x, 3, { stride: 1, padding: 1 }), out: [1, 2, 6] },
];

for (const c of cases) {
  test(`pool gradcheck: ${c.name}`, () => {
    manualSeed(21);
    const x = randn(c.x, { dtype: 'float64', requiresGrad: true });
    assert.deepEqual(c.f(x).shape, c.out);
    assert.equal(gradcheck((xx) => c.f(xx!), [x]), true);
  });
}

test('maxPool2d: ties send the gradient to the first maximum in window order (PyTorch)', () => {
  const x = tensor([[[[1, 1, 0], [1, 1, 0]]]], { dtype: 'float64', requiresGrad: true });
  const y = maxPool2d(x, 2, { stride: 1 });
  assert.deepEqual(y.toArray(), [[[[1, 1]]]]);
  y.backward(tensor([[[[10, 100]]]], { dtype: 'float64' }));
  assert.deepEqual(x.grad!.toArray(), [[[[10, 100, 0], [0, 0, 0]]]]);
});
