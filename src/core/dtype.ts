/**
 * Element types. Storage is always a plain typed array owned by JavaScript, so the garbage
 * collector frees tensors and no `dispose()` is ever needed.
 *
 * `bool` is what comparisons return (stored as bytes 0/1); it promotes to any other dtype.
 */
import { DTypeError, NablaError, describe } from './errors.js';
import { noteWrite, own, mayKeepCopy } from './residency.js';

export type DType = 'float32' | 'float64' | 'int32' | 'bool';
export type FloatDType = 'float32' | 'float64';
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

/**
 * The most elements one typed array may have here (V8's limit in Node 20: 2^32). Code that
 * would build a larger result piece by piece checks against it first, so that it fails at
 * once instead of working for hours towards an array it cannot make.
 */
export const MAX_ELEMENTS = 2 ** 32;

/** An array that cannot be allocated (too many elements, or out of memory). */
export class AllocationError extends NablaError {}

/**
 * Runs `fn`, naming `where` (an op or a layer with its arguments) in any allocation error it
 * throws: `Linear(100000, 100000): cannot allocate 10,000,000,000 float32 elements (37.3 GB): ...`.
 */
export function withAllocationContext<T>(where: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof AllocationError && !e.message.startsWith(where)) throw new AllocationError(`${where}: ${e.message}`);
    if (e instanceof RangeError && /allocation failed|typed array length|out of memory/i.test(e.message)) {
      throw new AllocationError(`${where}: cannot allocate the array: ${/allocation failed|out of memory/i.test(e.message) ? 'the system is out of memory' : 'more elements than one typed array can hold'}`);
    }
    throw e;
  }
}

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
  let a: TypedArray;
  try {
    a = allocateZeroed(dtype, size);
  } catch (e) {
    throw allocationError(dtype, size, e);
  }
  own(a);
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
  const bytes = size * BYTES_PER_ELEMENT[dtype];
  if (bytes < UNINIT_MIN_BYTES || uninitAllocator === null) return poisonUninit ? poisoned(dtype, size) : allocate(dtype, size);
  let buf = takeRecycled(bytes);
  const fresh = buf === undefined;
  if (buf === undefined) {
    try {
      buf = uninitAllocator(bytes);
    } catch {
      // beyond what the host allocator holds (Node's Buffer: 4 GB): the typed-array constructors may
      // still succeed, or say why not
      return poisonUninit ? poisoned(dtype, size) : allocate(dtype, size);
    }
    uninitBuffers.add(buf);
  }
  const a = viewOf(dtype, buf, size);
  // (a recycled buffer keeps the standing it had: recycleStorage takes only owned ones)
  if (fresh) own(a);
  if (poisonUninit) a.fill(poisonValue(dtype));
  if (freshSink !== null) freshSink.add(a);
  return a;
}

/**
 * Recycling: the backward pass knows when a gradient array it allocated here is dead (consumed by
 * the op that needed it, held by no tensor it handed out; see autograd.ts), and gives it back with
 * `recycleStorage`; the next `allocateUninit` of exactly that many bytes (the same activation's
 * gradient next step, or a forward output of the same size) reuses it. Fewer fresh arrays means
 * fewer garbage collections and memory still warm in the caches: a CNN step on 64 28x28 images
 * frees ~6 MB of gradients this way. At most 4 arrays per size and 32 MB in all are kept.
 */
const recycled = new Map<number, ArrayBuffer[]>();
let recycledBytes = 0;
const RECYCLE_MAX_BYTES = 32 * 1024 * 1024;
const RECYCLE_MAX_PER_SIZE = 4;
/** the buffers allocateUninit got from the host allocator (only those are ever recycled) */
const uninitBuffers = new WeakSet<ArrayBuffer>();

function takeRecycled(bytes: number): ArrayBuffer | undefined {
  const list = recycled.get(bytes);
  if (list === undefined || list.length === 0) return undefined;
  recycledBytes -= bytes;
  return list.pop();
}

