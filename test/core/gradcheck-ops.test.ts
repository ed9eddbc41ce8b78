/**
 * One case table drives a float64 gradcheck of every differentiable tensor op, with broadcast
 * shapes, views, and inputs used more than once. Adding an op means adding a row here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as nb from '../../src/index.js';
import type { Tensor } from '../../src/index.js';

nb.manualSeed(7);

const lin = nb.nn.functional.linear;

/** A float64 leaf with values in [lo, hi). */
function leaf(shape: number[], lo = -1, hi = 1): Tensor {
  return nb.uniform(shape, lo, hi, { dtype: 'float64', requiresGrad: true });
}
/** Values bounded away from zero (for div, log, sqrt, pow). */
function positive(shape: number[]): Tensor {
  return leaf(shape, 0.5, 2);
}
/** Values whose pairwise gaps are large enough that max/min/relu/abs kinks are not straddled by eps. */
function spread(shape: number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const perm = nb.randperm(n).data();
  const vals = new Float64Array(n);
  for (let i = 0; i < n; i++) vals[i] = (perm[i]! - n / 2 + 0.5) * 0.1;
  return nb.tensor(vals, { shape, requiresGrad: true });
}

interface Case {
  name: string;
  fn: (...xs: Tensor[]) => Tensor;
  inputs: () => Tensor[];
  opts?: nb.GradcheckOptions;
}

