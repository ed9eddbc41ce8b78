/**
 * Seeded mutations of the fuzzer's seed files. Each returns new bytes and appends a short
 * description of what it did to `log` (printed with a bad outcome, to see what broke).
 *
 * - bytes: flips, random values, insertions, deletions, truncation, duplicated chunks, appends
 * - safetensors: the 8-byte header length; JSON-level edits of the header (dtypes, shapes,
 *   offsets, fields, names, metadata, duplicate keys, deep nesting, escapes, number spellings,
 *   whitespace, trailing text), re-framed with a correct length so they reach the deep checks
 * - IDX: type code, dimension count and sizes (with data resized to match, or not)
 * - gzip: the deflate data, header flags and fields, CRC and size fields, trailing bytes, extra
 *   members, truncation, recompression, and "bombs" (far more data than the header declares)
 */
import { buildIdx, buildSafetensors, gz, gzipWithHeader } from './corpus.js';
import type { Rng } from './rng.js';

const dec = new TextDecoder();
const INTERESTING_U64 = [0n, 1n, 2n, 7n, 8n, 100_000_000n, 100_000_001n, 2n ** 31n, 2n ** 32n, 2n ** 53n, 2n ** 63n, 2n ** 64n - 1n];
const INTERESTING_DIM = [0, 1, 2, 3, 255, 256, 65535, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 1_000_000_000];
const JSON_VALUES = ['0', '1', '-1', '1.5', '1e3', '1.0', '-0', '9007199254740991', '9007199254740992', '1e400', '"2"', '""', 'null', 'true', '[]', '{}', '[0]', '[[1]]', '{"a":1}'];
const DTYPES = ['F32', 'F64', 'I32', 'BOOL', 'F16', 'BF16', 'I8', 'U8', 'I16', 'U16', 'I64', 'U32', 'U64', 'F8_E4M3', 'C64', 'Q7', '', 'f32', 'toString', '__proto__'];

// ------------------------------------------------------------------------------------ bytes

export function mutateBytes(rng: Rng, b: Uint8Array, log: string[], region?: [number, number]): Uint8Array {
  const [lo, hi] = region ?? [0, b.length];
  const at = lo + rng.int(Math.max(1, hi - lo));
  switch (rng.int(7)) {
    case 0: {
      const out = b.slice();
      if (at < out.length) out[at] = out[at]! ^ (1 << rng.int(8));
      log.push(`flip bit at ${at}`);
      return out;
    }
    case 1: {
      const out = b.slice();
      const k = 1 + rng.int(4);
      for (let i = 0; i < k && at + i < out.length; i++) out[at + i] = rng.pick([0, 0xff, 0x7f, 0x80, rng.int(256)]);
      log.push(`set ${k} bytes at ${at}`);
      return out;
    }
    case 2: {
      const ins = rng.chance(0.5) ? rng.bytes(1 + rng.int(16)) : new Uint8Array(1 + rng.int(8)).fill(rng.pick([0, 0x20, 0x7b, 0x5b, 0x22]));
      log.push(`insert ${ins.length} bytes at ${at}`);
      return concat(b.subarray(0, at), ins, b.subarray(at));
    }
    case 3: {
      const k = 1 + rng.int(16);
      log.push(`delete ${k} bytes at ${at}`);
      return concat(b.subarray(0, at), b.subarray(Math.min(b.length, at + k)));
    }
    case 4: {
      log.push(`truncate to ${at}`);
      return b.slice(0, at);
    }
    case 5: {
      const k = 1 + rng.int(64);
      const from = rng.int(b.length);
      log.push(`duplicate ${k} bytes from ${from} at ${at}`);
      return concat(b.subarray(0, at), b.subarray(from, from + k), b.subarray(at));
    }
    default: {
      const tail = rng.chance(0.5) ? rng.bytes(1 + rng.int(16)) : new Uint8Array(1 + rng.int(16));
      log.push(`append ${tail.length} bytes`);
      return concat(b, tail);
    }
  }
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

// ------------------------------------------------------------------------------------ safetensors

interface Split {
  header: string;
  data: Uint8Array;
}

function split(b: Uint8Array): Split | null {
  if (b.length < 8) return null;
  const n = Number(new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true));
  if (n > b.length - 8) return null;
  return { header: dec.decode(b.subarray(8, 8 + n)), data: b.subarray(8 + n) };
}

type Obj = Record<string, unknown>;

function tensorNames(h: Obj): string[] {
  return Object.keys(h).filter((k) => k !== '__metadata__');
}

