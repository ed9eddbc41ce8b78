/** TensorDataset, Subset, randomSplit and the DataLoader: batching, collation, seeded epochs. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as nb from '../../src/index.js';
import { DataLoader, Subset, TensorDataset, randomSplit, type Dataset } from '../../src/data/index.js';

const N = 10;
const x = nb.arange(0, N * 3).reshape([N, 3]); // row i = [3i, 3i+1, 3i+2]
const y = nb.arange(0, N, 1, { dtype: 'int32' });
const ds = new TensorDataset(x, y);

/** The first column of x / 3 recovers the sample index of each row. */
const rowsOf = (xb: nb.Tensor): number[] => (xb.toArray() as number[][]).map((r) => r[0]! / 3);

test('TensorDataset: get returns views of rows, getBatch gathers rows', () => {
  assert.equal(ds.length, N);
  const [xi, yi] = ds.get(4);
  assert.deepEqual(xi!.toArray(), [12, 13, 14]);
  assert.equal(yi!.ndim, 0);
  assert.equal(yi!.item(), 4);
  assert.equal(xi!.storage, ds.tensors[0]!.storage, 'get returns a view, not a copy');
  const [xb, yb] = ds.getBatch(Int32Array.of(7, 2, 3, 4, 9));
  assert.deepEqual(xb!.shape, [5, 3]);
  assert.deepEqual(rowsOf(xb!), [7, 2, 3, 4, 9]);
  assert.deepEqual([...yb!.data()], [7, 2, 3, 4, 9]);
  assert.equal(yb!.dtype, 'int32');
  assert.throws(() => ds.get(N), /index 10 is out of range for a dataset of length 10/);
  assert.throws(() => ds.getBatch(Int32Array.of(-1)), /out of range/);
  assert.throws(() => new TensorDataset(x, nb.zeros([N + 1])), /same first dimension, got shapes \[10,3\], \[11\]/);
  assert.throws(() => new TensorDataset(), /at least one tensor/);
});

test('TensorDataset of non-contiguous and higher-rank tensors', () => {
  const t = nb.arange(0, 24).reshape([2, 3, 4]).permute(2, 0, 1); // [4, 2, 3]
  const d = new TensorDataset(t);
  assert.deepEqual(d.get(1)[0]!.toArray(), t.select(0, 1).toArray());
  assert.deepEqual(d.getBatch(Int32Array.of(3, 0))[0]!.toArray(), [t.select(0, 3).toArray(), t.select(0, 0).toArray()]);
});

