/** The pure-TypeScript gzip reader (RFC 1951/1952): agreement with zlib, every error path, the output limit. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { constants, deflateRawSync, gunzipSync, gzipSync } from 'node:zlib';
import { FileFormatError } from '../../src/core/errors.js';
import { crc32 } from '../../src/io/crc32.js';
import { gunzip, InflateError, isGzip, type InflateFailure } from '../../src/io/gunzip.js';
import { Output, inflateRaw } from '../../src/io/inflate.js';
import { FASHION_MNIST_DIR } from '../../src/data/index.js';
import { gzipWithHeader } from '../fuzz/corpus.js';
import { Rng } from '../fuzz/rng.js';

const fails = (fn: () => unknown, kind: InflateFailure, pattern: RegExp = /./): void => {
  assert.throws(fn, (e: Error) => {
    assert.ok(e instanceof InflateError && e instanceof FileFormatError, `${e.name}: ${e.message}`);
    assert.equal(e.kind, kind, e.message);
    assert.match(e.message, pattern);
    return true;
  });
};
const unzip = (b: Uint8Array, maxOutput = 1 << 26): Uint8Array => gunzip(b, { maxOutput });

test('crc32: the standard check value, incremental, every length', () => {
  const s = new TextEncoder().encode('123456789');
  assert.equal(crc32(s), 0xcbf43926);
  assert.equal(crc32(s.subarray(4), crc32(s.subarray(0, 4))), 0xcbf43926);
  assert.equal(crc32(new Uint8Array(0)), 0);
  const rng = new Rng(5);
  const b = rng.bytes(300);
  for (let n = 0; n < 40; n++) {
    let c = 0xffffffff;
    for (let i = 0; i < n; i++) {
      c ^= b[i]!;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    }
    assert.equal(crc32(b, 0, 0, n), ~c >>> 0, `length ${n}`);
  }
});

test('gunzip equals zlib on every level and strategy, sizes 0 to 200 kB', () => {
  const rng = new Rng(11);
  const strategies = [constants.Z_DEFAULT_STRATEGY, constants.Z_FIXED, constants.Z_HUFFMAN_ONLY, constants.Z_RLE, constants.Z_FILTERED];
  for (let t = 0; t < 60; t++) {
    const n = t === 0 ? 0 : rng.int(t % 6 === 0 ? 200_000 : 5000);
    const alphabet = 1 + rng.int(256);
    const data = new Uint8Array(n);
    for (let i = 0; i < n; i++) data[i] = i > 300 && rng.chance(0.6) ? data[i - 1 - rng.int(t % 2 ? 300 : 8)]! : rng.int(alphabet);
    const gz = gzipSync(data, { level: t % 10, strategy: strategies[t % 5]! });
    assert.deepEqual(unzip(gz), new Uint8Array(data), `case ${t}`);
  }
});

test('gzip header fields, multiple members, isGzip', () => {
  const data = new TextEncoder().encode('the quick brown fox '.repeat(50));
  const full = gzipWithHeader(data, { extra: Uint8Array.of(1, 2, 3), name: 'fox.txt', comment: 'a comment', hcrc: true });
  assert.deepEqual(unzip(full), data);
  assert.deepEqual(gunzipSync(full), Buffer.from(data), 'zlib agrees the hand-built member is valid');
  const two = new Uint8Array([...gzipSync(data.subarray(0, 300)), ...gzipSync(data.subarray(300))]);
  assert.deepEqual(unzip(two), data);
  assert.equal(isGzip(full), true);
  assert.equal(isGzip(Uint8Array.of(0x1f)), false);
  // a broken header CRC, reserved flags, another method
  const badHcrc = full.slice();
  badHcrc[full.indexOf(0, 10 + 2 + 3 + 8) + 1]! ^= 1;
  fails(() => unzip(badHcrc), 'corrupt', /header CRC mismatch/);
  const flags = full.slice();
  flags[3] |= 0x20;
  fails(() => unzip(flags), 'corrupt', /reserved header flag bits/);
  const method = full.slice();
  method[2] = 7;
  fails(() => unzip(method), 'corrupt', /compression method 7 is not deflate/);
  fails(() => unzip(Uint8Array.of(0x1f, 0x8c, 8, 0, 0, 0, 0, 0, 0, 3)), 'corrupt', /not gzip data/);
});

test('truncation anywhere, trailer fields, trailing bytes', () => {
  const gz = new Uint8Array(gzipSync(new TextEncoder().encode('abcabcabc hello hello hello '.repeat(20))));
  for (let k = 0; k < gz.length; k++) {
    assert.throws(() => unzip(gz.subarray(0, k)), (e: Error) => e instanceof InflateError && (e.kind === 'truncated' || e.kind === 'corrupt'), `prefix ${k}`);
  }
  const crc = gz.slice();
  crc[gz.length - 6]! ^= 0x10;
  fails(() => unzip(crc), 'corrupt', /CRC-32 mismatch \(stored [0-9a-f]{8}, computed [0-9a-f]{8}\)/);
  const size = gz.slice();
  size[gz.length - 2]! ^= 1;
  fails(() => unzip(size), 'corrupt', /the trailer's size field says \d+ bytes but the data decompresses to 560/);
  fails(() => unzip(new Uint8Array([...gz, 0, 0])), 'trailing', /^gzip: 2 bytes after the end of the gzip data$/);
  fails(() => unzip(new Uint8Array([...gz, 0x1f, 0x8b, 8])), 'truncated');
});

/** Raw deflate bits, least significant first; Huffman codes are given most significant bit first. */
class Bits {
  private out: number[] = [];
  private acc = 0;
  private n = 0;
  put(v: number, n: number): this {
    for (let i = 0; i < n; i++) this.bit((v >> i) & 1);
    return this;
  }
  code(c: number, n: number): this {
    for (let i = n - 1; i >= 0; i--) this.bit((c >> i) & 1);
    return this;
  }
  private bit(b: number): void {
    this.acc |= b << this.n++;
    if (this.n === 8) {
      this.out.push(this.acc);
      this.acc = 0;
      this.n = 0;
    }
  }
  bytes(): Uint8Array {
    return Uint8Array.from(this.n > 0 ? [...this.out, this.acc] : this.out);
  }
}

