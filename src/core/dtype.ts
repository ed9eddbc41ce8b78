/**
 * Element types. Storage is always a plain typed array owned by JavaScript, so the garbage
 * collector frees tensors and no `dispose()` is ever needed.
 *
 * `bool` is what comparisons return (stored as bytes 0/1); it promotes to any other dtype.
 */
export type DType = 'float32' | 'float64' | 'int32' | 'bool';
export type FloatDType = 'float32' | 'float64';
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

export const DTYPES: readonly DType[] = ['float32', 'float64', 'int32', 'bool'];

export function isDType(x: unknown): x is DType {
  return typeof x === 'string' && (DTYPES as readonly string[]).includes(x);
}

export function isFloat(d: DType): d is FloatDType {
  return d === 'float32' || d === 'float64';
}

export function allocate(dtype: DType, size: number): TypedArray {
  const a = allocateZeroed(dtype, size);
  if (freshSink !== null) freshSink.add(a);
  return a;
}

function allocateZeroed(dtype: DType, size: number): TypedArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(size);
    case 'float64':
      return new Float64Array(size);
    case 'int32':
      return new Int32Array(size);
    case 'bool':
      return new Uint8Array(size);
  }
}

let freshSink: Set<TypedArray> | null = null;

/**
 * While a set is installed, every array allocated here is added to it: the backward pass uses
 * this to know which gradient arrays it created itself (and may hand over to `.grad` without a
 * copy). Returns the previous set.
 */
export function trackAllocations(sink: Set<TypedArray> | null): Set<TypedArray> | null {
  const prev = freshSink;
  freshSink = sink;
  return prev;
}

/**
 * Uninitialised allocation for kernel outputs that the kernel overwrites entirely: zero-filling a
 * large array costs as much as the kernel's own pass (a 3.2 MB activation takes ~130 us to clear
 * on the development machine), so arrays of 64 KiB and more come from `Buffer.allocUnsafeSlow`
 * (malloc without the memset) where Node's Buffer exists; smaller ones and other hosts use the
 * zero-filled constructors.
 *
 * With `NABLA_POISON_UNINIT=1` in the environment (the test script sets it) every array from here,
 * whatever its size, is filled with a poison value instead (NaN, 0x7badbeef, 0xaa for bool), so a
 * kernel that forgets to write an element shows up as a wrong result in the tests.
 */
export function allocateUninit(dtype: DType, size: number): TypedArray {
  if (poisonUninit) return poisoned(dtype, size);
  const bytes = size * BYTES_PER_ELEMENT[dtype];
  if (bytes < UNINIT_MIN_BYTES || !hasBuffer) return allocate(dtype, size);
  const buf = Buffer.allocUnsafeSlow(bytes).buffer;
  const a = viewOf(dtype, buf, size);
  if (freshSink !== null) freshSink.add(a);
  return a;
}

function viewOf(dtype: DType, buf: ArrayBuffer, size: number): TypedArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(buf, 0, size);
    case 'float64':
      return new Float64Array(buf, 0, size);
    case 'int32':
      return new Int32Array(buf, 0, size);
    case 'bool':
      return new Uint8Array(buf, 0, size);
  }
}

const UNINIT_MIN_BYTES = 64 * 1024;
const BYTES_PER_ELEMENT: Readonly<Record<DType, number>> = { float32: 4, float64: 8, int32: 4, bool: 1 };
const hasBuffer = typeof Buffer === 'function' && typeof Buffer.allocUnsafeSlow === 'function';
let poisonUninit = typeof process === 'object' && process.env?.['NABLA_POISON_UNINIT'] === '1';

/** Turns the poison mode of `allocateUninit` on or off (for tests); returns the previous setting. */
export function setUninitPoison(on: boolean): boolean {
  const prev = poisonUninit;
  poisonUninit = on;
  return prev;
}

function poisoned(dtype: DType, size: number): TypedArray {
  const a = allocate(dtype, size);
  a.fill(dtype === 'int32' ? 0x7badbeef : dtype === 'bool' ? 0xaa : NaN);
  return a;
}

export function dtypeOfArray(a: TypedArray): DType {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof Int32Array) return 'int32';
  return 'bool';
}

const RANK: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 3 };

/** Type promotion for binary ops between tensors, as PyTorch: bool < int32 < float32 < float64. */
export function promote(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}

/**
 * Promotion of a tensor with a plain JavaScript number (PyTorch's "scalars do not up-cast"
 * rule): a float32 tensor stays float32; an integer tensor becomes float32 only if the number
 * is not an integer.
 */
export function promoteWithScalar(a: DType, x: number): DType {
  if (isFloat(a)) return a;
  if (Number.isInteger(x)) return a === 'bool' ? 'int32' : a;
  return 'float32';
}
