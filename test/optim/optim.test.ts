import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as nb from '../../src/index.js';
import { Tensor } from '../../src/core/tensor.js';
import type { Optimizer } from '../../src/optim/optimizer.js';
import { SGD } from '../../src/optim/sgd.js';
import { Adam } from '../../src/optim/adam.js';
import { AdamW } from '../../src/optim/adamw.js';
import { RMSprop } from '../../src/optim/rmsprop.js';
import { registerBackend, setBackend, getBackend } from '../../src/backend/registry.js';
import { referenceBackend } from '../../src/backend/reference/index.js';
import type { AdamArgs } from '../../src/backend/types.js';
import type { TypedArray } from '../../src/core/dtype.js';
import { Linear } from '../../src/nn/linear.js';
import { type Case, assertClose, fixtureTensor, loadFixture } from '../helpers/fixtures.js';

type Cfg = Record<string, unknown>;

function build(cfg: Cfg, params: Tensor[]): Optimizer {
  const n = (k: string) => cfg[k] as number;
  switch (cfg.type) {
    case 'SGD':
      return new SGD(params, { lr: n('lr'), momentum: n('momentum'), dampening: n('dampening'), weightDecay: n('weightDecay'), nesterov: cfg.nesterov as boolean });
    case 'Adam':
    case 'AdamW': {
      const Cls = cfg.type === 'Adam' ? Adam : AdamW;
      return new Cls(params, { lr: n('lr'), betas: cfg.betas as [number, number], eps: n('eps'), weightDecay: n('weightDecay'), amsgrad: cfg.amsgrad as boolean });
    }
    case 'RMSprop':
      return new RMSprop(params, { lr: n('lr'), alpha: n('alpha'), eps: n('eps'), weightDecay: n('weightDecay'), momentum: n('momentum'), centered: cfg.centered as boolean });
    default:
      throw new Error(`unknown optimizer ${String(cfg.type)}`);
  }
}

const optimCases = loadFixture('optim').filter((c) => ['SGD', 'Adam', 'AdamW', 'RMSprop'].includes(c.config.type));

function startParams(c: Case): Tensor[] {
  return [fixtureTensor(c.params.weight!, { requiresGrad: true }), fixtureTensor(c.params.bias!, { requiresGrad: true })];
}

test('the optimizer fixtures cover SGD, Adam, AdamW and RMSprop', () => {
  assert.deepEqual([...new Set(optimCases.map((c) => c.config.type))].sort(), ['Adam', 'AdamW', 'RMSprop', 'SGD']);
});

for (const c of optimCases) {
  test(`${c.config.type} matches PyTorch over 5 steps: ${c.name}`, () => {
    const [w, b] = startParams(c);
    const opt = build(c.config, [w!, b!]);
    for (let k = 1; k <= 5; k++) {
      w!.grad = fixtureTensor(c.inputs[`grads.${k}.weight`]!);
      b!.grad = fixtureTensor(c.inputs[`grads.${k}.bias`]!);
      opt.step();
      assertClose(w!, c.outputs[`step.${k}.weight`]!, { msg: `${c.name} step ${k} weight` });
      assertClose(b!, c.outputs[`step.${k}.bias`]!, { msg: `${c.name} step ${k} bias` });
    }
  });

  test(`${c.config.type} resumes exactly from stateDict after 2 steps: ${c.name}`, () => {
    const [w, b] = startParams(c);
    const opt = build(c.config, [w!, b!]);
    const setGrads = (k: number, ps: Tensor[]) => {
      ps[0]!.grad = fixtureTensor(c.inputs[`grads.${k}.weight`]!);
      ps[1]!.grad = fixtureTensor(c.inputs[`grads.${k}.bias`]!);
    };
    for (let k = 1; k <= 2; k++) {
      setGrads(k, [w!, b!]);
      opt.step();
    }
    const saved = opt.stateDict();
    const snapshot = [w!.clone().detach(), b!.clone().detach()];
    // a fresh optimizer over fresh parameters with the saved values
    const p2 = snapshot.map((t) => t.clone().detach().requiresGrad_());
    const opt2 = build({ ...c.config, lr: 123 }, p2); // lr comes back from the state dict
    opt2.loadStateDict(saved);
    for (let k = 3; k <= 5; k++) {
      setGrads(k, [w!, b!]);
      opt.step();
      setGrads(k, p2);
      opt2.step();
    }
    assert.deepEqual(p2[0]!.data(), w!.data());
    assert.deepEqual(p2[1]!.data(), b!.data());
    assertClose(p2[0]!, c.outputs['step.5.weight']!, { msg: c.name });
  });
}

