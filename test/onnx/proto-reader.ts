/**
 * A tiny protobuf reader for the tests: decodes the ONNX messages the exporter writes, by field
 * number, independently of the writer (so a wrong tag or length shows up as a wrong structure).
 */

type Field = bigint | Uint8Array | number;

/** Every field of one message: number -> values in order (varint: bigint, bytes: Uint8Array, fixed32: number). */
export function fields(buf: Uint8Array): Map<number, Field[]> {
  const out = new Map<number, Field[]>();
  let pos = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (pos >= buf.length) throw new Error('truncated varint');
      const b = buf[pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
      if (shift > 63n) throw new Error('varint too long');
    }
  };
  while (pos < buf.length) {
    const key = Number(varint());
    const field = key >>> 3;
    const wire = key & 7;
    let v: Field;
    if (wire === 0) v = varint();
    else if (wire === 2) {
      const n = Number(varint());
      if (pos + n > buf.length) throw new Error(`field ${field}: length ${n} runs past the end`);
      v = buf.subarray(pos, pos + n);
      pos += n;
    } else if (wire === 5) {
      v = new DataView(buf.buffer, buf.byteOffset + pos, 4).getFloat32(0, true);
      pos += 4;
    } else throw new Error(`field ${field}: unexpected wire type ${wire}`);
    const list = out.get(field);
    if (list) list.push(v);
    else out.set(field, [v]);
  }
  return out;
}

const text = new TextDecoder();
const str = (f: Field | undefined): string => (f instanceof Uint8Array ? text.decode(f) : '');
const num = (f: Field | undefined): number => (typeof f === 'bigint' ? Number(BigInt.asIntN(64, f)) : typeof f === 'number' ? f : NaN);

function packedVarints(b: Uint8Array): number[] {
  const out: number[] = [];
  let pos = 0;
  while (pos < b.length) {
    let r = 0n;
    let s = 0n;
    for (;;) {
      const x = b[pos++]!;
      r |= BigInt(x & 0x7f) << s;
      if ((x & 0x80) === 0) break;
      s += 7n;
    }
    out.push(Number(BigInt.asIntN(64, r)));
  }
  return out;
}

function ints(list: Field[] | undefined): number[] {
  const out: number[] = [];
  for (const f of list ?? []) {
    if (f instanceof Uint8Array) out.push(...packedVarints(f));
    else out.push(num(f));
  }
  return out;
}

export interface DecodedAttr {
  name: string;
  type: number;
  i?: number;
  f?: number;
  s?: string;
  ints?: number[];
}

export interface DecodedNode {
  opType: string;
  name: string;
  inputs: string[];
  outputs: string[];
  attrs: Record<string, DecodedAttr>;
}

export interface DecodedTensor {
  name: string;
  dims: number[];
  dataType: number;
  raw: Uint8Array;
}

export interface DecodedValueInfo {
  name: string;
  elemType: number;
  dims: (number | string | null)[];
}

export interface DecodedModel {
  irVersion: number;
  producer: string;
  opsets: { domain: string; version: number }[];
  graph: { name: string; nodes: DecodedNode[]; initializers: DecodedTensor[]; inputs: DecodedValueInfo[]; outputs: DecodedValueInfo[] };
}

function attr(b: Uint8Array): DecodedAttr {
  const f = fields(b);
  const a: DecodedAttr = { name: str(f.get(1)?.[0]), type: num(f.get(20)?.[0]) };
  if (f.has(3)) a.i = num(f.get(3)![0]);
  if (f.has(2)) a.f = num(f.get(2)![0]);
  if (f.has(4)) a.s = str(f.get(4)![0]);
  if (f.has(8)) a.ints = ints(f.get(8));
  return a;
}

function valueInfo(b: Uint8Array): DecodedValueInfo {
  const f = fields(b);
  const type = fields(f.get(2)![0] as Uint8Array);
  const tensor = fields(type.get(1)![0] as Uint8Array);
  const shape = tensor.has(2) ? fields(tensor.get(2)![0] as Uint8Array) : new Map<number, Field[]>();
  const dims = (shape.get(1) ?? []).map((d) => {
    const df = fields(d as Uint8Array);
    if (df.has(1)) return num(df.get(1)![0]);
    if (df.has(2)) return str(df.get(2)![0]);
    return null;
  });
  return { name: str(f.get(1)?.[0]), elemType: num(tensor.get(1)?.[0]), dims };
}

export function decodeModel(bytes: Uint8Array): DecodedModel {
  const m = fields(bytes);
  const g = fields(m.get(7)![0] as Uint8Array);
  return {
    irVersion: num(m.get(1)?.[0]),
    producer: str(m.get(2)?.[0]),
    opsets: (m.get(8) ?? []).map((o) => {
      const f = fields(o as Uint8Array);
      return { domain: str(f.get(1)?.[0]), version: num(f.get(2)?.[0]) };
    }),
    graph: {
      name: str(g.get(2)?.[0]),
      nodes: (g.get(1) ?? []).map((n) => {
        const f = fields(n as Uint8Array);
        const attrs: Record<string, DecodedAttr> = {};
        for (const a of f.get(5) ?? []) {
          const d = attr(a as Uint8Array);
          attrs[d.name] = d;
        }
        return { opType: str(f.get(4)?.[0]), name: str(f.get(3)?.[0]), inputs: (f.get(1) ?? []).map(str), outputs: (f.get(2) ?? []).map(str), attrs };
      }),
      initializers: (g.get(5) ?? []).map((t) => {
        const f = fields(t as Uint8Array);
        return { name: str(f.get(8)?.[0]), dims: ints(f.get(1)), dataType: num(f.get(2)?.[0]), raw: (f.get(9)?.[0] as Uint8Array) ?? new Uint8Array(0) };
      }),
      inputs: (g.get(11) ?? []).map((v) => valueInfo(v as Uint8Array)),
      outputs: (g.get(12) ?? []).map((v) => valueInfo(v as Uint8Array)),
    },
  };
}

/** An initializer's float32 values. */
export function floats(t: DecodedTensor): Float32Array {
  return new Float32Array(t.raw.buffer.slice(t.raw.byteOffset, t.raw.byteOffset + t.raw.byteLength));
}
