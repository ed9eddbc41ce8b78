/**
 * The WebAssembly module's runtime: its exports, its memory, and the copies in and out of it.
 *
 * Tensor storage stays in JavaScript typed arrays (so the garbage collector frees it and nothing
 * needs `dispose()`); a kernel call copies the element range each array is touched in
 * ([lo, hi), from the call's geometry) into one arena in the module's memory, runs the kernel
 * there, and copies the written ranges back. `memory.grow` (by the arena or by a kernel's own
 * scratch) detaches every view of the memory, so the views are taken again whenever the
 * memory's buffer has changed.
 *
 * One call at a time: `begin()`, `add()` each array (the same array twice is one region, its
 * ranges merged), `commit()` (lays out and copies in), the export, then `finish()` (copies out).
 *
 * Resident inputs: a large array that is only read by a call, and that core/residency.ts says may
 * be kept (allocated by nabla, never handed out), is copied into a block of its own the second
 * time a call reads it whole, and later calls read it (or any part) there instead of copying it (a model's
 * weights: batch-1 inference spent about half its time copying them). Every write nabla makes to
 * an array is reported (this runtime's written ranges in `finish()`, the rest through
 * `noteWrite`), which drops the copy, except a call of this runtime's own that writes an array
 * with a copy here: it works in the copy and copies the result out (the copy stays current: an
 * optimizer's parameters and moments). Changing backends drops all. At most `maxResidentBytes` are
 * kept (least recently used go first); a copy whose array the garbage collector frees is freed
 * with it. See core/residency.ts for why no write can be missed.
 */
import type { TypedArray } from '../../core/dtype.js';
import { uninitPoisoned } from '../../core/dtype.js';
import { RESIDENT_MIN_BYTES, addCopyHolder, mayKeepCopy, noteBufferWrite, setHolding, type StorageCopies } from '../../core/residency.js';
import { WA, type WasmInstance, type WasmMemory, type WasmModule } from './api.js';

/**
 * The module's exports: the kernels of the table (native/gen/wasm_exports.cc: `nb_<kernel>`, each
 * taking (address, dtype code) per array and the scratch's address, returning 0 or the address
 * of an error message) and the runtime's own (native/wasm/runtime.cc). Addresses are i32.
 */
export interface WasmExports {
  memory: WasmMemory;
  nb_scratch(): number;
  nb_arena(bytes: number): number;
  nb_alloc(bytes: number): number;
  nb_free(at: number): number;
  nb_info(): number;
  nb_set_num_threads(n: number): number;
  [kernel: `nb_${string}`]: (...args: number[]) => number;
}

/** The array is read by the kernel. */
export const IN = 1;
/** The array's range is written in full by the kernel (nothing is copied in). */
export const OUT = 2;
/** Read and written, or written only in part: copied in and out. */
export const INOUT = 3;

/** What `wasmInfo()` reports: the kernels' instruction set, GEMM tile and blocking, threads. */
export interface WasmInfo {
  isa: string;
  mr: number;
  nr: number;
  mc: number;
  kc: number;
  nc: number;
  threads: number;
}

const ALIGN = 64;
const MAX_OPERANDS = 12;
/** How many bytes of resident inputs a runtime keeps by default. */
export const DEFAULT_RESIDENT_BYTES = 64 * 1024 * 1024;

/**
 * A copy of a whole buffer kept in the module's memory (at `at`, 0 once freed: the map's entry
 * then stands for nothing until the buffer is kept again or dies). No WeakRef to the buffer: a
 * WeakRef made (or dereferenced) keeps its target alive until the current job ends, and a
 * synchronous training loop is one job, so every array ever kept would live until the loop
 * yields (gigabytes, and every new array on fresh pages).
 */
interface Resident {
  at: number;
  readonly bytes: number;
  /** the call that last read it */
  use: number;
}

