import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as nb from '../../src/index.js';
import {
  BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, HuberLoss, L1Loss, type Loss, MSELoss, NLLLoss, SmoothL1Loss,
} from '../../src/nn/loss.js';
import * as F from '../../src/functional/loss.js';
import { gradcheck } from '../../src/core/gradcheck.js';
import { DTypeError, NablaError, ShapeError } from '../../src/core/errors.js';
import { type FixtureTensor, assertClose, fixtureTensor, isFixtureTensor, loadFixture } from '../helpers/fixtures.js';

function build(cfg: Record<string, unknown>): Loss {
  const t = (k: string) => (isFixtureTensor(cfg[k]) ? fixtureTensor(cfg[k] as FixtureTensor) : undefined);
  const reduction = cfg.reduction as F.Reduction;
  switch (cfg.type) {
    case 'MSELoss':
      return new MSELoss({ reduction });
    case 'L1Loss':
      return new L1Loss({ reduction });
    case 'SmoothL1Loss':
      return new SmoothL1Loss({ reduction, beta: cfg.beta as number });
    case 'HuberLoss':
      return new HuberLoss({ reduction, delta: cfg.delta as number });
    case 'NLLLoss':
      return new NLLLoss({ reduction, weight: t('weight'), ignoreIndex: cfg.ignoreIndex as number });
    case 'CrossEntropyLoss':
      return new CrossEntropyLoss({ reduction, weight: t('weight'), ignoreIndex: cfg.ignoreIndex as number, labelSmoothing: cfg.labelSmoothing as number });
    case 'BCELoss':
      return new BCELoss({ reduction, weight: t('weight') });
    case 'BCEWithLogitsLoss':
      return new BCEWithLogitsLoss({ reduction, weight: t('weight'), posWeight: t('posWeight') });
    default:
      throw new Error(`unknown loss ${String(cfg.type)}`);
  }
}

const cases = loadFixture('losses');

test('the loss fixtures cover every loss module', () => {
  const types = new Set(cases.map((c) => c.config.type));
  for (const t of ['MSELoss', 'L1Loss', 'SmoothL1Loss', 'HuberLoss', 'NLLLoss', 'CrossEntropyLoss', 'BCELoss', 'BCEWithLogitsLoss']) assert.ok(types.has(t), t);
});

for (const c of cases) {
  test(`${c.config.type} matches PyTorch: ${c.name}`, () => {
    const loss = build(c.config);
    const input = fixtureTensor(c.inputs.input!, { requiresGrad: true });
    const target = fixtureTensor(c.inputs.target!);
    const out = loss.forward(input, target);
    assertClose(out, c.outputs.loss!, { msg: `${c.name} loss` });
    out.backward(fixtureTensor(c.inputs.gradOut!));
    assertClose(input.grad!, c.grads.input!, { msg: `${c.name} dinput` });
  });

  test(`${c.config.type} gradcheck: ${c.name}`, () => {
    const loss = build(c.config).to('float64');
    const input = fixtureTensor(c.inputs.input!, { requiresGrad: true });
    const target = fixtureTensor(c.inputs.target!);
    assert.ok(gradcheck((x) => loss.forward(x!, target), [input]));
  });
}

test('losses are differentiable in the target too (regression and BCE)', () => {
  const x = nb.rand([3, 2], { dtype: 'float64' }).mul(0.8).add(0.1).requiresGrad_();
  const y = nb.rand([3, 2], { dtype: 'float64' }).requiresGrad_();
  for (const f of [F.mseLoss, F.l1Loss, F.smoothL1Loss, F.huberLoss, F.binaryCrossEntropy, F.binaryCrossEntropyWithLogits]) {
    assert.ok(gradcheck((a, b) => f(a!, b!), [x, y]), f.name);
  }
});

test('crossEntropy on an unbatched [C] input with a scalar target', () => {
  const z = nb.tensor([1, 2, 3], { dtype: 'float64' });
  const l = F.crossEntropy(z, nb.tensor(2, { dtype: 'int32' }));
  const expected = -(3 - Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)));
  assertClose(l, expected, { atol: 1e-12 });
});

test('crossEntropy is numerically stable for huge logits', () => {
  const z = nb.tensor([[1000, 0, -1000]], { dtype: 'float32' });
  const l = F.crossEntropy(z, nb.tensor([1], { dtype: 'int32' }));
  assertClose(l, 1000, { rtol: 1e-6 });
  const l2 = F.crossEntropy(z, nb.tensor([0], { dtype: 'int32' }));
  assertClose(l2, 0, { atol: 1e-6 });
});

