/**
 * The safetensors format (https://github.com/huggingface/safetensors), read and written exactly:
 *
 *   [8 bytes]  N, the header length, unsigned 64-bit little-endian
 *   [N bytes]  a UTF-8 JSON object:
 *              { "__metadata__": { str: str },                      (optional)
 *                "<name>": { "dtype": "F32", "shape": [3, 4], "data_offsets": [begin, end] }, ... }
 *   [rest]     the data section: each tensor's elements, row-major, little-endian, at
 *              [begin, end) relative to the first byte after the header
 *
 * Writing follows the official library byte for byte: tensors sorted by dtype (larger alignment
 * first: F64, I64, F32, I32, ..., BOOL), then by name (bytewise UTF-8); compact JSON with
 * `__metadata__` first and tensors in data order; the header padded with spaces to a multiple of 8;
 * data contiguous in that order.
 *
 * Reading never trusts the file. It checks: the header length (<= 100 MB and within the file),
 * UTF-8, a JSON object of the format's schema (read by safetensors-header.ts: no nesting beyond
 * the schema, no duplicate keys, cost linear in the header length), string metadata, known
 * dtypes, shapes of non-negative integers, byte length = prod(shape) * itemsize (computed
 * exactly, so huge shapes cannot overflow), offsets inside the data section, and that the
 * tensors cover the data section exactly: no overlap, no gap, no trailing bytes, no truncation.
 * Every failure is a FileFormatError naming the file, the tensor and what is wrong; nothing is
 * allocated before the header has been validated against the real file size.
 *
 * This module works on bytes and runs in any JavaScript environment; reading and writing files
 * by path (`save`, `load`, `loadSafetensors`) is in safetensors-file.ts (Node only).
 *
 * dtypes: F32, F64, I32 and BOOL map to nabla's dtypes both ways. Other dtypes are read and
 * converted: F16 and BF16 to float32 (exact); I8, U8, I16, U16 to int32 (exact); I64, U32 and
 * U64 to int32 when every value fits (a FileFormatError names the tensor and the first value
 * that does not). The 8-bit and smaller float formats (F8_*, F6_*, F4) are rejected.
 */
import { Tensor } from '../core/tensor.js';
import type { DType, TypedArray } from '../core/dtype.js';
import { FileFormatError, NablaError, fmtShape } from '../core/errors.js';
import { alignedCopy, bf16ToF32, f16ToF32, toLEBytes } from './bytes.js';
import { MAX_DIMS, parseHeader, quoteName, type HeaderEntry } from './safetensors-header.js';

/** Tensors by name, as `Module.stateDict()` returns them. */
export type StateDict = Record<string, Tensor>;

/** Anything `save` accepts: a state dict, a Map of tensors, or a module (its `stateDict()`). */
export type Saveable = StateDict | ReadonlyMap<string, Tensor> | { stateDict(): StateDict };

export interface SaveOptions {
  /** free-form string metadata stored under `__metadata__` (e.g. `{ format: 'pt' }`) */
  metadata?: Record<string, string>;
}

/** A parsed file: its tensors and its `__metadata__` (empty if the file has none). */
export interface SafetensorsContents {
  tensors: StateDict;
  metadata: Record<string, string>;
}

/** The official reader's bound on the header length. */
export const MAX_HEADER_BYTES = 100_000_000;

interface DTypeInfo {
  itemsize: number;
  /** the nabla dtype written as this safetensors dtype, if any */
  native?: DType;
  /** position in the official crate's `Dtype` enum; tensors are written in descending order */
  rank: number;
}

// The official crate's enum order (BOOL < U8 < I8 < F8_E5M2 < F8_E4M3 < I16 < U16 < F16 < BF16
// < I32 < U32 < F32 < F64 < I64 < U64) decides the write order.
const DTYPES: Record<string, DTypeInfo> = {
  BOOL: { itemsize: 1, native: 'bool', rank: 0 },
  U8: { itemsize: 1, rank: 1 },
  I8: { itemsize: 1, rank: 2 },
  I16: { itemsize: 2, rank: 5 },
  U16: { itemsize: 2, rank: 6 },
  F16: { itemsize: 2, rank: 7 },
  BF16: { itemsize: 2, rank: 8 },
  I32: { itemsize: 4, native: 'int32', rank: 9 },
  U32: { itemsize: 4, rank: 10 },
  F32: { itemsize: 4, native: 'float32', rank: 11 },
  F64: { itemsize: 8, native: 'float64', rank: 12 },
  I64: { itemsize: 8, rank: 13 },
  U64: { itemsize: 8, rank: 14 },
};
const UNSUPPORTED = new Set(['F8_E5M2', 'F8_E4M3', 'F8_E8M0', 'F6_E2M3', 'F6_E3M2', 'F4', 'C64', 'C128']);
const TO_SAFETENSORS: Record<DType, string> = { float32: 'F32', float64: 'F64', int32: 'I32', bool: 'BOOL' };

