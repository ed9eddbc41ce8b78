/**
 * DEFLATE decoding (RFC 1951) in plain TypeScript, for gzip files in any JavaScript runtime.
 *
 * A stream is a sequence of blocks, each starting with BFINAL (1 bit) and BTYPE (2 bits):
 *   00  stored: skip to a byte boundary, LEN and NLEN (16 bits each, NLEN = ~LEN), LEN raw bytes
 *   01  compressed with the fixed Huffman codes of section 3.2.6
 *   10  compressed with dynamic codes: HLIT, HDIST, HCLEN, the code-length code, then the
 *       literal/length and distance code lengths run-length coded with symbols 16, 17, 18
 *   11  reserved (an error)
 * Compressed data are literal bytes (0-255), end of block (256), and <length, distance> pairs
 * (257-285 with extra bits for 3-258, distance codes 0-29 with extra bits for 1-32768) copying
 * earlier output. Bits are read least significant first; Huffman codes are packed starting with
 * their most significant bit, so a table indexed by the next input bits holds reversed codes.
 *
 * Nothing in the input is trusted: over-subscribed or incomplete codes (zlib's rule: a code may
 * be incomplete only if it is a single code of one bit), a repeat with nothing to repeat, code
 * lengths past HLIT + HDIST, a missing end-of-block code, invalid symbols, distances reaching
 * before the start of the output, and truncation are all errors (InflateError, a FileFormatError).
 * The output never grows past the caller's limit: the decoder stops the moment the next byte
 * would exceed it, so a small "gzip bomb" cannot allocate gigabytes.
 *
 * Decoding uses a 2^10-entry lookup table per code for codes of up to 10 bits and a canonical
 * bit-by-bit walk (RFC 1951 section 3.2.2) for the rare longer ones.
 */
import { FileFormatError } from '../core/errors.js';

/** Why decoding stopped: corrupt data, data ending early, the output limit, or bytes after the end. */
export type InflateFailure = 'corrupt' | 'truncated' | 'limit' | 'trailing';

/** A decoding failure. `detail` says what is wrong, without a file name (callers add theirs). */
export class InflateError extends FileFormatError {
  constructor(
    readonly kind: InflateFailure,
    readonly detail: string,
  ) {
    super(`gzip: ${detail}`);
  }
}

export interface OutputLimit {
  /** the most bytes the output may hold; one byte more is an InflateError of kind 'limit' */
  maxOutput: number;
  /**
   * Consulted with the output so far each time it grows, until it returns a number: a tighter
   * limit learned from the first bytes (e.g. the size a file header declares). It may throw to
   * reject the data as soon as its header is seen.
   */
  limitFrom?: (head: Uint8Array) => number | undefined;
  /** the expected output size if known (e.g. gzip's ISIZE field), used for the first allocation */
  sizeHint?: number;
}

/**
 * The largest output DEFLATE can produce per input byte: a length-258 match coded in one bit for
 * the length and one for the distance gives 258 bytes per 2 bits.
 */
const MAX_RATIO = 1032;

/** A growable output buffer that never grows past its limit. */
export class Output {
  buf: Uint8Array;
  len = 0;
  /** bytes writable without calling `reserve`: min(buf.length, limit) */
  cap: number;
  limit: number;
  private limitFrom: ((head: Uint8Array) => number | undefined) | undefined;
  /** no more than this can ever be needed for the given input size (see MAX_RATIO) */
  private readonly ceiling: number;
  /** a size that may be allocated at once when the limit is known (larger ones grow by doubling) */
  private readonly eager: number;

  constructor(opts: OutputLimit, inputBytes: number) {
    this.limit = opts.maxOutput;
    this.limitFrom = opts.limitFrom;
    this.ceiling = MAX_RATIO * inputBytes + 1024;
    this.eager = Math.max(1 << 20, 64 * inputBytes);
    const hint = opts.sizeHint !== undefined && opts.sizeHint > 0 ? Math.min(opts.sizeHint, this.eager) : 1 << 16;
    // while a limit is pending, start small: the limit usually comes from the first few bytes
    const first = this.limitFrom !== undefined ? 256 : hint;
    this.buf = this.alloc(Math.min(first, this.limit, this.ceiling));
    this.cap = Math.min(this.buf.length, this.limit);
  }

