/**
 * The fuzzer's seed inputs: valid safetensors files (nabla-written, hand-built with every dtype,
 * and the PyTorch-written fixture), IDX files of every element type (raw and gzip-compressed
 * with several zlib settings and header flags), and gzip streams of varied data. Built once,
 * deterministically, with node:zlib (the fuzzer runs under Node; the code under test does not
 * use zlib).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { constants, deflateRawSync, gzipSync } from 'node:zlib';
import * as nb from '../../src/index.js';
import { Rng } from './rng.js';

export interface Seed {
  name: string;
  bytes: Uint8Array;
}

const enc = new TextEncoder();

/** A safetensors file from a header object and its data section (the header is not padded). */
export function buildSafetensors(headerText: string, data: Uint8Array, lengthField?: bigint): Uint8Array {
  const h = enc.encode(headerText);
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, lengthField ?? BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

/** A safetensors file of one tensor per given dtype, `n` elements each, random bytes (fixed up to be valid). */
function everyDtype(rng: Rng, dtypes: [string, number][], n: number): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: { format: 'pt', note: 'fuzz seed' } };
  const parts: Uint8Array[] = [];
  let off = 0;
  for (const [dtype, size] of dtypes) {
    const b = rng.bytes(n * size);
    const dv = new DataView(b.buffer);
    for (let i = 0; i < n; i++) {
      if (dtype === 'BOOL') b[i] = b[i]! & 1;
      if (dtype === 'I64') dv.setBigInt64(8 * i, BigInt(dv.getInt32(8 * i, true)), true);
      if (dtype === 'U64') dv.setBigUint64(8 * i, BigInt(dv.getInt32(8 * i, true) >>> 1), true);
      if (dtype === 'U32') dv.setUint32(4 * i, dv.getUint32(4 * i, true) >>> 1, true);
    }
    header[`t.${dtype.toLowerCase()}`] = { dtype, shape: n === 6 ? [2, 3] : [n], data_offsets: [off, off + b.length] };
    parts.push(b);
    off += b.length;
  }
  const data = new Uint8Array(off);
  let at = 0;
  for (const p of parts) {
    data.set(p, at);
    at += p.length;
  }
  return buildSafetensors(JSON.stringify(header), data);
}

export function safetensorsSeeds(): Seed[] {
  const rng = new Rng(12345);
  const g = new nb.Generator(3);
  const seeds: Seed[] = [];
  seeds.push({ name: 'pytorch-fixture', bytes: new Uint8Array(readFileSync(fileURLToPath(new URL('../fixtures/torch/state_dict.safetensors', import.meta.url)))) });
  seeds.push({
    name: 'nabla-mixed',
    bytes: nb.serialize(
      {
        w: nb.randn([3, 4], { generator: g }),
        b: nb.tensor([1.5, -2, Infinity], { dtype: 'float64' }),
        i: nb.tensor([[7, -8], [2147483647, -2147483648]], { dtype: 'int32' }),
        m: nb.tensor([true, false, true]),
        s: nb.tensor(3.25),
        e: nb.zeros([0, 5]),
        'unicode.名前': nb.ones([2]),
      },
      { metadata: { epoch: '3', format: 'pt' } },
    ),
  });
  seeds.push({ name: 'nabla-single', bytes: nb.serialize({ x: nb.arange(0, 8).reshape([2, 4]) }) });
  const many: Record<string, nb.Tensor> = {};
  for (let i = 0; i < 12; i++) many[`layers.${i}.weight`] = nb.randn([i % 3, 2], { generator: g });
  seeds.push({ name: 'nabla-many', bytes: nb.serialize(many) });
  const dtypes: [string, number][] = [['F32', 4], ['F64', 8], ['I32', 4], ['BOOL', 1], ['F16', 2], ['BF16', 2], ['I8', 1], ['U8', 1], ['I16', 2], ['U16', 2], ['I64', 8], ['U32', 4], ['U64', 8]];
  seeds.push({ name: 'every-dtype', bytes: everyDtype(rng, dtypes, 6) });
  seeds.push({ name: 'every-dtype-1', bytes: everyDtype(rng, dtypes, 1) });
  seeds.push({ name: 'empty', bytes: buildSafetensors('{}', new Uint8Array(0)) });
  seeds.push({ name: 'proto-name', bytes: buildSafetensors('{"__proto__":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"__metadata__":null}', Uint8Array.of(1, 2)) });
  return seeds;
}

// ------------------------------------------------------------------------------------ IDX

const IDX_TYPES: [number, number][] = [[0x08, 1], [0x09, 1], [0x0b, 2], [0x0c, 4], [0x0d, 4], [0x0e, 8]];

/** IDX bytes: magic, big-endian dims, then `payload` (or random bytes of the right size). */
export function buildIdx(code: number, dims: number[], payload?: Uint8Array, rng?: Rng): Uint8Array {
  const itemsize = IDX_TYPES.find(([c]) => c === code)?.[1] ?? 1;
  const n = dims.reduce((a, b) => a * b, 1) * itemsize;
  const body = payload ?? (rng ? rng.bytes(n) : new Uint8Array(n));
  const out = new Uint8Array(4 + 4 * dims.length + body.length);
  const dv = new DataView(out.buffer);
  out[2] = code;
  out[3] = dims.length;
  dims.forEach((d, i) => dv.setUint32(4 + 4 * i, d >>> 0, false));
  out.set(body, 4 + 4 * dims.length);
  return out;
}

