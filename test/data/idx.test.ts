/** IDX parsing and Fashion-MNIST loading, on small synthetic gz files (and the real ones if installed). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as nb from '../../src/index.js';
import { FASHION_MNIST_DIR, fashionMNIST, parseIdx, readIdx } from '../../src/data/index.js';

/** IDX bytes: magic (type code, ndim), big-endian dims, then the payload (already big-endian). */
function idx(code: number, dims: number[], payload: Uint8Array): Buffer {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head[2] = code;
  head[3] = dims.length;
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([head, payload]);
}

function images(n: number, seed = 1): Buffer {
  const px = Buffer.alloc(n * 784);
  for (let i = 0; i < px.length; i++) px[i] = (i * 31 + seed) % 256;
  return idx(0x08, [n, 28, 28], px);
}
const labels = (ys: number[]): Buffer => idx(0x08, [ys.length], Buffer.from(ys));

/** A directory with the four Fashion-MNIST files, any of them overridable. */
function fakeDir(over: Partial<Record<string, Buffer>> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'nabla-idx-'));
  const files: Record<string, Buffer> = {
    'train-images-idx3-ubyte.gz': gzipSync(images(5)),
    'train-labels-idx1-ubyte.gz': gzipSync(labels([0, 1, 2, 9, 4])),
    't10k-images-idx3-ubyte.gz': gzipSync(images(3, 7)),
    't10k-labels-idx1-ubyte.gz': gzipSync(labels([5, 6, 7])),
    ...over,
  };
  for (const [k, v] of Object.entries(files)) if (v !== undefined) writeFileSync(join(dir, k), v);
  return dir;
}

const formatError = (pattern: RegExp, file?: string) => (e: Error): boolean => {
  assert.ok(e instanceof nb.FileFormatError, `expected FileFormatError, got ${e.name}: ${e.message}`);
  if (file !== undefined) assert.ok(e.message.includes(file), `message should name ${file}: ${e.message}`);
  assert.match(e.message, pattern);
  return true;
};

test('parseIdx: every element type, big-endian, gz or raw', () => {
  const i16 = Buffer.alloc(6);
  [-2, 300, 32767].forEach((v, i) => i16.writeInt16BE(v, 2 * i));
  assert.deepEqual([...parseIdx(idx(0x0b, [3], i16)).data], [-2, 300, 32767]);
  const i32 = Buffer.alloc(8);
  i32.writeInt32BE(-70000, 0);
  i32.writeInt32BE(5, 4);
  const r = parseIdx(gzipSync(idx(0x0c, [1, 2], i32)));
  assert.deepEqual(r.shape, [1, 2]);
  assert.equal(r.magic, 0x0c02);
  assert.ok(r.data instanceof Int32Array);
  assert.deepEqual([...r.data], [-70000, 5]);
  const f32 = Buffer.alloc(8);
  f32.writeFloatBE(1.5, 0);
  f32.writeFloatBE(-0.25, 4);
  assert.deepEqual([...parseIdx(idx(0x0d, [2], f32)).data], [1.5, -0.25]);
  const f64 = Buffer.alloc(8);
  f64.writeDoubleBE(Math.PI, 0);
  assert.deepEqual([...parseIdx(idx(0x0e, [1], f64)).data], [Math.PI]);
  assert.deepEqual([...parseIdx(idx(0x09, [2], Buffer.from([0xff, 0x01]))).data], [-1, 1]);
  const u8 = parseIdx(labels([3, 1, 4]));
  assert.equal(u8.magic, 2049);
  assert.deepEqual([...u8.data], [3, 1, 4]);
  assert.equal(parseIdx(images(2)).magic, 2051);
});

test('parseIdx rejects bad magic, truncation, trailing bytes, gzip errors', () => {
  const src = 'x.idx.gz';
  const good = images(2);
  assert.throws(() => parseIdx(good.subarray(0, 3), src), formatError(/only 3 bytes/, src));
  const magic = Buffer.from(good);
  magic[0] = 1;
  assert.throws(() => parseIdx(magic, src), formatError(/bad magic number 16779267 \(0x01000803\)/, src));
  const code = Buffer.from(good);
  code[2] = 0x07;
  assert.throws(() => parseIdx(code, src), formatError(/bad magic number 1795/, src));
  assert.throws(() => parseIdx(idx(0x08, [], Buffer.alloc(0)), src), formatError(/0 dimensions/));
  assert.throws(() => parseIdx(good.subarray(0, 10), src), formatError(/declares 3 dimensions \(16 bytes\) but the file has only 10/));
  assert.throws(() => parseIdx(good.subarray(0, good.length - 1), src), formatError(/shape \[2,28,28\] of uint8 needs 1568 bytes of data but the file has 1567 \(truncated\?\)/, src));
  assert.throws(() => parseIdx(Buffer.concat([good, Buffer.from([0])]), src), formatError(/trailing bytes/));
  const gz = gzipSync(good);
  assert.throws(() => parseIdx(gz.subarray(0, gz.length - 10), src), formatError(/gzip decompression failed/, src));
  const flipped = Buffer.from(gz);
  flipped[gz.length - 6] = (flipped[gz.length - 6]! + 1) % 256; // the CRC
  assert.throws(() => parseIdx(flipped, src), formatError(/gzip/));
  const huge = Buffer.alloc(12);
  huge[2] = 0x08;
  huge[3] = 2;
  huge.writeUInt32BE(0xffffffff, 4);
  huge.writeUInt32BE(0xffffffff, 8);
  assert.throws(() => parseIdx(huge, src), formatError(/needs 18446744065119617000 bytes|needs \d+ bytes/));
  assert.throws(() => readIdx('/nonexistent/file.gz'), formatError(/cannot read \/nonexistent\/file.gz: no such file/));
});

