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
 */
import type { TypedArray } from '../../core/dtype.js';
import { uninitPoisoned } from '../../core/dtype.js';
import { WA, type WasmInstance, type WasmMemory, type WasmModule } from './api.js';

/** The module's exports (native/wasm/exports.cc); addresses and sizes are i32, float parameters f64. */
export interface WasmExports {
  memory: WasmMemory;
  nb_scratch(): number;
  nb_arena(bytes: number): number;
  nb_info(): number;
  nb_set_num_threads(n: number): number;
  nb_gemm(a: number, b: number, c: number, bias: number): void;
  nb_unary(op: number, x: number, tx: number, out: number, to: number, nd: number): void;
  nb_binary(op: number, a: number, ta: number, b: number, tb: number, out: number, to: number, nd: number): void;
  nb_where(cond: number, tc: number, a: number, b: number, out: number, nd: number): void;
  nb_copy(x: number, out: number, elemSize: number, nd: number): void;
  nb_reduce(op: number, x: number, out: number, outer: number, n: number, inner: number): void;
  nb_arg_reduce(isMax: number, x: number, out: number, outer: number, n: number, inner: number): void;
  nb_softmax(x: number, out: number, outer: number, n: number, inner: number, log: number): void;
  nb_softmax_backward(y: number, g: number, out: number, outer: number, n: number, inner: number, log: number): void;
  nb_gather(x: number, index: number, out: number, outer: number, n: number, m: number, inner: number): void;
  nb_scatter_add(g: number, index: number, out: number, outer: number, n: number, m: number, inner: number): void;
  nb_adam_step(
    p: number, g: number, m: number, v: number, n: number, lr: number, beta1: number, beta2: number, eps: number, wd: number,
    decoupled: number, step: number,
  ): void;
  nb_conv2d(x: number, w: number, y: number, bias: number): void;
  nb_conv2d_backward_input(dy: number, w: number, dx: number): void;
  nb_conv2d_backward_weight(x: number, dy: number, dw: number, db: number): void;
  nb_max_pool2d(x: number, y: number, argmax: number): void;
  nb_max_pool2d_backward(dy: number, argmax: number, dx: number): void;
  nb_avg_pool2d(x: number, y: number): void;
  nb_avg_pool2d_backward(dy: number, dx: number): void;
  nb_batch_norm_stats(x: number, mean: number, invstd: number, variance: number, n: number, c: number, inner: number, eps: number): void;
  nb_batch_norm_forward(x: number, mean: number, invstd: number, gamma: number, beta: number, out: number, n: number, c: number, inner: number): void;
  nb_batch_norm_backward(
    g: number, x: number, mean: number, invstd: number, gamma: number, dx: number, dgamma: number, dbeta: number,
    n: number, c: number, inner: number, training: number,
  ): void;
  nb_layer_norm_forward(x: number, gamma: number, beta: number, out: number, mean: number, rstd: number, rows: number, n: number, eps: number): void;
  nb_layer_norm_backward(
    g: number, x: number, mean: number, rstd: number, gamma: number, dx: number, dgamma: number, dbeta: number, rows: number, n: number,
  ): void;
  nb_gelu_forward(x: number, y: number, n: number): void;
  nb_gelu_backward(x: number, g: number, out: number, n: number): void;
  nb_attention_forward(q: number, k: number, v: number, mask: number, out: number, lse: number): void;
  nb_attention_backward(
    q: number, k: number, v: number, mask: number, out: number, lse: number, g: number, dq: number, dk: number, dv: number,
  ): void;
  nb_lstm_cell_forward(gates: number, cPrev: number, c: number, h: number, tanhC: number): void;
  nb_lstm_cell_backward(gates: number, tanhC: number, cPrev: number, gradH: number, gradC: number, dh: number, dc: number, dGates: number): void;
  nb_gru_cell_forward(x: number, p: number, hPrev: number, h: number, act: number, pn: number): void;
  nb_gru_cell_backward(act: number, pn: number, hPrev: number, gradH: number, dh: number, dx: number, dp: number, dhPrev: number): void;
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

export class WasmRuntime {
  readonly x: WasmExports;
  /** the module's scratch (512 doubles): shapes, strides, offsets, geometry of the call */
  S: Float64Array;
  private buf: ArrayBuffer;
  private u8: Uint8Array;
  private readonly scratchAt: number;
  // the call's regions (reused from call to call: no allocation per call but the copies' views)
  private n = 0;
  private readonly arr: TypedArray[] = [];
  private readonly lo = new Float64Array(MAX_OPERANDS);
  private readonly hi = new Float64Array(MAX_OPERANDS);
  private readonly mode = new Int32Array(MAX_OPERANDS);
  private readonly at = new Float64Array(MAX_OPERANDS);