export class WasmRuntime implements StorageCopies {
  readonly x: WasmExports;
  /** the module's scratch (512 doubles) */
  S: Float64Array;
  private buf: ArrayBuffer;
  private u8: Uint8Array;
  private f32: Float32Array;
  private i32: Int32Array;
  private f64: Float64Array;
  private readonly scratchAt: number;
  // The call's arrays (slots) and the byte regions of their buffers that hold them (one region per
  // run of overlapping ranges of one buffer, so arrays that alias share memory here as they do in
  // JavaScript). Reused from call to call.
  private n = 0;
  private readonly arr: TypedArray[] = [];
  private readonly slotRegion = new Int32Array(MAX_OPERANDS);
  private nr = 0;
  private readonly rBuf: ArrayBufferLike[] = [];
  private readonly rLo = new Float64Array(MAX_OPERANDS);
  private readonly rHi = new Float64Array(MAX_OPERANDS);
  private readonly rMode = new Int32Array(MAX_OPERANDS);
  private readonly rAt = new Float64Array(MAX_OPERANDS);
  /** the one array whose range a region holds (small copies go element by element), or null */
  private readonly rOnly: (TypedArray | null)[] = [];
  /**
   * 1: the region is read from a resident copy (nothing to lay out or copy); 2: the region is
   * written, and its array has a resident copy: the kernel works in that copy (nothing copied in),
   * the written range is copied out as usual, and the copy stays (it then equals the array)
   */
  private readonly rResident = new Int32Array(MAX_OPERANDS);
  /** the copies the current call writes in place, until its finish() (a call that fails before it leaves them stale: dropped) */
  private readonly writing: Resident[] = [];
  /** the buffer whose copy finish() keeps while it reports the write to every holder */
  private sparing: ArrayBufferLike | null = null;

  // resident inputs (see the file's comment)
  private residents = new WeakMap<ArrayBufferLike, Resident>();
  private readonly residentList = new Set<Resident>();
  /** buffers read once: the next read makes them resident */
  private readonly seen = new WeakSet<ArrayBufferLike>();
  private residentBytes = 0;
  private maxResidentBytes = DEFAULT_RESIDENT_BYTES;
  private calls = 0;
  private readonly finalizer = new FinalizationRegistry<Resident>((e) => this.free(e));

  constructor(instance: WasmInstance) {
    this.x = instance.exports as unknown as WasmExports;
    this.scratchAt = this.x.nb_scratch();
    this.buf = this.x.memory.buffer as ArrayBuffer;
    this.u8 = new Uint8Array(this.buf);
    this.f32 = new Float32Array(this.buf);
    this.i32 = new Int32Array(this.buf);
    this.f64 = new Float64Array(this.buf);
    this.S = new Float64Array(this.buf, this.scratchAt, 512);
    this.canKeep = typeof this.x.nb_alloc === 'function' && typeof FinalizationRegistry === 'function';
    if (this.canKeep) addCopyHolder(this);
  }

  /** whether this module and engine can keep resident inputs */
  private readonly canKeep: boolean;

  /** Takes the views again if the memory has grown since they were taken. */
  private views(): void {
    const b = this.x.memory.buffer as ArrayBuffer;
    if (b === this.buf) return;
    this.buf = b;
    this.u8 = new Uint8Array(b);
    this.f32 = new Float32Array(b);
    this.i32 = new Int32Array(b);
    this.f64 = new Float64Array(b);
    this.S = new Float64Array(b, this.scratchAt, 512);
  }

  /** The address of the module's scratch. */
  scratchAddress(): number {
    return this.scratchAt;
  }

  info(): WasmInfo {
    this.views();
    const p = this.x.nb_info();
    this.views();
    const S = this.S;
    return { isa: this.cString(p), mr: S[0]!, nr: S[1]!, mc: S[2]!, kc: S[3]!, nc: S[4]!, threads: S[5]! };
  }

  /** The NUL-terminated string at address p. */
  cString(p: number): string {
    this.views();
    let s = '';
    for (let q = p; this.u8[q] !== 0; q++) s += String.fromCharCode(this.u8[q]!);
    return s;
  }