  private alloc(n: number): Uint8Array {
    try {
      return new Uint8Array(n);
    } catch {
      throw new InflateError('limit', `cannot allocate ${n} bytes for the decompressed data`);
    }
  }

  /** Makes room for `n` more bytes, or throws InflateError('limit') if that would pass the limit. */
  reserve(n: number): void {
    const need = this.len + n;
    if (this.limitFrom !== undefined) {
      const l = this.limitFrom(this.buf.subarray(0, this.len));
      if (l !== undefined) {
        this.limitFrom = undefined;
        if (l < this.limit) this.limit = l;
      }
    }
    if (need > this.limit) {
      throw new InflateError('limit', `the data decompresses to more than ${this.limit} bytes`);
    }
    if (need > this.buf.length) {
      let size: number;
      if (this.limitFrom !== undefined) size = Math.max(need, 2 * this.buf.length);
      else if (this.limit <= this.eager) size = this.limit;
      else size = Math.max(need, 2 * this.buf.length, 1 << 16);
      size = Math.min(size, this.limit, Math.max(need, this.ceiling));
      const next = this.alloc(size);
      next.set(this.buf.subarray(0, this.len));
      this.buf = next;
    }
    this.cap = Math.min(this.buf.length, this.limit);
  }

  /** The bytes written (a view when the buffer is nearly full, else a trimmed copy). */
  result(): Uint8Array {
    const waste = this.buf.length - this.len;
    return waste === 0 ? this.buf : waste <= this.len >>> 3 ? this.buf.subarray(0, this.len) : this.buf.slice(0, this.len);
  }
}

// ------------------------------------------------------------------------------ Huffman codes

const FAST_BITS = 10;
const FAST_MASK = (1 << FAST_BITS) - 1;
const MAX_BITS = 15;

/** A canonical Huffman code: a fast table for short codes, counts and sorted symbols for all. */
class Huffman {
  /** indexed by the next FAST_BITS input bits: (symbol << 4) | length, or 0 (longer or no code) */
  readonly fast = new Int32Array(1 << FAST_BITS);
  /** number of codes of each length 0..15 */
  readonly count = new Uint16Array(MAX_BITS + 1);
  /** symbols ordered by code (by length, then by symbol value) */
  readonly symbol: Uint16Array;
  private readonly offs = new Uint16Array(MAX_BITS + 2);
  private readonly next = new Uint16Array(MAX_BITS + 2);

  constructor(maxSymbols: number) {
    this.symbol = new Uint16Array(maxSymbols);
  }

  /**
   * Builds the code from code lengths `lens[at, at + n)`. Returns null, or what is wrong:
   * over-subscribed, or incomplete (allowed only for a single one-bit code when `allowSingle`,
   * and for a code with no symbols at all when `allowEmpty`; using a missing code is then an error).
   */
  build(lens: Uint8Array, at: number, n: number, allowSingle: boolean, allowEmpty: boolean): string | null {
    const { count, offs, next, symbol, fast } = this;
    count.fill(0);
    for (let s = 0; s < n; s++) count[lens[at + s]!]!++;
    count[0] = 0;
    let left = 1;
    let maxLen = 0;
    for (let len = 1; len <= MAX_BITS; len++) {
      left = (left << 1) - count[len]!;
      if (left < 0) return 'over-subscribed';
      if (count[len]! > 0) maxLen = len;
    }
    if (left > 0) {
      if (maxLen === 0 ? !allowEmpty : !(allowSingle && maxLen === 1)) return 'incomplete';
    }
    offs[1] = 0;
    for (let len = 1; len <= MAX_BITS; len++) offs[len + 1] = offs[len]! + count[len]!;
    // first canonical code of each length
    let code = 0;
    for (let len = 1; len <= MAX_BITS; len++) {
      code = (code + count[len - 1]!) << 1;
      next[len] = code;
    }
    fast.fill(0);
    for (let s = 0; s < n; s++) {
      const len = lens[at + s]!;
      if (len === 0) continue;
      symbol[offs[len]!++] = s;
      const c = next[len]!++;
      if (len > FAST_BITS) continue;
      let rev = 0;
      for (let k = 0; k < len; k++) rev |= ((c >>> k) & 1) << (len - 1 - k);
      const entry = (s << 4) | len;
      for (let j = rev; j <= FAST_MASK; j += 1 << len) fast[j] = entry;
    }
    return null;
  }