const cases: Case[] = [
  // elementwise binary, incl. broadcasting and scalars
  { name: 'add', fn: (a, b) => a!.add(b!), inputs: () => [leaf([2, 3]), leaf([2, 3])] },
  { name: 'add broadcast row', fn: (a, b) => a!.add(b!), inputs: () => [leaf([4, 3]), leaf([3])] },
  { name: 'add broadcast both', fn: (a, b) => a!.add(b!), inputs: () => [leaf([4, 1, 3]), leaf([2, 1])] },
  { name: 'add scalar', fn: (a) => a!.add(2.5), inputs: () => [leaf([3])] },
  { name: 'sub broadcast', fn: (a, b) => a!.sub(b!), inputs: () => [leaf([2, 3]), leaf([2, 1])] },
  { name: 'mul broadcast', fn: (a, b) => a!.mul(b!), inputs: () => [leaf([2, 3, 4]), leaf([3, 1])] },
  { name: 'mul reused input', fn: (a) => a!.mul(a!), inputs: () => [leaf([5])] },
  { name: 'div', fn: (a, b) => a!.div(b!), inputs: () => [leaf([2, 3]), positive([2, 3])] },
  { name: 'div broadcast', fn: (a, b) => a!.div(b!), inputs: () => [leaf([3, 2]), positive([1, 2])] },
  { name: 'pow scalar', fn: (a) => a!.pow(3), inputs: () => [leaf([4])] },
  { name: 'pow tensor exponent', fn: (a, b) => a!.pow(b!), inputs: () => [positive([3]), leaf([3])] },
  { name: 'maximum', fn: (a, b) => a!.maximum(b!), inputs: () => [spread([6]), leaf([6]).detach().add(0.05).requiresGrad_()] },
  { name: 'minimum broadcast', fn: (a, b) => a!.minimum(b!), inputs: () => [spread([2, 3]), nb.tensor([0.03], { dtype: 'float64', requiresGrad: true })] },
  // elementwise unary
  { name: 'neg', fn: (a) => a!.neg(), inputs: () => [leaf([3])] },
  { name: 'exp', fn: (a) => a!.exp(), inputs: () => [leaf([2, 2])] },
  { name: 'log', fn: (a) => a!.log(), inputs: () => [positive([4])] },
  { name: 'log1p', fn: (a) => a!.log1p(), inputs: () => [positive([4])] },
  { name: 'sqrt', fn: (a) => a!.sqrt(), inputs: () => [positive([4])] },
  { name: 'rsqrt', fn: (a) => a!.rsqrt(), inputs: () => [positive([4])] },
  { name: 'square', fn: (a) => a!.square(), inputs: () => [leaf([4])] },
  { name: 'reciprocal', fn: (a) => a!.reciprocal(), inputs: () => [positive([4])] },
  { name: 'abs', fn: (a) => a!.abs(), inputs: () => [spread([6])] },
  { name: 'sin', fn: (a) => a!.sin(), inputs: () => [leaf([4])] },
  { name: 'cos', fn: (a) => a!.cos(), inputs: () => [leaf([4])] },
  { name: 'relu', fn: (a) => a!.relu(), inputs: () => [spread([2, 4])] },
  { name: 'sigmoid', fn: (a) => a!.sigmoid(), inputs: () => [leaf([2, 4], -4, 4)] },
  { name: 'tanh', fn: (a) => a!.tanh(), inputs: () => [leaf([2, 4], -3, 3)] },
  { name: 'softplus', fn: (a) => a!.softplus(), inputs: () => [leaf([5], -3, 3)] },
  { name: 'gelu', fn: (a) => a!.gelu(), inputs: () => [spread([6])] },
  { name: 'leakyRelu', fn: (a) => a!.leakyRelu(0.1), inputs: () => [spread([6])] },
  { name: 'elu', fn: (a) => a!.elu(0.7), inputs: () => [spread([6])] },
  { name: 'clamp', fn: (a) => a!.clamp(-0.22, 0.27), inputs: () => [spread([10])] },
  { name: 'cast float32 round trip', fn: (a) => a!.to('float32').to('float64').mul(2), inputs: () => [leaf([3])], opts: { eps: 1e-2, atol: 1e-4 } },
  // reductions
  { name: 'sum all', fn: (a) => a!.sum(), inputs: () => [leaf([2, 3])] },
  { name: 'sum axis', fn: (a) => a!.sum(1), inputs: () => [leaf([2, 3, 4])] },
  { name: 'sum axes keepdim', fn: (a) => a!.sum([0, 2], true), inputs: () => [leaf([2, 3, 4])] },
  { name: 'sum negative axis', fn: (a) => a!.sum(-1), inputs: () => [leaf([3, 2])] },
  { name: 'mean', fn: (a) => a!.mean(0), inputs: () => [leaf([4, 3])] },
  { name: 'mean all', fn: (a) => a!.mean(), inputs: () => [leaf([4, 3])] },
  { name: 'max axis', fn: (a) => a!.max(1), inputs: () => [spread([3, 4])] },
  { name: 'max all', fn: (a) => a!.max(), inputs: () => [spread([3, 4])] },
  { name: 'min axes keepdim', fn: (a) => a!.min([0, 1], true), inputs: () => [spread([2, 3, 2])] },
  { name: 'var', fn: (a) => a!.var(1), inputs: () => [leaf([3, 5])] },
  { name: 'std', fn: (a) => a!.std(), inputs: () => [leaf([6])] },
  { name: 'logsumexp', fn: (a) => a!.logsumexp(1), inputs: () => [leaf([3, 4], -3, 3)] },
  { name: 'softmax', fn: (a) => a!.softmax(1), inputs: () => [leaf([3, 4], -2, 2)] },
  { name: 'softmax axis 0', fn: (a) => a!.softmax(0), inputs: () => [leaf([3, 2, 2], -2, 2)] },
  { name: 'logSoftmax', fn: (a) => a!.logSoftmax(-1), inputs: () => [leaf([2, 5], -2, 2)] },
  // matmul
  { name: 'matmul 2-D', fn: (a, b) => a!.matmul(b!), inputs: () => [leaf([3, 4]), leaf([4, 2])] },
  { name: 'matmul dot', fn: (a, b) => a!.matmul(b!), inputs: () => [leaf([4]), leaf([4])] },
  { name: 'matmul vec-mat', fn: (a, b) => a!.matmul(b!), inputs: () => [leaf([3]), leaf([3, 2])] },
  { name: 'matmul mat-vec', fn: (a, b) => a!.matmul(b!), inputs: () => [leaf([2, 3]), leaf([3])] },
  { name: 'matmul batched broadcast', fn: (a, b) => a!.matmul(b!), inputs: () => [leaf([2, 1, 3, 4]), leaf([3, 4, 2])] },
  { name: 'matmul transposed views', fn: (a, b) => a!.mT.matmul(b!.T), inputs: () => [leaf([4, 3]), leaf([2, 4])] },
  { name: 'matmul reused', fn: (a) => a!.matmul(a!.mT), inputs: () => [leaf([3, 2])] },
  { name: 'matmul batched by 2-D', fn: (a, b) => a!.matmul(b!), inputs: () => [leaf([2, 3, 4]), leaf([4, 5])] },
  { name: 'matmul batched by 2-D transposed view (Linear)', fn: (a, b) => a!.matmul(b!.T), inputs: () => [leaf([2, 3, 4]), leaf([5, 4])] },
  { name: 'matmul permuted batch by 2-D', fn: (a, b) => a!.transpose(0, 1).matmul(b!.T), inputs: () => [leaf([3, 2, 4]), leaf([5, 4])] },
  // linear: y = x W^T + b as one fused op (src/ops/linear.ts), hand-written backward
  { name: 'linear 2-D', fn: (x, w, b) => lin(x!, w!, b!), inputs: () => [leaf([4, 3]), leaf([5, 3]), leaf([5])] },
  { name: 'linear 3-D input', fn: (x, w, b) => lin(x!, w!, b!), inputs: () => [leaf([2, 3, 4]), leaf([5, 4]), leaf([5])] },
  { name: 'linear no bias', fn: (x, w) => lin(x!, w!, null), inputs: () => [leaf([3, 4]), leaf([2, 4])] },
  { name: 'linear batch 1', fn: (x, w, b) => lin(x!, w!, b!), inputs: () => [leaf([1, 6]), leaf([3, 6]), leaf([3])] },
  { name: 'linear 1-D input', fn: (x, w, b) => lin(x!, w!, b!), inputs: () => [leaf([4]), leaf([3, 4]), leaf([3])] },
  { name: 'linear one output, one input feature', fn: (x, w, b) => lin(x!, w!, b!), inputs: () => [leaf([5, 1]), leaf([1, 1]), leaf([1])] },
  {
    name: 'linear transposed views (x^T, W given as [in, out]^T, strided bias)',
    fn: (x, w, b) => lin(x!.T, w!.T, b!.slice([null, null, 2])),
    inputs: () => [leaf([4, 3]), leaf([4, 2]), leaf([4])],
  },
  { name: 'linear permuted 3-D input (copied)', fn: (x, w, b) => lin(x!.transpose(0, 1), w!, b!), inputs: () => [leaf([3, 2, 4]), leaf([5, 4]), leaf([5])] },
  { name: 'linear input reused as weight', fn: (x, b) => lin(x!, x!, b!), inputs: () => [leaf([3, 3]), leaf([3])] },
  { name: 'linear upstream gradient broadcast (sum)', fn: (x, w, b) => lin(x!, w!, b!).sum(), inputs: () => [leaf([3, 4]), leaf([2, 4]), leaf([2])] },
  // views and shape ops
  { name: 'reshape', fn: (a) => a!.reshape([3, -1]).mul(nb.arange(4, undefined, 1, { dtype: 'float64' })), inputs: () => [leaf([2, 6])] },
  { name: 'view of transpose (copy)', fn: (a) => a!.T.reshape([-1]).mul(nb.arange(6, undefined, 1, { dtype: 'float64' })), inputs: () => [leaf([2, 3])] },
  { name: 'transpose', fn: (a) => a!.transpose(0, 2).sum(0), inputs: () => [leaf([2, 3, 4])] },
  { name: 'permute', fn: (a) => a!.permute(2, 0, 1).contiguous().reshape([4, 6]), inputs: () => [leaf([2, 3, 4])] },
  { name: 'flatten', fn: (a) => a!.flatten(1), inputs: () => [leaf([2, 3, 2])] },
  { name: 'squeeze/unsqueeze', fn: (a) => a!.unsqueeze(0).squeeze(2).unsqueeze(-1), inputs: () => [leaf([3, 1, 2])] },
  { name: 'expand', fn: (a) => a!.expand([4, 3]).mul(nb.arange(12, undefined, 1, { dtype: 'float64' }).reshape([4, 3])), inputs: () => [leaf([1, 3])] },
  { name: 'slice range and step', fn: (a) => a!.slice([1, null], [null, null, 2]), inputs: () => [leaf([3, 5])] },
  { name: 'slice index', fn: (a) => a!.slice(null, -1), inputs: () => [leaf([3, 5])] },
  { name: 'slice of slice', fn: (a) => a!.slice([0, 3]).slice(null, [1, 3]).mul(a!.slice([1, 4]).slice(null, [2, 4])), inputs: () => [leaf([4, 4])] },
  { name: 'narrow', fn: (a) => a!.narrow(1, 1, 2), inputs: () => [leaf([2, 4])] },
  { name: 'select', fn: (a) => a!.select(0, 1), inputs: () => [leaf([3, 2])] },
  { name: 'repeat', fn: (a) => a!.repeat(2, 3), inputs: () => [leaf([2, 2])] },
  { name: 'clone', fn: (a) => a!.clone().mul(a!), inputs: () => [leaf([3])] },
  // indexing and joining
  { name: 'gather', fn: (a) => a!.gather(1, nb.tensor([[0, 2], [1, 1], [2, 0]], { dtype: 'int32' })), inputs: () => [leaf([3, 3])] },
  { name: 'indexSelect repeated', fn: (a) => a!.indexSelect(0, [2, 0, 2]), inputs: () => [leaf([3, 2])] },
  { name: 'where', fn: (a, b) => nb.where(a!.detach().gt(0), a!, b!), inputs: () => [spread([2, 3]), leaf([3])] },
  { name: 'maskedFill', fn: (a) => a!.maskedFill(nb.tensor([true, false, true]), 0), inputs: () => [leaf([2, 3])] },
  { name: 'cat', fn: (a, b) => nb.cat([a!, b!, a!], 1), inputs: () => [leaf([2, 2]), leaf([2, 3])] },
  { name: 'stack', fn: (a, b) => nb.stack([a!, b!], 1), inputs: () => [leaf([2, 3]), leaf([2, 3])] },
  { name: 'split', fn: (a) => nb.split(a!, 2, 0)[1]!.mul(nb.split(a!, [1, 3], 0)[0]!), inputs: () => [leaf([4, 2])] },
  // a small network: the seed's layer formula z = W a + b, a = sigma(z)
  {
    name: 'two-layer network',
    fn: (x, w1, b1, w2, b2) => x!.matmul(w1!.T).add(b1!).sigmoid().matmul(w2!.T).add(b2!).tanh(),
    inputs: () => [leaf([4, 3]), leaf([5, 3]), leaf([5]), leaf([2, 5]), leaf([2])],
  },
];

for (const c of cases) {
  test(`gradcheck ${c.name}`, () => {
    nb.gradcheck(c.fn, c.inputs(), c.opts);
  });
}

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

test('relu: gradient 0 at exactly 0 and at NaN, the upstream gradient (even NaN) where x > 0, float32 and float64', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    const x = nb.tensor([0, -0, 2, -3, NaN, 1e-30, -1e-30], { dtype, requiresGrad: true });
    const g = nb.tensor([1, 1, 5, NaN, 7, -2, 3], { dtype });
    x.relu().backward(g);
    assert.deepEqual(Array.from(x.grad!.data()), [0, 0, 5, 0, 0, -2, 0], dtype);
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
