/** Tensor semantics: creation, dtypes, views, broadcasting, reductions, indexing, errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as nb from '../../src/index.js';

test('creation from numbers, nested arrays and typed arrays', () => {
  assert.deepEqual(nb.tensor(3).shape, []);
  assert.equal(nb.tensor(3).item(), 3);
  const t = nb.tensor([[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(t.shape, [2, 3]);
  assert.equal(t.dtype, 'float32');
  assert.equal(t.size, 6);
  assert.equal(t.ndim, 2);
  const buf = new Float32Array([1, 2, 3, 4]);
  const u = nb.tensor(buf, { shape: [2, 2] });
  assert.equal(u.storage, buf, 'a typed array of the right dtype is used without a copy');
  assert.equal(nb.tensor(new Int32Array([1, 2])).dtype, 'int32');
  assert.equal(nb.tensor([1, 2], { dtype: 'float64' }).dtype, 'float64');
  assert.equal(nb.tensor([true, false]).dtype, 'bool');
  assert.deepEqual(nb.zeros([2, 0]).shape, [2, 0]);
  assert.deepEqual(nb.arange(5).toArray(), [0, 1, 2, 3, 4]);
  assert.deepEqual(nb.arange(1, 2, 0.25).toArray(), [1, 1.25, 1.5, 1.75]);
  assert.deepEqual(nb.eye(2).toArray(), [[1, 0], [0, 1]]);
  assert.deepEqual(nb.full([2], 7).toArray(), [7, 7]);
  assert.deepEqual(nb.linspace(0, 1, 3).toArray(), [0, 0.5, 1]);
});

test('creation errors name the problem', () => {
  assert.throws(() => nb.tensor([[1, 2], [3]]), /ragged/);
  assert.throws(() => nb.tensor(new Float32Array(5), { shape: [2, 2] }), /shape \[2,2\] needs 4 elements but the typed array has 5/);
  assert.throws(() => nb.zeros([2, -1]), /invalid shape/);
  assert.throws(() => nb.tensor([1], { dtype: 'float16' as never }), /unknown dtype/);
  assert.throws(() => nb.tensor([1, 2], { dtype: 'int32' }).requiresGrad_(), nb.DTypeError);
});

test('seeded random draws are reproducible', () => {
  nb.manualSeed(42);
  const a = nb.randn([5]).data();
  const r1 = nb.rand([3]).data();
  nb.manualSeed(42);
  assert.deepEqual(nb.randn([5]).data(), a);
  assert.deepEqual(nb.rand([3]).data(), r1);
  const u = nb.rand([1000]).data();
  assert.ok(u.every((v) => v >= 0 && v < 1));
  const n = nb.randn([20000], { dtype: 'float64' });
  assert.ok(Math.abs(n.mean().item()) < 0.03);
  assert.ok(Math.abs(n.std().item() - 1) < 0.03);
});

test('dtype promotion follows PyTorch', () => {
  const f = nb.tensor([1, 2]);
  const d = nb.tensor([1, 2], { dtype: 'float64' });
  const i = nb.tensor([1, 2], { dtype: 'int32' });
  assert.equal(f.add(d).dtype, 'float64');
  assert.equal(i.add(f).dtype, 'float32');
  assert.equal(i.add(1).dtype, 'int32');
  assert.equal(i.add(1.5).dtype, 'float32');
  assert.equal(f.add(1).dtype, 'float32', 'a plain number does not up-cast a float32 tensor');
  assert.equal(i.div(i).dtype, 'float32', 'true division');
  assert.equal(f.gt(1).dtype, 'bool');
  assert.deepEqual(i.mul(3).toArray(), [3, 6]);
});

test('broadcasting follows NumPy and errors name both shapes', () => {
  const a = nb.ones([4, 1, 3]);
  const b = nb.ones([2, 1]);
  assert.deepEqual(a.add(b).shape, [4, 2, 3]);
  assert.deepEqual(nb.ones([3]).mul(nb.ones([2, 1])).shape, [2, 3]);
  assert.deepEqual(nb.ones([0, 3]).add(nb.ones([3])).shape, [0, 3]);
  assert.throws(() => nb.ones([2, 3]).add(nb.ones([4])), (e: Error) => {
    assert.ok(e instanceof nb.ShapeError);
    assert.match(e.message, /add: cannot broadcast \[2,3\] with \[4\]/);
    return true;
  });
});

test('views share storage: reshape, transpose, permute, slice, expand', () => {
  const x = nb.arange(12, undefined, 1, { dtype: 'float32' }).reshape([3, 4]);
  const t = x.transpose(0, 1);
  assert.equal(t.storage, x.storage);
  assert.deepEqual(t.shape, [4, 3]);
  assert.deepEqual(t.toArray<number[][]>()[1], [1, 5, 9]);
  assert.equal(t.isContiguous(), false);
  const s = x.slice([1, 3], [null, null, 2]);
  assert.equal(s.storage, x.storage);
  assert.deepEqual(s.toArray(), [[4, 6], [8, 10]]);
  const e = nb.tensor([1, 2, 3]).expand([2, 3]);
  assert.deepEqual(e.strides, [0, 1]);
  assert.deepEqual(e.toArray(), [[1, 2, 3], [1, 2, 3]]);
  assert.deepEqual(x.permute(1, 0).contiguous().toArray(), t.toArray());
  assert.equal(x.reshape([2, 6]).storage, x.storage);
  // reshape of a non-contiguous view copies; view refuses
  assert.notEqual(t.reshape([12]).storage, x.storage);
  assert.throws(() => t.view([12]), /cannot be viewed as \[12\] without a copy; use reshape/);
  // writes through a view land in the base
  nb.noGrad(() => x.slice(0).fill_(-1));
  assert.deepEqual(x.toArray<number[][]>()[0], [-1, -1, -1, -1]);
  assert.deepEqual(x.flatten().shape, [12]);
  assert.deepEqual(nb.ones([2, 1, 3, 1]).squeeze().shape, [2, 3]);
  assert.deepEqual(nb.ones([2, 3]).unsqueeze(1).shape, [2, 1, 3]);
  assert.deepEqual(nb.ones([2, 3]).unsqueeze(-1).shape, [2, 3, 1]);
  assert.deepEqual(x.select(1, 2).toArray(), [-1, 6, 10]);
  assert.deepEqual(x.slice(-1, -1).item(), 11);
  assert.deepEqual(nb.arange(6).reshape([2, 3]).repeat(1, 2).toArray(), [[0, 1, 2, 0, 1, 2], [3, 4, 5, 3, 4, 5]]);
});

test('reductions over one axis, several, or all, with keepdim', () => {
  const x = nb.tensor([[1, 2, 3], [4, 5, 6]]);
  assert.equal(x.sum().item(), 21);
  assert.deepEqual(x.sum(0).toArray(), [5, 7, 9]);
  assert.deepEqual(x.sum(1, true).toArray(), [[6], [15]]);
  assert.deepEqual(x.sum([0, 1]).toArray(), 21);
  assert.deepEqual(x.mean(1).toArray(), [2, 5]);
  assert.deepEqual(x.max(0).toArray(), [4, 5, 6]);
  assert.deepEqual(x.min(1).toArray(), [1, 4]);
  assert.deepEqual(x.argmax(1).toArray(), [2, 2]);
  assert.equal(x.argmax().item(), 5);
  assert.deepEqual(x.argmin(0).toArray(), [0, 0, 0]);
  assert.equal(x.argmax(1).dtype, 'int32');
  assert.ok(Math.abs(x.var().item() - 3.5) < 1e-6);
  assert.deepEqual(nb.tensor([1, 5, 5, 2]).argmax().item(), 1, 'first maximum wins');
  // empty and zero-size axes: no NaN, no crash
  assert.equal(nb.zeros([0]).sum().item(), 0);
  assert.deepEqual(nb.zeros([2, 0]).sum(1).toArray(), [0, 0]);
  assert.deepEqual(nb.zeros([0, 3]).sum(0).toArray(), [0, 0, 0]);
  assert.throws(() => nb.zeros([0]).max(), /empty|size 0/);
  // adjacent reduced axes are merged into one pass: same values as reducing one axis at a time
  const big = nb.randn([3, 4, 5, 6], { dtype: 'float64' });
  for (const axes of [[0, 2, 3], [1, 2], [0, 1, 3], [2, 3]]) {
    let ref = big;
    for (const a of [...axes].reverse()) ref = ref.sum(a, true);
    const got = big.sum(axes, true).data();
    const want = ref.data();
    assert.equal(got.length, want.length);
    got.forEach((v, i) => assert.ok(Math.abs(v - want[i]!) < 1e-12, `axes ${axes} at ${i}`));
    assert.deepEqual(big.max(axes).shape, big.shape.filter((_, i) => !axes.includes(i)));
  }
  assert.equal(nb.tensor(4).sum().item(), 4);
  assert.equal(nb.tensor(4).mean().item(), 4);
});

test('softmax and logSoftmax are stable for large inputs', () => {
  const x = nb.tensor([[1000, 1001, 1002], [-1000, -1000, -1000]]);
  const s = x.softmax(1).toArray() as number[][];
  assert.ok(s.flat().every(Number.isFinite));
  assert.ok(Math.abs(s[1]![0]! - 1 / 3) < 1e-6);
  const l = x.logSoftmax(1).toArray() as number[][];
  assert.ok(Math.abs(l[0]![2]! - -0.40760596) < 1e-5);
});

test('matmul shapes and the error message', () => {
  assert.deepEqual(nb.ones([2, 3]).matmul(nb.ones([3, 4])).shape, [2, 4]);
  assert.deepEqual(nb.ones([3]).matmul(nb.ones([3])).shape, []);
  assert.deepEqual(nb.ones([3]).matmul(nb.ones([3, 4])).shape, [4]);
  assert.deepEqual(nb.ones([2, 3]).matmul(nb.ones([3])).shape, [2]);
  assert.deepEqual(nb.ones([5, 1, 2, 3]).matmul(nb.ones([4, 3, 2])).shape, [5, 4, 2, 2]);
  assert.deepEqual(nb.ones([2, 0]).matmul(nb.ones([0, 3])).toArray(), [[0, 0, 0], [0, 0, 0]]);
  assert.throws(() => nb.ones([2, 3]).matmul(nb.ones([4, 5])), {
    name: 'ShapeError',
    message: 'matmul: cannot multiply [2,3] by [4,5]: inner dimensions 3 and 4 differ',
  });
  const a = nb.tensor([[1, 2], [3, 4]]);
  assert.deepEqual(a.matmul(a).toArray(), [[7, 10], [15, 22]]);
  assert.deepEqual(a.T.matmul(a).toArray(), [[10, 14], [14, 20]]);
  assert.deepEqual(a.matmul(a.T).toArray(), [[5, 11], [11, 25]]);
  assert.deepEqual(a.T.matmul(a.T).toArray(), [[7, 15], [10, 22]]);
  // strided rows (a slice with step) are handled
  const big = nb.arange(16, undefined, 1, { dtype: 'float32' }).reshape([4, 4]);
  assert.deepEqual(big.slice([null, null, 2], [null, null, 2]).matmul(nb.ones([2, 1])).toArray(), [[2], [18]]);
});

test('matmul agrees with a naive triple loop on random shapes', () => {
  const gen = new nb.Generator(3);
  for (let trial = 0; trial < 20; trial++) {
    const m = 1 + gen.randint(40);
    const k = 1 + gen.randint(300);
    const n = 1 + gen.randint(600);
    const A = nb.randn([m, k], { dtype: 'float64' });
    const Bm = nb.randn([k, n], { dtype: 'float64' });
    const variant = trial % 4; // plain, A transposed view, B transposed view, both
    const Aop = variant & 1 ? A.T.contiguous().T : A;
    const Bop = variant & 2 ? Bm.T.contiguous().T : Bm;
    const C = Aop.matmul(Bop).data();
    const a = A.data();
    const b = Bm.data();
    for (let i = 0; i < m; i += Math.max(1, m >> 2)) {
      for (let j = 0; j < n; j += Math.max(1, n >> 3)) {
        let s = 0;
        for (let kk = 0; kk < k; kk++) s += a[i * k + kk]! * b[kk * n + j]!;
        assert.ok(Math.abs(s - C[i * n + j]!) < 1e-9 * (1 + Math.abs(s)), `m=${m} k=${k} n=${n} at ${i},${j}`);
      }
    }
  }
});

test('indexing: gather, indexSelect, where, cat, stack, split, oneHot', () => {
  const x = nb.tensor([[0.1, 0.2, 0.7], [0.5, 0.3, 0.2]]);
  const y = nb.tensor([2, 0], { dtype: 'int32' });
  assert.deepEqual(x.gather(1, y.unsqueeze(1)).toArray(), [[x.toArray<number[][]>()[0]![2]], [0.5]]);
  assert.throws(() => x.gather(1, nb.tensor([[3], [0]], { dtype: 'int32' })), /index 3 is out of range for axis 1 of size 3/);
  assert.throws(() => x.gather(1, nb.tensor([[1], [0]])), /indices must be int32/);
  assert.deepEqual(nb.arange(6).reshape([3, 2]).indexSelect(0, [2, 0]).toArray(), [[4, 5], [0, 1]]);
  assert.deepEqual(nb.where(nb.tensor([true, false]), nb.tensor([1, 2]), 0).toArray(), [1, 0]);
  assert.deepEqual(nb.cat([nb.ones([1, 2]), nb.zeros([2, 2])], 0).shape, [3, 2]);
  assert.throws(() => nb.cat([nb.ones([1, 2]), nb.zeros([2, 3])], 0), /cat: tensor 1 has shape \[2,3\], which differs from tensor 0 \[1,2\] on axis 1/);
  assert.deepEqual(nb.stack([nb.ones([2]), nb.zeros([2])], 1).toArray(), [[1, 0], [1, 0]]);
  assert.deepEqual(nb.split(nb.arange(5), 2).map((t) => t.toArray()), [[0, 1], [2, 3], [4]]);
  assert.deepEqual(nb.oneHot(y, 3).toArray(), [[0, 0, 1], [1, 0, 0]]);
  assert.deepEqual(nb.tensor([1, 2, 3]).gt(2).toArray(), [0, 0, 1]);
});

test('item, toArray, data and toString', () => {
  assert.throws(() => nb.ones([2]).item(), /only one-element tensors/);
  const d = nb.tensor([[1, 2], [3, 4]]).T.data();
  assert.ok(d instanceof Float32Array);
  assert.deepEqual([...d], [1, 3, 2, 4]);
  const s = nb.tensor([[1, 2]], { requiresGrad: true }).toString();
  assert.match(s, /tensor\(\[\[1\.0000, 2\.0000\]\], requiresGrad=true\)/);
  assert.match(nb.zeros([2000]).toString(), /\.\.\./);
});

test('gelu is finite at large inputs and erf saturates at +-inf', () => {
  const y = nb.tensor([-40, 40, Infinity], { dtype: 'float64' }).gelu().toArray<number[]>();
  assert.ok(Math.abs(y[0]!) < 1e-300);
  assert.equal(y[1], 40);
  assert.equal(y[2], Infinity);
});
