import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as nb from '../../src/index.js';
import { SGD } from '../../src/optim/sgd.js';
import { CosineAnnealingLR, ExponentialLR, type LRScheduler, StepLR } from '../../src/optim/scheduler.js';
import { assertClose, loadFixture } from '../helpers/fixtures.js';

const cases = loadFixture('optim').filter((c) => c.config.type === 'StepLR' || c.config.type === 'CosineAnnealingLR');

test('scheduler fixtures exist for StepLR and CosineAnnealingLR', () => {
  assert.deepEqual([...new Set(cases.map((c) => c.config.type))].sort(), ['CosineAnnealingLR', 'StepLR']);
});

for (const c of cases) {
  test(`${c.config.type} matches PyTorch: ${c.name}`, () => {
    const cfg = c.config as { type: string; baseLr: number; epochs: number; stepSize?: number; gamma?: number; tMax?: number; etaMin?: number };
    const opt = new SGD([nb.zeros([1], { requiresGrad: true })], { lr: cfg.baseLr });
    const sched: LRScheduler =
      cfg.type === 'StepLR' ? new StepLR(opt, { stepSize: cfg.stepSize!, gamma: cfg.gamma }) : new CosineAnnealingLR(opt, { tMax: cfg.tMax!, etaMin: cfg.etaMin });
    const lrs: number[] = [];
    for (let e = 0; e < cfg.epochs; e++) {
      lrs.push(opt.paramGroups[0]!.lr);
      assert.equal(sched.getLastLr()[0], opt.paramGroups[0]!.lr);
      sched.step();
    }
    assertClose(lrs, c.outputs.lr!, { msg: c.name, atol: 1e-12, rtol: 1e-9 });
  });
}

test('CosineAnnealingLR is periodic past tMax, as PyTorch', () => {
  const opt = new SGD([nb.zeros([1], { requiresGrad: true })], { lr: 1 });
  const s = new CosineAnnealingLR(opt, { tMax: 2, etaMin: 0 });
  const lrs = [opt.paramGroups[0]!.lr];
  for (let i = 0; i < 4; i++) {
    s.step();
    lrs.push(s.getLastLr()[0]!);
  }
  assertClose(lrs, [1, 0.5, 0, 0.5, 1], { atol: 1e-15 });
});

test('ExponentialLR multiplies by gamma each epoch, per group', () => {
  const opt = new SGD([{ params: [nb.zeros([1], { requiresGrad: true })] }, { params: [nb.zeros([1], { requiresGrad: true })], lr: 1 }], { lr: 0.1 });
  const s = new ExponentialLR(opt, { gamma: 0.5 });
  s.step();
  s.step();
  assertClose(s.getLastLr(), [0.025, 0.25], { atol: 1e-15 });
});

test('scheduler state dict resumes the schedule', () => {
  const make = () => {
    const opt = new SGD([nb.zeros([1], { requiresGrad: true })], { lr: 0.1 });
    return { opt, s: new StepLR(opt, { stepSize: 2, gamma: 0.5 }) };
  };
  const a = make();
  for (let i = 0; i < 3; i++) a.s.step();
  const b = make();
  b.s.loadStateDict(a.s.stateDict());
  b.opt.loadStateDict(a.opt.stateDict());
  a.s.step();
  b.s.step();
  assert.deepEqual(b.s.getLastLr(), a.s.getLastLr());
  assert.equal(b.opt.paramGroups[0]!.lr, 0.025);
  assert.equal(b.s.lastEpoch, 4);
});
