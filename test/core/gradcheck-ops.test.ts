/**
 * One case table drives a float64 gradcheck of every differentiable tensor op, with broadcast
 * shapes, views, and inputs used more than once. Adding an op means adding a row here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as nb from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { onBackend } from '../helpers/backend.js';

nb.manualSeed(7);

/** A float64 leaf with values in [lo, hi). */
function leaf(shape: number[], lo = -1, hi = 1): Tensor {
  return nb.uniform(shape, lo, hi, { dtype: 'float64', requiresGrad: true });
}

// Every op's float64 gradcheck runs from the op table (src/optable/, test/optable/gradcheck.test.ts);
// this file keeps what a table row cannot say: compositions, double backward, in-place donation.

test('gradcheck of a two-layer network (the seed formula z = W a + b, a = sigma(z))', () => {
  const fn = (x: Tensor, w1: Tensor, b1: Tensor, w2: Tensor, b2: Tensor): Tensor => x.matmul(w1.T).add(b1).sigmoid().matmul(w2.T).add(b2).tanh();
  nb.gradcheck(fn as (...xs: Tensor[]) => Tensor, [leaf([4, 3]), leaf([5, 3]), leaf([5]), leaf([2, 5]), leaf([2])]);
});

test('gradcheck of views of views and an input used twice', () => {
  nb.gradcheck((a) => a!.slice([0, 3]).slice(null, [1, 3]).mul(a!.slice([1, 4]).slice(null, [2, 4])), [leaf([4, 4])]);
  nb.gradcheck((a) => a!.matmul(a!.mT), [leaf([3, 2])]);
  nb.gradcheck((a, b) => nb.cat([a!, b!, a!], 1), [leaf([2, 2]), leaf([2, 3])]);
});

test('double backward (createGraph): d2/dx2 of sum(x^3) is 6x', () => {
  const x = nb.tensor([0.5, -1, 2], { dtype: 'float64', requiresGrad: true });
  x.pow(3).sum().backward(undefined, { createGraph: true });
  const g = x.grad!; // 3x^2, itself part of a graph
  assert.deepEqual(g.toArray(), [0.75, 3, 12]);
  assert.ok(g.requiresGrad);
  x.grad = null;
  g.sum().backward();
  assert.deepEqual(x.grad!.toArray(), [3, -6, 12]);
});

test('randomized compositions of ops', () => {
  const gen = new nb.Generator(99);
  type U = (t: Tensor) => Tensor;
  const unaries: U[] = [
    (t) => t.tanh(), (t) => t.sigmoid(), (t) => t.mul(t), (t) => t.exp().div(3), (t) => t.softmax(-1),
    (t) => t.sin(), (t) => t.add(t.mean(-1, true)), (t) => t.logsumexp(-1, true).expand(t.shape),
    (t) => t.T.contiguous().T, (t) => t.flatten().reshape(t.shape), (t) => t.neg().add(1),
  ];
  type Bn = (a: Tensor, b: Tensor) => Tensor;
  const binaries: Bn[] = [(a, b) => a.add(b), (a, b) => a.mul(b), (a, b) => a.sub(b.mul(0.5)), (a, b) => a.matmul(b.T).matmul(b).div(4)];
  for (let trial = 0; trial < 25; trial++) {
    const steps = 2 + gen.randint(4);
    const plan: (['u', number] | ['b', number])[] = [];
    for (let s = 0; s < steps; s++) plan.push(gen.random() < 0.5 ? ['u', gen.randint(unaries.length)] : ['b', gen.randint(binaries.length)]);
    const fn = (a: Tensor, b: Tensor): Tensor => {
      let cur = a;
      for (const [kind, i] of plan) cur = kind === 'u' ? unaries[i]!(cur) : binaries[i]!(cur, b);
      return cur;
    };
    nb.gradcheck(fn, [leaf([3, 4], -0.8, 0.8), leaf([3, 4], -0.8, 0.8)]);
  }
});

test('relu: gradient 0 at exactly 0, the upstream gradient (even NaN) where x > 0 and where x is NaN (PyTorch), float32 and float64, both backends', () => {
  for (const backend of nb.availableBackends()) {
    onBackend(backend, () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const x = nb.tensor([0, -0, 2, -3, NaN, 1e-30, -1e-30], { dtype, requiresGrad: true });
      const g = nb.tensor([1, 1, 5, NaN, 7, -2, 3], { dtype });
      const y = x.relu();
      assert.ok(Number.isNaN(y.data()[4]!), `relu(NaN) is NaN (${backend}, ${dtype})`);
      y.backward(g);
      assert.deepEqual(Array.from(x.grad!.data()), [0, 0, 5, 0, 7, -2, 0], `${backend} ${dtype}`);
    }
    });
  }
});

test('relu backward in place on a donated gradient: retained and leaf gradients stay intact', () => {
  // r's incoming gradient is made by mul's backward; relu may mask it in place, but not when r
  // retains it (r.grad must stay the unmasked upstream gradient)
  for (const retain of [false, true]) {
    const x = nb.tensor([-1, 2, -3, 4], { requiresGrad: true });
    const r = x.mul(1).relu();
    if (retain) r.retainGrad();
    const w = nb.tensor([1, 2, 3, 4]);
    r.mul(w).sum().backward();
    assert.deepEqual(Array.from(x.grad!.data()), [0, 2, 0, 4], `x.grad (retain ${retain})`);
    if (retain) assert.deepEqual(Array.from(r.grad!.data()), [1, 2, 3, 4], 'r.grad is the unmasked upstream gradient');
  }
  // relu straight on a leaf, its output used twice (the gradients are summed first)
  const p = nb.tensor([0.5, -0.5, 1.5], { requiresGrad: true });
  const q = p.relu();
  q.add(q.mul(2)).sum().backward();
  assert.deepEqual(Array.from(p.grad!.data()), [3, 0, 3]);
});

test('double backward through relu: the mask applies to the gradient of the gradient', () => {
  const x = nb.tensor([0.5, -1, 2], { dtype: 'float64', requiresGrad: true });
  x.relu().square().sum().backward(undefined, { createGraph: true });
  const g = x.grad!; // 2 relu(x) 1[x > 0]
  assert.deepEqual(g.toArray(), [1, 0, 4]);
  x.grad = null;
  g.sum().backward();
  assert.deepEqual(x.grad!.toArray(), [2, 0, 2]);
});

test('leakyRelu and elu have PyTorch\'s gradient at exactly 0', () => {
  const x = nb.tensor([0], { dtype: 'float64', requiresGrad: true });
  x.leakyRelu(0.2).sum().backward();
  assert.equal(x.grad!.item(), 0.2);
  const y = nb.tensor([0], { dtype: 'float64', requiresGrad: true });
  y.elu(0.7).sum().backward();
  assert.equal(y.grad!.item(), 0.7);
});
