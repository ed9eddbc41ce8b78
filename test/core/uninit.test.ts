import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allocateUninit, setUninitPoison, type DType } from '../../src/core/dtype.js';

const ctor: Record<DType, unknown> = { float32: Float32Array, float64: Float64Array, int32: Int32Array, bool: Uint8Array };

test('allocateUninit returns an array of the dtype and length asked, small and large', () => {
  const prev = setUninitPoison(false);
  try {
    for (const d of ['float32', 'float64', 'int32', 'bool'] as DType[]) {
      for (const n of [0, 1, 7, 16383, 16384, 70_001, 300_000]) {
        const a = allocateUninit(d, n);
        assert.equal(a.constructor, ctor[d], `${d} ${n}`);
        assert.equal(a.length, n);
        assert.equal(a.byteOffset % 8, 0);
        a[n - 1] = 1; // writable to the end
      }
    }
    // two large arrays never share memory
    const x = allocateUninit('float32', 100_000);
    const y = allocateUninit('float32', 100_000);
    x.fill(1);
    y.fill(2);
    assert.equal(x[99_999], 1);
  } finally {
    setUninitPoison(prev);
  }
});

test('poison mode fills every uninitialised array with a value no kernel produces by accident', () => {
  const prev = setUninitPoison(true);
  try {
    assert.ok(Number.isNaN(allocateUninit('float32', 3)[2]));
    assert.ok(Number.isNaN(allocateUninit('float64', 100_000)[99_999]));
    assert.equal(allocateUninit('int32', 5)[4], 0x7badbeef);
    assert.equal(allocateUninit('bool', 5)[0], 0xaa);
  } finally {
    setUninitPoison(prev);
  }
});