test('fashionMNIST on small synthetic files: values, shapes, splits, sizes', () => {
  const dir = fakeDir();
  const { train, test: testSet } = fashionMNIST({ dir });
  assert.equal(train.length, 5);
  assert.equal(testSet.length, 3);
  const [x, y] = train.tensors;
  assert.deepEqual(x!.shape, [5, 784]);
  assert.equal(x!.dtype, 'float32');
  assert.equal(y!.dtype, 'int32');
  assert.deepEqual([...y!.data()], [0, 1, 2, 9, 4]);
  const raw = images(5).subarray(16);
  const xd = x!.data();
  for (const i of [0, 1, 783, 784 * 5 - 1]) assert.equal(xd[i], Math.fround(raw[i]! / 255));
  const img = fashionMNIST({ dir, split: 'test', shape: 'image' });
  assert.deepEqual(img.tensors[0]!.shape, [3, 1, 28, 28]);
  assert.deepEqual([...img.tensors[1]!.data()], [5, 6, 7]);
  const small = fashionMNIST({ dir, split: 'train', trainSize: 2 });
  assert.equal(small.length, 2);
  rmSync(dir, { recursive: true });
});

test('fashionMNIST: missing directory or file says how to install it', () => {
  assert.throws(() => fashionMNIST({ dir: '/nonexistent/fashion' }), formatError(/apt-get install dataset-fashion-mnist.*\{ dir/, '/nonexistent/fashion'));
  const dir = fakeDir({ 't10k-labels-idx1-ubyte.gz': undefined });
  assert.throws(() => fashionMNIST({ dir }), formatError(/t10k-labels-idx1-ubyte.gz not found.*apt-get install dataset-fashion-mnist/));
  assert.equal(fashionMNIST({ dir, split: 'train' }).length, 5, 'the other split still loads');
});

test('fashionMNIST: corrupt files name the file and the problem', () => {
  const cases: [string, Buffer, RegExp][] = [
    ['train-labels-idx1-ubyte.gz', gzipSync(labels([0, 1, 2])), /holds 5 images but .*train-labels-idx1-ubyte.gz holds 3 labels/],
    ['train-labels-idx1-ubyte.gz', gzipSync(labels([0, 1, 2, 10, 4])), /train-labels-idx1-ubyte.gz: label 3 is 10, outside the classes 0..9/],
    ['train-images-idx3-ubyte.gz', gzipSync(labels([1, 2])), /train-images-idx3-ubyte.gz: expected uint8 images \[N,28,28\] \(magic 2051\), got magic 2049/],
    ['train-labels-idx1-ubyte.gz', gzipSync(images(5)), /train-labels-idx1-ubyte.gz: expected uint8 labels \[N\] \(magic 2049\), got magic 2051/],
    ['train-images-idx3-ubyte.gz', gzipSync(idx(0x08, [5, 14, 56], Buffer.alloc(5 * 784))), /got magic 2051 and shape \[5,14,56\]/],
    ['train-images-idx3-ubyte.gz', gzipSync(images(5)).subarray(0, 200), /train-images-idx3-ubyte.gz: gzip decompression failed/],
    ['train-images-idx3-ubyte.gz', gzipSync(images(5).subarray(0, 1000)), /train-images-idx3-ubyte.gz: shape \[5,28,28\] of uint8 needs 3920 bytes of data but the file has 984/],
  ];
  for (const [file, bytes, pattern] of cases) {
    const dir = fakeDir({ [file]: bytes });
    assert.throws(() => fashionMNIST({ dir, split: 'train' }), formatError(pattern, file));
    rmSync(dir, { recursive: true });
  }
});

test('the installed Fashion-MNIST (skipped if absent)', (t) => {
  if (!existsSync(join(FASHION_MNIST_DIR, 't10k-images-idx3-ubyte.gz'))) {
    t.skip(`${FASHION_MNIST_DIR} not found (apt-get install dataset-fashion-mnist)`);
    return;
  }
  const testSet = fashionMNIST({ split: 'test' });
  assert.equal(testSet.length, 10000);
  const [x, y] = testSet.tensors;
  assert.deepEqual(x!.shape, [10000, 784]);
  const counts = new Array<number>(10).fill(0);
  for (const v of y!.data()) counts[v]!++;
  assert.deepEqual(counts, new Array(10).fill(1000));
  const xd = x!.data();
  let max = 0;
  for (let i = 0; i < xd.length; i++) if (xd[i]! > max) max = xd[i]!;
  assert.equal(max, 1);
  assert.equal(y!.data()[0], 9, 'the first test image is an ankle boot');
});
