/**
 * Independent reference readers for the fuzzer: deliberately simple and slow, sharing no code
 * with the readers under test (JSON.parse plus a duplicate-key scan for safetensors headers,
 * DataView for elements, node:zlib for gzip). A file the reference rejects must be rejected by
 * nabla; a file nabla accepts must give exactly what the reference decodes. (nabla may reject
 * more than the reference: e.g. integers spelled 1.0, lone surrogate escapes; those are fine.)
 */
import { gunzipSync } from 'node:zlib';
import { findDuplicateKey } from './json-keys.js';

export type Verdict<T> = { ok: true; value: T } | { ok: false; why: string };
const no = (why: string): { ok: false; why: string } => ({ ok: false, why });

export interface RefTensor {
  /** nabla's dtype for it */
  dtype: 'float32' | 'float64' | 'int32' | 'bool';
  shape: number[];
  values: number[];
}

export interface RefSafetensors {
  tensors: Map<string, RefTensor>;
  metadata: Map<string, string>;
}

const ITEM: Record<string, [number, RefTensor['dtype']]> = {
  F32: [4, 'float32'], F64: [8, 'float64'], I32: [4, 'int32'], BOOL: [1, 'bool'], F16: [2, 'float32'], BF16: [2, 'float32'],
  I8: [1, 'int32'], U8: [1, 'int32'], I16: [2, 'int32'], U16: [2, 'int32'], I64: [8, 'int32'], U32: [4, 'int32'], U64: [8, 'int32'],
};

function half(h: number): number {
  const s = h >> 15 ? -1 : 1;
  const e = (h >> 10) & 31;
  const f = h & 1023;
  if (e === 31) return f ? NaN : s * Infinity;
  return e === 0 ? s * Math.pow(2, -14) * (f / 1024) : s * Math.pow(2, e - 15) * (1 + f / 1024);
}

function element(dv: DataView, dtype: string, at: number): number | null {
  switch (dtype) {
    case 'F32': return dv.getFloat32(at, true);
    case 'F64': return dv.getFloat64(at, true);
    case 'I32': return dv.getInt32(at, true);
    case 'BOOL': { const v = dv.getUint8(at); return v > 1 ? null : v; }
    case 'F16': return Math.fround(half(dv.getUint16(at, true)));
    case 'BF16': { const t = new DataView(new ArrayBuffer(4)); t.setUint32(0, dv.getUint16(at, true) * 65536); return t.getFloat32(0); }
    case 'I8': return dv.getInt8(at);
    case 'U8': return dv.getUint8(at);
    case 'I16': return dv.getInt16(at, true);
    case 'U16': return dv.getUint16(at, true);
    default: {
      const v = dtype === 'I64' ? Number(dv.getBigInt64(at, true)) : dtype === 'U64' ? Number(dv.getBigUint64(at, true)) : dv.getUint32(at, true);
      return v >= -(2 ** 31) && v < 2 ** 31 ? v : null;
    }
  }
}

