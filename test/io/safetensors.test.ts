/** safetensors: round trips of every dtype, the PyTorch-written fixture, atomic writes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as nb from '../../src/index.js';
import { Tensor } from '../../src/core/tensor.js';
import { parseSafetensors } from '../../src/io/safetensors.js';
import { loadSafetensors } from '../../src/io/safetensors-file.js';
import { fixtureCase, fixtureTensor, assertClose } from '../helpers/fixtures.js';
import { build } from './build.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/torch/state_dict.safetensors', import.meta.url));
const tmp = (): string => mkdtempSync(join(tmpdir(), 'nabla-st-'));

function headerOf(bytes: Uint8Array): { n: number; json: Record<string, unknown>; raw: string } {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  const raw = new TextDecoder().decode(bytes.subarray(8, 8 + n));
  return { n, json: JSON.parse(raw) as Record<string, unknown>, raw };
}

function sameTensor(a: Tensor | undefined, b: Tensor, name: string): void {
  assert.ok(a, `missing ${name}`);
  assert.equal(a.dtype, b.dtype, `${name} dtype`);
  assert.deepEqual([...a.shape], [...b.shape], `${name} shape`);
  assert.deepEqual([...a.data()], [...b.data()], `${name} values`);
}

test('round trip of every dtype, 0-d, empty and non-contiguous tensors', () => {
  const sd: Record<string, Tensor> = {
    f32: nb.tensor([[1.5, -2.25, 3e-38], [Infinity, -0, 7]], { dtype: 'float32' }),
    f64: nb.tensor([Math.PI, -1e300, 5e-324, NaN], { dtype: 'float64' }),
    i32: nb.tensor([2147483647, -2147483648, 0, 5], { dtype: 'int32' }),
    bool: nb.tensor([true, false, true]),
    scalar: nb.tensor(42.5, { dtype: 'float64' }),
    empty: nb.zeros([0, 3]),
    emptyInt: nb.zeros([2, 0], { dtype: 'int32' }),
    transposed: nb.arange(0, 6).reshape([2, 3]).transpose(0, 1),
    'unicode.名前': nb.ones([2]),
  };
  const back = nb.deserialize(nb.serialize(sd));
  assert.deepEqual(Object.keys(back).sort(), Object.keys(sd).sort());
  for (const [k, t] of Object.entries(sd)) sameTensor(back[k], t, k);
  assert.equal(back.scalar!.ndim, 0);
  assert.equal(back.scalar!.item(), 42.5);
  assert.deepEqual(back.transposed!.toArray(), [[0, 3], [1, 4], [2, 5]]);
  assert.ok(Object.is(back.f32!.data()[4], -0));
  // bool bytes other than 0/1 are written as 1
  assert.deepEqual([...nb.deserialize(nb.serialize({ m: nb.tensor(Uint8Array.of(0, 2, 255), { dtype: 'bool' }) })).m!.data()], [0, 1, 1]);
});

test('layout follows the official writer: padding, dtype-then-name order, contiguous data', () => {
  const sd = {
    b: nb.ones([3], { dtype: 'int32' }),
    a: nb.ones([1], { dtype: 'int32' }),
    c: nb.ones([2], { dtype: 'float64' }),
    z: nb.tensor([true]),
    y: nb.ones([2], { dtype: 'float32' }),
  };
  const bytes = nb.serialize(sd, { metadata: { format: 'pt', note: 'hi' } });
  const { n, json, raw } = headerOf(bytes);
  assert.equal(n % 8, 0);
  assert.match(raw, /^\{"__metadata__":\{"format":"pt","note":"hi"\},"c":/);
  assert.ok(/ *$/.test(raw));
  const order = Object.keys(json).filter((k) => k !== '__metadata__');
  assert.deepEqual(order, ['c', 'y', 'a', 'b', 'z']); // F64, F32, I32 (by name), BOOL
  const offs = order.map((k) => (json[k] as { data_offsets: number[] }).data_offsets);
  assert.deepEqual(offs, [[0, 16], [16, 24], [24, 28], [28, 40], [40, 41]]);
  assert.equal(bytes.length, 8 + n + 41);
  assert.deepEqual(parseSafetensors(bytes).metadata, { format: 'pt', note: 'hi' });
  // no metadata: no __metadata__ key; an empty dict is a valid file
  assert.doesNotMatch(headerOf(nb.serialize(sd)).raw, /__metadata__/);
  const empty = nb.serialize({});
  assert.equal(headerOf(empty).raw, '{}      ');
  assert.deepEqual(nb.deserialize(empty), {});
});

test('reads the PyTorch fixture and re-serialises it byte for byte', () => {
  const c = fixtureCase('state_dict_io', 'sequential_mlp');
  const { tensors, metadata } = loadSafetensors(FIXTURE);
  assert.deepEqual(metadata, { format: 'pt' });
  assert.deepEqual(Object.keys(tensors), c.config.tensorOrder);
  for (const [k, ft] of Object.entries(c.params)) sameTensor(tensors[k], fixtureTensor(ft), k);
  const file = readFileSync(FIXTURE);
  assert.equal(file.length, c.config.fileSize);
  assert.equal(headerOf(file).n, c.config.headerLength);
  assert.deepEqual(Buffer.from(nb.serialize(tensors, { metadata })), file);
  // the loaded weights compute the fixture's forward pass
  const x = fixtureTensor(c.inputs.x!);
  const h = x.matmul(tensors['0.weight']!.transpose(0, 1)).add(tensors['0.bias']!).relu();
  const y = h.matmul(tensors['2.weight']!.transpose(0, 1)).add(tensors['2.bias']!);
  assertClose(y, c.outputs.yFloat32!, { atol: 1e-6 });
});

test('save creates parent directories, load reads it back; a module saves its state dict', () => {
  const dir = tmp();
  const path = join(dir, 'a', 'b', 'model.safetensors');
  const sd = { w: nb.randn([3, 4]), n: nb.tensor(7, { dtype: 'int32' }) };
  nb.save(sd, path, { metadata: { epoch: '3' } });
  const back = nb.load(path);
  for (const [k, t] of Object.entries(sd)) sameTensor(back[k], t, k);
  assert.deepEqual(loadSafetensors(path).metadata, { epoch: '3' });
  nb.save(new Map([['m', nb.ones([2])]]), path);
  assert.deepEqual(Object.keys(nb.load(path)), ['m']);
  nb.save({ stateDict: () => ({ p: nb.zeros([1]) }) }, path);
  assert.deepEqual(Object.keys(nb.load(path)), ['p']);
  assert.deepEqual(readdirSync(join(dir, 'a', 'b')), ['model.safetensors']); // no temp files left
});

test('a failed save leaves the existing file intact and no temp file behind', (t) => {
  const dir = tmp();
  const path = join(dir, 'ckpt.safetensors');
  nb.save({ w: nb.ones([2]) }, path);
  const before = readFileSync(path);
  // something unserialisable
  const bad = { w: nb.zeros([2]), oops: 3 } as unknown as Record<string, Tensor>;
  assert.throws(() => nb.save(bad, path), (e: Error) => e instanceof nb.NablaError && /'oops' is not a Tensor/.test(e.message));
  assert.throws(() => nb.save({ w: nb.zeros([1]) }, path, { metadata: { n: 3 as unknown as string } }), /metadata values must be strings/);
  assert.throws(() => nb.save({ __metadata__: nb.zeros([1]) }, path), /reserved/);
  // an I/O error in the middle of writing the temp file
  t.mock.method(fs, 'writeSync', () => {
    throw new Error('EIO: simulated disk error');
  });
  assert.throws(() => nb.save({ w: nb.zeros([1000]) }, path), /simulated disk error/);
  t.mock.restoreAll();
  // rename failing (e.g. cross-device or permissions)
  t.mock.method(fs, 'renameSync', () => {
    throw new Error('EXDEV: simulated rename failure');
  });
  assert.throws(() => nb.save({ w: nb.zeros([3]) }, path), /simulated rename failure/);
  t.mock.restoreAll();
  assert.deepEqual(readFileSync(path), before);
  assert.deepEqual(readdirSync(dir), ['ckpt.safetensors']);
});

test('reads dtypes nabla does not store natively, converting them', () => {
  // hand-built file: F16, BF16, I64, U8, I8, I16, U16, U32, U64
  const specs: [string, number, (v: DataView, i: number, x: number) => void, number[], number[]][] = [
    ['F16', 2, (v, i, x) => v.setUint16(i, x, true), [0x3c00, 0xc000, 0x3555, 0x0001, 0x7c00, 0x0000], [1, -2, 0.333251953125, 2 ** -24, Infinity, 0]],
    ['BF16', 2, (v, i, x) => v.setUint16(i, x, true), [0x3f80, 0xc040], [1, -3]],
    ['I64', 8, (v, i, x) => v.setBigInt64(i, BigInt(x), true), [-5, 2147483647, -2147483648], [-5, 2147483647, -2147483648]],
    ['U8', 1, (v, i, x) => v.setUint8(i, x), [0, 255], [0, 255]],
    ['I8', 1, (v, i, x) => v.setInt8(i, x), [-128, 127], [-128, 127]],
    ['I16', 2, (v, i, x) => v.setInt16(i, x, true), [-32768, 32767], [-32768, 32767]],
    ['U16', 2, (v, i, x) => v.setUint16(i, x, true), [65535], [65535]],
    ['U32', 4, (v, i, x) => v.setUint32(i, x, true), [123456], [123456]],
    ['U64', 8, (v, i, x) => v.setBigUint64(i, BigInt(x), true), [9], [9]],
  ];
  const tensors: Record<string, { dtype: string; shape: number[]; data_offsets: number[] }> = {};
  let off = 0;
  const blobs: Uint8Array[] = [];
  for (const [dt, size, set, raw] of specs) {
    const b = new Uint8Array(size * raw.length);
    const v = new DataView(b.buffer);
    raw.forEach((x, i) => set(v, i * size, x));
    tensors[dt] = { dtype: dt, shape: [raw.length], data_offsets: [off, off + b.length] };
    off += b.length;
    blobs.push(b);
  }
  const file = build(JSON.stringify(tensors), Buffer.concat(blobs));
  const back = nb.deserialize(file);
  for (const [dt, , , , expected] of specs) {
    const t = back[dt]!;
    assert.equal(t.dtype, dt === 'F16' || dt === 'BF16' ? 'float32' : 'int32', dt);
    assert.deepEqual([...t.data()], expected, dt);
  }
});

test('load of a missing file names it', () => {
  const p = join(tmp(), 'nope.safetensors');
  assert.throws(() => nb.load(p), (e: Error) => e instanceof nb.FileFormatError && e.message.includes(p) && /no such file/.test(e.message));
});
