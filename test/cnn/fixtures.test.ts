/**
 * PyTorch parity: test/fixtures/torch/conv.json and pool.json (same weights and inputs), through
 * the modules. Outputs and all gradients (x, weight, bias) to 1e-4; the fixture gradients come
 * from loss = sum(y * gradOut), so backward is seeded with gradOut.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Tensor } from '../../src/core/tensor.js';
import { tensor } from '../../src/ops/create.js';
import { type Module } from '../../src/nn/module.js';
import { Conv1d, Conv2d } from '../../src/nn/conv.js';
import { AdaptiveAvgPool2d, AdaptiveMaxPool2d, AvgPool2d, MaxPool1d, MaxPool2d } from '../../src/nn/pool.js';
import { avgPool2d, maxPool2d } from '../../src/functional/pool.js';
import { type Case, assertClose, fixtureTensor, loadFixture } from '../helpers/fixtures.js';

const TOL = { atol: 1e-4, rtol: 1e-4 };

type Cfg = Record<string, unknown>;
const num = (v: unknown): number => v as number;
const pairOrNum = (v: unknown): number | [number, number] => (Array.isArray(v) ? [v[0] as number, v[1] as number] : (v as number));

function buildConv(c: Case): Module {
  const cfg = c.config as Cfg;
  const common = { groups: num(cfg.groups), bias: cfg.bias as boolean, dtype: 'float64' as const };
  if (cfg.type === 'Conv1d') {
    return new Conv1d(num(cfg.inChannels), num(cfg.outChannels), num(cfg.kernelSize), {
      ...common, stride: num(cfg.stride), dilation: num(cfg.dilation), padding: cfg.padding as number | 'same',
    });
  }
  const padding = cfg.padding === 'same' || cfg.padding === 'valid' ? cfg.padding : pairOrNum(cfg.padding);
  return new Conv2d(num(cfg.inChannels), num(cfg.outChannels), pairOrNum(cfg.kernelSize), {
    ...common, stride: pairOrNum(cfg.stride), dilation: pairOrNum(cfg.dilation), padding,
  });
}

function buildPool(c: Case): Module {
  const cfg = c.config as Cfg;
  const k = pairOrNum(cfg.kernelSize);
  switch (cfg.type) {
    case 'MaxPool2d':
      return new MaxPool2d(k, { stride: pairOrNum(cfg.stride), padding: pairOrNum(cfg.padding), dilation: pairOrNum(cfg.dilation), ceilMode: cfg.ceilMode as boolean });
    case 'MaxPool1d':
      return new MaxPool1d(num(cfg.kernelSize), { stride: num(cfg.stride), padding: num(cfg.padding), dilation: num(cfg.dilation), ceilMode: cfg.ceilMode as boolean });
    case 'AvgPool2d':
      return new AvgPool2d(k, { stride: pairOrNum(cfg.stride), padding: pairOrNum(cfg.padding), ceilMode: cfg.ceilMode as boolean, countIncludePad: cfg.countIncludePad as boolean });
    case 'AdaptiveAvgPool2d':
      return new AdaptiveAvgPool2d(pairOrNum(cfg.outputSize));
    case 'AdaptiveMaxPool2d':
      return new AdaptiveMaxPool2d(pairOrNum(cfg.outputSize));
    default:
      throw new Error(`unknown pool type ${String(cfg.type)}`);
  }
}

const convCases = loadFixture('conv');
const poolCases = loadFixture('pool');

test('the fixture tables are present', () => {
  assert.ok(convCases.length >= 28, `conv.json has ${convCases.length} cases`);
  assert.ok(poolCases.length >= 18, `pool.json has ${poolCases.length} cases`);
});

for (const c of convCases) {
  test(`PyTorch conv fixture: ${c.name}`, () => {
    const m = buildConv(c);
    m.loadStateDict(Object.fromEntries(Object.entries(c.params).map(([k, v]) => [k, fixtureTensor(v)])));
    const x = fixtureTensor(c.inputs.x!, { requiresGrad: true });
    const y = m.forward(x as never) as Tensor;
    assertClose(y, c.outputs.y!, { ...TOL, msg: `${c.name} y` });
    y.backward(fixtureTensor(c.inputs.gradOut!));
    assertClose(x.grad!, c.grads.x!, { ...TOL, msg: `${c.name} dJ/dx` });
    for (const [name, p] of m.namedParameters()) {
      assertClose(p.grad!, c.grads[name]!, { ...TOL, msg: `${c.name} dJ/d${name}` });
    }
    assert.deepEqual(m.namedParameters().map(([k]) => k).sort(), Object.keys(c.params).sort());
  });
}

for (const c of poolCases) {
  test(`PyTorch pool fixture: ${c.name}`, () => {
    const m = buildPool(c);
    const x = fixtureTensor(c.inputs.x!, { requiresGrad: true });
    const y = m.forward(x as never) as Tensor;
    assertClose(y, c.outputs.y!, { ...TOL, msg: `${c.name} y` });
    y.backward(fixtureTensor(c.inputs.gradOut!));
    assertClose(x.grad!, c.grads.x!, { ...TOL, msg: `${c.name} dJ/dx` });
  });
}

test('float32 conv matches the float64 fixture to float32 tolerance', () => {
  const c = convCases.find((k) => k.name === 'groups2_padding1')!;
  const m = buildConv(c).float();
  m.loadStateDict(Object.fromEntries(Object.entries(c.params).map(([k, v]) => [k, fixtureTensor(v, 'float32')])));
  const y = m.forward(fixtureTensor(c.inputs.x!, 'float32') as never) as Tensor;
  assert.equal(y.dtype, 'float32');
  assertClose(y, c.outputs.y!, { atol: 1e-4, rtol: 1e-4, msg: 'float32 y' });
});

// Ceil mode for average pooling is not in the fixture files; these values were computed with
// PyTorch 1.13 (F.avg_pool2d / F.max_pool2d) on x[i] = (i*i) mod 7 for i = 0..29, shape [1,1,6,5].
test('ceil mode pooling matches PyTorch (values computed with torch 1.13)', () => {
  const x = tensor(Array.from({ length: 30 }, (_, i) => (i * i) % 7), { dtype: 'float64', shape: [1, 1, 6, 5] });
  assertClose(avgPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true }), [
    0.6666666666666666, 1.0, 1.0, 1.5555555555555556, 1.8888888888888888, 1.3333333333333333,
    1.3333333333333333, 2.0, 1.4444444444444444, 1.0, 0.8333333333333334, 0.16666666666666666,
  ], { msg: 'avg k3 s2 p1 ceil, countIncludePad' });
  assertClose(avgPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }), [
    1.5, 1.5, 2.25, 2.3333333333333335, 1.8888888888888888, 2.0, 2.0, 2.0, 2.1666666666666665, 3.0, 1.6666666666666667, 0.5,
  ], { msg: 'avg k3 s2 p1 ceil, exclude pad' });
  assertClose(avgPool2d(x, 2, { ceilMode: true }), [1.5, 1.75, 3.0, 2.25, 2.25, 2.0, 1.75, 1.5, 1.5], { msg: 'avg k2 ceil' });
  assertClose(maxPool2d(x, 2, { ceilMode: true }), [4, 4, 4, 4, 4, 4, 4, 4, 2], { msg: 'max k2 ceil' });
});
