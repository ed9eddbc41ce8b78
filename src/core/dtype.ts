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
 * A new zero-filled array. Arrays of 65 bytes to 2 KB are cut from shared 32 KB chunks: V8 keeps
 * arrays up to 64 bytes inside its heap (cheap), but gives every larger one its own backing store
 * (~0.4 us each, plus garbage-collector bookkeeping), and the small results of batch-1 inference
 * (a layer's 256 outputs, ...) would pay that on every op. A chunk is fresh (zeroed) memory, cut
 * once and never reused; it is freed when the last array cut from it is collected, so at most one
 * 32 KB chunk stays alive per long-lived small tensor. (The arrays share an ArrayBuffer: transfer
 * `t.data()`, a copy, rather than `t.storage.buffer`.)
 */
export function allocate(dtype: DType, size: number): TypedArray {
  switch (dtype) {
    case 'float32':
      return size > 16 && size <= 512 ? new Float32Array(chunkFor(size * 4), offset, size) : new Float32Array(size);
    case 'float64':
      return size > 8 && size <= 256 ? new Float64Array(chunkFor(size * 8), offset, size) : new Float64Array(size);
    case 'int32':
      return size > 16 && size <= 512 ? new Int32Array(chunkFor(size * 4), offset, size) : new Int32Array(size);
    case 'bool':
      return size > 64 && size <= 2048 ? new Uint8Array(chunkFor(size), offset, size) : new Uint8Array(size);
  }
}

const CHUNK = 32768;
let chunk = new ArrayBuffer(0);
let used = CHUNK;
/** byte offset of the last cut (set by chunkFor) */
let offset = 0;

/** The chunk to cut `bytes` from (a new one when the current is full); sets `offset`. */
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
  if (isFloat(a)) return a;
  if (Number.isInteger(x)) return a === 'bool' ? 'int32' : a;
  return 'float32';
}