  constructor(instance: WasmInstance) {
    this.x = instance.exports as unknown as WasmExports;
    this.scratchAt = this.x.nb_scratch();
    this.buf = this.x.memory.buffer as ArrayBuffer;
    this.u8 = new Uint8Array(this.buf);
    this.S = new Float64Array(this.buf, this.scratchAt, 512);
  }

  /** Takes the views again if the memory has grown since they were taken. */
  private views(): void {
    const b = this.x.memory.buffer as ArrayBuffer;
    if (b === this.buf) return;
    this.buf = b;
    this.u8 = new Uint8Array(b);
    this.S = new Float64Array(b, this.scratchAt, 512);
  }

  info(): WasmInfo {
    this.views();
    const p = this.x.nb_info();
    this.views();
    let isa = '';
    for (let q = p; this.u8[q] !== 0; q++) isa += String.fromCharCode(this.u8[q]!);
    const S = this.S;
    return { isa, mr: S[0]!, nr: S[1]!, mc: S[2]!, kc: S[3]!, nc: S[4]!, threads: S[5]! };
  }

  /** Starts a call (views fresh, so the wrapper may write the scratch `S` at once). */
  begin(): void {
    this.n = 0;
    this.views();
  }

  /**
   * Adds elements [lo, hi) of `a` with mode IN, OUT or INOUT; returns the slot. The same array
   * added again shares the slot (ranges merged; two ranges written in one array become INOUT,
   * as together they may leave gaps). Returns -1 for two different arrays over overlapping bytes
   * of one buffer (the caller then runs the reference kernel).
   */
  add(a: TypedArray, lo: number, hi: number, mode: number): number {
    if (hi < lo) hi = lo;
    for (let i = 0; i < this.n; i++) {
      const b = this.arr[i]!;
      if (b === a) {
        if (hi > lo) {
          if (this.hi[i]! <= this.lo[i]!) {
            this.lo[i] = lo;
            this.hi[i] = hi;
          } else {
            this.lo[i] = Math.min(this.lo[i]!, lo);
            this.hi[i] = Math.max(this.hi[i]!, hi);
          }
        }
        this.mode[i] = (this.mode[i]! | mode) === OUT ? INOUT : this.mode[i]! | mode;
        return i;
      }
      if (b.buffer === a.buffer) {
        const a0 = a.byteOffset + lo * a.BYTES_PER_ELEMENT, a1 = a.byteOffset + hi * a.BYTES_PER_ELEMENT;
        const b0 = b.byteOffset + this.lo[i]! * b.BYTES_PER_ELEMENT, b1 = b.byteOffset + this.hi[i]! * b.BYTES_PER_ELEMENT;
        if (a0 < b1 && b0 < a1) return -1;
      }
    }
    const i = this.n++;
    this.arr[i] = a;
    this.lo[i] = lo;
    this.hi[i] = hi;
    this.mode[i] = mode;
    return i;
  }

  /** The first element of slot i's region (offsets written to the scratch are relative to it). */
  base(i: number): number {
    return this.lo[i]!;
  }

  /** The address of slot i's region in the module's memory (valid after commit). */
  ptr(i: number): number {
    return this.at[i]!;
  }

  /** Lays the regions out in the arena and copies the inputs in. */
  commit(): void {
    let total = 0;
    for (let i = 0; i < this.n; i++) {
      this.at[i] = total;
      const bytes = (this.hi[i]! - this.lo[i]!) * this.arr[i]!.BYTES_PER_ELEMENT;
      total += Math.ceil(bytes / ALIGN) * ALIGN;
    }
    const arena = this.x.nb_arena(Math.max(total, ALIGN));
    if (arena === 0) throw new RangeError(`the WebAssembly memory cannot hold this call's ${total} bytes`);
    this.views();
    const poison = uninitPoisoned();
    for (let i = 0; i < this.n; i++) {
      const at = arena + this.at[i]!;
      this.at[i] = at;
      if (this.mode[i] === OUT && !poison) continue;
      const a = this.arr[i]!;
      const lo = this.lo[i]!, hi = this.hi[i]!;
      if (hi > lo) this.u8.set(new Uint8Array(a.buffer, a.byteOffset + lo * a.BYTES_PER_ELEMENT, (hi - lo) * a.BYTES_PER_ELEMENT), at);
    }
  }

  /** Copies every written region back to its array. */
  finish(): void {
    this.views();
    for (let i = 0; i < this.n; i++) {
      if ((this.mode[i]! & OUT) === 0) continue;
      const a = this.arr[i]!;
      const lo = this.lo[i]!, hi = this.hi[i]!;
      if (hi <= lo) continue;
      const bpe = a.BYTES_PER_ELEMENT;
      new Uint8Array(a.buffer, a.byteOffset + lo * bpe, (hi - lo) * bpe).set(this.u8.subarray(this.at[i]!, this.at[i]! + (hi - lo) * bpe));
    }
    this.n = 0;
  }
}

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