test('DataLoader without shuffle: batches in order, last batch smaller, dropLast', () => {
  const dl = new DataLoader(ds, { batchSize: 4 });
  assert.equal(dl.length, 3);
  const batches = [...dl];
  assert.equal(batches.length, 3);
  assert.deepEqual(batches.map(([xb]) => rowsOf(xb!)), [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
  assert.deepEqual([...batches[2]![1]!.data()], [8, 9]);
  const dropped = new DataLoader(ds, { batchSize: 4, dropLast: true });
  assert.equal(dropped.length, 2);
  assert.deepEqual([...dropped].map(([xb]) => xb!.shape[0]), [4, 4]);
  assert.equal(new DataLoader(ds, { batchSize: 20, dropLast: true }).length, 0);
  assert.equal([...new DataLoader(ds, { batchSize: 20, dropLast: true })].length, 0);
  assert.throws(() => new DataLoader(ds, { batchSize: 0 }), /batchSize must be a positive integer/);
});

test('shuffle: every sample once per epoch, a fresh order each epoch, reproducible from the seed', () => {
  const dl = new DataLoader(ds, { batchSize: 3, shuffle: true, seed: 42 });
  const epoch = (): number[] => [...dl].flatMap(([xb, yb]) => {
    assert.deepEqual(rowsOf(xb!), [...yb!.data()], 'x and y rows stay paired');
    return rowsOf(xb!);
  });
  const e0 = epoch();
  const e1 = epoch();
  assert.deepEqual([...e0].sort((a, b) => a - b), [...Array(N).keys()]);
  assert.deepEqual([...e1].sort((a, b) => a - b), [...Array(N).keys()]);
  assert.notDeepEqual(e0, e1, 'a new permutation each epoch');
  assert.equal(dl.epoch, 2);
  // same seed, same orders
  const again = new DataLoader(ds, { batchSize: 3, shuffle: true, seed: 42 });
  assert.deepEqual([...again].flatMap(([xb]) => rowsOf(xb!)), e0);
  // resuming: setEpoch / startEpoch reproduce epoch 1 directly
  const resumed = new DataLoader(ds, { batchSize: 3, shuffle: true, seed: 42, startEpoch: 1 });
  assert.deepEqual([...resumed].flatMap(([xb]) => rowsOf(xb!)), e1);
  again.setEpoch(1);
  assert.deepEqual([...again].flatMap(([xb]) => rowsOf(xb!)), e1);
  assert.deepEqual([...again.order(0)], e0);
  // another seed, another order
  const other = new DataLoader(ds, { batchSize: 3, shuffle: true, seed: 43 });
  assert.notDeepEqual([...other].flatMap(([xb]) => rowsOf(xb!)), e0);
});

test('shuffle without a seed follows nb.manualSeed', () => {
  const big = new TensorDataset(nb.arange(0, 100).reshape([100, 1]));
  const orderAfterSeed = (): number[] => {
    nb.manualSeed(5);
    const dl = new DataLoader(big, { batchSize: 100, shuffle: true });
    return [...dl.order(0)];
  };
  assert.deepEqual(orderAfterSeed(), orderAfterSeed());
});

test('Subset and randomSplit keep the fast batch path and pair rows', () => {
  const sub = new Subset(ds, Int32Array.of(9, 1, 5));
  assert.equal(sub.length, 3);
  assert.deepEqual(rowsOf(sub.get(0)[0]!.unsqueeze(0)), [9]);
  const [xb] = [...new DataLoader(sub, { batchSize: 3 })][0]!;
  assert.deepEqual(rowsOf(xb!), [9, 1, 5]);
  const [a, b] = randomSplit(ds, [7, 3], new nb.Generator(1));
  const seen = [...new DataLoader(a!, { batchSize: 7 }), ...new DataLoader(b!, { batchSize: 3 })].flatMap(([xb_]) => rowsOf(xb_!));
  assert.deepEqual(seen.sort((p, q) => p - q), [...Array(N).keys()]);
  assert.throws(() => randomSplit(ds, [5, 4]), /summing to the dataset length 10/);
});

test('generic datasets are collated sample by sample, or by a custom collate', () => {
  const pairs: Dataset<[nb.Tensor, number]> = { length: 5, get: (i) => [nb.full([2], i), i * 10] };
  const batches = [...new DataLoader(pairs, { batchSize: 2 })];
  assert.equal(batches.length, 3);
  const [xs, ys] = batches[0] as unknown as [nb.Tensor, nb.Tensor];
  assert.deepEqual(xs.toArray(), [[0, 0], [1, 1]]);
  assert.deepEqual(ys.toArray(), [0, 10]);
  const sums = [...new DataLoader(pairs, { batchSize: 5, collate: (s) => s.reduce((acc, [, v]) => acc + v, 0) })];
  assert.deepEqual(sums, [100]);
  const strings: Dataset<string> = { length: 2, get: (i) => `s${i}` };
  assert.throws(() => [...new DataLoader(strings, { batchSize: 2 })], /cannot collate samples of type string; pass a collate function/);
});

test('a batch is one contiguous copy: changing it does not change the dataset', () => {
  const [xb] = [...new DataLoader(ds, { batchSize: 2 })][0]!;
  assert.ok(xb!.isContiguous());
  assert.notEqual(xb!.storage, ds.tensors[0]!.storage);
  xb!.storage[0] = 999;
  assert.equal(ds.get(0)[0]!.data()[0], 0);
});