  /** Decodes a code longer than FAST_BITS (or a missing one) from `bits`: (symbol << 4) | length, or -1. */
  slow(bits: number): number {
    const { count, symbol } = this;
    let code = 0;
    let first = 0;
    let index = 0;
    for (let len = 1; len <= MAX_BITS; len++) {
      code |= bits & 1;
      bits >>= 1;
      const c = count[len]!;
      if (code < first + c) return (symbol[index + code - first]! << 4) | len;
      index += c;
      first = (first + c) << 1;
      code <<= 1;
    }
    return -1;
  }
}

// Lengths 3..258 for symbols 257..285, distances 1..32768 for codes 0..29 (RFC 1951, 3.2.5),
// derived from the rule: extra bits grow by one every four length codes / every two distance codes.
const LBASE = new Uint16Array(29);
const LEXTRA = new Uint8Array(29);
const DBASE = new Uint16Array(30);
const DEXTRA = new Uint8Array(30);
{
  let b = 3;
  for (let i = 0; i < 28; i++) {
    LEXTRA[i] = i < 8 ? 0 : (i >> 2) - 1;
    LBASE[i] = b;
    b += 1 << LEXTRA[i]!;
  }
  LBASE[28] = 258; // symbol 285: 258 with no extra bits (not 259 + 5 bits)
  b = 1;
  for (let i = 0; i < 30; i++) {
    DEXTRA[i] = i < 4 ? 0 : (i >> 1) - 1;
    DBASE[i] = b;
    b += 1 << DEXTRA[i]!;
  }
}

/** Order in which the code-length code lengths are stored (RFC 1951, 3.2.7). */
const CL_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

let fixedCodes: [Huffman, Huffman] | null = null;
function fixed(): [Huffman, Huffman] {
  if (fixedCodes === null) {
    const lens = new Uint8Array(288 + 32);
    lens.fill(8, 0, 144).fill(9, 144, 256).fill(7, 256, 280).fill(8, 280, 288).fill(5, 288, 320);
    const lit = new Huffman(288);
    const dist = new Huffman(32);
    lit.build(lens, 0, 288, false, false);
    dist.build(lens, 288, 32, false, false);
    fixedCodes = [lit, dist];
  }
  return fixedCodes;
}

// ------------------------------------------------------------------------------------ decoder

/**
 * Decodes the raw DEFLATE stream starting at `src[start]`, appending its output to `out`.
 * Returns the index just past the stream's last byte. Distances may reach back only to the
 * output's length when the call began (each stream is its own window).
 */
export function inflateRaw(src: Uint8Array, start: number, out: Output): number {
  return new Inflater(src, start, out).run();
}

class Inflater {
  private ip: number;
  private bitbuf = 0;
  private bitcnt = 0;
  private readonly end: number;
  private readonly base: number;
  private readonly lens = new Uint8Array(286 + 30);
  private lit: Huffman | null = null;
  private dist: Huffman | null = null;
  private cl: Huffman | null = null;

  constructor(
    private readonly src: Uint8Array,
    start: number,
    private readonly out: Output,
  ) {
    this.ip = start;
    this.end = src.length;
    this.base = out.len;
  }

  run(): number {
    let final = 0;
    do {
      final = this.bits(1);
      const type = this.bits(2);
      if (type === 0) this.stored();
      else if (type === 1) {
        const [lit, dist] = fixed();
        this.codes(lit, dist);
      } else if (type === 2) {
        this.dynamic();
        this.codes(this.lit!, this.dist!);
      } else this.corrupt('invalid block type 3 (reserved)');
    } while (final === 0);
    if (this.ip * 8 - this.bitcnt > this.end * 8) this.truncated();
    return this.ip - (this.bitcnt >>> 3);
  }

