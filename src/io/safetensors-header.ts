/**
 * The JSON header of a safetensors file, read against its schema:
 *
 *   { "__metadata__": { str: str, ... } | null,                      (optional)
 *     "<name>": { "dtype": str, "shape": [uint, ...], "data_offsets": [uint, uint] }, ... }
 *
 * The schema is three levels deep, and the reader (json-reader.ts) refuses anything else where it
 * starts: a header nested thousands deep is rejected at its first unexpected bracket, in constant
 * time and stack. Duplicate keys are found as they are read (a Set per object), integers must be
 * written as integers (no fraction or exponent, as the official Rust reader requires) and below
 * 2^53, and a shape's element count is computed exactly (saturating at 2^64) while only its first
 * MAX_DIMS sizes are kept. Parsing is one linear pass: its time and memory are bounded by the
 * header's length, which the caller bounds (100 MB, as the official reader does).
 */
import { Ch, JsonReader } from './json-reader.js';

/** The most dimensions a tensor may have in a file nabla reads. */
export const MAX_DIMS = 1024;

const SATURATE = 2n ** 64n;

/** One tensor's header entry, checked for types but not yet against the data section. */
export interface HeaderEntry {
  name: string;
  dtype: string;
  /** the sizes (only the first MAX_DIMS are kept when `ndim` is larger) */
  shape: number[];
  ndim: number;
  /** prod(shape), exact, or anything above 2^64 when it is larger */
  elements: bigint;
  begin: number;
  end: number;
}

export interface Header {
  entries: HeaderEntry[];
  metadata: Record<string, string>;
}

/** A name for messages: quoted, and shortened if long. */
export function quoteName(name: string): string {
  return name.length <= 80 ? `'${name}'` : `'${name.slice(0, 60)}…' (${name.length} characters)`;
}

/**
 * Parses the header text; `fail` throws (the caller adds the file name). Returns the entries
 * in the order they appear and the metadata (empty if absent or null).
 */
export function parseHeader(text: string, fail: (what: string) => never): Header {
  if (text.charCodeAt(0) !== Ch.LBrace) {
    fail(`the header must be a JSON object starting with '{', got ${JSON.stringify(text.slice(0, 20))}`);
  }
  const r = new JsonReader(text, fail);
  const names = new Set<string>();
  const entries: HeaderEntry[] = [];
  const metadata: Record<string, string> = {};
  if (r.open(Ch.RBrace)) {
    do {
      const name = r.key();
      if (names.has(name)) fail(name === '__metadata__' ? 'the header has two __metadata__ entries' : `the header names tensor ${quoteName(name)} twice`);
      names.add(name);
      if (name === '__metadata__') readMetadata(r, metadata, fail);
      else entries.push(readEntry(r, name, fail));
    } while (r.more(Ch.RBrace));
  }
  r.end();
  return { entries, metadata };
}

function readMetadata(r: JsonReader, metadata: Record<string, string>, fail: (what: string) => never): void {
  const c = r.peek();
  if (c === 0x6e) {
    r.literal('null');
    return;
  }
  if (c !== Ch.LBrace) fail(`__metadata__ must be an object of strings, got ${r.preview()}`);
  if (!r.open(Ch.RBrace)) return;
  do {
    const k = r.key();
    if (Object.hasOwn(metadata, k)) fail(`the header names key ${quoteName(k)} in /__metadata__ twice`);
    if (r.peek() !== Ch.Quote) fail(`__metadata__ value ${quoteName(k)} must be a string, got ${r.preview()}`);
    // defineProperty: a key named '__proto__' must become a key, not the prototype
    Object.defineProperty(metadata, k, { value: r.string(), enumerable: true, writable: true, configurable: true });
  } while (r.more(Ch.RBrace));
}

/** A non-negative integer written as JSON digits, below 2^53; or null. */
function uint(token: string): number | null {
  if (token.length > 16) return null;
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return null;
  }
  const v = Number(token);
  return Number.isSafeInteger(v) ? v : null;
}

const tensor = (name: string): string => `tensor ${quoteName(name)}`;

