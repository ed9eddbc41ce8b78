import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as nb from '../../src/index.js';
import { Linear } from '../../src/nn/linear.js';
import { linear } from '../../src/functional/linear.js';
import { gradcheck } from '../../src/core/gradcheck.js';
import { ShapeError } from '../../src/core/errors.js';
import { assertClose, configOf, fixtureTensor, loadFixture } from '../helpers/fixtures.js';

for (const c of loadFixture('linear')) {
  test(`Linear matches PyTorch: ${c.name}`, () => {
    const cfg = configOf<{ inFeatures: number; outFeatures: number; bias: boolean }>(c);
    const layer = new Linear(cfg.inFeatures, cfg.outFeatures, { bias: cfg.bias }).to('float64');
    layer.loadStateDict(Object.fromEntries(Object.entries(c.params).map(([k, v]) => [k, fixtureTensor(v)])));
    const x = fixtureTensor(c.inputs.x!, { requiresGrad: true });
    const y = layer.forward(x);
    assertClose(y, c.outputs.y!, { msg: `${c.name} y` });
    y.backward(fixtureTensor(c.inputs.gradOut!));
    assertClose(x.grad!, c.grads.x!, { msg: `${c.name} dx`, atol: 1e-5 });
    assertClose(layer.weight.grad!, c.grads.weight!, { msg: `${c.name} dW` });
    if (cfg.bias) assertClose(layer.bias!.grad!, c.grads.bias!, { msg: `${c.name} db` });
    else assert.equal(layer.bias, null);
  });
}

test('Linear gradcheck (float64, 3-D input, with and without bias)', () => {
  for (const bias of [true, false]) {
    const layer = new Linear(3, 2, { bias }).to('float64');
    const x = nb.randn([2, 4, 3], { dtype: 'float64', requiresGrad: true });
    const ps = layer.parameters();
    assert.ok(gradcheck((xx, w, b) => linear(xx!, w!, b ?? null), [x, ...ps]));
  }
});

test('Linear default init is U(-1/sqrt(in), 1/sqrt(in)) for weight and bias', () => {
  nb.manualSeed(3);
  const l = new Linear(100, 50);
  const bound = 1 / Math.sqrt(100);
  for (const p of [l.weight, l.bias!]) {
    const d = p.data();
    const max = Math.max(...d);
    const min = Math.min(...d);
    assert.ok(max <= bound && min >= -bound, `values within ±${bound}`);
    assert.ok(max > 0.8 * bound && min < -0.8 * bound, 'values spread over the range');
  }
  // variance of U(-a, a) is a^2/3
  const w = Array.from(l.weight.data());
  const mean = w.reduce((s, v) => s + v, 0) / w.length;
  const variance = w.reduce((s, v) => s + (v - mean) ** 2, 0) / w.length;
  assert.ok(Math.abs(variance - (bound * bound) / 3) < 0.1 * (bound * bound) / 3);
});

test('Linear init is deterministic given manualSeed', () => {
  nb.manualSeed(42);
  const a = new Linear(4, 3).weight.data();
  nb.manualSeed(42);
  const b = new Linear(4, 3).weight.data();
  assert.deepEqual(a, b);
});

test('Linear with a wrong input size names both shapes', () => {
  const l = new Linear(3, 2);
  assert.throws(() => l.forward(nb.zeros([5, 4])), (e: unknown) => e instanceof ShapeError && /\[5,4\]/.test(e.message) && /\[2,3\]/.test(e.message));
});

test('Linear is one linear op whose weight gradient lands in the weight\'s own [out, in] layout', () => {
  const l = new Linear(3, 2);
  const y = l.forward(nb.randn([4, 3]));
  assert.equal(y._node!.op, 'linear');
  y.sum().backward();
  assert.deepEqual(l.weight.grad!.shape, [2, 3]);
  assert.deepEqual(l.weight.grad!.strides, [3, 1]);
});

test('Linear extraRepr and numParameters', () => {
  const l = new Linear(784, 256, { bias: false });
  assert.equal(l.toString(), 'Linear(inFeatures=784, outFeatures=256, bias=false)  [200,704 params]');
});
