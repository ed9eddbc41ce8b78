/**
 * Byte-level helpers shared by the file readers and writers: host endianness, byte swapping,
 * half-precision decoding. Files store little-endian (safetensors) or big-endian (IDX) values;
 * typed arrays use the host's order, so a reader copies the bytes into a fresh, aligned buffer,
 * swaps them if the orders differ, and views that buffer.
 */

/** True on little-endian hosts (every platform Node ships for, except s390x). */
export const HOST_LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Reverses the byte order of each `itemsize`-byte element of `bytes`, in place. */
export function swapBytes(bytes: Uint8Array, itemsize: number): void {
  if (itemsize === 1) return;
  for (let i = 0; i + itemsize <= bytes.length; i += itemsize) {
    for (let a = i, b = i + itemsize - 1; a < b; a++, b--) {
      const t = bytes[a]!;
      bytes[a] = bytes[b]!;
      bytes[b] = t;
    }
  }
}

/**
 * A copy of `bytes[begin, end)` in a fresh ArrayBuffer (so typed-array views are aligned), with the
 * elements converted from the file's byte order to the host's.
 */
export function alignedCopy(bytes: Uint8Array, begin: number, end: number, itemsize: number, fileLE: boolean): ArrayBuffer {
  // not bytes.slice(): on a Node Buffer that is a view into a shared pool, not a copy
  const out = new Uint8Array(end - begin);
  out.set(bytes.subarray(begin, end));
  if (fileLE !== HOST_LE) swapBytes(out, itemsize);
  return out.buffer;
}

/** The little-endian bytes of a typed array's elements (a copy; the input is not modified). */
export function toLEBytes(a: ArrayBufferView & { length: number; BYTES_PER_ELEMENT: number }): Uint8Array {
  const out = new Uint8Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength));
  if (!HOST_LE) swapBytes(out, a.BYTES_PER_ELEMENT);
  return out;
}

/** IEEE 754 half precision (1 sign, 5 exponent, 10 mantissa bits) to a number. */
export function f16ToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24; // subnormal (and zero)
  if (exp === 0x1f) return frac === 0 ? sign * Infinity : NaN;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** Half precision (uint16 bit patterns) to float32. */
export function f16ToF32(src: Uint16Array): Float32Array {
  const out = new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = f16ToNumber(src[i]!);
  return out;
}

/** bfloat16 (the top 16 bits of a float32) to float32: exact. */
export function bf16ToF32(src: Uint16Array): Float32Array {
  const bits = new Uint32Array(src.length);
  for (let i = 0; i < src.length; i++) bits[i] = src[i]! << 16;
  return new Float32Array(bits.buffer);
}