function readEntry(r: JsonReader, name: string, fail: (what: string) => never): HeaderEntry {
  if (r.peek() !== Ch.LBrace) fail(`${tensor(name)}: expected an object {dtype, shape, data_offsets}, got ${r.preview()}`);
  let dtype: string | undefined;
  let shape: { dims: number[]; ndim: number; elements: bigint } | undefined;
  let offsets: [number, number] | undefined;
  if (r.open(Ch.RBrace)) {
    do {
      const k = r.key();
      if ((k === 'dtype' && dtype !== undefined) || (k === 'shape' && shape !== undefined) || (k === 'data_offsets' && offsets !== undefined)) {
        fail(`the header names key ${quoteName(k)} in /${name.length <= 80 ? name : `${name.slice(0, 60)}…`} twice`);
      }
      if (k === 'dtype') {
        if (r.peek() !== Ch.Quote) fail(`${tensor(name)}: dtype must be a string, got ${r.preview()}`);
        dtype = r.string();
      } else if (k === 'shape') shape = readShape(r, name, fail);
      else if (k === 'data_offsets') offsets = readOffsets(r, name, fail);
      else fail(`${tensor(name)}: unexpected field ${quoteName(k)} (allowed: dtype, shape, data_offsets)`);
    } while (r.more(Ch.RBrace));
  }
  if (dtype === undefined) fail(`${tensor(name)}: dtype must be a string, got missing`);
  if (shape === undefined) fail(`${tensor(name)}: shape must be an array of non-negative integers, got missing`);
  if (offsets === undefined) fail(`${tensor(name)}: data_offsets must be [begin, end] with non-negative integers, got missing`);
  return { name, dtype, shape: shape.dims, ndim: shape.ndim, elements: shape.elements, begin: offsets[0], end: offsets[1] };
}

function readShape(r: JsonReader, name: string, fail: (what: string) => never): { dims: number[]; ndim: number; elements: bigint } {
  if (r.peek() !== Ch.LBracket) fail(`${tensor(name)}: shape must be an array of non-negative integers, got ${r.preview()}`);
  const dims: number[] = [];
  let ndim = 0;
  let elements = 1n;
  let zero = false;
  if (r.open(Ch.RBracket)) {
    do {
      const c = r.peek();
      const token = (c >= 0x30 && c <= 0x39) || c === 0x2d ? r.number() : null;
      const d = token === null ? null : uint(token);
      if (d === null) {
        let bad: string;
        let rest: string;
        if (token !== null) {
          bad = token.length > 40 ? `${token.slice(0, 40)}…` : token;
          rest = r.peek() === Ch.RBracket ? ']' : ',…]';
        } else {
          bad = r.preview();
          rest = c === Ch.LBrace || c === Ch.LBracket || !r.followedBy(Ch.RBracket) ? ',…]' : ']';
        }
        const before = dims.slice(0, 16).join(',') + (ndim > 16 ? ',…' : '');
        fail(`${tensor(name)}: shape [${before}${ndim > 0 ? ',' : ''}${bad}${rest} has entry ${bad}; entries must be non-negative integers below 2^53`);
      }
      if (ndim < MAX_DIMS) dims.push(d);
      ndim++;
      if (d === 0) zero = true;
      else if (d !== 1 && elements <= SATURATE) elements *= BigInt(d);
    } while (r.more(Ch.RBracket));
  }
  return { dims, ndim, elements: zero ? 0n : elements };
}

function readOffsets(r: JsonReader, name: string, fail: (what: string) => never): [number, number] {
  const bad = (): never => {
    r.i = start;
    return fail(`${tensor(name)}: data_offsets must be [begin, end] with non-negative integers, got ${r.preview()}`);
  };
  if (r.peek() !== Ch.LBracket) fail(`${tensor(name)}: data_offsets must be [begin, end] with non-negative integers, got ${r.preview()}`);
  const start = r.i;
  const v: number[] = [];
  if (r.open(Ch.RBracket)) {
    do {
      const c = r.peek();
      if (!((c >= 0x30 && c <= 0x39) || c === 0x2d)) bad();
      const d = uint(r.number());
      if (d === null || v.length === 2) bad();
      v.push(d!);
    } while (r.more(Ch.RBracket));
  }
  if (v.length !== 2) bad();
  return [v[0]!, v[1]!];
}
