/**
 * Hostile and corrupt safetensors files: each is rejected with a FileFormatError that names the
 * file and what is wrong, never a crash, a hang or a huge allocation.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as nb from '../../src/index.js';
import { build } from './build.js';

const f32 = (n: number): Uint8Array => new Uint8Array(4 * n);
const entry = (dtype: string, shape: unknown, offsets: unknown): string =>
  JSON.stringify({ dtype, shape, data_offsets: offsets });

function rejects(bytes: Uint8Array, pattern: RegExp, source = 'hostile.safetensors'): void {
  assert.throws(
    () => nb.deserialize(bytes, source),
    (e: Error) => {
      assert.ok(e instanceof nb.FileFormatError, `expected FileFormatError, got ${e.name}: ${e.message}`);
      assert.ok(e.message.includes(source), `message should name the file: ${e.message}`);
      assert.match(e.message, pattern);
      return true;
    },
  );
}

const good = nb.serialize({ a: nb.ones([2, 3]), b: nb.zeros([4], { dtype: 'int32' }) });

test('truncated files: inside the length, the header, the data', () => {
  rejects(good.subarray(0, 0), /0 bytes, too few/);
  rejects(good.subarray(0, 5), /5 bytes, too few/);
  rejects(good.subarray(0, 30), /header length \d+ is larger than the 22 bytes that follow/);
  rejects(good.subarray(0, good.length - 1), /extend past the end of the data section|trailing|truncated/);
  rejects(good.subarray(0, good.length - 16), /'b'.*extend past the end of the data section.*truncated/);
  // every prefix is rejected cleanly
  for (let k = 0; k < good.length; k++) assert.throws(() => nb.deserialize(good.subarray(0, k)), nb.FileFormatError);
});

test('header length: oversized, larger than the file, 2^64 - 1', () => {
  rejects(build('{}', new Uint8Array(0), 100_000_001n), /exceeds the 100000000-byte limit/);
  rejects(build('{}', new Uint8Array(0), 2n ** 64n - 1n), /exceeds/);
  rejects(build('{}', new Uint8Array(0), 1000n), /header length 1000 is larger than the 2 bytes/);
});

test('header not UTF-8, not JSON, not an object', () => {
  const bad = build('{"a":1}');
  bad[10] = 0xff;
  rejects(bad, /not valid UTF-8/);
  rejects(build('{"a": {"dtype": "F32",'), /not valid JSON/);
  rejects(build('[1,2,3]'), /JSON object starting with '\{'/);
  rejects(build('\ufeff{}'), /starting with '\{'/);
  rejects(build('{} trailing'), /not valid JSON/);
  rejects(build(`{"a":"F32"}`), /tensor 'a': expected an object/);
  rejects(build(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"extra":1}}`, f32(1)), /unexpected field 'extra'/);
});

test('metadata must map strings to strings', () => {
  rejects(build('{"__metadata__":{"k":1}}'), /__metadata__ value 'k' must be a string/);
  rejects(build('{"__metadata__":[1]}'), /__metadata__ must be an object/);
  assert.deepEqual(nb.parseSafetensors(build('{"__metadata__":{"__proto__":"x"}}')).metadata, { ['__proto__']: 'x' });
});

test('dtypes: unknown, unsupported, wrong type', () => {
  rejects(build(`{"w":${entry('Q7', [1], [0, 4])}}`, f32(1)), /tensor 'w': unknown dtype "Q7"/);
  rejects(build(`{"w":${entry('toString', [1], [0, 4])}}`, f32(1)), /unknown dtype "toString"/);
  rejects(build(`{"w":${entry('F8_E4M3', [4], [0, 4])}}`, f32(1)), /dtype F8_E4M3 is not supported/);
  rejects(build(`{"w":{"dtype":4,"shape":[1],"data_offsets":[0,4]}}`, f32(1)), /dtype must be a string/);
  rejects(build(`{"w":{"shape":[1],"data_offsets":[0,4]}}`, f32(1)), /dtype must be a string, got missing/);
});

test('shapes: negative, fractional, non-numeric, huge products', () => {
  rejects(build(`{"w":${entry('F32', [-1], [0, 4])}}`, f32(1)), /tensor 'w': shape \[-1\] has entry -1/);
  rejects(build(`{"w":${entry('F32', [1.5], [0, 4])}}`, f32(1)), /entry 1.5/);
  rejects(build(`{"w":${entry('F32', ['2'], [0, 8])}}`, f32(2)), /entry "2"/);
  rejects(build(`{"w":${entry('F32', 4, [0, 16])}}`, f32(4)), /shape must be an array/);
  rejects(build(`{"w":${entry('F32', [1e300], [0, 4])}}`, f32(1)), /non-negative integers/);
  // products that overflow float64 / int64 are computed exactly and rejected
  const big = 2 ** 53 - 1;
  rejects(build(`{"w":${entry('F64', [big, big, big], [0, 8])}}`, new Uint8Array(8)), /needs more than 2\^64 bytes but data_offsets \[0,8\] hold 8/);
  rejects(build(`{"w":${entry('F32', [2 ** 32, 2 ** 32], [0, 0])}}`), /needs 73786976294838206464 bytes/);
  const many = new Array(200000).fill(big);
  const t0 = performance.now();
  rejects(build(`{"w":${entry('F32', many, [0, 4])}}`, f32(1)), /more than 2\^64 bytes/);
  assert.ok(performance.now() - t0 < 5000, 'a long shape must not take quadratic time');
  // a zero anywhere makes the product zero
  assert.deepEqual(nb.deserialize(build(`{"w":${entry('F32', [big, 0], [0, 0])}}`)).w!.shape, [big, 0]);
});

test('shape and byte range disagree', () => {
  rejects(build(`{"w":${entry('F32', [2, 3], [0, 20])}}`, f32(5)), /tensor 'w': shape \[2,3\] of F32 needs 24 bytes but data_offsets \[0,20\] hold 20/);
  rejects(build(`{"w":${entry('I64', [1], [0, 4])}}`, f32(1)), /needs 8 bytes/);
});

test('lying offsets: outside the file, reversed, non-integer, overlapping, gaps, trailing bytes', () => {
  rejects(build(`{"w":${entry('F32', [1], [1000, 1004])}}`, f32(1)), /'w': data_offsets \[1000,1004\] extend past the end/);
  rejects(build(`{"w":${entry('F32', [0], [8, 4])}}`, f32(2)), /end before they begin/);
  rejects(build(`{"w":${entry('F32', [1], [0.5, 4.5])}}`, f32(2)), /data_offsets must be \[begin, end\]/);
  rejects(build(`{"w":${entry('F32', [1], [-4, 0])}}`, f32(1)), /data_offsets must be/);
  rejects(build(`{"w":${entry('F32', [1], [0, 4, 8])}}`, f32(1)), /data_offsets must be/);
  rejects(build(`{"w":${entry('F32', [1], ['0', '4'])}}`, f32(1)), /data_offsets must be/);
  rejects(build(`{"a":${entry('F32', [2], [0, 8])},"b":${entry('F32', [2], [4, 12])}}`, f32(3)), /overlap tensor 'a'/);
  rejects(build(`{"a":${entry('F32', [2], [0, 8])},"b":${entry('F32', [2], [0, 8])}}`, f32(2)), /overlap/);
  rejects(build(`{"a":${entry('F32', [1], [0, 4])},"b":${entry('F32', [1], [8, 12])}}`, f32(3)), /'b'.*leave a gap: bytes \[4,8\)/);
  rejects(build(`{"a":${entry('F32', [1], [4, 8])}}`, f32(2)), /leave a gap: bytes \[0,4\)/);
  rejects(build(`{"a":${entry('F32', [1], [0, 4])}}`, f32(3)), /8 trailing bytes/);
});

test('duplicate names, in the header and inside an entry', () => {
  rejects(build(`{"a":${entry('F32', [1], [0, 4])},"a":${entry('F32', [1], [0, 4])}}`, f32(1)), /names tensor 'a' twice/);
  rejects(build(`{"a":{"dtype":"F32","dtype":"F64","shape":[1],"data_offsets":[0,4]}}`, f32(1)), /key 'dtype' in \/a twice/);
  rejects(build(`{"__metadata__":{"k":"1","k":"2"}}`), /key 'k' in \/__metadata__ twice/);
  // escaped spellings of the same key are the same key
  rejects(build(`{"a":${entry('F32', [1], [0, 4])},"\\u0061":${entry('F32', [1], [0, 4])}}`, f32(1)), /names tensor 'a' twice/);
});

test('values that do not fit: I64 beyond int32, BOOL bytes other than 0/1', () => {
  const b = new Uint8Array(16);
  new DataView(b.buffer).setBigInt64(8, 2n ** 40n, true);
  rejects(build(`{"x":${entry('I64', [2], [0, 16])}}`, b), /'x': I64 element 1 is 1099511627776, outside the int32 range/);
  rejects(build(`{"m":${entry('BOOL', [2], [0, 2])}}`, Uint8Array.of(1, 7)), /'m': BOOL element 1 has byte value 7/);
});

test('a tensor called __proto__ is a key, not a prototype', () => {
  const sd = nb.deserialize(build(`{"__proto__":${entry('F32', [1], [0, 4])}}`, f32(1)));
  assert.equal(Object.getPrototypeOf(sd), Object.prototype);
  assert.deepEqual(Object.keys(sd), ['__proto__']);
  assert.ok(Object.getOwnPropertyDescriptor(sd, '__proto__')!.value instanceof nb.Tensor);
});

test('random corruption never escapes as anything but FileFormatError', () => {
  const g = new nb.Generator(7);
  for (let trial = 0; trial < 300; trial++) {
    const bad = good.slice();
    const flips = 1 + g.randint(4);
    const within = trial % 2 === 0 ? bad.length : 8 + Number(new DataView(good.buffer).getBigUint64(0, true)); // half aim at the header
    for (let k = 0; k < flips; k++) bad[g.randint(within)] = g.randint(256);
    try {
      nb.deserialize(bad);
    } catch (e) {
      assert.ok(e instanceof nb.FileFormatError, `trial ${trial}: ${(e as Error).name}: ${(e as Error).message}`);
    }
  }
});

test('load names the file on disk', () => {
  const p = join(mkdtempSync(join(tmpdir(), 'nabla-st-')), 'bad.safetensors');
  writeFileSync(p, build('{"a":1}'));
  assert.throws(() => nb.load(p), (e: Error) => e instanceof nb.FileFormatError && e.message.includes(p) && /tensor 'a'/.test(e.message));
});