const inflate = (b: Uint8Array, maxOutput = 1 << 20): Uint8Array => {
  const out = new Output({ maxOutput }, b.length);
  inflateRaw(b, 0, out);
  return out.buf.slice(0, out.len);
};
// fixed code: literals 0-143 are 8 bits from 0x30, 256-279 are 7 bits from 0
const lit = (bits: Bits, v: number): Bits => bits.code(0x30 + v, 8);

test('hand-built deflate streams: every kind of corrupt data is named', () => {
  // a valid fixed block: 'a', then <length 3, distance 1> = 'aaaa'
  const ok = lit(new Bits().put(1, 1).put(1, 2), 97).code(1, 7).code(0, 5).code(0, 7).bytes();
  assert.deepEqual([...inflate(ok)], [97, 97, 97, 97]);
  fails(() => inflate(new Bits().put(1, 1).put(3, 2).bytes()), 'corrupt', /invalid block type 3/);
  fails(() => inflate(Uint8Array.of(1, 5, 0, 0, 0)), 'corrupt', /stored block length 5 does not match its complement 0/);
  fails(() => inflate(Uint8Array.of(1, 5, 0, 0xfa, 0xff, 1, 2)), 'truncated');
  fails(() => inflate(new Bits().put(1, 1).put(1, 2).code(1, 7).code(0, 5).code(0, 7).bytes()), 'corrupt', /distance 1 reaches before the start of the data \(0 bytes written\)/);
  fails(() => inflate(lit(new Bits().put(1, 1).put(1, 2), 1).code(0xc6, 8).code(0, 5).code(0, 7).bytes()), 'corrupt', /invalid length symbol 286/);
  fails(() => inflate(lit(new Bits().put(1, 1).put(1, 2), 1).code(1, 7).code(30, 5).code(0, 7).bytes()), 'corrupt', /invalid distance symbol 30/);
  // dynamic headers: too many codes, a repeat with nothing before it, over-subscribed and incomplete codes
  fails(() => inflate(new Bits().put(1, 1).put(2, 2).put(30, 5).put(0, 5).put(0, 4).bytes()), 'corrupt', /287 literal\/length codes/);
  fails(() => inflate(new Bits().put(1, 1).put(2, 2).put(0, 5).put(30, 5).put(0, 4).bytes()), 'corrupt', /31 distance codes/);
  const clOver = new Bits().put(1, 1).put(2, 2).put(0, 5).put(0, 5).put(0, 4).put(1, 3).put(1, 3).put(1, 3).put(0, 3).bytes();
  fails(() => inflate(clOver), 'corrupt', /over-subscribed code-length code/);
  const clIncomplete = new Bits().put(1, 1).put(2, 2).put(0, 5).put(0, 5).put(0, 4).put(2, 3).put(0, 3).put(0, 3).put(0, 3).bytes();
  fails(() => inflate(clIncomplete), 'corrupt', /incomplete code-length code/);
  // code-length code: symbols 0 and 16 get 1-bit codes (0 -> '0', 16 -> '1'); the first length is a repeat
  const noPrev = new Bits().put(1, 1).put(2, 2).put(0, 5).put(0, 5).put(0, 4).put(1, 3).put(0, 3).put(0, 3).put(1, 3).code(1, 1).put(0, 2).bytes();
  fails(() => inflate(noPrev), 'corrupt', /repeat \(16\) with no previous length/);
  // every prefix of a real stream fails cleanly
  const real = deflateRawSync(new TextEncoder().encode('to be or not to be, that is the question '.repeat(30)));
  for (let k = 0; k < real.length; k++) assert.throws(() => inflate(real.subarray(0, k)), InflateError, `prefix ${k}`);
});

test('the output limit: exact size passes, one byte less stops at once; limitFrom can tighten or reject', () => {
  const data = new Uint8Array(100_000).fill(7);
  const gz = gzipSync(data);
  assert.equal(gunzip(gz, { maxOutput: 100_000 }).length, 100_000);
  fails(() => gunzip(gz, { maxOutput: 99_999 }), 'limit', /^gzip: the data decompresses to more than 99999 bytes$/);
  const seen: number[] = [];
  fails(() => gunzip(gz, { maxOutput: 1e9, limitFrom: (head) => (seen.push(head.length), head.length >= 4 ? 5000 : undefined) }), 'limit', /more than 5000 bytes/);
  assert.ok(seen.length >= 1 && seen.every((n) => n <= 1024), `limitFrom saw ${seen}`);
  assert.throws(() => gunzip(gz, { maxOutput: 1e9, limitFrom: () => { throw new FileFormatError('bad header'); } }), /bad header/);
});

test('the installed Fashion-MNIST test images inflate exactly as zlib does (skipped if absent)', (t) => {
  const p = join(FASHION_MNIST_DIR, 't10k-images-idx3-ubyte.gz');
  if (!existsSync(p)) {
    t.skip(`${p} not found`);
    return;
  }
  const gz = readFileSync(p);
  assert.deepEqual(Buffer.from(unzip(gz)), gunzipSync(gz));
});