export function refSafetensors(b: Uint8Array): Verdict<RefSafetensors> {
  if (b.length < 8) return no('shorter than 8 bytes');
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const n = dv.getBigUint64(0, true);
  if (n > 100_000_000n || n > BigInt(b.length - 8)) return no('header length');
  const hn = Number(n);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(b.subarray(8, 8 + hn));
  } catch {
    return no('not UTF-8');
  }
  if (!text.startsWith('{')) return no('does not start with {');
  let h: unknown;
  try {
    h = JSON.parse(text);
  } catch {
    return no('not JSON');
  }
  if (h === null || typeof h !== 'object' || Array.isArray(h)) return no('not an object');
  if (findDuplicateKey(text) !== null) return no('duplicate key');
  const dataLen = b.length - 8 - hn;
  const base = 8 + hn;
  const metadata = new Map<string, string>();
  const spans: [number, number][] = [];
  const tensors = new Map<string, RefTensor>();
  for (const [name, info] of Object.entries(h as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (info === null) continue;
      if (typeof info !== 'object' || Array.isArray(info)) return no('metadata not an object');
      for (const [k, v] of Object.entries(info as Record<string, unknown>)) {
        if (typeof v !== 'string') return no('metadata value not a string');
        metadata.set(k, v);
      }
      continue;
    }
    if (info === null || typeof info !== 'object' || Array.isArray(info)) return no(`${name}: not an object`);
    const keys = Object.keys(info).sort().join(',');
    if (keys !== 'data_offsets,dtype,shape') return no(`${name}: fields ${keys}`);
    const { dtype, shape, data_offsets: offs } = info as Record<string, unknown>;
    if (typeof dtype !== 'string' || !Object.hasOwn(ITEM, dtype)) return no(`${name}: dtype`);
    if (!Array.isArray(shape) || shape.length > 1024 || !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) return no(`${name}: shape`);
    if (!Array.isArray(offs) || offs.length !== 2 || !offs.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) return no(`${name}: offsets`);
    const [begin, end] = offs as [number, number];
    if (end < begin || end > dataLen) return no(`${name}: offsets out of range`);
    const [size, ndtype] = ITEM[dtype]!;
    const count = (shape as number[]).reduce((a, d) => a * BigInt(d), 1n);
    if (count * BigInt(size) !== BigInt(end - begin)) return no(`${name}: size`);
    const values: number[] = [];
    for (let i = 0; i < Number(count); i++) {
      const v = element(dv, dtype, base + begin + i * size);
      if (v === null) return no(`${name}: value ${i} out of range`);
      values.push(v);
    }
    spans.push([begin, end]);
    tensors.set(name, { dtype: ndtype, shape: shape as number[], values });
  }
  spans.sort((a, c) => a[0] - c[0] || a[1] - c[1]);
  let pos = 0;
  for (const [s, e] of spans) {
    if (s !== pos) return no('tensors do not tile the data section');
    pos = e;
  }
  if (pos !== dataLen) return no('trailing data');
  return { ok: true, value: { tensors, metadata } };
}

// ------------------------------------------------------------------------------------ IDX

export interface RefIdx {
  magic: number;
  shape: number[];
  values: (i: number) => number;
  count: number;
}

const IDX_ITEM: Record<number, number> = { 8: 1, 9: 1, 11: 2, 12: 4, 13: 4, 14: 8 };

export function refGunzip(b: Uint8Array): Uint8Array | null {
  try {
    return new Uint8Array(gunzipSync(b));
  } catch {
    return null;
  }
}

export function refIdx(input: Uint8Array): Verdict<RefIdx> {
  let b = input;
  if (b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b) {
    const r = refGunzip(b);
    if (r === null) return no('zlib rejects the gzip data');
    b = r;
  }
  if (b.length < 4 || b[0] !== 0 || b[1] !== 0) return no('magic');
  const code = b[2]!;
  const ndim = b[3]!;
  const size = IDX_ITEM[code];
  if (size === undefined || ndim === 0) return no('type or ndim');
  if (b.length < 4 + 4 * ndim) return no('short header');
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const shape: number[] = [];
  for (let i = 0; i < ndim; i++) shape.push(dv.getUint32(4 + 4 * i));
  const count = shape.reduce((a, d) => a * BigInt(d), 1n);
  const body = 4 + 4 * ndim;
  if (count * BigInt(size) !== BigInt(b.length - body)) return no('size');
  const get = [0, 0, 0, 0, 0, 0, 0, 0, (i: number) => dv.getUint8(body + i), (i: number) => dv.getInt8(body + i), 0, (i: number) => dv.getInt16(body + 2 * i),
    (i: number) => dv.getInt32(body + 4 * i), (i: number) => dv.getFloat32(body + 4 * i), (i: number) => dv.getFloat64(body + 8 * i)][code] as (i: number) => number;
  return { ok: true, value: { magic: dv.getUint32(0), shape, values: get, count: Number(count) } };
}

/** Equal as stored numbers: NaN equals NaN, -0 differs from 0. */
export function same(a: number, b: number): boolean {
  return Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
}
