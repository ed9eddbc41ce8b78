/**
 * A minimal protocol-buffers wire-format writer: just what encoding an ONNX model needs, so that
 * export has no protobuf dependency.
 *
 * Every field is a key (field_number << 3 | wire_type) followed by its payload:
 *   wire type 0 (varint):            int32/int64/enum/bool, 7 bits per byte, low group first,
 *                                    high bit set on every byte but the last; negative int64
 *                                    values are their 64-bit two's complement (10 bytes)
 *   wire type 2 (length-delimited):  a varint byte count, then the bytes (strings, bytes, nested
 *                                    messages, packed repeated scalars)
 *   wire type 5 (32-bit):            float, little-endian
 * Repeated scalars are written packed (one length-delimited field holding the values back to
 * back); proto2 parsers accept both packed and unpacked encodings.
 */

const VARINT = 0;
const LEN = 2;

/** Little-endian host (every platform Node runs on today); checked once for raw tensor bytes. */
export const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

const utf8 = new TextEncoder();

/** Builds one message: append fields, then `finish()` for the bytes. */
export class ProtoWriter {
  private readonly chunks: Uint8Array[] = [];
  private pending: number[] = [];
  private size = 0;

  /** Total length in bytes so far. */
  get length(): number {
    return this.size + this.pending.length;
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    this.chunks.push(Uint8Array.from(this.pending));
    this.size += this.pending.length;
    this.pending = [];
  }

  private byte(b: number): void {
    this.pending.push(b);
  }

  private raw(bytes: Uint8Array): void {
    this.flush();
    this.chunks.push(bytes);
    this.size += bytes.length;
  }

  /** An unsigned varint; numbers beyond 2^53 or negative go through BigInt (int64 two's complement). */
  varint(v: number | bigint): void {
    if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) {
      let x = v;
      while (x >= 0x80) {
        this.byte((x % 0x80) | 0x80);
        x = Math.floor(x / 0x80);
      }
      this.byte(x);
      return;
    }
    let x = BigInt.asUintN(64, BigInt(v));
    while (x >= 0x80n) {
      this.byte(Number(x & 0x7fn) | 0x80);
      x >>= 7n;
    }
    this.byte(Number(x));
  }

  private key(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  /** int32, int64 or enum field (wire type 0). */
  int(field: number, v: number | bigint): void {
    this.key(field, VARINT);
    this.varint(v);
  }

  /** float field (wire type 5). */
  float(field: number, v: number): void {
    this.key(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    this.raw(b);
  }

  /** bytes field (wire type 2). */
  bytes(field: number, b: Uint8Array): void {
    this.key(field, LEN);
    this.varint(b.length);
    this.raw(b);
  }

  /** string field, UTF-8 (wire type 2). */
  string(field: number, s: string): void {
    this.bytes(field, utf8.encode(s));
  }

  /** A nested message (wire type 2). */
  message(field: number, m: ProtoWriter): void {
    this.bytes(field, m.finish());
  }

  /** Packed repeated int64/int32 (wire type 2). */
  packedInts(field: number, vs: readonly (number | bigint)[]): void {
    const inner = new ProtoWriter();
    for (const v of vs) inner.varint(v);
    this.bytes(field, inner.finish());
  }

  /** Packed repeated float (wire type 2, 4 bytes each, little-endian). */
  packedFloats(field: number, vs: readonly number[]): void {
    const b = new Uint8Array(4 * vs.length);
    const dv = new DataView(b.buffer);
    vs.forEach((v, i) => dv.setFloat32(4 * i, v, true));
    this.bytes(field, b);
  }

  /** The encoded message. */
  finish(): Uint8Array {
    this.flush();
    if (this.chunks.length === 1) return this.chunks[0]!;
    const out = new Uint8Array(this.size);
    let off = 0;
    for (const c of this.chunks) {
      out.set(c, off);
      off += c.length;
    }
    return out;
  }
}
