/**
 * Parsers that cannot be made to crash or eat memory: deep and huge safetensors headers,
 * non-regular files, IDX sizes at the edges, bytes after gzip data, gzip bombs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as nb from '../../src/index.js';
import { readIdx } from '../../src/data/idx-file.js';
import { MAX_DIMS } from '../../src/io/safetensors-header.js';
import { build } from './build.js';

const SRC = 'hostile.safetensors';

function rejects(bytes: Uint8Array, pattern: RegExp): void {
  assert.throws(
    () => nb.deserialize(bytes, SRC),
    (e: Error) => {
      assert.ok(e instanceof nb.FileFormatError, `expected FileFormatError, got ${e.name}: ${e.message.slice(0, 300)}`);
      assert.ok(e.message.includes(SRC), `message should name the file: ${e.message.slice(0, 300)}`);
      assert.ok(e.message.length < 1000, `message of ${e.message.length} characters`);
      assert.match(e.message, pattern);
      return true;
    },
  );
}

const entry = (dtype: string, shape: unknown, offsets: unknown): string => JSON.stringify({ dtype, shape, data_offsets: offsets });

test('headers nested thousands deep are rejected at their first unexpected bracket', () => {
  for (const depth of [5000, 200_000]) {
    const arrays = '['.repeat(depth) + ']'.repeat(depth);
    const objects = '{"a":'.repeat(depth) + '}'.repeat(depth);
    rejects(build(`{"a":${arrays}}`), /tensor 'a': expected an object \{dtype, shape, data_offsets\}, got \[\[\[\[.*…$/);
    rejects(build(`{"a":${objects}}`), /tensor 'a': unexpected field 'a'/);
    rejects(build(`{"__metadata__":{"k":${objects}}}`), /__metadata__ value 'k' must be a string, got \{"a":\{"a":.*…/);
    rejects(build(`{"__metadata__":${arrays}}`), /__metadata__ must be an object of strings, got \[\[\[/);
    rejects(build(`{"w":{"dtype":"F32","shape":[1,${arrays}],"data_offsets":[0,4]}}`), /tensor 'w': shape \[1,\[\[\[.*\] has entry \[\[\[/);
    rejects(build(`{"w":{"dtype":"F32","data_offsets":${arrays},"shape":[1]}}`), /data_offsets must be \[begin, end\] with non-negative integers, got \[\[\[/);
    rejects(build(`{"w":{"dtype":${arrays}}}`), /dtype must be a string, got \[\[\[/);
    rejects(build(arrays), /must be a JSON object starting with '\{'/);
    // unbalanced: an opening run to the end of the header
    rejects(build(`{"a":${'['.repeat(depth)}`), /expected an object/);
  }
});

test('JSON is read strictly: syntax, escapes, integers, duplicate keys', () => {
  const ok = (h: string, data = new Uint8Array(4)): nb.SafetensorsContents => nb.parseSafetensors(build(h, data), SRC);
  // escapes decode, and an escaped name equals its plain spelling
  assert.deepEqual(Object.keys(ok(`{"caf\\u00e9 \\ud83d\\ude00\\n":${entry('F32', [1], [0, 4])}}`).tensors), ['café 😀\n']);
  rejects(build(`{"a":${entry('F32', [1], [0, 4])},"\\u0061":${entry('F32', [1], [0, 4])}}`, new Uint8Array(4)), /names tensor 'a' twice/);
  rejects(build(`{"\\ud800":${entry('F32', [1], [0, 4])}}`, new Uint8Array(4)), /unpaired high surrogate/);
  rejects(build(`{"\\udc00x":${entry('F32', [1], [0, 4])}}`, new Uint8Array(4)), /unpaired low surrogate/);
  rejects(build(`{"\\x41":1}`), /invalid escape/);
  rejects(build(`{"a\u0001":1}`), /control character U\+0001/);
  rejects(build(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}`), /not valid JSON: expected ',' or '\}' at the end of the header/);
  rejects(build(`{"a" {}}`), /not valid JSON: expected ':'/);
  rejects(build(`{a:1}`), /expected a string key/);
  rejects(build(`{"a":{"dtype":"F32","shape":[01],"data_offsets":[0,4]}}`, new Uint8Array(4)), /not valid JSON: expected ',' or '\]'/);
  // integers must be written as integers, as the official reader requires
  rejects(build(`{"a":{"dtype":"F32","shape":[1.0],"data_offsets":[0,4]}}`, new Uint8Array(4)), /shape \[1\.0\] has entry 1\.0; entries must be non-negative integers/);
  rejects(build(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4e0]}}`, new Uint8Array(4)), /data_offsets must be \[begin, end\] with non-negative integers, got \[0,4e0\]$/);
  rejects(build(`{"a":{"dtype":"F32","shape":[-0],"data_offsets":[0,0]}}`), /has entry -0/);
  rejects(build(`{"a":{"dtype":"F32","shape":[9007199254740992],"data_offsets":[0,0]}}`), /below 2\^53/);
  rejects(build(`{"a":{"dtype":"F32","shape":[true],"data_offsets":[0,0]}}`), /has entry true/);
  rejects(build(`{"__metadata__":{"k":"1"},"__metadata__":null}`), /two __metadata__ entries/);
  rejects(build(`{"a":{"dtype":"F32","shape":[1],"shape":[1],"data_offsets":[0,4]}}`, new Uint8Array(4)), /key 'shape' in \/a twice/);
  // whitespace JSON allows, and only that
  assert.deepEqual(Object.keys(ok(`{ "a" :\n\t{ "dtype" : "F32" , "shape" : [ 1 ] , "data_offsets" : [ 0 , 4 ] }\r\n}    `).tensors), ['a']);
  rejects(build(`{\u00a0}`), /not valid JSON/);
});

test('messages quote previews, never whole huge values', () => {
  const long = 'x'.repeat(1_000_000);
  rejects(build(`{"${long}":${entry('Q7', [1], [0, 4])}}`, new Uint8Array(4)), /tensor 'x{60}…' \(1000000 characters\): unknown dtype "Q7"/);
  rejects(build(`{"a":${entry(long, [1], [0, 4])}}`, new Uint8Array(4)), /unknown dtype "x{40}…"/);
  rejects(build(`{"a":{"dtype":"F32","shape":["${long}"],"data_offsets":[0,4]}}`), /has entry "x+…/);
  rejects(build(`{"a":{"dtype":"F32","shape":[${'9'.repeat(100_000)}],"data_offsets":[0,4]}}`), /has entry 9{40}…/);
});

test('shapes: more than MAX_DIMS dimensions are refused after the size check', () => {
  const ones = (n: number): number[] => new Array<number>(n).fill(1);
  assert.equal(nb.deserialize(build(`{"a":${entry('F32', ones(MAX_DIMS), [0, 4])}}`, new Uint8Array(4))).a!.ndim, MAX_DIMS);
  rejects(build(`{"a":${entry('F32', ones(MAX_DIMS + 1), [0, 4])}}`, new Uint8Array(4)), new RegExp(`shape has ${MAX_DIMS + 1} dimensions; nabla reads at most ${MAX_DIMS}`));
  rejects(build(`{"a":${entry('F32', ones(300_000), [0, 8])}}`, new Uint8Array(8)), /shape \[1,1,.*\]\.\.\. \(300000 dims\) of F32 needs 4 bytes/);
});

test('large headers parse in one linear pass (many tensors, many metadata keys)', () => {
  const parts: string[] = [];
  for (let i = 0; i < 20_000; i++) parts.push(`"t${i}":${entry('F32', [0], [0, 0])}`);
  const sd = nb.deserialize(build(`{${parts.join(',')}}`));
  assert.equal(Object.keys(sd).length, 20_000);
  rejects(build(`{${parts.join(',')},"t5":${entry('F32', [0], [0, 0])}}`), /names tensor 't5' twice/);
  const meta: string[] = [];
  for (let i = 0; i < 20_000; i++) meta.push(`"k${i}":"${i}"`);
  assert.equal(Object.keys(nb.parseSafetensors(build(`{"__metadata__":{${meta.join(',')}}}`)).metadata).length, 20_000);
});

test('nb.load and readIdx refuse what is not a regular file, without reading it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nabla-nonreg-'));
  const refused = (fn: () => unknown, path: string, what: RegExp): void => {
    assert.throws(fn, (e: Error) => e instanceof nb.FileFormatError && e.message.includes(path) && what.test(e.message));
  };
  refused(() => nb.load('/dev/zero'), '/dev/zero', /^safetensors: cannot read \/dev\/zero: it is a character device, not a regular file$/);
  refused(() => nb.load(dir), dir, /it is a directory, not a regular file/);
  refused(() => readIdx('/dev/zero'), '/dev/zero', /^IDX: cannot read \/dev\/zero: it is a character device/);
  refused(() => readIdx(dir), dir, /directory/);
  refused(() => nb.loadSafetensors(join(dir, 'missing.safetensors')), 'missing.safetensors', /no such file/);
  const fifo = join(dir, 'pipe');
  if (spawnSync('mkfifo', [fifo]).status === 0) {
    // opening a FIFO for reading would block until a writer comes: it must not even be opened that way
    refused(() => nb.load(fifo), fifo, /it is a FIFO \(named pipe\), not a regular file/);
  }
});

// ------------------------------------------------------------------------------------ IDX

function idx(code: number, dims: number[], payload: Uint8Array = new Uint8Array(0)): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + payload.length);
  const dv = new DataView(out.buffer);
  out[2] = code;
  out[3] = dims.length;
  dims.forEach((d, i) => dv.setUint32(4 + 4 * i, d, false));
  out.set(payload, 4 + 4 * dims.length);
  return out;
}

const idxError = (pattern: RegExp, src = 'x.idx') => (e: Error): boolean => {
  assert.ok(e instanceof nb.FileFormatError, `expected FileFormatError, got ${e.name}: ${e.message}`);
  assert.ok(e.message.includes(src), e.message);
  assert.match(e.message, pattern);
  return true;
};

test('IDX sizes are computed exactly: empty files with huge other dimensions are valid', () => {
  for (const bytes of [idx(0x08, [0, 1_000_000_000]), idx(0x0e, [4_294_967_295, 0, 7]), gzipSync(idx(0x0c, [0, 4_294_967_295]))]) {
    const r = nb.data.parseIdx(bytes, 'x.idx');
    assert.equal(r.data.length, 0);
    assert.equal(r.shape.reduce((a, d) => a * d, 1), 0);
  }
  // products past 2^53 are not rounded into a false match
  const big = idx(0x08, [2 ** 32 - 1, 2 ** 21 + 1]);
  assert.throws(() => nb.data.parseIdx(big, 'x.idx'), idxError(/shape \[4294967295,2097153\] of uint8 needs 9007203547611135 bytes of data but the file has 0 \(truncated\?\)/));
  // a compressed header declaring more than an array can hold stops at the header
  assert.throws(() => nb.data.parseIdx(gzipSync(idx(0x0e, [65536, 65536, 2], new Uint8Array(4096))), 'x.idx'), idxError(/needs 68719476736 bytes of data, more than the \d+ bytes nabla reads/));
});

test('IDX: bytes after the gzip data are rejected; concatenated gzip members are one file', () => {
  const raw = idx(0x08, [3, 2], Uint8Array.of(1, 2, 3, 4, 5, 6));
  const gz = gzipSync(raw);
  for (const tail of [Uint8Array.of(0), new Uint8Array(8), Uint8Array.of(0x1f), Uint8Array.of(0x0a)]) {
    const padded = new Uint8Array(gz.length + tail.length);
    padded.set(gz);
    padded.set(tail, gz.length);
    assert.throws(() => nb.data.parseIdx(padded, 'x.idx'), idxError(new RegExp(`${tail.length} bytes after the end of the gzip data`)));
  }
  const a = gzipSync(raw.subarray(0, 7));
  const b = gzipSync(raw.subarray(7));
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  assert.deepEqual([...nb.data.parseIdx(joined).data], [1, 2, 3, 4, 5, 6]);
});

test('IDX: a gzip bomb stops at the size the header declares', () => {
  // 16 gzip members of 64 MB of zeros each (~1 MB compressed, 1 GB inflated) after a header
  // declaring 100 images of 28x28
  const zeros = gzipSync(new Uint8Array(64 << 20), { level: 9 });
  const head = gzipSync(idx(0x08, [100, 28, 28], new Uint8Array(100 * 784)));
  const bomb = new Uint8Array(head.length + 16 * zeros.length);
  bomb.set(head);
  for (let i = 0; i < 16; i++) bomb.set(zeros, head.length + i * zeros.length);
  assert.ok(bomb.length < 1.2e6, `${bomb.length} bytes`);
  const before = process.memoryUsage().arrayBuffers;
  assert.throws(() => nb.data.parseIdx(bomb, 'bomb.idx.gz'), idxError(/decompresses to more than the 78416 bytes its header declares \(shape \[100,28,28\] of uint8\)/, 'bomb.idx.gz'));
  assert.ok(process.memoryUsage().arrayBuffers - before < 64 << 20, 'no large allocation survives');
  // the header's own size is accepted exactly
  assert.equal(nb.data.parseIdx(head).data.length, 78400);
});
