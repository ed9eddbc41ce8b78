/**
 * The documented deviations from PyTorch (src/optable/deviations.ts, the README's "Deviations
 * from PyTorch" section): each entry is in the README word for word and has a test here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as nb from '../../src/index.js';
import { DEVIATIONS, OP_TABLE } from '../../src/optable/index.js';
import { onBackend } from '../helpers/backend.js';

const F = nb.nn.functional;

const checks: Record<string, () => void> = {
  'no-int64': () => {
    assert.equal(nb.tensor([1, 3, 2]).argmax().dtype, 'int32');
    assert.equal(nb.tensor([1, 2], { dtype: 'int32' }).sum().dtype, 'int32');
    assert.equal(nb.tensor([true, false]).add(1).dtype, 'int32');
  },
  'int-input-float-op': () => {
    const i = nb.tensor([1, 2, 4], { dtype: 'int32' });
    assert.equal(i.mean().dtype, 'float32');
    assert.ok(Math.abs(i.mean().item() - 7 / 3) < 1e-6);
    assert.equal(i.var().dtype, 'float32');
    assert.equal(F.gelu(i).dtype, 'float32');
    assert.equal(nb.tensor([true, false]).elu().dtype, 'float32');
  },
  'int-matmul': () => {
    const i = nb.tensor([[1, 2]], { dtype: 'int32' });
    assert.throws(() => i.matmul(i.T), nb.DTypeError);
  },
  'mixed-float-matmul': () => {
    const y = nb.ones([2, 2]).matmul(nb.ones([2, 2], { dtype: 'float64' }));
    assert.equal(y.dtype, 'float64');
  },
  'non-bool-condition': () => {
    const y = nb.where(nb.tensor([2, 0], { dtype: 'int32' }), nb.tensor([1, 1]), nb.tensor([5, 5]));
    assert.deepEqual(y.toArray(), [1, 5]);
    assert.deepEqual(nb.tensor([1, 2]).maskedFill(nb.tensor([0, NaN]), 9).toArray(), [1, 9]);
  },
  'one-hot-float': () => {
    assert.equal(nb.oneHot(nb.tensor([0, 2], { dtype: 'int32' }), 3).dtype, 'float32');
  },
  'loss-shape-broadcast': () => {
    assert.throws(() => F.mseLoss(nb.zeros([3]), nb.zeros([3, 1])), nb.ShapeError);
  },
  'clamp-nan-bound': () => {
    const y = nb.tensor([1, 2]).clamp(null, NaN);
    assert.ok(y.toArray<number[]>().every((v) => Number.isNaN(v)));
    assert.ok(nb.tensor([1, 2]).clamp(NaN, null).toArray<number[]>().every((v) => Number.isNaN(v)));
  },
  'index-select-0d': () => {
    const x = nb.tensor(1.5);
    assert.equal(x.indexSelect(0, [0]).item(), 1.5);
    assert.throws(() => x.indexSelect(0, [0, 0]), nb.ShapeError);
    assert.throws(() => x.indexSelect(0, []), nb.ShapeError);
  },
  'empty-axis-list': () => {
    const x = nb.tensor([[1, 2], [3, 4]], { requiresGrad: true });
    assert.equal(x.sum([]).item(), 10);
    assert.ok(Math.abs(x.logsumexp([]).item() - Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3) + Math.exp(4))) < 1e-5);
    x.var([], false, 0).backward();
    // d var / dx = 2 (x - mean) / n over all four elements
    assert.deepEqual(x.grad!.toArray(), [[-0.75, -0.25], [0.25, 0.75]]);
  },
  'max-pool-empty-window': () => {
    const x = nb.tensor([[[[1], [2]]]], { requiresGrad: true });
    // kernel 2 with dilation 2 and padding 1 over a width of 1: the taps are columns -1 and 1
    const y = F.maxPool2d(x, [1, 2], { padding: [0, 1], dilation: 2 });
    assert.deepEqual(y.toArray(), [[[[-Infinity], [-Infinity]]]]);
    y.sum().backward();
    assert.deepEqual(x.grad!.toArray(), [[[[0], [0]]]]);
  },
  'overflow-order': () => {
    // 3e38 + 3e38 - 3e38 overflows in float32 on the way: the reference backend accumulates in
    // float64 (finite), the native one in float32 lanes (+inf, as PyTorch)
    assert.equal(onBackend('ts', () => nb.tensor([3e38, 3e38, -3e38]).sum().item()), Math.fround(3e38));
    for (const b of nb.availableBackends()) {
      const y = onBackend(b, () => nb.tensor([3e38, 3e38, -3e38]).sum().item());
      assert.ok(y === Math.fround(3e38) || y === Infinity, `${b}: ${y}`);
    }
  },
  'log1p-float32-huge': () => {
    assert.ok(Math.abs(nb.tensor([3.4e38]).log1p().item() - 88.7228) < 1e-3);
  },
  'elu-nan-gradient': () => {
    const x = nb.tensor([NaN, 1, -1], { requiresGrad: true });
    x.elu(0.7).sum().backward();
    const g = x.grad!.toArray<number[]>();
    assert.ok(Number.isNaN(g[0]!));
    assert.equal(g[1], 1);
  },
  'full-float-default': () => {
    assert.equal(nb.full([2], 3).dtype, 'float32');
    assert.equal(nb.full([2], 3, { dtype: 'int32' }).dtype, 'int32');
  },
  'float-to-int-overflow': () => {
    assert.deepEqual(nb.tensor([NaN, Infinity, 3e9, -1.5]).to('int32').toArray(), [0, 0, -1294967296, -1]);
  },
};

for (const d of DEVIATIONS) {
  test(`deviation '${d.id}' behaves as documented`, () => {
    const check = checks[d.id];
    assert.ok(check, `no test for deviation '${d.id}'`);
    check();
  });
}

test('the README lists every deviation, word for word', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  for (const d of DEVIATIONS) assert.ok(readme.includes(d.text), `README misses: ${d.text}`);
});

test('every deviation an op-table sample names exists, and every deviation is used or tested', () => {
  const ids = new Set(DEVIATIONS.map((d) => d.id));
  for (const op of OP_TABLE) for (const s of op.samples) if (s.deviation) assert.ok(ids.has(s.deviation), `${op.name}/${s.name}: ${s.deviation}`);
  assert.deepEqual(Object.keys(checks).sort(), [...ids].sort());
});