/** An edit of the parsed header object; the result is stringified again. */
function objectEdit(rng: Rng, h: Obj, log: string[]): void {
  const names = tensorNames(h);
  const name = names.length > 0 ? rng.pick(names) : null;
  const value = name !== null ? h[name] : null;
  const entry = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Obj) : null;
  const v = (): unknown => JSON.parse(rng.pick(JSON_VALUES));
  const op = rng.int(12);
  if (entry === null || op === 0) {
    const m = rng.int(4);
    h.__metadata__ = m === 0 ? null : m === 1 ? { k: v() } : m === 2 ? v() : { a: 'b', ['x'.repeat(rng.int(300))]: 'y' };
    log.push(`metadata = ${JSON.stringify(h.__metadata__).slice(0, 40)}`);
    return;
  }
  switch (op) {
    case 1:
      entry.dtype = rng.chance(0.9) ? rng.pick(DTYPES) : v();
      log.push(`${name}.dtype = ${JSON.stringify(entry.dtype)}`);
      return;
    case 2: {
      const shape = Array.isArray(entry.shape) ? [...(entry.shape as unknown[])] : [];
      const i = rng.int(shape.length + 1);
      const r = rng.int(4);
      if (r === 0) shape[i] = rng.pick(INTERESTING_DIM);
      else if (r === 1) shape[i] = v();
      else if (r === 2) shape.splice(i, 1);
      else shape.splice(i, 0, rng.pick([0, 1, 2]));
      entry.shape = shape;
      log.push(`${name}.shape = ${JSON.stringify(shape).slice(0, 40)}`);
      return;
    }
    case 3: {
      const o = Array.isArray(entry.data_offsets) ? [...(entry.data_offsets as unknown[])] : [0, 0];
      const i = rng.int(2);
      const r = rng.int(4);
      if (r === 0 && typeof o[i] === 'number') o[i] = (o[i] as number) + rng.pick([-8, -4, -2, -1, 1, 2, 4, 8]);
      else if (r === 1) o[i] = rng.pick(INTERESTING_DIM);
      else if (r === 2) o.reverse();
      else o[i] = v();
      entry.data_offsets = rng.chance(0.1) ? [...o, 0] : o;
      log.push(`${name}.data_offsets = ${JSON.stringify(entry.data_offsets)}`);
      return;
    }
    case 4: {
      const f = rng.pick(['dtype', 'shape', 'data_offsets']);
      delete entry[f];
      log.push(`delete ${name}.${f}`);
      return;
    }
    case 5:
      entry[rng.pick(['extra', 'offsets', 'Shape', '__proto__x'])] = v();
      log.push(`extra field in ${name}`);
      return;
    case 6: {
      const to = rng.pick(['', '__proto__', '__metadata__', 'constructor', '名前', '\u0000', 'a'.repeat(1 + rng.int(5000)), `${name}\ud83d\ude00`]);
      delete h[name!];
      h[to] = entry;
      log.push(`rename ${name} -> ${JSON.stringify(to).slice(0, 20)}`);
      return;
    }
    case 7:
      h[name!] = v();
      log.push(`${name} = a non-object`);
      return;
    case 8: {
      // another tensor over the same bytes, or an empty one
      h[`${name}.copy`] = rng.chance(0.5) ? { ...entry } : { dtype: 'F32', shape: [0], data_offsets: [0, 0] };
      log.push(`add tensor next to ${name}`);
      return;
    }
    case 9: {
      // swap two tensors' offsets (still tiles the data section)
      const other = rng.pick(names);
      const peer = h[other];
      if (peer === null || typeof peer !== 'object' || Array.isArray(peer)) return;
      const o = entry.data_offsets;
      entry.data_offsets = (peer as Obj).data_offsets;
      (peer as Obj).data_offsets = o;
      log.push(`swap offsets of ${name} and ${other}`);
      return;
    }
    case 10:
      delete h[name!];
      log.push(`delete tensor ${name}`);
      return;
    default:
      entry.shape = rng.pick([[], [0], [1, 1, 1], new Array(1 + rng.int(2000)).fill(1), new Array(rng.int(100)).fill(2 ** 53 - 1)]);
      log.push(`${name}.shape = ${(entry.shape as unknown[]).length} dims`);
  }
}

