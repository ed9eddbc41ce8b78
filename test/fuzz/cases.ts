/**
 * One fuzz case, reproducible from (seed, index): pick a format and a seed file, mutate it, run
 * nabla's reader, and classify the outcome against the reference readers (oracle.ts).
 *
 *   accepted     parsed, and the result equals the reference's and survives a round trip
 *   rejected     a FileFormatError naming the file, with a message of reasonable length
 *   wrongError   anything else thrown (RangeError, TypeError, a FileFormatError without the file name...)
 *   wrongData    parsed although the reference rejects the file, or parsed into something else
 * Crashes (the worker dies or runs out of memory) and hangs (no answer within the time bound)
 * are detected by the harness around this.
 */
import * as nb from '../../src/index.js';
import { parseIdx } from '../../src/data/idx.js';
import { gunzip, InflateError } from '../../src/io/gunzip.js';
import { gzipSeeds, idxSeeds, safetensorsSeeds, type Seed } from './corpus.js';
import { mutateGzip, mutateBytes, mutateIdx, mutateSafetensors } from './mutate.js';
import { refGunzip, refIdx, refSafetensors, same } from './oracle.js';
import { Rng } from './rng.js';

export const FORMATS = ['safetensors', 'idx', 'gzip'] as const;
export type Format = (typeof FORMATS)[number];

export type Kind = 'accepted' | 'rejected' | 'wrongError' | 'wrongData';

export interface Outcome {
  kind: Kind;
  format: Format;
  index: number;
  seedName: string;
  log: string[];
  detail?: string;
  /** rejected although the reference reader accepts (allowed: nabla is stricter in places) */
  stricter?: boolean;
  /** time spent in the reader under test */
  ms: number;
}

let corpus: Record<Format, Seed[]> | null = null;
export function seeds(): Record<Format, Seed[]> {
  corpus ??= { safetensors: safetensorsSeeds(), idx: idxSeeds(), gzip: gzipSeeds() };
  return corpus;
}

/** The largest message a rejection may carry: messages quote previews, never whole inputs. */
const MAX_MESSAGE = 1000;

function checkRejection(e: unknown, source: string | null): string | null {
  if (!(e instanceof nb.FileFormatError)) return `${(e as Error)?.name ?? typeof e}: ${String((e as Error)?.message ?? e).slice(0, 300)}`;
  if (source !== null && !e.message.includes(source)) return `FileFormatError without the file name: ${e.message.slice(0, 300)}`;
  if (e.message.length > MAX_MESSAGE) return `message of ${e.message.length} characters: ${e.message.slice(0, 200)}…`;
  return null;
}

function compareSafetensors(bytes: Uint8Array, got: nb.SafetensorsContents): string | null {
  const ref = refSafetensors(bytes);
  if (!ref.ok) return `accepted a file the reference rejects (${ref.why})`;
  const names = Object.keys(got.tensors);
  if (names.length !== ref.value.tensors.size) return `${names.length} tensors, the reference has ${ref.value.tensors.size}`;
  for (const [name, r] of ref.value.tensors) {
    const t = Object.hasOwn(got.tensors, name) ? got.tensors[name] : undefined;
    if (t === undefined) return `tensor ${JSON.stringify(name).slice(0, 40)} missing`;
    if (t.dtype !== r.dtype) return `${name}: dtype ${t.dtype}, reference ${r.dtype}`;
    if (t.shape.join() !== r.shape.join()) return `${name}: shape [${t.shape}], reference [${r.shape}]`;
    const d = t.data();
    if (d.length !== r.values.length) return `${name}: ${d.length} elements, reference ${r.values.length}`;
    for (let i = 0; i < d.length; i++) {
      if (!same(Number(d[i]), r.dtype === 'float32' ? Math.fround(r.values[i]!) : r.values[i]!)) return `${name}: element ${i} is ${d[i]}, reference ${r.values[i]}`;
    }
  }
  const meta = Object.entries(got.metadata);
  if (meta.length !== ref.value.metadata.size || meta.some(([k, v]) => ref.value.metadata.get(k) !== v)) return 'metadata differs from the reference';
  // round trip: what nabla read, written and read again, is the same
  const again = nb.parseSafetensors(nb.serialize(got.tensors, { metadata: got.metadata }));
  for (const name of names) {
    const a = got.tensors[name]!;
    const b = again.tensors[name];
    if (b === undefined || a.dtype !== b.dtype || a.shape.join() !== b.shape.join()) return `${name}: round trip changed it`;
    const da = a.data();
    const db = b.data();
    for (let i = 0; i < da.length; i++) if (!same(Number(da[i]), Number(db[i]))) return `${name}: round trip changed element ${i}`;
  }
  return null;
}

