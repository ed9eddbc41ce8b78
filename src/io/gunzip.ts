/**
 * gzip decompression (RFC 1952) in plain TypeScript: no `node:zlib`, so it runs in browsers too.
 *
 * A gzip file is one or more members, each:
 *   1f 8b 08 FLG MTIME(4) XFL OS        10 bytes; FLG bits: 1 FTEXT, 2 FHCRC, 4 FEXTRA, 8 FNAME,
 *                                        16 FCOMMENT, 32-128 reserved (must be 0)
 *   [XLEN(2) + XLEN bytes]              if FEXTRA
 *   [name, zero-terminated]             if FNAME
 *   [comment, zero-terminated]          if FCOMMENT
 *   [CRC16(2)]                          if FHCRC: the low 16 bits of the CRC-32 of the header
 *   deflate data                        (RFC 1951, see inflate.ts)
 *   CRC32(4) ISIZE(4)                   of the uncompressed data, little-endian; ISIZE mod 2^32
 * Both trailer fields are checked. Members follow each other directly (as `cat a.gz b.gz` makes);
 * any other bytes after the last member are an error, not ignored.
 */
import { crc32 } from './crc32.js';
import { InflateError, Output, inflateRaw, type OutputLimit } from './inflate.js';

export { InflateError } from './inflate.js';
export type { InflateFailure, OutputLimit } from './inflate.js';

/** True if `bytes` starts with the gzip magic bytes 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

const corrupt = (what: string): never => {
  throw new InflateError('corrupt', what);
};
const truncated = (what: string): never => {
  throw new InflateError('truncated', `${what} (the file is truncated)`);
};

const u16 = (b: Uint8Array, i: number): number => b[i]! | (b[i + 1]! << 8);
const u32 = (b: Uint8Array, i: number): number => (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;

/** Parses a member header at `pos`; returns the index of its deflate data. */
function header(b: Uint8Array, pos: number): number {
  if (pos + 10 > b.length) truncated(`the gzip header needs 10 bytes, ${b.length - pos} remain`);
  if (b[pos] !== 0x1f || b[pos + 1] !== 0x8b) corrupt(`not gzip data: the magic bytes are ${hex(b[pos]!)} ${hex(b[pos + 1]!)}, not 1f 8b`);
  if (b[pos + 2] !== 8) corrupt(`compression method ${b[pos + 2]} is not deflate (8)`);
  const flg = b[pos + 3]!;
  if (flg & 0xe0) corrupt(`reserved header flag bits are set (FLG = 0x${hex(flg)})`);
  let p = pos + 10;
  if (flg & 4) {
    if (p + 2 > b.length) truncated('the gzip extra field is cut short');
    p += 2 + u16(b, p);
    if (p > b.length) truncated('the gzip extra field is cut short');
  }
  for (const [bit, field] of [[8, 'file name'], [16, 'comment']] as const) {
    if (flg & bit) {
      const z = b.indexOf(0, p);
      if (z < 0) truncated(`the gzip ${field} has no terminating zero byte`);
      p = z + 1;
    }
  }
  if (flg & 2) {
    if (p + 2 > b.length) truncated('the gzip header CRC is cut short');
    const want = u16(b, p);
    const got = crc32(b, 0, pos, p) & 0xffff;
    if (want !== got) corrupt(`header CRC mismatch (stored ${hex(want, 4)}, computed ${hex(got, 4)})`);
    p += 2;
  }
  return p;
}

const hex = (v: number, width = 2): string => v.toString(16).padStart(width, '0');

export interface GunzipOptions extends OutputLimit {}

/**
 * Decompresses gzip data: every member, each checked against its CRC-32 and size. Throws an
 * InflateError (a FileFormatError; `kind` says corrupt, truncated, limit or trailing) on bad
 * input, and stops as soon as the output would exceed `maxOutput` (or the limit `limitFrom`
 * derives from the first bytes).
 *
 *   const bytes = gunzip(file, { maxOutput: 1 << 30 });
 */
export function gunzip(bytes: Uint8Array, opts: GunzipOptions): Uint8Array {
  const sizeHint = opts.sizeHint ?? (bytes.length >= 18 ? u32(bytes, bytes.length - 4) : undefined);
  const out = new Output({ ...opts, sizeHint }, bytes.length);
  let pos = 0;
  let member = 0;
  do {
    const start = out.len;
    pos = inflateRaw(bytes, header(bytes, pos), out);
    if (pos + 8 > bytes.length) truncated(`the 8-byte gzip trailer (CRC-32 and size) has ${bytes.length - pos} bytes`);
    const want = u32(bytes, pos);
    const got = crc32(out.buf, 0, start, out.len);
    if (want !== got) corrupt(`CRC-32 mismatch${member > 0 ? ` in member ${member + 1}` : ''} (stored ${hex(want, 8)}, computed ${hex(got, 8)}): the data is corrupt`);
    const size = u32(bytes, pos + 4);
    if (size !== (out.len - start) % 2 ** 32) corrupt(`the trailer's size field says ${size} bytes but the data decompresses to ${out.len - start}`);
    pos += 8;
    member++;
    if (pos < bytes.length && !isGzip(bytes.subarray(pos))) {
      throw new InflateError('trailing', `${bytes.length - pos} bytes after the end of the gzip data`);
    }
  } while (pos < bytes.length);
  return out.result();
}