/**
 * Gives a dead array back for reuse. Only the caller can know that nothing holds it any more
 * (the backward pass for the gradients it made); arrays that did not come whole from
 * `allocateUninit`'s host allocator are ignored.
 */
export function recycleStorage(a: TypedArray): void {
  const buf = a.buffer as ArrayBuffer;
  const bytes = buf.byteLength;
  if (a.byteOffset !== 0 || a.byteLength !== bytes || !uninitBuffers.has(buf)) return;
  // never a buffer user code was handed (t.storage): it may still hold it
  if (!mayKeepCopy(a)) return;
  if (recycledBytes + bytes > RECYCLE_MAX_BYTES) return;
  noteWrite(a);
  let list = recycled.get(bytes);
  if (list === undefined) recycled.set(bytes, (list = []));
  if (list.length >= RECYCLE_MAX_PER_SIZE || list.includes(buf)) return;
  list.push(buf);
  recycledBytes += bytes;
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
/**
 * The error for an array that cannot be made: more elements than a typed array holds (V8's
 * limit), or memory that the system refuses. Callers that know the op and shape say so
 * (see `withContext`).
 */
function allocationError(dtype: DType, size: number, cause: unknown): Error {
  if (!(cause instanceof RangeError)) return cause as Error;
  if (!(Number.isSafeInteger(size) && size >= 0)) return new AllocationError(`cannot allocate ${String(size)} ${dtype} elements: a size must be a non-negative integer`);
  const bytes = size * BYTES_PER_ELEMENT[dtype];
  const why = /allocation failed/i.test(cause.message) ? 'the system is out of memory' : 'more elements than one typed array can hold';
  return new AllocationError(`cannot allocate ${Number.isFinite(size) ? size.toLocaleString('en-US') : String(size)} ${dtype} elements (${fmtBytes(bytes)}): ${why}`);
}

function fmtBytes(n: number): string {
  if (!Number.isFinite(n)) return String(n) + ' bytes';
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let u = 0;
  while (n >= 1024 && u < units.length - 1) {
    n /= 1024;
    u++;
  }
  return u === 0 ? `${n} bytes` : `${n.toFixed(1)} ${units[u]}`;
}

/** Turns the poison mode of `allocateUninit` on or off (for tests); returns the previous setting. */
export function setUninitPoison(on: boolean): boolean {
  const prev = poisonUninit;
  poisonUninit = on;
  return prev;
}

/** Whether `allocateUninit` poisons (the WebAssembly backend then copies outputs in as well, so an element its kernel skips keeps the poison). */
export function uninitPoisoned(): boolean {
  return poisonUninit;
}

function poisoned(dtype: DType, size: number): TypedArray {
  const a = allocate(dtype, size);
  a.fill(poisonValue(dtype));
  return a;
}

function poisonValue(dtype: DType): number {
  return dtype === 'int32' ? 0x7badbeef : dtype === 'bool' ? 0xaa : NaN;
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

/** The dtype of a tensor's storage, or a clear error for anything that cannot be one. */
export function storageDType(op: string, a: unknown): DType {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof Int32Array) return 'int32';
  if (a instanceof Uint8Array) return 'bool';
  throw new DTypeError(`${op}: storage must be a Float32Array, Float64Array, Int32Array or Uint8Array (bool), got ${describe(a)}`);
}

/**
 * Checks a dtype given by the user. `to('int64')` says which dtypes exist; `to('cuda')` adds
 * that nabla runs on the CPU only.
 */
export function checkDType(op: string, d: unknown): DType {
  if (isDType(d)) return d;
  const device = typeof d === 'string' && /^(cuda|cpu|mps|gpu|meta|xla)(:\d+)?$/i.test(d) ? ` ('${d}' is a device: nabla runs on the CPU, there is nothing to move)` : '';
  throw new DTypeError(`${op}: unknown dtype ${describe(d)}${device}; nabla's dtypes are 'float32', 'float64', 'int32' and 'bool'`);
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