  /** Starts a call (views fresh, so `S` may be written at once). */
  begin(): void {
    this.n = 0;
    this.nr = 0;
    // a call that wrote into resident copies and did not finish (its kernel failed): they may
    // hold part of what it wrote, which its arrays do not
    if (this.writing.length > 0) {
      for (const e of this.writing) this.free(e);
      this.writing.length = 0;
    }
    this.views();
  }

  /**
   * Adds elements [lo, hi) of `a` with mode IN, OUT (written in full) or INOUT; returns its slot.
   * Arrays over overlapping bytes of one buffer (the same array twice, or two views) share one
   * region; two written ranges merged in one region become INOUT (together they may leave gaps).
   */
  add(a: TypedArray, lo: number, hi: number, mode: number): number {
    const bpe = a.BYTES_PER_ELEMENT;
    let b0 = a.byteOffset + lo * bpe, b1 = a.byteOffset + Math.max(lo, hi) * bpe;
    let r = -1;
    for (let i = 0; i < this.nr; i++) {
      if (this.rBuf[i] !== a.buffer || b0 > this.rHi[i]! || this.rLo[i]! > b1) continue;
      if (r < 0) {
        r = i;
        if (this.rOnly[i] !== a) this.rOnly[i] = null;
        const m = this.rMode[i]! | mode;
        this.rMode[i] = (this.rMode[i]! & OUT) !== 0 && (mode & OUT) !== 0 ? INOUT : m;
      } else {
        // the new range joins two regions: fold region i into r
        this.rMode[r] = INOUT;
        this.rOnly[r] = null;
        b0 = Math.min(b0, this.rLo[i]!);
        b1 = Math.max(b1, this.rHi[i]!);
        this.rLo[i] = 0;
        this.rHi[i] = 0;
        this.rBuf[i] = EMPTY;
        for (let s = 0; s < this.n; s++) if (this.slotRegion[s] === i) this.slotRegion[s] = r;
      }
      b0 = Math.min(b0, this.rLo[r]!);
      b1 = Math.max(b1, this.rHi[r]!);
      this.rLo[r] = b0;
      this.rHi[r] = b1;
    }
    if (r < 0) {
      r = this.nr++;
      this.rBuf[r] = a.buffer;
      this.rLo[r] = b0;
      this.rHi[r] = b1;
      this.rMode[r] = mode;
      this.rOnly[r] = a;
    }
    const s = this.n++;
    this.arr[s] = a;
    this.slotRegion[s] = r;
    return s;
  }

  /**
   * The address slot s's element 0 would have in the module's memory (valid after commit): the
   * kernel adds its offsets to it, and only touches the copied range. May be "negative" (wraps
   * modulo 2^32 like every wasm32 address computation, as i32).
   */
  ptr(s: number): number {
    const a = this.arr[s]!;
    const r = this.slotRegion[s]!;
    return (this.rAt[r]! + (a.byteOffset - this.rLo[r]!)) | 0;
  }

  /** Copies region r in (or out) element by element when it holds one array; false if it does not. */
  private small(r: number, into: boolean): boolean {
    const a = this.rOnly[r];
    if (a == null) return false;
    const bpe = a.BYTES_PER_ELEMENT;
    const lo = (this.rLo[r]! - a.byteOffset) / bpe, hi = (this.rHi[r]! - a.byteOffset) / bpe;
    const at = this.rAt[r]! / bpe;
    const w = a instanceof Float32Array ? this.f32 : a instanceof Int32Array ? this.i32 : a instanceof Float64Array ? this.f64 : a instanceof Uint8Array ? this.u8 : null;
    if (w === null) return false;
    if (into) for (let i = lo; i < hi; i++) w[at + i - lo] = a[i]!;
    else for (let i = lo; i < hi; i++) a[i] = w[at + i - lo]!;
    return true;
  }