test('BCE clamps the log at -100, as PyTorch, so p = 0 or 1 gives a finite loss', () => {
  const p = nb.tensor([0, 1], { dtype: 'float64' });
  const y = nb.tensor([1, 0], { dtype: 'float64' });
  assertClose(F.binaryCrossEntropy(p, y, { reduction: 'none' }), [100, 100]);
  assertClose(F.binaryCrossEntropy(p, y.neg().add(1), { reduction: 'none' }), [0, 0]);
  const q = nb.tensor([0, 1, 0.5], { dtype: 'float64', requiresGrad: true });
  F.binaryCrossEntropy(q, nb.tensor([1, 0, 1], { dtype: 'float64' })).backward();
  assert.ok(q.grad!.data().every(Number.isFinite), `finite gradient at 0 and 1, got ${q.grad!.data()}`);
});

test('BCEWithLogits is stable for large logits and its gradient is sigma(z) - y', () => {
  const z = nb.tensor([-80, 0, 80], { dtype: 'float64', requiresGrad: true });
  const y = nb.tensor([1, 1, 0], { dtype: 'float64' });
  const l = F.binaryCrossEntropyWithLogits(z, y, { reduction: 'sum' });
  assertClose(l, 80 + Math.log(2) + 80, { rtol: 1e-12 });
  l.backward();
  assertClose(z.grad!, [-1, -0.5, 1], { atol: 1e-12 });
});

test('float class targets throw a DTypeError that says to use int32 indices or probabilities', () => {
  const z = nb.randn([4, 3]);
  const t = nb.tensor([0, 1, 2, 1]);
  assert.throws(
    () => new CrossEntropyLoss().forward(z, t),
    (e: unknown) => e instanceof DTypeError && /int32/.test(e.message) && /probabilities/.test(e.message) && /\[4,3\]/.test(e.message),
  );
  assert.throws(() => new NLLLoss().forward(z, t), (e: unknown) => e instanceof DTypeError && /int32/.test(e.message));
});

test('an out-of-range class target names the value and the number of classes', () => {
  const z = nb.randn([2, 3]);
  assert.throws(
    () => F.crossEntropy(z, nb.tensor([0, 5], { dtype: 'int32' })),
    (e: unknown) => e instanceof NablaError && /target value 5/.test(e.message) && /3 classes/.test(e.message),
  );
  assert.throws(() => F.nllLoss(z, nb.tensor([-1, 0], { dtype: 'int32' })), /target value -1/);
});

test('shape mismatches name both shapes', () => {
  assert.throws(() => F.mseLoss(nb.zeros([4, 1]), nb.zeros([4])), (e: unknown) => e instanceof ShapeError && /\[4,1\]/.test(e.message) && /\[4\]/.test(e.message));
  assert.throws(() => F.crossEntropy(nb.zeros([4, 3]), nb.zeros([5], { dtype: 'int32' })), (e: unknown) => e instanceof ShapeError && /\[4,3\]/.test(e.message) && /\[5\]/.test(e.message));
  assert.throws(() => F.crossEntropy(nb.zeros([4, 3]), nb.zeros([4]), {}), DTypeError);
  assert.throws(() => F.nllLoss(nb.zeros([4, 3]), nb.zeros([4], { dtype: 'int32' }), { weight: nb.ones([2]) }), /weight/);
});

test('BCE rejects inputs outside [0, 1] with a hint to use the logits form', () => {
  assert.throws(() => F.binaryCrossEntropy(nb.tensor([1.5]), nb.tensor([1])), /WithLogits/);
});

test('an unknown reduction is an error', () => {
  assert.throws(() => F.mseLoss(nb.zeros([2]), nb.zeros([2]), { reduction: 'avg' as F.Reduction }), /reduction/);
});

test('loss modules print their options; class weights are buffers in the state dict', () => {
  assert.equal(new CrossEntropyLoss({ labelSmoothing: 0.1 }).toString(), "CrossEntropyLoss(reduction='mean', ignoreIndex=-100, labelSmoothing=0.1)");
  const w = nb.tensor([1, 2, 3]);
  assert.deepEqual(Object.keys(new CrossEntropyLoss({ weight: w }).stateDict()), ['weight']);
  assert.deepEqual(Object.keys(new BCEWithLogitsLoss({ posWeight: w }).stateDict()), ['pos_weight']);
  assert.deepEqual(Object.keys(new MSELoss().stateDict()), []);
});