/** A textual edit of the header JSON (things an object cannot express). */
function textEdit(rng: Rng, text: string, h: Obj, log: string[]): string {
  const names = tensorNames(h);
  const pos = rng.int(text.length + 1);
  switch (rng.int(10)) {
    case 0: {
      // a duplicate key: top level or inside an entry
      if (names.length > 0 && rng.chance(0.6)) {
        const name = rng.pick(names);
        log.push(`duplicate tensor ${name}`);
        return `${text.slice(0, -1)},${JSON.stringify(name)}:${JSON.stringify(h[name])}}`;
      }
      log.push('duplicate key inside an entry');
      return text.replace(/"dtype":"([^"]*)"/, (m, d: string) => `${m},"dtype":"${rng.chance(0.5) ? d : 'F64'}"`);
    }
    case 1: {
      const k = rng.pick([10, 100, 1000, 5000, 20000]);
      const open = rng.chance(0.5) ? '[' : '{"a":';
      const close = open === '[' ? ']' : '}';
      const deep = open.repeat(k) + (rng.chance(0.8) ? close.repeat(k) : '');
      log.push(`deep nesting ${k} at ${pos}`);
      // replace a value after a colon if possible, else insert anywhere
      const colon = text.indexOf(':', pos);
      if (colon >= 0 && rng.chance(0.8)) {
        const end = text.slice(colon + 1).search(/[,}]/);
        return text.slice(0, colon + 1) + deep + text.slice(colon + 1 + Math.max(0, end));
      }
      return text.slice(0, pos) + deep + text.slice(pos);
    }
    case 2: {
      const esc = rng.pick(['\\u0061', '\\ud800', '\\udc00', '\\ud83d\\ude00', '\\u00', '\\x41', '\\"', '\\\\', '\\/', '\\n', '\u0001', '\\uZZZZ']);
      const q = text.indexOf('"', pos);
      log.push(`escape ${esc} at ${q}`);
      return q < 0 ? text : text.slice(0, q + 1) + esc + text.slice(q + 1);
    }
    case 3: {
      const m = [...text.matchAll(/\d+/g)];
      if (m.length === 0) return text;
      const hit = rng.pick(m);
      const spelled = rng.pick([`${hit[0]}.0`, `${hit[0]}e0`, `0${hit[0]}`, `-${hit[0]}`, `+${hit[0]}`, `${hit[0]}.`, `${Number(hit[0]) * 10}E-1`, ` ${hit[0]} `, `${hit[0]}0000000000000000000`]);
      log.push(`number ${hit[0]} -> ${spelled}`);
      return text.slice(0, hit.index) + spelled + text.slice(hit.index! + hit[0].length);
    }
    case 4: {
      const ws = rng.pick([' ', '\n', '\t', '\r', '\u00a0', '\ufeff', '\u2028', '\v', '\f']);
      log.push(`whitespace U+${ws.charCodeAt(0).toString(16)} at ${pos}`);
      return text.slice(0, pos) + ws + text.slice(pos);
    }
    case 5: {
      const tail = rng.pick(['x', ' {}', ',', '}', ']', '\u0000', '   ', '{"a":1}']);
      log.push(`trailing ${JSON.stringify(tail)}`);
      return text + tail;
    }
    case 6:
      log.push(`cut the JSON at ${pos}`);
      return text.slice(0, pos);
    case 7: {
      const c = rng.pick(['{', '}', '[', ']', ',', ':', '"', '\\', 'n', '0', 'e', '-', '.']);
      log.push(`char ${c} at ${pos}`);
      return text.slice(0, pos) + c + text.slice(pos + (rng.chance(0.5) ? 1 : 0));
    }
    case 8:
      log.push('BOM / leading whitespace');
      return rng.pick(['\ufeff', ' ', '\n']) + text;
    default: {
      const big = rng.pick(['"' + 'x'.repeat(rng.int(100000)) + '"', '[' + '0,'.repeat(rng.int(30000)) + '0]', ' '.repeat(rng.int(100000))]);
      log.push(`large value (${big.length} chars) at ${pos}`);
      const colon = text.indexOf(':', pos);
      if (colon < 0) return text + big;
      const end = text.slice(colon + 1).search(/[,}]/);
      return text.slice(0, colon + 1) + big + text.slice(colon + 1 + Math.max(0, end));
    }
  }
}

const SIZE: Record<string, number> = { F32: 4, F64: 8, I32: 4, BOOL: 1, F16: 2, BF16: 2, I8: 1, U8: 1, I16: 2, U16: 2, I64: 8, U32: 4, U64: 8 };

/**
 * Lays the tensors of an edited header out again so that the file is valid whenever its entries
 * are (offsets in order, random data of the right sizes, mostly in-range values): this keeps
 * edited names, shapes and dtypes reaching the accept path, where the oracle compares values.
 */