// ------------------------------------------------------------------------------------ writing

function entriesOf(op: string, sd: Saveable): [string, Tensor][] {
  const raw: [string, unknown][] =
    sd instanceof Map
      ? [...(sd as ReadonlyMap<string, unknown>).entries()]
      : typeof (sd as { stateDict?: unknown }).stateDict === 'function'
        ? Object.entries((sd as { stateDict(): StateDict }).stateDict())
        : Object.entries(sd as StateDict);
  for (const [name, t] of raw) {
    if (!(t instanceof Tensor)) {
      const got = t === null ? 'null' : Array.isArray(t) ? 'an array' : typeof t;
      throw new NablaError(`${op}: entry '${name}' is not a Tensor (got ${got}); a state dict maps names to tensors`);
    }
    if (name === '__metadata__') throw new NablaError(`${op}: '__metadata__' is reserved by the safetensors format; rename that tensor`);
  }
  return raw as [string, Tensor][];
}

function checkMetadata(op: string, metadata: unknown): Record<string, string> | undefined {
  if (metadata === undefined) return undefined;
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) {
    throw new NablaError(`${op}: metadata must be an object of strings, got ${metadata === null ? 'null' : typeof metadata}`);
  }
  for (const [k, v] of Object.entries(metadata)) {
    if (typeof v !== 'string') throw new NablaError(`${op}: metadata values must be strings (safetensors stores str -> str), but '${k}' is ${typeof v}`);
  }
  return metadata as Record<string, string>;
}

const utf8 = new TextEncoder();

/** Bytewise order of two byte strings (as Rust compares the UTF-8 of names). */
function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** The bytes of a safetensors file holding `sd` (see the module comment for the layout). */
export function serialize(sd: Saveable, opts: SaveOptions = {}): Uint8Array {
  const metadata = checkMetadata('serialize', opts.metadata);
  const items = entriesOf('serialize', sd).map(([name, t]) => {
    const dtype = TO_SAFETENSORS[t.dtype];
    return { name, key: utf8.encode(name), t, dtype, rank: DTYPES[dtype]!.rank };
  });
  items.sort((a, b) => b.rank - a.rank || compareBytes(a.key, b.key));
  const parts: string[] = [];
  if (metadata !== undefined) parts.push(`"__metadata__":${JSON.stringify(metadata)}`);
  const blobs: Uint8Array[] = [];
  let offset = 0;
  for (const { name, t, dtype } of items) {
    const data = t.data();
    // safetensors BOOL bytes are 0 or 1; a bool tensor built from raw bytes may hold other values
    if (t.dtype === 'bool') for (let i = 0; i < data.length; i++) data[i] = data[i] ? 1 : 0;
    const blob = toLEBytes(data);
    parts.push(`${JSON.stringify(name)}:{"dtype":"${dtype}","shape":${JSON.stringify(t.shape)},"data_offsets":[${offset},${offset + blob.length}]}`);
    blobs.push(blob);
    offset += blob.length;
  }
  const json = utf8.encode(`{${parts.join(',')}}`);
  const n = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + n + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(n), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + n);
  let at = 8 + n;
  for (const b of blobs) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

// ------------------------------------------------------------------------------------ reading

type Entry = HeaderEntry;

function fail(source: string, what: string): never {
  throw new FileFormatError(`safetensors: ${source}: ${what}`);
}

const SATURATE = 2n ** 64n;

/** Checks an entry's dtype and byte range against its shape and the data section. */
function checkEntry(source: string, e: HeaderEntry, dataLen: number): Entry {
  const where = `tensor ${quoteName(e.name)}`;
  const { dtype, begin, end } = e;
  if (UNSUPPORTED.has(dtype)) fail(source, `${where}: dtype ${dtype} is not supported by nabla (supported: ${Object.keys(DTYPES).join(', ')})`);
  const info = Object.hasOwn(DTYPES, dtype) ? DTYPES[dtype] : undefined;
  if (info === undefined) {
    fail(source, `${where}: unknown dtype ${JSON.stringify(dtype.length > 40 ? `${dtype.slice(0, 40)}…` : dtype)} (known: ${Object.keys(DTYPES).join(', ')})`);
  }
  if (end < begin) fail(source, `${where}: data_offsets [${begin},${end}] end before they begin`);
  const expected = e.elements * BigInt(info.itemsize);
  if (expected !== BigInt(end - begin)) {
    const shown = e.ndim > 16 ? `${fmtShape(e.shape.slice(0, 16))}... (${e.ndim} dims)` : fmtShape(e.shape);
    const need = e.elements > SATURATE ? 'more than 2^64' : String(expected);
    fail(source, `${where}: shape ${shown} of ${dtype} needs ${need} bytes but data_offsets [${begin},${end}] hold ${end - begin}`);
  }
  if (e.ndim > MAX_DIMS) fail(source, `${where}: shape has ${e.ndim} dimensions; nabla reads at most ${MAX_DIMS}`);
  if (end > dataLen) {
    fail(source, `${where}: data_offsets [${begin},${end}] extend past the end of the data section (${dataLen} bytes): the file is truncated or the offsets are wrong`);
  }
  return e;
}

