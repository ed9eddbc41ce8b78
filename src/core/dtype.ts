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
  if (isFloat(a)) return a;
  if (Number.isInteger(x)) return a === 'bool' ? 'int32' : a;
  return 'float32';
}
