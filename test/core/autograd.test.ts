/** Autograd semantics: accumulation, noGrad, detach, views, reuse, deep graphs, errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as nb from '../../src/index.js';

test('backward accumulates into .grad across calls, zeroGrad style reset with null', () => {
  const x = nb.tensor([1, 2, 3], { requiresGrad: true });
  x.mul(2).sum().backward();
  x.mul(3).sum().backward();
  assert.deepEqual(x.grad!.toArray(), [5, 5, 5]);
  x.grad = null;
  x.square().sum().backward();
  assert.deepEqual(x.grad!.toArray(), [2, 4, 6]);
});

test('a tensor used several times gets the sum of its gradients', () => {
  const x = nb.tensor([2], { requiresGrad: true, dtype: 'float64' });
  const y = x.mul(x).add(x.mul(3)).add(x.exp().log()); // x^2 + 3x + x
  y.sum().backward();
  assert.ok(Math.abs(x.grad!.item() - (2 * 2 + 3 + 1)) < 1e-12);
});

test('gradients flow through broadcasting back to the original shapes', () => {
  const a = nb.ones([4, 3], { requiresGrad: true });
  const b = nb.ones([3], { requiresGrad: true });
  const c = nb.ones([4, 1], { requiresGrad: true });
  a.mul(b).add(c).sum().backward();
  assert.deepEqual(b.grad!.shape, [3]);
  assert.deepEqual(b.grad!.toArray(), [4, 4, 4]);
  assert.deepEqual(c.grad!.toArray(), [[3], [3], [3], [3]]);
});

test('gradients flow through views into the base tensor', () => {
  const x = nb.arange(6, undefined, 1, { dtype: 'float32' }).reshape([2, 3]).requiresGrad_();
  const y = x.T.slice([1, 3]).mul(nb.tensor([[1, 2], [3, 4]]));
  y.sum().backward();
  assert.deepEqual(x.grad!.toArray(), [[0, 1, 3], [0, 2, 4]]);
});

test('noGrad, detach and requiresGrad_', () => {
  const x = nb.tensor([1, 2], { requiresGrad: true });
  const y = nb.noGrad(() => x.mul(2));
  assert.equal(y.requiresGrad, false);
  assert.equal(nb.isGradEnabled(), true);
  const d = x.detach();
  assert.equal(d.requiresGrad, false);
  assert.equal(d.storage, x.storage);
  assert.throws(() => y.backward(), /does not require grad/);
  const z = x.mul(2);
  assert.throws(() => z.requiresGrad_(false), /detach/);
  assert.throws(() => nb.noGrad(() => { throw new Error('inner'); }), /inner/);
  assert.equal(nb.isGradEnabled(), true, 'noGrad restores the mode after an exception');
});

test('backward on a non-scalar needs a gradient, with a clear error', () => {
  const x = nb.ones([2, 3], { requiresGrad: true });
  const y = x.mul(2);
  assert.throws(() => y.backward(), (e: Error) => {
    assert.ok(e instanceof nb.ShapeError);
    assert.match(e.message, /one-element output, but the output has shape \[2,3\]; reduce it to a scalar/);
    return true;
  });
  y.backward(nb.full([2, 3], 0.5));
  assert.deepEqual(x.grad!.toArray(), [[1, 1, 1], [1, 1, 1]]);
  assert.throws(() => y.backward(nb.ones([3])), /gradient shape \[3\] does not match the output shape \[2,3\]/);
});

test('a chain of 100,000 ops does not overflow the stack', () => {
  const x = nb.tensor([1], { requiresGrad: true, dtype: 'float64' });
  let y = x;
  for (let i = 0; i < 100_000; i++) y = y.add(1e-6);
  y.sum().backward();
  assert.equal(x.grad!.item(), 1);
});

test('gradients have the dtype of their tensor and do not alias each other', () => {
  const a = nb.tensor([1, 2], { requiresGrad: true });
  const b = nb.tensor([3, 4], { requiresGrad: true, dtype: 'float64' });
  a.add(b).sum().backward();
  assert.equal(a.grad!.dtype, 'float32');
  assert.equal(b.grad!.dtype, 'float64');
  const p = nb.tensor([1, 2], { requiresGrad: true });
  const q = nb.tensor([1, 2], { requiresGrad: true });
  p.add(q).sum().backward();
  assert.notEqual(p.grad!.storage, q.grad!.storage);
});

test('retainGrad keeps the gradient of an intermediate tensor', () => {
  const x = nb.tensor([1, 2], { requiresGrad: true });
  const h = x.mul(3).retainGrad();
  h.square().sum().backward();
  assert.deepEqual(h.grad!.toArray(), [6, 12]);
  assert.deepEqual(x.grad!.toArray(), [18, 36]);
});

test('in-place updates of a tensor that requires grad are refused outside noGrad', () => {
  const w = nb.tensor([1, 2], { requiresGrad: true });
  assert.throws(() => w.add_(1), /in-place update/);
  nb.noGrad(() => w.add_(nb.tensor([1, 1]), -0.5));
  assert.deepEqual(w.toArray(), [0.5, 1.5]);
});

test('ops on empty tensors and scalars produce no NaN and no crash', () => {
  const e = nb.zeros([0, 3], { requiresGrad: true });
  e.mul(2).sum().backward();
  assert.deepEqual(e.grad!.shape, [0, 3]);
  const s = nb.tensor(2, { requiresGrad: true });
  s.mul(s).backward();
  assert.equal(s.grad!.item(), 4);
  assert.deepEqual(nb.zeros([0]).softmax(0).shape, [0]);
  assert.deepEqual(nb.zeros([3, 0]).matmul(nb.zeros([0, 2])).toArray(), [[0, 0], [0, 0], [0, 0]]);
});

test('op events announce forward and backward steps', () => {
  const events: string[] = [];
  const off = nb.onOp((e) => events.push(`${e.kind}:${e.op}`));
  const x = nb.tensor([1, 2], { requiresGrad: true });
  x.mul(2).sum().backward();
  off();
  x.mul(2);
  assert.deepEqual(events, ['forward:mul', 'forward:sum', 'backward:sum', 'backward:mul']);
});

test('gradcheck catches a wrong gradient and names the input and worst element', () => {
  const x = nb.tensor([0.5, -1.5, 2], { dtype: 'float64', requiresGrad: true });
  const y = nb.tensor([1, 2, 3], { dtype: 'float64', requiresGrad: true });
  // detach() hides one path of x*x from autograd: analytic x, numerical 2x
  assert.throws(() => nb.gradcheck((a, b) => a!.detach().mul(a!).add(b!), [x, y]), (e: Error) => {
    assert.ok(e instanceof nb.GradcheckError);
    assert.match(e.message, /input 0 \[3\]: worst element \[2\] has analytic gradient/);
    return true;
  });
  const rep = nb.gradcheckReport((a, b) => a!.detach().mul(a!).add(b!), [x, y]);
  assert.equal(rep.length, 2);
  assert.equal(rep[0]!.ok, false);
  assert.equal(rep[1]!.ok, true);
});

test('a .grad never shares memory with another .grad, the seed, a retained gradient or a user tensor', () => {
  // the backward pass hands a gradient it made and gave out once to .grad without a copy
  // (autograd.ts, Ownership); every other case must still be a copy
  const w = nb.randn([3, 4], { requiresGrad: true });
  const v = nb.randn([4, 2], { requiresGrad: true });
  const x = nb.randn([5, 3]);
  const h = x.matmul(w).retainGrad();
  const y = h.matmul(v);
  const seed = nb.randn([5, 2]);
  y.backward(seed);
  const arrays = [w.grad!.storage, v.grad!.storage, h.grad!.storage, seed.storage, x.storage, w.storage, v.storage];
  assert.equal(new Set(arrays).size, arrays.length);
  // a leaf that is the root: its gradient is the seed, copied
  const p = nb.randn([3], { requiresGrad: true });
  const s = nb.ones([3]);
  p.backward(s);
  assert.notEqual(p.grad!.storage, s.storage);
  // one op giving the same gradient to two leaves (add), and to the same leaf twice (x + x)
  const a = nb.randn([2, 2], { requiresGrad: true });
  const b = nb.randn([2, 2], { requiresGrad: true });
  a.add(b).matmul(nb.eye(2)).sum().backward();
  assert.notEqual(a.grad!.storage, b.grad!.storage);
  a.grad!.mul_(0);
  assert.deepEqual(b.grad!.toArray(), [[1, 1], [1, 1]]);
  const c = nb.randn([2], { requiresGrad: true });
  c.add(c).mul(c).sum().backward();
  assert.deepEqual(c.grad!.toArray(), c.mul(4).toArray());
});
