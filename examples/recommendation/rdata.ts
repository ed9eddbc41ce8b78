/**
 * A reader for R's serialisation format (XDR, versions 2 and 3) and R's lazy-load databases
 * (a package's data/Rdata.rdx index and Rdata.rdb store), enough to read data frames of
 * integers, doubles, strings, logicals and factors without R.
 *
 * Format: "X\n", then version, writer's R version, minimal reader version (and in version 3 the
 * native encoding). Each item starts with an int of flags: type = flags & 0xff, is-object bit 8,
 * has-attributes bit 9, has-tag bit 10. Vectors are a length and their elements (big-endian);
 * pairlists are (attributes, tag, car, cdr) cells; symbols and environments enter a reference
 * table that later REFSXP items point into. The .rdx index is a gzip-compressed serialised
 * list(variables = list(name = c(offset, length)), references, compressed); each object in the
 * .rdb at offset is a 4-byte big-endian uncompressed length then a zlib stream.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync, inflateSync } from 'node:zlib';

export type RValue =
  | { kind: 'null' }
  | { kind: 'int' | 'lgl'; data: Int32Array; attrs: Attrs }
  | { kind: 'real'; data: Float64Array; attrs: Attrs }
  | { kind: 'str'; data: (string | null)[]; attrs: Attrs }
  | { kind: 'list'; data: RValue[]; attrs: Attrs }
  | { kind: 'sym'; name: string }
  | { kind: 'pairlist'; items: { tag: string | null; value: RValue }[]; attrs: Attrs }
  | { kind: 'env' }
  | { kind: 'other'; type: number };
export type Attrs = Map<string, RValue>;

const NA_INT = -2147483648;

class Reader {
  private o = 0;
  private readonly dv: DataView;
  private readonly refs: RValue[] = [];
  constructor(private readonly b: Uint8Array, private readonly file: string) {
    this.dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }
  private fail(msg: string): never {
    throw new Error(`${this.file}: ${msg} (byte ${this.o})`);
  }
  int(): number {
    if (this.o + 4 > this.b.length) this.fail('unexpected end of data');
    const v = this.dv.getInt32(this.o);
    this.o += 4;
    return v;
  }
  private length(): number {
    const n = this.int();
    if (n !== -1) return n;
    const hi = this.int();
    const lo = this.int();
    return hi * 2 ** 32 + (lo >>> 0);
  }
  header(): void {
    if (this.b[0] !== 0x58 || this.b[1] !== 0x0a) this.fail('not an XDR R serialisation (expected "X\\n")');
    this.o = 2;
    const version = this.int();
    this.int();
    this.int();
    if (version === 3) {
      const n = this.int();
      this.o += n;
    } else if (version !== 2) this.fail(`serialisation version ${version} is not supported`);
  }
  private charsxp(): string | null {
    const flags = this.int();
    if ((flags & 0xff) !== 9) this.fail(`expected a CHARSXP, got type ${flags & 0xff}`);
    const n = this.int();
    if (n === -1) return null;
    const s = new TextDecoder().decode(this.b.subarray(this.o, this.o + n));
    this.o += n;
    return s;
  }
  private attrs(has: boolean): Attrs {
    const m: Attrs = new Map();
    if (!has) return m;
    const a = this.item();
    if (a.kind === 'pairlist') for (const { tag, value } of a.items) if (tag !== null) m.set(tag, value);
    return m;
  }
  item(): RValue {
    const flags = this.int();
    const type = flags & 0xff;
    const hasAttr = (flags & (1 << 9)) !== 0;
    const hasTag = (flags & (1 << 10)) !== 0;
    switch (type) {
      case 254: case 242: case 241: case 253: case 252: case 251:
        return { kind: 'null' };
      case 255: {
        let idx = flags >> 8;
        if (idx === 0) idx = this.int();
        const r = this.refs[idx - 1];
        if (!r) this.fail(`reference ${idx} to an unknown object`);
        return r;
      }
      case 1: {
        const s: RValue = { kind: 'sym', name: this.charsxp() ?? 'NA' };
        this.refs.push(s);
        return s;
      }
      case 2: case 6: case 239: case 240: {
        // a pairlist: iterate along the cdr chain instead of recursing
        const items: { tag: string | null; value: RValue }[] = [];
        let attrs: Attrs = new Map();
        let f = flags;
        let first = true;
        for (;;) {
          const ha = (f & (1 << 9)) !== 0;
          const ht = (f & (1 << 10)) !== 0;
          const at = this.attrs(ha);
          if (first) attrs = at;
          first = false;
          let tag: string | null = null;
          if (ht) {
            const t = this.item();
            tag = t.kind === 'sym' ? t.name : null;
          }
          items.push({ tag, value: this.item() });
          f = this.int();
          const ty = f & 0xff;
          if (ty === 254) break;
          if (ty !== 2 && ty !== 6) {
            this.o -= 4;
            items.push({ tag: null, value: this.item() });
            break;
          }
        }
        return { kind: 'pairlist', items, attrs };
      }
      case 4: {
        const env: RValue = { kind: 'env' };
        this.refs.push(env);
        this.int();
        this.item();
        this.item();
        this.item();
        this.item();
        return env;
      }
      case 9:
        this.o -= 4;
        return { kind: 'str', data: [this.charsxp()], attrs: new Map() };
      case 10: case 13: {
        const n = this.length();
        const data = new Int32Array(n);
        for (let i = 0; i < n; i++) data[i] = this.int();
        return { kind: type === 10 ? 'lgl' : 'int', data, attrs: this.attrs(hasAttr) };
      }
      case 14: {
        const n = this.length();
        const data = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          data[i] = this.dv.getFloat64(this.o);
          this.o += 8;
        }
        return { kind: 'real', data, attrs: this.attrs(hasAttr) };
      }
      case 16: {
        const n = this.length();
        const data: (string | null)[] = [];
        for (let i = 0; i < n; i++) data.push(this.charsxp());
        return { kind: 'str', data, attrs: this.attrs(hasAttr) };
      }
      case 19: case 20: {
        const n = this.length();
        const data: RValue[] = [];
        for (let i = 0; i < n; i++) data.push(this.item());
        return { kind: 'list', data, attrs: this.attrs(hasAttr) };
      }
      case 238:
        return this.altrep();
      default:
        void hasTag;
        return this.fail(`R type ${type} is not supported by this reader`);
    }
  }
  /** ALTREP objects: compact integer/real sequences and wrappers, as R writes row names. */
  private altrep(): RValue {
    const info = this.item();
    const state = this.item();
    const attr = this.item();
    const cls = info.kind === 'pairlist' && info.items[0]?.value.kind === 'sym' ? info.items[0].value.name : '?';
    const attrs: Attrs = new Map();
    if (attr.kind === 'pairlist') for (const { tag, value } of attr.items) if (tag !== null) attrs.set(tag, value);
    if ((cls === 'compact_intseq' || cls === 'compact_realseq') && state.kind === 'real') {
      const [n, start, step] = state.data as unknown as [number, number, number];
      const data = cls === 'compact_intseq' ? new Int32Array(n) : new Float64Array(n);
      for (let i = 0; i < n; i++) data[i] = start + i * step;
      return cls === 'compact_intseq' ? { kind: 'int', data: data as Int32Array, attrs } : { kind: 'real', data: data as Float64Array, attrs };
    }
    if (cls.startsWith('wrap_') && state.kind === 'list') return state.data[0]!;
    return this.fail(`ALTREP class ${cls} is not supported`);
  }
}