/** A bitwise CRC-32 (independent of the one under test), for hand-built gzip headers. */
export function refCrc32(b: Uint8Array, begin = 0, end = b.length): number {
  let c = 0xffffffff;
  for (let i = begin; i < end; i++) {
    c ^= b[i]!;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return ~c >>> 0;
}

/** A gzip member built by hand around zlib's raw deflate, with optional header fields. */
export function gzipWithHeader(data: Uint8Array, opts: { extra?: Uint8Array; name?: string; comment?: string; hcrc?: boolean; level?: number }): Uint8Array {
  const head: number[] = [0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 0, 3];
  let flg = 0;
  if (opts.extra) {
    flg |= 4;
    head.push(opts.extra.length & 0xff, opts.extra.length >> 8, ...opts.extra);
  }
  if (opts.name !== undefined) {
    flg |= 8;
    head.push(...enc.encode(opts.name), 0);
  }
  if (opts.comment !== undefined) {
    flg |= 16;
    head.push(...enc.encode(opts.comment), 0);
  }
  if (opts.hcrc) flg |= 2;
  head[3] = flg;
  if (opts.hcrc) {
    const c = refCrc32(Uint8Array.from(head));
    head.push(c & 0xff, (c >>> 8) & 0xff);
  }
  const body = new Uint8Array(deflateRawSync(data, { level: opts.level ?? 6 }));
  const out = new Uint8Array(head.length + body.length + 8);
  out.set(head, 0);
  out.set(body, head.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(head.length + body.length, refCrc32(data), true);
  dv.setUint32(head.length + body.length + 4, data.length >>> 0, true);
  return out;
}

const STRATEGIES = [constants.Z_DEFAULT_STRATEGY, constants.Z_FIXED, constants.Z_HUFFMAN_ONLY, constants.Z_RLE, constants.Z_FILTERED];

/** gzip with a given level and strategy. */
export function gz(data: Uint8Array, level = 6, strategy: number = constants.Z_DEFAULT_STRATEGY): Uint8Array {
  return new Uint8Array(gzipSync(data, { level, strategy })); // a plain copy: Buffer.slice() is a view, not a copy
}

export function idxSeeds(): Seed[] {
  const rng = new Rng(777);
  const raw: Seed[] = [];
  // image-like data: runs of zeros and varied values compress like MNIST
  const img = new Uint8Array(4 * 28 * 28);
  for (let i = 0; i < img.length; i++) img[i] = (i % 28) > 6 && (i % 28) < 20 && rng.chance(0.7) ? rng.int(256) : 0;
  raw.push({ name: 'images-u8', bytes: buildIdx(0x08, [4, 28, 28], img) });
  raw.push({ name: 'labels-u8', bytes: buildIdx(0x08, [12], Uint8Array.from({ length: 12 }, (_, i) => i % 10)) });
  for (const [code] of IDX_TYPES) raw.push({ name: `type-${code.toString(16)}`, bytes: buildIdx(code, [2, 3], undefined, rng) });
  raw.push({ name: 'empty-huge-dim', bytes: buildIdx(0x08, [0, 1_000_000_000]) });
  raw.push({ name: 'empty-last', bytes: buildIdx(0x0d, [3, 0]) });
  raw.push({ name: 'four-dims', bytes: buildIdx(0x0b, [2, 1, 2, 3], undefined, rng) });
  const seeds: Seed[] = [...raw];
  for (const s of raw) {
    seeds.push({ name: `${s.name}.gz`, bytes: gz(s.bytes) });
    seeds.push({ name: `${s.name}.gz-l${(s.bytes.length % 10)}`, bytes: gz(s.bytes, s.bytes.length % 10, STRATEGIES[s.bytes.length % 5]!) });
  }
  seeds.push({ name: 'images-u8.gz-stored', bytes: gz(raw[0]!.bytes, 0) });
  seeds.push({ name: 'images-u8.gz-fixed', bytes: gz(raw[0]!.bytes, 9, constants.Z_FIXED) });
  seeds.push({ name: 'images-u8.gz-flags', bytes: gzipWithHeader(raw[0]!.bytes, { extra: rng.bytes(5), name: 'train-images-idx3-ubyte', comment: 'fuzz', hcrc: true }) });
  return seeds;
}

// ------------------------------------------------------------------------------------ gzip

/** Data of varied compressibility for gzip seeds. */
function sample(rng: Rng, kind: number, n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (kind === 0) b[i] = rng.int(256);
    else if (kind === 1) b[i] = 0;
    else if (kind === 2) b[i] = 97 + rng.int(6);
    else if (kind === 3) b[i] = i > 40 && rng.chance(0.8) ? b[i - 1 - rng.int(40)]! : rng.int(256);
    else b[i] = (i * 7) & 0xff;
  }
  return b;
}

export function gzipSeeds(): Seed[] {
  const rng = new Rng(4242);
  const seeds: Seed[] = [];
  const sizes = [0, 1, 100, 3000, 40000];
  for (let k = 0; k < 5; k++) {
    for (const n of sizes) {
      const d = sample(rng, k, n);
      const level = rng.int(10);
      seeds.push({ name: `k${k}-n${n}-l${level}`, bytes: gz(d, level, STRATEGIES[rng.int(5)]!) });
    }
  }
  const d = sample(rng, 3, 5000);
  seeds.push({ name: 'flags', bytes: gzipWithHeader(d, { extra: rng.bytes(3), name: 'x.bin', comment: 'c', hcrc: true }) });
  const two = [gz(sample(rng, 2, 700)), gz(sample(rng, 3, 900), 1)];
  const multi = new Uint8Array(two[0]!.length + two[1]!.length);
  multi.set(two[0]!, 0);
  multi.set(two[1]!, two[0]!.length);
  seeds.push({ name: 'two-members', bytes: multi });
  return seeds;
}
