/**
 * The fused `linear` op (src/ops/linear.ts): float32 forward and gradients on the native backend
 * against the reference backend (batch 1..5 through the no-packing GEMM, larger batches through
 * the packed one, 3-D inputs, transposed and strided operands), double backward against the
 * matmul + add composition, the op event, no graph under noGrad, dtypes, empty sizes and errors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as nb from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { DTypeError, ShapeError } from '../../src/core/errors.js';
import type { ForwardEvent } from '../../src/core/events.js';
import { assertNear } from '../helpers/fixtures.js';
import { onBackend } from '../helpers/backend.js';

const { linear } = nb.nn.functional;

interface Run {
  y: Tensor;
  gx: Tensor;
  gw: Tensor;
  gb: Tensor | null;
}

/** Forward and backward with fixed data and upstream gradient on one backend. */
function run(backend: string, xShape: number[], out: number, bias: boolean, view: (x: Tensor, w: Tensor, b: Tensor | null) => [Tensor, Tensor, Tensor | null], seed: number): Run {
  return onBackend(backend, () => {
    nb.manualSeed(seed);
    const inF = xShape[xShape.length - 1]!;
    const x = nb.randn(xShape, { requiresGrad: true });
    const w = nb.randn([out, inF], { requiresGrad: true });
    const b = bias ? nb.randn([out], { requiresGrad: true }) : null;
    const [xv, wv, bv] = view(x, w, b);
    const y = linear(xv, wv, bv);
    y.backward(nb.randn(y.shape));
    return { y, gx: x.grad!, gw: w.grad!, gb: b === null ? null : b.grad! };
  });
}

const same = (x: Tensor, w: Tensor, b: Tensor | null): [Tensor, Tensor, Tensor | null] => [x, w, b];

test('linear on the native backend matches the reference backend (float32), forward and gradients', (t) => {
  if (!nb.availableBackends().includes('native')) return t.skip('native addon not built');
  const cases: [number[], number, boolean][] = [];
  for (let m = 1; m <= 5; m++) cases.push([[m, 19], 7, true], [[m, 33], 17, false]);
  cases.push([[1, 784], 256, true], [[9, 40], 30, true], [[64, 100], 37, true], [[2, 3, 16], 5, true], [[3], 4, true], [[4, 1], 1, true]);
  let seed = 1;
  for (const [shape, out, bias] of cases) {
    const a = run('native', shape, out, bias, same, seed);
    const r = run('ts', shape, out, bias, same, seed);
    const what = `x ${JSON.stringify(shape)} out ${out} bias ${bias}`;
    const tol = 1e-5 * Math.sqrt(shape[shape.length - 1]! + 1);
    assertNear(a.y, r.y, tol, `${what} y`);
    assertNear(a.gx, r.gx, tol, `${what} dx`);
    assertNear(a.gw, r.gw, 1e-5 * Math.sqrt(shape.length > 1 ? shape[0]! * (shape.length > 2 ? shape[1]! : 1) : 1) + 1e-5, `${what} dW`);
    if (bias) assertNear(a.gb!, r.gb!, 1e-5 * 8, `${what} db`);
    seed++;
  }
});

test('linear with transposed, strided and permuted operands equals the contiguous case', () => {
  const views: [string, number[], (x: Tensor, w: Tensor, b: Tensor | null) => [Tensor, Tensor, Tensor | null]][] = [
    ['x transposed', [6, 3], (x, w, b) => [x.T.contiguous().T, w, b]],
    ['W stored [in, out]', [3, 6], (x, w, b) => [x, w.T.contiguous().T, b]],
    ['3-D x permuted', [2, 3, 6], (x, w, b) => [x.transpose(0, 1).contiguous().transpose(0, 1), w, b]],
    ['bias strided', [3, 6], (x, w, b) => [x, w, nb.stack([b!, b!.mul(0)], 1).select(1, 0)]],
  ];
  let seed = 50;
  for (const [name, shape, v] of views) {
    for (const backend of nb.availableBackends()) {
      const a = run(backend, shape, 4, true, v, seed);
      const r = run(backend, shape, 4, true, same, seed);
      assertNear(a.y, r.y, 1e-6, `${name} ${backend} y`);
      assertNear(a.gx, r.gx, 1e-6, `${name} ${backend} dx`);
      assertNear(a.gw, r.gw, 1e-6, `${name} ${backend} dW`);
      assertNear(a.gb!, r.gb!, 1e-6, `${name} ${backend} db`);
    }
    seed++;
  }
});

test('double backward through linear equals the matmul + add composition', () => {
  const grads = (f: (x: Tensor, w: Tensor, b: Tensor) => Tensor): Tensor[] => {
    nb.manualSeed(5);
    const x = nb.randn([3, 4], { dtype: 'float64', requiresGrad: true });
    const w = nb.randn([2, 4], { dtype: 'float64', requiresGrad: true });
    const b = nb.randn([2], { dtype: 'float64', requiresGrad: true });
    // J = sum(tanh(y)); the gradient of sum((dJ/dx)^2) needs the backward of the backward
    f(x, w, b).tanh().sum().backward(undefined, { createGraph: true });
    const gx = x.grad!;
    const gw = w.grad!;
    x.grad = null;
    w.grad = null;
    b.grad = null;
    gx.pow(2).sum().add(gw.pow(2).sum()).backward();
    return [x.grad!, w.grad!, b.grad!];
  };
  const fused = grads((x, w, b) => linear(x, w, b));
  const composed = grads((x, w, b) => x.matmul(w.mT).add(b));
  fused.forEach((g, i) => assertNear(g, composed[i]!, 1e-12, `second-order gradient ${i}`));
});