test('Adam/AdamW call the backend adamStep kernel once per parameter (not amsgrad)', () => {
  const calls: AdamArgs[] = [];
  registerBackend({
    name: 'spy-adam',
    adamStep(p: TypedArray, g: TypedArray, m: TypedArray, v: TypedArray, args: AdamArgs) {
      calls.push({ ...args });
      referenceBackend.adamStep(p, g, m, v, args);
    },
  });
  const prev = getBackend();
  setBackend('spy-adam');
  try {
    const l = new Linear(3, 2);
    l.forward(nb.randn([4, 3])).sum().backward();
    new Adam(l.parameters(), { lr: 0.01 }).step();
    assert.equal(calls.length, 2);
    assert.equal(calls[0]!.decoupled, false);
    assert.equal(calls[0]!.step, 1);
    const opt = new AdamW(l.parameters(), { lr: 0.01 });
    opt.step();
    opt.step();
    assert.equal(calls.length, 6);
    assert.equal(calls[5]!.decoupled, true);
    assert.equal(calls[5]!.step, 2);
    new Adam(l.parameters(), { amsgrad: true }).step();
    assert.equal(calls.length, 6);
  } finally {
    setBackend(prev);
  }
});

test('parameter groups: per-group lr overrides the default', () => {
  const a = nb.tensor([1, 1], { dtype: 'float64', requiresGrad: true });
  const b = nb.tensor([1, 1], { dtype: 'float64', requiresGrad: true });
  const opt = new SGD([{ params: [a] }, { params: [b], lr: 0.5 }], { lr: 0.1, momentum: 0 });
  a.grad = nb.ones([2], { dtype: 'float64' });
  b.grad = nb.ones([2], { dtype: 'float64' });
  opt.step();
  assertClose(a, [0.9, 0.9], { atol: 1e-15 });
  assertClose(b, [0.5, 0.5], { atol: 1e-15 });
  assert.equal(opt.paramGroups[1]!.momentum, 0);
  assert.deepEqual(opt.stateDict().paramGroups.map((g) => g.params), [[0], [1]]);
});

test('parameters without a gradient are skipped; zeroGrad clears gradients', () => {
  const a = nb.tensor([1], { requiresGrad: true });
  const b = nb.tensor([1], { requiresGrad: true });
  const opt = new Adam([a, b], { lr: 0.1 });
  a.grad = nb.tensor([1]);
  opt.step();
  assert.notEqual(a.item(), 1);
  assert.equal(b.item(), 1);
  assert.equal(opt.state.has(b), false);
  opt.zeroGrad();
  assert.equal(a.grad, null);
});

test('the update is in place: the module sees the new values; no graph is recorded', () => {
  const l = new Linear(2, 1);
  const w = l.weight;
  const storage = w.storage;
  l.forward(nb.ones([1, 2])).sum().backward();
  new SGD(l.parameters(), { lr: 1 }).step();
  assert.equal(l.weight, w);
  assert.equal(l.weight.storage, storage);
  assert.ok(l.weight.isLeaf && l.weight.requiresGrad);
});

test('optimizer errors: empty list, bad hyper-parameters, duplicate parameters', () => {
  assert.throws(() => new SGD([], { lr: 0.1 }), /empty parameter list/);
  const p = nb.zeros([1], { requiresGrad: true });
  assert.throws(() => new SGD([p], { lr: -1 }), /learning rate/);
  assert.throws(() => new SGD([p], { lr: 0.1, nesterov: true }), /nesterov/);
  assert.throws(() => new Adam([p], { betas: [1, 0.9] }), /beta1/);
  assert.throws(() => new SGD([{ params: [p] }, { params: [p] }], { lr: 0.1 }), /more than one/);
  assert.throws(() => new SGD([nb.zeros([1], { dtype: 'int32' })], { lr: 0.1 }), /floating-point/);
});

test('step(closure) evaluates the closure with gradients and returns its loss', () => {
  const p = nb.tensor([2], { dtype: 'float64', requiresGrad: true });
  const opt = new SGD([p], { lr: 0.25 });
  const loss = opt.step(() => {
    opt.zeroGrad();
    const l = p.mul(p).sum();
    l.backward();
    return l;
  });
  assert.equal((loss as Tensor).item(), 4);
  assert.equal(p.item(), 2 - 0.25 * 4);
});

test('training a tiny regression with each optimizer lowers the loss', () => {
  for (const make of [
    (ps: Tensor[]) => new SGD(ps, { lr: 0.1, momentum: 0.9 }),
    (ps: Tensor[]) => new Adam(ps, { lr: 0.05 }),
    (ps: Tensor[]) => new AdamW(ps, { lr: 0.05 }),
    (ps: Tensor[]) => new RMSprop(ps, { lr: 0.01 }),
  ]) {
    nb.manualSeed(0);
    const l = new Linear(3, 1);
    const x = nb.randn([32, 3]);
    const y = x.matmul(nb.tensor([[1], [-2], [0.5]])).add(0.3);
    const opt = make(l.parameters());
    const lossAt = () => l.forward(x).sub(y).square().mean();
    const first = lossAt().item();
    for (let i = 0; i < 100; i++) {
      opt.zeroGrad();
      lossAt().backward();
      opt.step();
    }
    const last = lossAt().item();
    assert.ok(last < first * 0.05, `${opt.constructor.name}: ${first} -> ${last}`);
  }
});