function compareIdx(bytes: Uint8Array, got: nb.data.IdxData): string | null {
  const ref = refIdx(bytes);
  if (!ref.ok) return `accepted a file the reference rejects (${ref.why})`;
  const r = ref.value;
  if (got.magic !== r.magic) return `magic ${got.magic}, reference ${r.magic}`;
  if (got.shape.join() !== r.shape.join()) return `shape [${got.shape}], reference [${r.shape}]`;
  const count = got.shape.reduce((a, d) => a * d, 1);
  if (got.data.length !== count || count !== r.count) return `${got.data.length} elements for shape [${got.shape}]`;
  for (let i = 0; i < count; i++) if (!same(got.data[i]!, r.values(i))) return `element ${i} is ${got.data[i]}, reference ${r.values(i)}`;
  return null;
}

/** Called just before and just after the reader under test runs (the harness times that part). */
export interface ParseHooks {
  before(): void;
  after(): void;
}

/** Runs case `index` of the run seeded `seed` (restricted to `only` formats if given). */
export function runCase(seed: number, index: number, only?: readonly Format[], hooks?: ParseHooks): Outcome {
  const rng = new Rng(seed, index);
  const formats = only ?? FORMATS;
  const format = formats[index % formats.length]!;
  const pick = rng.pick(seeds()[format]);
  const log: string[] = [];
  let bytes: Uint8Array;
  if (format === 'safetensors') bytes = mutateSafetensors(rng, pick.bytes, log);
  else if (format === 'idx') bytes = mutateIdx(rng, pick.bytes, log, refGunzip);
  else bytes = rng.chance(0.7) ? mutateGzip(rng, pick.bytes, log, () => refGunzip(pick.bytes)) : mutateBytes(rng, pick.bytes, log);
  const source = format === 'gzip' ? null : `fuzz-case-${index}.${format}`;
  const base = { format, index, seedName: pick.name, log };
  let t0 = 0;
  let ms = 0;
  const parse = <T>(fn: () => T): T => {
    hooks?.before();
    t0 = performance.now();
    try {
      return fn();
    } finally {
      ms = performance.now() - t0;
      hooks?.after();
    }
  };
  let detail: string | null;
  try {
    if (format === 'safetensors') detail = compareSafetensors(bytes, parse(() => nb.parseSafetensors(bytes, source!)));
    else if (format === 'idx') detail = compareIdx(bytes, parse(() => parseIdx(bytes, source!)));
    else {
      const out = parse(() => gunzip(bytes, { maxOutput: 64 << 20 }));
      const ref = refGunzip(bytes);
      detail = ref === null ? 'accepted gzip data zlib rejects' : Buffer.compare(Buffer.from(ref), Buffer.from(out.buffer, out.byteOffset, out.length)) !== 0 ? 'output differs from zlib' : null;
    }
    return { ...base, kind: detail === null ? 'accepted' : 'wrongData', ...(detail !== null && { detail }), ms };
  } catch (e) {
    const wrong = checkRejection(e, source);
    if (wrong !== null) return { ...base, kind: 'wrongError', detail: wrong, ms };
    if (format === 'gzip' && !(e instanceof InflateError)) return { ...base, kind: 'wrongError', detail: `not an InflateError: ${(e as Error).message}`, ms };
    const refOk = format === 'safetensors' ? refSafetensors(bytes).ok : format === 'idx' ? refIdx(bytes).ok : refGunzip(bytes) !== null;
    return { ...base, kind: 'rejected', detail: (e as Error).message.slice(0, 300), stricter: refOk, ms };
  }
}