  /** Lays the regions out in the arena (8-byte aligned as in their buffers) and copies the inputs in. */
  commit(): void {
    this.calls++;
    let total = 0;
    for (let r = 0; r < this.nr; r++) {
      this.rResident[r] = 0;
      if (this.canKeep && (this.rMode[r] === IN ? this.keep(r) : this.inPlace(r))) {
        this.rResident[r] = this.rMode[r] === IN ? 1 : 2;
        continue;
      }
      const pad = this.rLo[r]! % 8;
      this.rAt[r] = total + pad;
      total += Math.ceil((pad + this.rHi[r]! - this.rLo[r]!) / ALIGN) * ALIGN;
    }
    const arena = this.x.nb_arena(Math.max(total, ALIGN));
    if (arena === 0) throw new RangeError(`the WebAssembly memory cannot hold this call's ${total} bytes`);
    this.views();
    const poison = uninitPoisoned();
    for (let r = 0; r < this.nr; r++) {
      if (this.rResident[r] === 2 && this.rMode[r] === OUT && poison) {
        // (with poisoned outputs the copy takes the poison, so an element the kernel skips shows)
        const n = this.rHi[r]! - this.rLo[r]!;
        this.u8.set(new Uint8Array(this.rBuf[r]!, this.rLo[r]!, n), this.rAt[r]!);
      }
      if (this.rResident[r] !== 0) continue;
      this.rAt[r] = arena + this.rAt[r]!;
      const n = this.rHi[r]! - this.rLo[r]!;
      if (n <= 0 || (this.rMode[r] === OUT && !poison)) continue;
      if (n <= SMALL && this.small(r, true)) continue;
      this.u8.set(new Uint8Array(this.rBuf[r]!, this.rLo[r]!, n), this.rAt[r]!);
    }
  }

  /** Copies every written region back to its buffer. */
  finish(): void {
    this.views();
    for (let r = 0; r < this.nr; r++) {
      const n = this.rHi[r]! - this.rLo[r]!;
      if (n <= 0 || (this.rMode[r]! & OUT) === 0) continue;
      if (!(n <= SMALL && this.small(r, false))) new Uint8Array(this.rBuf[r]!, this.rLo[r]!, n).set(this.u8.subarray(this.rAt[r]!, this.rAt[r]! + n));
      // every other copy of the buffer is stale now; this runtime's own, written in place, is not
      this.sparing = this.rResident[r] === 2 ? this.rBuf[r]! : null;
      noteBufferWrite(this.rBuf[r]!);
      this.sparing = null;
    }
    this.writing.length = 0;
    this.n = 0;
    this.nr = 0;
  }

  /**
   * Lets a written region r work in its array's resident copy, if the array has one (an
   * optimizer's parameters and moments, written by every step and read whole by the next):
   * nothing is copied in, and finish() keeps the copy; false otherwise (written in part or in
   * full with no copy yet: the arena as usual).
   */
  private inPlace(r: number): boolean {
    const a = this.rOnly[r];
    if (a == null || !mayKeepCopy(a)) return false;
    // with no copy yet, only an array read and written whole (an optimizer's moments) is made
    // resident like an input (admit copies it in: what this call needed anyway)
    if (this.rMode[r] !== INOUT && this.resident(a.buffer) === undefined) return false;
    const e = this.copyOf(r, a);
    if (e === undefined) return false;
    this.writing.push(e);
    return true;
  }

  /**
   * Reads region r (an input) from a resident copy if its array may be kept: the copy there, or
   * made now if the array was read before; false (copy it in as usual) otherwise.
   */
  private keep(r: number): boolean {
    const a = this.rOnly[r];
    return a != null && mayKeepCopy(a) && this.copyOf(r, a) !== undefined;
  }

