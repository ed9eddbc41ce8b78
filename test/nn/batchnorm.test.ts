import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as nb from '../../src/index.js';
import { BatchNorm1d, BatchNorm2d, type BatchNormBase } from '../../src/nn/batchnorm.js';
import { batchNorm } from '../../src/functional/batchnorm.js';
import { gradcheck } from '../../src/core/gradcheck.js';
import { ShapeError } from '../../src/core/errors.js';
import { assertClose, fixtureTensor, loadFixture } from '../helpers/fixtures.js';

for (const c of loadFixture('batchnorm')) {
  test(`${c.config.type} matches PyTorch: ${c.name}`, () => {
    const cfg = c.config as { type: string; numFeatures: number; eps: number; momentum: number | null; affine: boolean; trackRunningStats: boolean; training: boolean };
    const Cls = cfg.type === 'BatchNorm1d' ? BatchNorm1d : BatchNorm2d;
    const bn: BatchNormBase = new Cls(cfg.numFeatures, cfg).to('float64');
    bn.loadStateDict(Object.fromEntries(Object.entries(c.params).map(([k, v]) => [k, fixtureTensor(v)])));
    bn.train(cfg.training);
    const x = fixtureTensor(c.inputs.x!, { requiresGrad: true });
    const y = bn.forward(x);
    assertClose(y, c.outputs.y!, { msg: `${c.name} y` });
    y.backward(fixtureTensor(c.inputs.gradOut!));
    assertClose(x.grad!, c.grads.x!, { msg: `${c.name} dx` });
    if (cfg.affine) {
      assertClose(bn.weight!.grad!, c.grads.weight!, { msg: `${c.name} dweight` });
      assertClose(bn.bias!.grad!, c.grads.bias!, { msg: `${c.name} dbias` });
    } else assert.equal(bn.weight, null);
    if (cfg.trackRunningStats) {
      assertClose(bn.running_mean!, c.outputs.running_mean!, { msg: `${c.name} running_mean` });
      assertClose(bn.running_var!, c.outputs.running_var!, { msg: `${c.name} running_var` });
      assert.equal(bn.num_batches_tracked!.dtype, 'int32');
      assert.equal(bn.num_batches_tracked!.item(), c.outputs.num_batches_tracked!.data[0]);
    } else {
      assert.equal(bn.running_mean, null);
      assert.deepEqual(Object.keys(bn.stateDict()), ['weight', 'bias']);
    }
  });
}

test('momentum null is a cumulative average over batches', () => {
  const bn = new BatchNorm1d(2, { momentum: null }).to('float64');
  const batches = [nb.randn([5, 2], { dtype: 'float64' }), nb.randn([5, 2], { dtype: 'float64' }).add(3), nb.randn([5, 2], { dtype: 'float64' }).mul(2)];
  for (const b of batches) bn.forward(b);
  const means = batches.map((b) => b.mean(0));
  const vars = batches.map((b) => b.var(0));
  assertClose(bn.running_mean!, means[0]!.add(means[1]!).add(means[2]!).div(3), { atol: 1e-12 });
  // the initial running_var 1 is forgotten after the first batch (factor 1/1)
  assertClose(bn.running_var!, vars[0]!.add(vars[1]!).add(vars[2]!).div(3), { atol: 1e-12 });
  assert.equal(bn.num_batches_tracked!.item(), 3);
});

test('BatchNorm gradcheck in training mode (through the batch statistics) and eval mode', () => {
  for (const [bn, shape] of [
    [new BatchNorm1d(3), [4, 3]],
    [new BatchNorm1d(2), [3, 2, 4]],
    [new BatchNorm2d(2), [2, 2, 3, 3]],
  ] as const) {
    bn.to('float64');
    noisy(bn);
    const x = nb.randn(shape, { dtype: 'float64', requiresGrad: true });
    const params = bn.parameters();
    const f = (training: boolean) => (xx: nb.Tensor, w: nb.Tensor, b: nb.Tensor) =>
      batchNorm(xx, null, null, w, b, { training, eps: bn.eps });
    assert.ok(gradcheck((a, w, b) => f(true)(a!, w!, b!), [x, ...params]));
    const evalF = (a: nb.Tensor, w: nb.Tensor, b: nb.Tensor) => batchNorm(a, bn.running_mean, bn.running_var, w, b, { training: false });
    assert.ok(gradcheck((a, w, b) => evalF(a!, w!, b!), [x, ...params]));
    // and the module itself
    bn.eval();
    assert.ok(gradcheck((a) => bn.forward(a!), [x]));
  }
});

function noisy(bn: BatchNormBase): void {
  nb.noGrad(() => {
    bn.weight!.copy_(nb.rand([bn.numFeatures], { dtype: 'float64' }).add(0.5));
    bn.bias!.copy_(nb.randn([bn.numFeatures], { dtype: 'float64' }));
    bn.running_mean!.copy_(nb.randn([bn.numFeatures], { dtype: 'float64' }));
    bn.running_var!.copy_(nb.rand([bn.numFeatures], { dtype: 'float64' }).add(0.5));
  });
}

test('eval mode uses the running statistics and does not update them', () => {
  const bn = new BatchNorm2d(2).to('float64');
  noisy(bn);
  bn.eval();
  const before = bn.running_mean!.data();
  const x = nb.randn([2, 2, 3, 3], { dtype: 'float64' });
  const y = bn.forward(x);
  assert.deepEqual(bn.running_mean!.data(), before);
  assert.equal(bn.num_batches_tracked!.item(), 0);
  const rm = bn.running_mean!.reshape([1, 2, 1, 1]);
  const rv = bn.running_var!.reshape([1, 2, 1, 1]);
  const expected = x.sub(rm).div(rv.add(1e-5).sqrt()).mul(bn.weight!.reshape([1, 2, 1, 1])).add(bn.bias!.reshape([1, 2, 1, 1]));
  assertClose(y, expected, { atol: 1e-12 });
});

test('state dict names and order are PyTorch\'s; num_batches_tracked stays int32 under to()', () => {
  const bn = new BatchNorm1d(4).to('float64');
  assert.deepEqual(Object.keys(bn.stateDict()), ['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']);
  assert.equal(bn.running_var!.dtype, 'float64');
  assert.equal(bn.num_batches_tracked!.dtype, 'int32');
  assert.deepEqual(bn.namedParameters().map(([k]) => k), ['weight', 'bias']);
});

test('wrong rank or channel count gives an error naming the expected layout', () => {
  assert.throws(() => new BatchNorm2d(3).forward(nb.zeros([2, 3, 4])), (e: unknown) => e instanceof ShapeError && /\[N,C,H,W\]/.test(e.message) && /\[2,3,4\]/.test(e.message));
  assert.throws(() => new BatchNorm1d(3).forward(nb.zeros([2, 3, 4, 5])), (e: unknown) => e instanceof ShapeError && /\[N,C\] or \[N,C,L\]/.test(e.message));
  assert.throws(() => new BatchNorm1d(3).forward(nb.zeros([2, 4])), (e: unknown) => e instanceof ShapeError && /4 channels/.test(e.message) && /expected 3/.test(e.message));
  assert.throws(() => new BatchNorm1d(3).forward(nb.zeros([1, 3])), /more than 1 value per channel/);
});

test('BatchNorm prints its configuration', () => {
  assert.equal(new BatchNorm2d(8).toString(), 'BatchNorm2d(8, eps=0.00001, momentum=0.1, affine=true, trackRunningStats=true)  [16 params]');
});