function relayout(rng: Rng, h: Obj, log: string[]): Uint8Array {
  const parts: Uint8Array[] = [];
  let off = 0;
  for (const name of tensorNames(h)) {
    const e = h[name];
    if (e === null || typeof e !== 'object' || Array.isArray(e)) continue;
    const { dtype, shape } = e as Obj;
    if (typeof dtype !== 'string' || !Object.hasOwn(SIZE, dtype) || !Array.isArray(shape)) continue;
    const count = shape.reduce<number>((a, d) => a * (typeof d === 'number' ? d : NaN), 1);
    if (!(count >= 0 && count <= 4096)) continue;
    const n = Math.round(count) * SIZE[dtype]!;
    const b = rng.bytes(n);
    const dv = new DataView(b.buffer);
    const fit = rng.chance(0.9);
    for (let i = 0; i < Math.round(count); i++) {
      if (dtype === 'BOOL' && fit) b[i] = b[i]! & 1;
      if ((dtype === 'I64' || dtype === 'U64') && fit) dv.setBigInt64(8 * i, BigInt(dv.getInt32(8 * i, true) >>> 1), true);
      if (dtype === 'U32' && fit) dv.setUint32(4 * i, dv.getUint32(4 * i, true) >>> 1, true);
    }
    (e as Obj).data_offsets = [off, off + n];
    parts.push(b);
    off += n;
  }
  log.push('relayout');
  return concat(...parts);
}

export function mutateSafetensors(rng: Rng, seed: Uint8Array, log: string[]): Uint8Array {
  let b = seed;
  const rounds = 1 + rng.int(3);
  for (let r = 0; r < rounds; r++) {
    const s = split(b);
    const kind = rng.int(10);
    if (kind < 3 || s === null) {
      // bytes anywhere, or aimed at the header / the data section
      const hl = s === null ? b.length : b.length - s.data.length;
      const region: [number, number] | undefined = rng.chance(0.3) ? [0, 8] : rng.chance(0.5) ? [8, hl] : rng.chance(0.5) ? [hl, b.length] : undefined;
      b = mutateBytes(rng, b, log, region);
    } else if (kind === 3) {
      const v = rng.chance(0.7) ? rng.pick(INTERESTING_U64) : BigInt(s.header.length + rng.pick([-9, -8, -1, 1, 8, s.data.length, s.data.length + 1]));
      b = b.slice();
      new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, v), true);
      log.push(`header length = ${BigInt.asUintN(64, v)}`);
    } else {
      let h: Obj;
      let text: string;
      try {
        h = JSON.parse(s.header) as Obj;
        if (h === null || typeof h !== 'object' || Array.isArray(h)) throw new Error();
        text = JSON.stringify(h); // (overflows the stack on a header an earlier round nested deeply)
      } catch {
        b = mutateBytes(rng, b, log);
        continue;
      }
      let data = s.data;
      if (kind < 7) {
        objectEdit(rng, h, log);
        if (rng.chance(0.4)) data = relayout(rng, h, log);
        text = JSON.stringify(h);
      } else text = textEdit(rng, text, h, log);
      if (rng.chance(0.3)) text += ' '.repeat(rng.int(8)); // padding, as the official writer does
      b = buildSafetensors(text, data);
    }
  }
  return b;
}

// ------------------------------------------------------------------------------------ IDX and gzip

function isGz(b: Uint8Array): boolean {
  return b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
}

/** Edits the IDX header fields of raw (uncompressed) IDX bytes. */
function mutateIdxHeader(rng: Rng, raw: Uint8Array, log: string[]): Uint8Array {
  if (raw.length < 4) return mutateBytes(rng, raw, log);
  const ndim = raw[3]!;
  const dims: number[] = [];
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  for (let i = 0; i < ndim && 8 + 4 * i <= raw.length; i++) dims.push(dv.getUint32(4 + 4 * i, false));
  const code = raw[2]!;
  switch (rng.int(5)) {
    case 0: {
      const out = raw.slice();
      out[2] = rng.pick([0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0e, 0x00, 0x0a, 0x0f, 0xff]);
      log.push(`type code ${out[2]}`);
      return out;
    }
    case 1: {
      const out = raw.slice();
      out[3] = rng.pick([0, 1, 2, 3, 4, 255, ndim + 1, Math.max(0, ndim - 1)]);
      log.push(`ndim ${out[3]}`);
      return out;
    }
    case 2: {
      // one size changed, data left as it is
      const out = raw.slice();
      const i = rng.int(Math.max(1, dims.length));
      if (8 + 4 * i <= out.length) new DataView(out.buffer).setUint32(4 + 4 * i, rng.pick(INTERESTING_DIM) >>> 0, false);
      log.push(`dim ${i} changed`);
      return out;
    }
    default: {
      // a new, consistent header and data (small), or a huge empty one
      const nd = 1 + rng.int(4);
      const newDims = Array.from({ length: nd }, () => rng.int(6));
      if (rng.chance(0.3)) newDims[rng.int(nd)] = rng.chance(0.5) ? 0 : rng.pick(INTERESTING_DIM);
      const total = newDims.reduce((a, d) => a * d, 1);
      const c = rng.chance(0.8) ? code : rng.pick([0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0e]);
      if (total > 4096) {
        log.push(`dims ${JSON.stringify(newDims)} (no data)`);
        return buildIdx(c, newDims, new Uint8Array(rng.int(16)));
      }
      log.push(`dims ${JSON.stringify(newDims)} with data`);
      return buildIdx(c, newDims, undefined, rng);
    }
  }
}

