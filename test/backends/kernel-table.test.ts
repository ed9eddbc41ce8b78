/**
 * The kernel table (src/backend/kernels/table.ts) is the one declaration of every kernel: the
 * files generated from it are current, every backend has exactly its kernels, and the native
 * glue's checks, derived from it, refuse a wrong dtype or a too-short array before the kernel runs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { generate } from '../../tools/kernels/codegen.js';
import { KERNEL_NAMES, KERNELS } from '../../src/backend/kernels/table.js';
import { EXTENTS } from '../../src/backend/kernels/extents.gen.js';
import { referenceBackend } from '../../src/backend/reference/index.js';
import { loadNativeBackend } from '../../src/backend/native/index.js';
import type { GemmArgs } from '../../src/backend/types.js';

const root = join(import.meta.dirname, '..', '..');

test('the generated kernel files are current (run `npm run gen:kernels` after editing the table)', () => {
  for (const [path, text] of generate()) {
    const file = join(root, path);
    assert.ok(existsSync(file), `${path} is missing: run npm run gen:kernels`);
    assert.ok(readFileSync(file, 'utf8') === text, `${path} is stale: run npm run gen:kernels and commit the result`);
  }
});

test('the reference backend implements exactly the kernels of the table', () => {
  const names = Object.keys(referenceBackend).filter((k) => k !== 'name').sort();
  assert.deepEqual(names, [...KERNEL_NAMES].sort());
});

test('the native backend wraps every kernel of the table that has a compiled version', (t) => {
  const native = loadNativeBackend();
  if (!native) return t.skip('native addon not built');
  const compiled = KERNEL_NAMES.filter((k) => !(KERNELS[k] as { referenceOnly?: boolean }).referenceOnly);
  assert.deepEqual(Object.keys(native).filter((k) => k !== 'name').sort(), [...compiled].sort());
  assert.deepEqual(Object.keys(EXTENTS).sort(), [...compiled].sort());
});

test('the native glue refuses a wrong dtype or a too-short array (a TypeError, not a write out of bounds)', (t) => {
  const native = loadNativeBackend();
  if (!native) return t.skip('native addon not built');
  const gemm = native.gemm!;
  const args = (): GemmArgs => ({
    batch: 1, m: 2, n: 3, k: 4, a: new Float32Array(8), aOffset: 0, lda: 4, transA: false, strideA: 0,
    b: new Float32Array(12), bOffset: 0, ldb: 3, transB: false, strideB: 0, c: new Float32Array(6), cOffset: 0, ldc: 3, strideC: 0, beta: 0,
  });
  gemm(args());
  assert.throws(() => gemm({ ...args(), c: new Float32Array(5) }), /gemm: c \(Float32Array of 5 elements\) is too short: the call touches elements \[0, 6\)/);
  assert.throws(() => gemm({ ...args(), b: new Float32Array(12), bOffset: 1 }), /gemm: b .* \[1, 13\)/);
  assert.throws(() => gemm({ ...args(), a: new Float32Array(8), aOffset: -1 }), /gemm: a/);
  assert.throws(() => gemm({ ...args(), bias: new Float32Array(2) }), /gemm: bias .* \[0, 3\)/);
  const lstm = native.lstmCellForward!;
  const f = (n: number): Float32Array => new Float32Array(n);
  lstm({ batch: 2, hidden: 3, gates: f(24), gatesOffset: 0, cPrev: f(6), cPrevOffset: 0, c: f(6), cOffset: 0, h: f(6), hOffset: 0, tanhC: f(6), tanhCOffset: 0 });
  assert.throws(
    () => lstm({ batch: 2, hidden: 3, gates: f(24), gatesOffset: 0, cPrev: f(6), cPrevOffset: 0, c: f(6), cOffset: 1, h: f(6), hOffset: 0, tanhC: f(6), tanhCOffset: 0 }),
    /lstmCellForward: c .* \[1, 7\)/,
  );
});

test('each array extent of the table is the range the reference kernel touches (gemm, a spot check)', () => {
  const S = new Float64Array(512);
  // batch 2, m 2, n 3, k 4, A transposed at offset 5 with lda 2 and strideA 10
  S.set([2, 2, 3, 4, 5, 2, 1, 10, 0, 3, 0, 12, 0, 3, 6, 0, 0]);
  const [a, b, c] = EXTENTS['gemm']!;
  assert.equal(a!.lo(S), 5);
  assert.equal(a!.hi(S), 5 + 10 + 3 * 2 + 2);
  assert.equal(b!.hi(S), 12 + 3 * 3 + 3);
  assert.equal(c!.hi(S), 6 + 1 * 3 + 3);
});

test('the addon itself, called past the wrappers, refuses arrays of the wrong dtype or length', (t) => {
  if (!loadNativeBackend()) return t.skip('native addon not built');
  const path = join(root, 'build', 'Release', 'nabla_native.node');
  const addon = createRequire(import.meta.url)(path) as {
    scratch(): Float64Array;
    gemm(...a: unknown[]): void;
    gather(...a: unknown[]): void;
    softmax(...a: unknown[]): void;
    unary(...a: unknown[]): void;
  };
  const S = addon.scratch();
  // gemm 2x3x4, no bias
  S.set([1, 2, 3, 4, 0, 4, 0, 0, 0, 3, 0, 0, 0, 3, 0, 0, 0]);
  const f = (n: number): Float32Array => new Float32Array(n);
  addon.gemm(f(8), f(12), f(6));
  // gemm's float32 slots (glue: 'bytes') are held to their byte extent: never past the array
  assert.throws(() => addon.gemm(f(8), new Uint8Array(44), f(6)), /gemm: b \(Float32Array of 11 elements\) is too short/);
  assert.throws(() => addon.gemm(f(8), [1, 2], f(6)), /gemm: b must be a Float32Array, got not a typed array/);
  assert.throws(() => addon.gemm(f(8), f(12)), /gemm: c must be a Float32Array, got absent/);
  assert.throws(() => addon.gemm(f(8), f(11), f(6)), /gemm: b \(Float32Array of 11 elements\) is too short/);
  // other float32 slots refuse any element size but 4 bytes
  S.set([2, 3, 1, 0]); // softmax: outer n inner log
  addon.softmax(f(6), f(6));
  assert.throws(() => addon.softmax(new Float64Array(6), f(6)), /softmax: x must be a Float32Array, got a typed array of other than 4-byte elements/);
  assert.throws(() => addon.softmax(f(6), new Uint16Array(6)), /softmax: out must be a Float32Array/);
  assert.throws(() => addon.softmax(f(6), f(5)), /softmax: out \(Float32Array of 5 elements\) is too short: the call touches elements \[0, 6\)/);
  // int32 slots (indices) take exactly an Int32Array
  S.set([1, 4, 2, 1]); // outer n m inner
  addon.gather(f(4), new Int32Array(2), f(2));
  assert.throws(() => addon.gather(f(4), new Uint32Array(2), f(2)), /gather: index must be an Int32Array, got Uint32Array/);
  assert.throws(() => addon.gather(f(4), f(2), f(2)), /gather: index must be an Int32Array, got Float32Array/);
  // mixed-dtype slots take their listed types exactly
  S.set([0, 0, 0, 1, 3]); // offsets, rank 1, shape [3]
  S[20] = 1;
  S[68] = 0; // neg
  addon.unary(new Int32Array(3), f(3));
  assert.throws(() => addon.unary(new Float64Array(3), f(3)), /unary: x must be a Float32Array, Uint8Array or Int32Array, got Float64Array/);
  assert.throws(() => addon.unary(new Int32Array(2), f(3)), /unary: x \(Int32Array of 2 elements\) is too short: the call touches elements \[0, 3\)/);
});