/** The tensors must tile the data section exactly, as the specification requires. */
function checkCoverage(source: string, entries: Entry[], dataLen: number): void {
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let pos = 0;
  let prev: Entry | null = null;
  for (const e of sorted) {
    if (e.begin < pos) fail(source, `tensor ${quoteName(e.name)}: data_offsets [${e.begin},${e.end}] overlap tensor ${quoteName(prev!.name)} [${prev!.begin},${prev!.end}]`);
    if (e.begin > pos) fail(source, `tensor ${quoteName(e.name)}: data_offsets [${e.begin},${e.end}] leave a gap: bytes [${pos},${e.begin}) of the data section belong to no tensor`);
    pos = e.end;
    prev = e;
  }
  if (pos !== dataLen) fail(source, `the data section has ${dataLen} bytes but the tensors end at byte ${pos}: ${dataLen - pos} trailing bytes`);
}

function decode(source: string, bytes: Uint8Array, base: number, e: Entry): TypedArray {
  const { itemsize } = DTYPES[e.dtype]!;
  const buf = alignedCopy(bytes, base + e.begin, base + e.end, itemsize, true);
  switch (e.dtype) {
    case 'F32':
      return new Float32Array(buf);
    case 'F64':
      return new Float64Array(buf);
    case 'I32':
      return new Int32Array(buf);
    case 'BOOL': {
      const b = new Uint8Array(buf);
      const bad = b.findIndex((v) => v > 1);
      if (bad >= 0) fail(source, `tensor ${quoteName(e.name)}: BOOL element ${bad} has byte value ${b[bad]} (must be 0 or 1)`);
      return b;
    }
    case 'F16':
      return f16ToF32(new Uint16Array(buf));
    case 'BF16':
      return bf16ToF32(new Uint16Array(buf));
    case 'U8':
      return Int32Array.from(new Uint8Array(buf));
    case 'I8':
      return Int32Array.from(new Int8Array(buf));
    case 'I16':
      return Int32Array.from(new Int16Array(buf));
    case 'U16':
      return Int32Array.from(new Uint16Array(buf));
    default:
      return narrowToInt32(source, e, buf);
  }
}

/** I64, U32, U64 to int32, when every value fits. */
function narrowToInt32(source: string, e: Entry, buf: ArrayBuffer): Int32Array {
  const src = e.dtype === 'I64' ? new BigInt64Array(buf) : e.dtype === 'U64' ? new BigUint64Array(buf) : new Uint32Array(buf);
  const out = new Int32Array(src.length);
  for (let i = 0; i < src.length; i++) {
    const v = Number(src[i]!);
    if (v < -2147483648 || v > 2147483647) {
      fail(source, `tensor ${quoteName(e.name)}: ${e.dtype} element ${i} is ${src[i]}, outside the int32 range nabla converts ${e.dtype} to`);
    }
    out[i] = v;
  }
  return out;
}

/**
 * Parses and validates the bytes of a safetensors file. `source` names the file in error
 * messages. Tensors are copies: they do not keep `bytes` alive.
 */
export function parseSafetensors(bytes: Uint8Array, source = '<bytes>'): SafetensorsContents {
  if (bytes.length < 8) fail(source, `the file has ${bytes.length} bytes, too few for the 8-byte header length (truncated?)`);
  const n64 = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (n64 > BigInt(MAX_HEADER_BYTES)) fail(source, `header length ${n64} exceeds the ${MAX_HEADER_BYTES}-byte limit (corrupt or not a safetensors file)`);
  const n = Number(n64);
  if (n > bytes.length - 8) fail(source, `header length ${n} is larger than the ${bytes.length - 8} bytes that follow it (truncated?)`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    fail(source, 'the header is not valid UTF-8');
  }
  const header = parseHeader(text, (what) => fail(source, what));
  const dataLen = bytes.length - 8 - n;
  const entries = header.entries.map((e) => checkEntry(source, e, dataLen));
  const metadata = header.metadata;
  checkCoverage(source, entries, dataLen);

  const tensors: StateDict = {};
  for (const e of entries) {
    const t = new Tensor(decode(source, bytes, 8 + n, e), e.shape);
    // defineProperty: a tensor named '__proto__' must become a key, not the prototype
    Object.defineProperty(tensors, e.name, { value: t, enumerable: true, writable: true, configurable: true });
  }
  return { tensors, metadata };
}

/** Parses the bytes of a safetensors file into tensors by name (see `parseSafetensors`). */
export function deserialize(bytes: Uint8Array, source?: string): StateDict {
  return parseSafetensors(bytes, source).tensors;
}