/** Unserialises one XDR R object. */
export function unserialize(bytes: Uint8Array, file = 'R data'): RValue {
  const r = new Reader(bytes, file);
  r.header();
  return r.item();
}

/** Names of the objects in a lazy-load database (`<base>.rdx`). */
export function lazyLoadIndex(base: string): Map<string, [number, number]> {
  const idx = unserialize(gunzipSync(readFileSync(`${base}.rdx`)), `${base}.rdx`);
  if (idx.kind !== 'list') throw new Error(`${base}.rdx: expected a list`);
  const names = idx.attrs.get('names');
  const vi = names?.kind === 'str' ? names.data.indexOf('variables') : -1;
  const vars = idx.data[vi];
  if (!vars || vars.kind !== 'list') throw new Error(`${base}.rdx: no 'variables' entry`);
  const vn = vars.attrs.get('names');
  const out = new Map<string, [number, number]>();
  vars.data.forEach((v, i) => {
    if (v.kind === 'int' && vn?.kind === 'str') out.set(vn.data[i]!, [v.data[0]!, v.data[1]!]);
  });
  return out;
}

/** One object of a lazy-load database: `base` is the path without .rdx/.rdb. */
export function lazyLoad(base: string, name: string): RValue {
  const index = lazyLoadIndex(base);
  const at = index.get(name);
  if (!at) throw new Error(`${base}.rdb has no object ${name}; it has ${[...index.keys()].join(', ')}`);
  const rdb = readFileSync(`${base}.rdb`);
  const chunk = rdb.subarray(at[0], at[0] + at[1]);
  const len = new DataView(chunk.buffer, chunk.byteOffset).getUint32(0);
  const raw = inflateSync(chunk.subarray(4));
  if (raw.length !== len) throw new Error(`${base}.rdb: ${name} inflates to ${raw.length} bytes, the header says ${len}`);
  return unserialize(raw, `${base}.rdb:${name}`);
}

/** A data frame's columns by name: factors as { codes (0-based, -1 = NA), levels }, numbers as arrays. */
export function dataFrameColumns(df: RValue): Map<string, { codes: Int32Array; levels: string[] } | Float64Array | Int32Array | (string | null)[]> {
  if (df.kind !== 'list') throw new Error('not a data frame (a list)');
  const names = df.attrs.get('names');
  if (names?.kind !== 'str') throw new Error('a data frame without names');
  const out = new Map<string, { codes: Int32Array; levels: string[] } | Float64Array | Int32Array | (string | null)[]>();
  df.data.forEach((col, i) => {
    const name = names.data[i]!;
    const levels = col.kind === 'int' ? col.attrs.get('levels') : undefined;
    if (col.kind === 'int' && levels?.kind === 'str') out.set(name, { codes: col.data.map((v) => (v === NA_INT ? -1 : v - 1)), levels: levels.data.map((s) => s ?? 'NA') });
    else if (col.kind === 'int' || col.kind === 'lgl' || col.kind === 'real') out.set(name, col.data);
    else if (col.kind === 'str') out.set(name, col.data);
  });
  return out;
}
