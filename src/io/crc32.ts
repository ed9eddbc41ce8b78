/**
 * CRC-32 as gzip (RFC 1952, section 8) and zip use it: the reflected polynomial 0xEDB88320,
 * initial value and final XOR 0xFFFFFFFF. Check value: crc32(ASCII "123456789") = 0xCBF43926.
 *
 * Computed eight bytes at a time ("slicing by 8"): table k maps a byte to the CRC contribution of
 * that byte followed by k zero bytes, so eight lookups replace eight dependent steps.
 */

const TABLES = (() => {
  const t = new Int32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    let c = t[n]!;
    for (let k = 1; k < 8; k++) {
      c = t[c & 0xff]! ^ (c >>> 8);
      t[k * 256 + n] = c;
    }
  }
  return t;
})();

/**
 * The CRC-32 of `bytes[begin, end)`, continuing from `crc` (the CRC of the bytes before, 0 to
 * start). Returns an unsigned 32-bit value.
 */
export function crc32(bytes: Uint8Array, crc = 0, begin = 0, end = bytes.length): number {
  const t = TABLES;
  let c = ~crc;
  let i = begin;
  for (const stop = end - 8; i <= stop; i += 8) {
    c ^= bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    c =
      t[1792 + (c & 0xff)]! ^
      t[1536 + ((c >>> 8) & 0xff)]! ^
      t[1280 + ((c >>> 16) & 0xff)]! ^
      t[1024 + (c >>> 24)]! ^
      t[768 + bytes[i + 4]!]! ^
      t[512 + bytes[i + 5]!]! ^
      t[256 + bytes[i + 6]!]! ^
      t[bytes[i + 7]!]!;
  }
  for (; i < end; i++) c = t[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}
