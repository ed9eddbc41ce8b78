import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as nb from '../../src/index.js';
import { ELU, GELU, LeakyReLU, LogSoftmax, ReLU, SiLU, Sigmoid, Softmax, Softplus, Tanh } from '../../src/nn/activation.js';
import { Identity } from '../../src/nn/linear.js';
import { Flatten } from '../../src/nn/flatten.js';
import type { Module } from '../../src/nn/module.js';
import { gradcheck } from '../../src/core/gradcheck.js';
import { assertClose, fixtureTensor, loadFixture } from '../helpers/fixtures.js';

function build(cfg: Record<string, unknown>): Module {
  switch (cfg.type) {
    case 'ReLU':
      return new ReLU();
    case 'Sigmoid':
      return new Sigmoid();
    case 'Tanh':
      return new Tanh();
    case 'Softmax':
      return new Softmax(cfg.dim as number);
    case 'LogSoftmax':
      return new LogSoftmax(cfg.dim as number);
    case 'GELU':
      return new GELU(cfg.approximate as 'none' | 'tanh');
    case 'LeakyReLU':
      return new LeakyReLU(cfg.negativeSlope as number);
    case 'ELU':
      return new ELU(cfg.alpha as number);
    case 'Softplus':
      return new Softplus(cfg.beta as number, cfg.threshold as number);
    case 'SiLU':
      return new SiLU();
    default:
      throw new Error(`unknown activation ${String(cfg.type)}`);
  }
}

const cases = loadFixture('activations');
test('the activation fixtures cover every activation layer', () => {
  const types = new Set(cases.map((c) => c.config.type));
  for (const t of ['ReLU', 'Sigmoid', 'Tanh', 'Softmax', 'LogSoftmax', 'GELU', 'LeakyReLU', 'ELU', 'Softplus', 'SiLU']) assert.ok(types.has(t), t);
});

for (const c of cases) {
  test(`${c.config.type} matches PyTorch: ${c.name}`, () => {
    const m = build(c.config);
    const x = fixtureTensor(c.inputs.x!, { requiresGrad: true });
    const y = m.forward(x);
    assertClose(y, c.outputs.y!, { msg: `${c.name} y` });
    y.backward(fixtureTensor(c.inputs.gradOut!));
    assertClose(x.grad!, c.grads.x!, { msg: `${c.name} dx` });
  });

  test(`${c.config.type} gradcheck: ${c.name}`, () => {
    const m = build(c.config);
    // shift away from the kinks at 0 (finite differences straddle them)
    const x = nb.randn(c.inputs.x!.shape, { dtype: 'float64' }).add(0.05).requiresGrad_();
    assert.ok(gradcheck((t) => m.forward(t!), [x]));
  });
}

test('Identity and Flatten', () => {
  const x = nb.randn([2, 3, 4, 5]);
  assert.equal(new Identity().forward(x), x);
  assert.deepEqual(new Flatten().forward(x).shape, [2, 60]);
  assert.deepEqual(new Flatten(0, 1).forward(x).shape, [6, 4, 5]);
  assert.deepEqual(new Flatten(2).forward(x).shape, [2, 3, 20]);
  const xg = nb.randn([2, 3, 2], { dtype: 'float64', requiresGrad: true });
  assert.ok(gradcheck((t) => new Flatten().forward(t!), [xg]));
});