test('linear announces one op event with inputs [x, W, b] and records no graph under noGrad', () => {
  const x = nb.randn([2, 3, 4]);
  const w = nb.randn([5, 4], { requiresGrad: true });
  const b = nb.randn([5], { requiresGrad: true });
  const events: ForwardEvent[] = [];
  const off = nb.onOp((e) => {
    if (e.kind === 'forward') events.push(e);
  });
  let y: Tensor;
  try {
    y = linear(x, w, b);
  } finally {
    off();
  }
  assert.deepEqual(events.map((e) => e.op), ['linear']);
  assert.deepEqual(events[0]!.inputs, [x, w, b]);
  assert.equal(events[0]!.output, y);
  assert.deepEqual(y.shape, [2, 3, 5]);
  assert.equal(y.requiresGrad, true);
  assert.equal(y._node!.op, 'linear');
  const z = nb.noGrad(() => linear(x, w, b));
  assert.equal(z.requiresGrad, false);
  assert.equal(z._node, null);
  const u = linear(x, w.detach(), null);
  assert.equal(u.requiresGrad, false);
});

test('linear dtypes: float64 stays float64, mixed dtypes promote, integers are a DTypeError', () => {
  const x = nb.tensor([[1, 2]], { dtype: 'float64' });
  const w = nb.tensor([[3, 4], [5, 6]], { dtype: 'float64' });
  const y = linear(x, w, nb.tensor([0.5, -1], { dtype: 'float64' }));
  assert.equal(y.dtype, 'float64');
  assert.deepEqual(y.toArray(), [[11.5, 16]]);
  const mixed = linear(nb.tensor([[1, 2]]), w, null);
  assert.equal(mixed.dtype, 'float64');
  assert.deepEqual(mixed.toArray(), [[11, 17]]);
  assert.throws(() => linear(nb.tensor([[1, 2]], { dtype: 'int32' }), nb.tensor([[1, 2]], { dtype: 'int32' })), DTypeError);
});

test('linear with empty sizes: no rows, no input features (y = b), no outputs', () => {
  for (const backend of nb.availableBackends()) {
    onBackend(backend, () => {
      const b = nb.tensor([1, 2, 3], { requiresGrad: true });
      const y0 = linear(nb.zeros([0, 4], { requiresGrad: true }), nb.ones([3, 4], { requiresGrad: true }), b);
      assert.deepEqual(y0.shape, [0, 3]);
      y0.sum().backward();
      assert.deepEqual(b.grad!.toArray(), [0, 0, 0]);
      const x = nb.zeros([2, 0], { requiresGrad: true });
      const w = nb.zeros([3, 0], { requiresGrad: true });
      const y1 = linear(x, w, b);
      assert.deepEqual(y1.toArray(), [[1, 2, 3], [1, 2, 3]], backend);
      y1.sum().backward();
      assert.deepEqual(x.grad!.shape, [2, 0]);
      assert.deepEqual(w.grad!.shape, [3, 0]);
      assert.deepEqual(linear(nb.ones([2, 4]), nb.ones([0, 4]), null).shape, [2, 0]);
    });
  }
});

test('linear errors name the shapes and the fix', () => {
  const x = nb.zeros([5, 4]);
  assert.throws(() => linear(x, nb.zeros([3, 3])), (e: unknown) => e instanceof ShapeError && /\[5,4\]/.test(e.message) && /in_features = 3/.test(e.message));
  assert.throws(() => linear(x, nb.zeros([4])), (e: unknown) => e instanceof ShapeError && /weight must be 2-D/.test(e.message));
  assert.throws(() => linear(x, nb.zeros([3, 4]), nb.zeros([4])), (e: unknown) => e instanceof ShapeError && /bias \[4\]/.test(e.message) && /expected \[3\]/.test(e.message));
  assert.throws(() => linear(nb.tensor(1), nb.zeros([3, 4])), ShapeError);
});

test('gradients a leaf keeps without a copy are its own: in-place changes reach no other tensor', () => {
  nb.manualSeed(11);
  const x = nb.randn([4, 4], { requiresGrad: true });
  const w = nb.randn([4, 4], { requiresGrad: true });
  const b = nb.randn([4], { requiresGrad: true });
  // x feeds two linears and is also the weight of a third: its gradient is a sum
  const y = linear(linear(x, w, b), w, null).add(linear(w, x, b).mul(0.5));
  y.sum().backward();
  const gx = x.grad!.data();
  const gw = w.grad!.data();
  const gb = b.grad!.data();
  const grads = [x.grad!, w.grad!, b.grad!];
  assert.equal(new Set(grads.map((g) => g.storage)).size, 3, 'three separate storages');
  w.grad!.mul_(0);
  b.grad!.add_(1);
  assert.deepEqual(x.grad!.data(), gx);
  assert.notDeepEqual(w.grad!.data(), gw);
  assert.deepEqual(b.grad!.data(), gb.map((v) => v + 1));
  // against the matmul + add composition
  const x2 = x.detach().requiresGrad_();
  const w2 = w.detach().requiresGrad_();
  const b2 = b.detach().requiresGrad_();
  const lin2 = (a: Tensor, m: Tensor, c: Tensor | null): Tensor => (c === null ? a.matmul(m.mT) : a.matmul(m.mT).add(c));
  lin2(lin2(x2, w2, b2), w2, null).add(lin2(w2, x2, b2).mul(0.5)).sum().backward();
  assertNear(nb.tensor(gx, { shape: [4, 4] }), x2.grad!, 1e-5, 'dx');
  assertNear(nb.tensor(gw, { shape: [4, 4] }), w2.grad!, 1e-5, 'dW');
  assertNear(nb.tensor(gb), b2.grad!, 1e-5, 'db');
});
