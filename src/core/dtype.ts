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

/**
 * A new zero-filled array. Arrays of up to 1 KB are cut from shared 16 KB chunks instead of
 * each getting an allocation of its own: V8 gives every array above 64 bytes its own backing
 * store (~0.4 us), and moves a smaller one out of its heap the first time it is handed to a
 * native kernel (~0.2 us), so the small results of batch-1 inference (a layer's 256 outputs, a
 * softmax, a scalar) would pay that on every op. A chunk is fresh (zeroed) memory, cut once and
 * never reused; it is freed when the last array cut from it is collected, so a long-lived small
 * tensor keeps at most one 16 KB chunk alive (as Node's 8 KB Buffer pool does). The arrays share
 * an ArrayBuffer: to transfer values, transfer `t.data()` (a copy), not `t.storage.buffer`.
 */
export function allocate(dtype: DType, size: number): TypedArray {
  const a = allocateZeroed(dtype, size);
  if (freshSink !== null) freshSink.add(a);
  return a;
}

function allocateZeroed(dtype: DType, size: number): TypedArray {
  switch (dtype) {
    case 'float32':
      return size > 0 && size <= 256 ? new Float32Array(chunkFor(size * 4), offset, size) : new Float32Array(size);
    case 'float64':
      return size > 0 && size <= 128 ? new Float64Array(chunkFor(size * 8), offset, size) : new Float64Array(size);
    case 'int32':
      return size > 0 && size <= 256 ? new Int32Array(chunkFor(size * 4), offset, size) : new Int32Array(size);
    case 'bool':
      return size > 0 && size <= 1024 ? new Uint8Array(chunkFor(size), offset, size) : new Uint8Array(size);
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
 * on the development machine), so arrays of 64 KiB and more come from the host's uninitialised
 * allocator when it has one (the Node entry installs `Buffer.allocUnsafeSlow`, malloc without the
 * memset, with `setUninitAllocator`); smaller ones and other hosts use the zero-filled constructors.
 *
 * With `NABLA_POISON_UNINIT=1` in the environment (read by the Node entry; the test script sets
 * it) every array from here, whatever its size, is filled with a poison value instead (NaN,
 * 0x7badbeef, 0xaa for bool), so a kernel that forgets to write an element shows up as a wrong
 * result in the tests.
 */
export function allocateUninit(dtype: DType, size: number): TypedArray {
  if (poisonUninit) return poisoned(dtype, size);
  const bytes = size * BYTES_PER_ELEMENT[dtype];
  if (bytes < UNINIT_MIN_BYTES || uninitAllocator === null) return allocate(dtype, size);
  const buf = uninitAllocator(bytes);
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
/** Returns a fresh ArrayBuffer of exactly `bytes` bytes whose contents need not be zero. */
let uninitAllocator: ((bytes: number) => ArrayBuffer) | null = null;
let poisonUninit = false;

/**
 * Installs the host's allocator of uninitialised memory for large kernel outputs (null: use the
 * zero-filled constructors). It must return a fresh, unshared ArrayBuffer of exactly `bytes` bytes.
 */
export function setUninitAllocator(alloc: ((bytes: number) => ArrayBuffer) | null): void {
  uninitAllocator = alloc;
}

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

const CHUNK = 16384;
let chunk = new ArrayBuffer(0);
let used = CHUNK;
/** byte offset of the last cut (set by chunkFor) */
let offset = 0;

/** The chunk to cut `bytes` (<= 1 KB) from, a new one when the current is full; sets `offset`. */
function chunkFor(bytes: number): ArrayBuffer {
  if (used + bytes > CHUNK) {
    chunk = new ArrayBuffer(CHUNK);
    used = 0;
  }
  offset = used;
  used += (bytes + 7) & ~7; // 8-byte aligned cuts
  return chunk;
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
  return resultType([{ dtype: a, ndim: 1 }, x]);
}

/** What `resultType` needs to know of an operand. */
export interface Typed {
  readonly dtype: DType;
  readonly ndim: number;
  /** a plain number turned into a 0-d tensor by an op (PyTorch's wrapped number) */
  readonly _wrappedNumber?: boolean;
}

/** The category of a plain number: an integer within int32 is an int, anything else a float. */
export function numberDType(x: number): DType {
  return Number.isInteger(x) && Math.abs(x) <= 2147483647 ? 'int32' : 'float32';
}

/**
 * The dtype of an op on several operands, by PyTorch's category rules (bool < integer < float).
 * Operands come in three priorities: dimensioned tensors, 0-d tensors, plain numbers (a float
 * number counts as float32, an integer as int32). A lower-priority operand changes the result
 * only when its category is higher: float32 [3] + float64 0-d is float32, int32 [3] + float64
 * 0-d is float64, int32 [3] + 2.5 is float32, bool [3] + 1 is int32.
 */
export function resultType(operands: readonly (Typed | number)[]): DType {
  let dim: DType | undefined;
  let zero: DType | undefined;
  let wrapped: DType | undefined;
  for (const o of operands) {
    if (typeof o === 'number') wrapped = up(wrapped, numberDType(o));
    else if (o._wrappedNumber) wrapped = up(wrapped, isFloat(o.dtype) ? 'float32' : o.dtype);
    else if (o.ndim === 0) zero = up(zero, o.dtype);
    else dim = up(dim, o.dtype);
  }
  return combine(dim, combine(zero, wrapped)) ?? 'float32';
}

function up(a: DType | undefined, b: DType): DType {
  return a === undefined ? b : promote(a, b);
}

function combine(higher: DType | undefined, lower: DType | undefined): DType | undefined {
  if (higher === undefined) return lower;
  if (lower === undefined) return higher;
  if (isFloat(higher)) return higher;
  if (higher === 'bool' || isFloat(lower)) return promote(higher, lower);
  return higher;
}

/** Whether a result of dtype `from` may be written into a tensor of dtype `to` (PyTorch's can_cast: no float to integer, nothing to bool but bool). */
export function canCast(from: DType, to: DType): boolean {
  if (isFloat(from) && !isFloat(to)) return false;
  if (from !== 'bool' && to === 'bool') return false;
  return true;
}