  /**
   * The resident copy of region r's array (the region's address set in it), made now if the call
   * covers the whole array and an earlier call did too; undefined otherwise. Only a call reading
   * the whole array makes it resident (a weight; not one step's slice of a sequence's outputs,
   * which would copy the whole array for a part of it).
   */
  private copyOf(r: number, a: TypedArray): Resident | undefined {
    const buf = a.buffer;
    let e = this.resident(buf);
    if (e === undefined) {
      if (a.byteLength < RESIDENT_MIN_BYTES || this.maxResidentBytes === 0) return undefined;
      if (this.rLo[r] !== 0 || this.rHi[r] !== buf.byteLength) return undefined;
      if (!this.seen.has(buf)) {
        this.seen.add(buf);
        return undefined;
      }
      e = this.admit(buf);
      if (e === undefined) return undefined;
    }
    e.use = this.calls;
    // byte b of the buffer is at e.at + b
    this.rAt[r] = e.at + this.rLo[r]!;
    return e;
  }

  /** Copies a whole buffer into a block of its own, making room (least recently used first). */
  private admit(buf: ArrayBufferLike): Resident | undefined {
    const bytes = buf.byteLength;
    if (bytes > this.maxResidentBytes) return undefined;
    while (this.residentBytes + bytes > this.maxResidentBytes) if (!this.evictOne()) return undefined;
    const at = this.x.nb_alloc(bytes);
    if (at === 0) return undefined;
    this.views();
    this.u8.set(new Uint8Array(buf, 0, bytes), at);
    const e: Resident = { at, bytes, use: this.calls };
    this.residents.set(buf, e);
    this.residentList.add(e);
    this.residentBytes += bytes;
    this.finalizer.register(buf, e, e);
    if (this.residentList.size === 1) setHolding(this, true);
    return e;
  }

  /** Frees the least recently used copy that this call does not read; false if there is none. */
  private evictOne(): boolean {
    let victim: Resident | null = null;
    for (const e of this.residentList) if (e.use !== this.calls && (victim === null || e.use < victim.use)) victim = e;
    if (victim === null) return false;
    this.free(victim);
    return true;
  }

  private free(e: Resident): void {
    if (e.at === 0) return;
    this.x.nb_free(e.at);
    e.at = 0;
    this.residentBytes -= e.bytes;
    this.residentList.delete(e);
    this.finalizer.unregister(e);
    if (this.residentList.size === 0) setHolding(this, false);
  }

  /** The buffer's copy here, if it has one (not freed). */
  private resident(buffer: ArrayBufferLike): Resident | undefined {
    const e = this.residents.get(buffer);
    return e !== undefined && e.at !== 0 ? e : undefined;
  }

  /** The buffer was written: its copy (if any) is dropped. */
  dropCopy(buffer: ArrayBufferLike): void {
    if (buffer === this.sparing) return;
    const e = this.resident(buffer);
    if (e !== undefined) this.free(e);
  }

  dropAllCopies(): void {
    for (const e of [...this.residentList]) this.free(e);
    this.residents = new WeakMap();
  }

  /** Bytes of resident inputs kept now, and the most that may be kept. */
  residentInfo(): { bytes: number; count: number; max: number } {
    return { bytes: this.residentBytes, count: this.residentList.size, max: this.maxResidentBytes };
  }

  /** Sets the most bytes of resident inputs kept (0: none; copies beyond it are freed). */
  setMaxResidentBytes(bytes: number): void {
    this.maxResidentBytes = Math.max(0, bytes);
    this.calls++;
    while (this.residentBytes > this.maxResidentBytes && this.evictOne());
  }
}

const EMPTY = new ArrayBuffer(0);
/** Regions up to this many bytes are copied element by element (no views made per call). */
const SMALL = 256;

let runtime: WasmRuntime | null = null;

/** Instantiates the module (it imports nothing) and makes it the runtime the wasm backend calls. */
export function startRuntime(module: WasmModule): WasmRuntime {
  runtime = new WasmRuntime(new WA!.Instance(module, {}));
  return runtime;
}

/** Uses an instance made elsewhere (the asynchronous browser path). */
export function adoptInstance(instance: WasmInstance): WasmRuntime {
  runtime = new WasmRuntime(instance);
  return runtime;
}

/** The runtime, or null before the module is loaded. */
export function wasmRuntime(): WasmRuntime | null {
  return runtime;
}