/** gzip-level edits of a gzip file. */
export function mutateGzip(rng: Rng, b: Uint8Array, log: string[], inflated?: () => Uint8Array | null): Uint8Array {
  if (b.length < 18) return mutateBytes(rng, b, log);
  switch (rng.int(10)) {
    case 0:
      return mutateBytes(rng, b, log, [10, b.length - 8]);
    case 1: {
      const out = b.slice();
      out[3] = rng.chance(0.5) ? rng.int(256) : out[3]! | rng.pick([2, 4, 8, 16, 32, 64, 128]);
      log.push(`FLG = ${out[3]}`);
      return out;
    }
    case 2: {
      const out = b.slice();
      const at = out.length - 8 + rng.int(8);
      out[at] = out[at]! ^ (1 << rng.int(8));
      log.push(`trailer bit at ${at}`);
      return out;
    }
    case 3: {
      const tail = rng.pick([new Uint8Array(1 + rng.int(8)), rng.bytes(1 + rng.int(8)), Uint8Array.of(0x1f), Uint8Array.of(0x1f, 0x8b), gz(rng.bytes(rng.int(50)))]);
      log.push(`append ${tail.length} bytes after the gzip data`);
      return concat(b, tail);
    }
    case 4: {
      const at = rng.chance(0.5) ? b.length - 1 - rng.int(8) : 10 + rng.int(b.length - 10);
      log.push(`truncate gzip to ${at}`);
      return b.slice(0, at);
    }
    case 5: {
      const out = b.slice();
      out[2] = rng.pick([0, 7, 9, 255]);
      log.push(`CM = ${out[2]}`);
      return out;
    }
    case 6: {
      const data = inflated?.();
      if (!data) return mutateBytes(rng, b, log);
      log.push('re-wrapped with header fields');
      return gzipWithHeader(data, { extra: rng.chance(0.5) ? rng.bytes(rng.int(20)) : undefined, name: rng.chance(0.5) ? 'f' : undefined, comment: rng.chance(0.3) ? 'c' : undefined, hcrc: rng.chance(0.5), level: rng.int(10) });
    }
    case 7: {
      const data = inflated?.();
      if (!data) return mutateBytes(rng, b, log);
      log.push('recompressed');
      return gz(data, rng.int(10), rng.pick([0, 1, 2, 3, 4]));
    }
    case 8: {
      // the deflate data's first block header bits
      const out = b.slice();
      const at = 10 + rng.int(Math.min(4, b.length - 18));
      out[at] = out[at]! ^ (1 << rng.int(8));
      log.push(`block header bit at ${at}`);
      return out;
    }
    default:
      return mutateBytes(rng, b, log);
  }
}

export function mutateIdx(rng: Rng, seed: Uint8Array, log: string[], gunzip: (b: Uint8Array) => Uint8Array | null): Uint8Array {
  let b = seed;
  const rounds = 1 + rng.int(2);
  for (let r = 0; r < rounds; r++) {
    const k = rng.int(10);
    if (isGz(b) && k < 4) b = mutateGzip(rng, b, log, () => gunzip(b));
    else if (k < 7) {
      // header fields: on the raw bytes, recompressed if the file was gzip
      const raw = isGz(b) ? gunzip(b) : b;
      if (raw === null) b = mutateBytes(rng, b, log);
      else {
        const m = mutateIdxHeader(rng, raw, log);
        b = isGz(b) ? gz(m, rng.int(10)) : m;
      }
    } else if (k === 7 && isGz(b)) {
      // a bomb: the declared data followed by far more
      const raw = gunzip(b);
      if (raw === null) continue;
      const extra = rng.pick([1, 1000, 1 << 20, 8 << 20]);
      log.push(`bomb: ${extra} extra bytes`);
      b = gz(concat(raw, new Uint8Array(extra)), 9);
    } else b = mutateBytes(rng, b, log);
  }
  return b;
}