  private truncated(): never {
    throw new InflateError('truncated', 'unexpected end of the compressed data (the file is truncated)');
  }

  /** A corrupt-data error, unless the decoder has already read past the end (then: truncated). */
  private corrupt(what: string, ip = this.ip, bitcnt = this.bitcnt): never {
    if (ip * 8 - bitcnt > this.end * 8) this.truncated();
    throw new InflateError('corrupt', `invalid deflate data: ${what}`);
  }

  /** Ensures `n` (<= 24) bits are buffered. Past the end of the input, zero bytes are supplied
   *  until the bits actually consumed pass the end: then the input was truncated. */
  private need(n: number): void {
    while (this.bitcnt < n) {
      if (this.ip < this.end) this.bitbuf |= this.src[this.ip]! << this.bitcnt;
      else if (this.ip > this.end + 3) this.truncated();
      this.ip++;
      this.bitcnt += 8;
    }
  }

  private bits(n: number): number {
    this.need(n);
    const v = this.bitbuf & ((1 << n) - 1);
    this.bitbuf >>= n;
    this.bitcnt -= n;
    return v;
  }

  private decode(h: Huffman): number {
    this.need(MAX_BITS);
    let e = h.fast[this.bitbuf & FAST_MASK]!;
    if (e === 0) e = h.slow(this.bitbuf);
    if (e < 0) this.corrupt('invalid code in the code-length code');
    const len = e & 15;
    this.bitbuf >>= len;
    this.bitcnt -= len;
    return e >>> 4;
  }

  private stored(): void {
    // drop the rest of the current byte, then give back whole bytes still in the bit buffer
    this.bitcnt -= this.bitcnt & 7;
    this.ip -= this.bitcnt >>> 3;
    this.bitbuf = 0;
    this.bitcnt = 0;
    const { src, end } = this;
    let ip = this.ip;
    if (ip + 4 > end) this.truncated();
    const len = src[ip]! | (src[ip + 1]! << 8);
    const nlen = src[ip + 2]! | (src[ip + 3]! << 8);
    if (len !== (~nlen & 0xffff)) this.corrupt(`stored block length ${len} does not match its complement ${nlen}`);
    ip += 4;
    if (ip + len > end) {
      this.ip = ip;
      this.truncated();
    }
    const out = this.out;
    if (out.len + len > out.cap) out.reserve(len);
    out.buf.set(src.subarray(ip, ip + len), out.len);
    out.len += len;
    this.ip = ip + len;
  }

  private dynamic(): void {
    const nlen = this.bits(5) + 257;
    const ndist = this.bits(5) + 1;
    const ncode = this.bits(4) + 4;
    if (nlen > 286) this.corrupt(`${nlen} literal/length codes (at most 286)`);
    if (ndist > 30) this.corrupt(`${ndist} distance codes (at most 30)`);
    const lens = this.lens;
    const clLens = new Uint8Array(19);
    for (let i = 0; i < ncode; i++) clLens[CL_ORDER[i]!] = this.bits(3);
    const cl = (this.cl ??= new Huffman(19));
    const clErr = cl.build(clLens, 0, 19, false, false);
    if (clErr !== null) this.corrupt(`${clErr} code-length code`);
    const n = nlen + ndist;
    let i = 0;
    while (i < n) {
      const sym = this.decode(cl);
      if (sym < 16) {
        lens[i++] = sym;
        continue;
      }
      let value = 0;
      let rep: number;
      if (sym === 16) {
        if (i === 0) this.corrupt('code length repeat (16) with no previous length');
        value = lens[i - 1]!;
        rep = 3 + this.bits(2);
      } else if (sym === 17) rep = 3 + this.bits(3);
      else rep = 11 + this.bits(7);
      if (i + rep > n) this.corrupt(`code length repeat runs past the ${n} lengths declared`);
      lens.fill(value, i, i + rep);
      i += rep;
    }
    if (lens[256] === 0) this.corrupt('no code for end-of-block (symbol 256)');
    const lit = (this.lit ??= new Huffman(286));
    const dist = (this.dist ??= new Huffman(30));
    const litErr = lit.build(lens, 0, nlen, true, false);
    if (litErr !== null) this.corrupt(`${litErr} literal/length code`);
    const distErr = dist.build(lens, nlen, ndist, true, true);
    if (distErr !== null) this.corrupt(`${distErr} distance code`);
  }

