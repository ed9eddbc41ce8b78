import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as nb from '../../src/index.js';
import { clipGradNorm, clipGradValue } from '../../src/nn/utils.js';
import { assertClose, configOf, fixtureTensor, loadFixture } from '../helpers/fixtures.js';

const cases = loadFixture('optim').filter((c) => c.config.type === 'clipGradNorm');

for (const c of cases) {
  test(`clipGradNorm matches PyTorch: ${c.name}`, () => {
    const cfg = configOf<{ maxNorm: number; normType: number | 'inf' }>(c);
    const w = nb.zeros(c.inputs['grad.weight']!.shape, { dtype: 'float64', requiresGrad: true });
    const b = nb.zeros(c.inputs['grad.bias']!.shape, { dtype: 'float64', requiresGrad: true });
    w.grad = fixtureTensor(c.inputs['grad.weight']!);
    b.grad = fixtureTensor(c.inputs['grad.bias']!);
    const total = clipGradNorm([w, b], cfg.maxNorm, cfg.normType);
    assertClose(total, c.outputs.totalNorm!, { msg: `${c.name} total norm` });
    assertClose(w.grad, c.outputs['grad.weight']!, { msg: `${c.name} weight grad` });
    assertClose(b.grad, c.outputs['grad.bias']!, { msg: `${c.name} bias grad` });
  });
}

test('clipGradNorm: clip coefficient max/(norm + 1e-6), parameters without grads ignored', () => {
  const p = nb.zeros([2], { dtype: 'float64', requiresGrad: true });
  const q = nb.zeros([2], { dtype: 'float64', requiresGrad: true });
  p.grad = nb.tensor([3, 4], { dtype: 'float64' });
  const total = clipGradNorm([p, q], 1);
  assert.equal(total, 5);
  assertClose(p.grad, [3 / (5 + 1e-6), 4 / (5 + 1e-6)], { atol: 1e-15 });
  assert.equal(q.grad, null);
  assert.equal(clipGradNorm([q], 1), 0);
  assert.equal(nb.nn.utils.clipGradNorm, clipGradNorm);
});

test('clipGradValue clamps each element', () => {
  const p = nb.zeros([3], { requiresGrad: true });
  p.grad = nb.tensor([-2, 0.5, 3]);
  clipGradValue([p], 1);
  assertClose(p.grad, [-1, 0.5, 1]);
});