  /**
   * Decodes literals and matches until end of block: the hot loop, on local copies of the state.
   * The bit buffer is refilled only up to 27 bits, so it stays a small non-negative integer and
   * `>>` equals `>>>` on it: V8 then keeps it in an integer register (with `>>>`, whose result
   * may exceed 2^31, it does not, and the loop runs about a third slower).
   */
  private codes(lit: Huffman, dist: Huffman): void {
    const { src, end, out, base } = this;
    const lfast = lit.fast;
    const dfast = dist.fast;
    let ip = this.ip;
    let bitbuf = this.bitbuf;
    let bitcnt = this.bitcnt;
    let buf = out.buf;
    let op = out.len;
    let cap = out.cap;
    for (;;) {
      // 20 bits: the longest literal/length code (15) and its extra bits (5)
      while (bitcnt < 20) {
        if (ip < end) bitbuf |= src[ip]! << bitcnt;
        else if (ip > end + 3) this.truncated();
        ip++;
        bitcnt += 8;
      }
      let e = lfast[bitbuf & FAST_MASK]!;
      if (e === 0) {
        e = lit.slow(bitbuf);
        if (e < 0) this.corrupt('invalid literal/length code', ip, bitcnt);
      }
      let n = e & 15;
      bitbuf >>= n;
      bitcnt -= n;
      let sym = e >> 4;
      if (sym < 256) {
        if (op >= cap) {
          out.len = op;
          out.reserve(1);
          buf = out.buf;
          cap = out.cap;
        }
        buf[op++] = sym;
        continue;
      }
      if (sym === 256) break;
      sym -= 257;
      if (sym >= 29) this.corrupt(`invalid length symbol ${sym + 257}`, ip, bitcnt);
      let len = LBASE[sym]!;
      n = LEXTRA[sym]!;
      if (n > 0) {
        len += bitbuf & ((1 << n) - 1);
        bitbuf >>= n;
        bitcnt -= n;
      }
      while (bitcnt < MAX_BITS) {
        if (ip < end) bitbuf |= src[ip]! << bitcnt;
        else if (ip > end + 3) this.truncated();
        ip++;
        bitcnt += 8;
      }
      e = dfast[bitbuf & FAST_MASK]!;
      if (e === 0) {
        e = dist.slow(bitbuf);
        if (e < 0) this.corrupt('invalid distance code', ip, bitcnt);
      }
      n = e & 15;
      bitbuf >>= n;
      bitcnt -= n;
      sym = e >> 4;
      if (sym >= 30) this.corrupt(`invalid distance symbol ${sym}`, ip, bitcnt);
      let d = DBASE[sym]!;
      n = DEXTRA[sym]!;
      if (n > 0) {
        while (bitcnt < n) {
          if (ip < end) bitbuf |= src[ip]! << bitcnt;
          else if (ip > end + 3) this.truncated();
          ip++;
          bitcnt += 8;
        }
        d += bitbuf & ((1 << n) - 1);
        bitbuf >>= n;
        bitcnt -= n;
      }
      if (d > op - base) this.corrupt(`distance ${d} reaches before the start of the data (${op - base} bytes written)`, ip, bitcnt);
      if (op + len > cap) {
        out.len = op;
        out.reserve(len);
        buf = out.buf;
        cap = out.cap;
      }
      let from = op - d;
      if (d === 1 && len > 8) {
        buf.fill(buf[from]!, op, op + len);
        op += len;
      } else if (d >= len && len > 32) {
        buf.copyWithin(op, from, from + len);
        op += len;
      } else {
        const stop = op + len;
        while (op < stop) buf[op++] = buf[from++]!;
      }
    }
    this.ip = ip;
    this.bitbuf = bitbuf;
    this.bitcnt = bitcnt;
    out.len = op;
  }
}
