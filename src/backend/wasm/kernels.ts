/**
 * The WebAssembly backend ('wasm'): the native kernels (native/kernels/, compiled to wasm32 with
 * SIMD128 into wasm/nabla.wasm) called through the runtime's arena (runtime.ts). Each wrapper
 * checks the dtypes as the native backend does (float32, and bool / int32 inputs where the
 * native kernels take them; anything else runs the reference kernel, call by call), works out
 * the element range of each array the kernel touches, writes the geometry into the module's
 * scratch in the layouts of native/wasm/exports.cc (those of native/addon.cc, with offsets
 * relative to each array's copied range), and calls the export.
 */
import type { TypedArray } from '../../core/dtype.js';
import type {
  AdamArgs, AttentionArgs, AttentionBackwardArgs, BinaryOp, Conv2dGeom, GemmArgs, GruCellArgs, GruCellBackwardArgs, HeadView,
  LstmCellArgs, LstmCellBackwardArgs, PartialBackend, Pool2dGeom, ReduceOp, Strided, UnaryOp,
} from '../types.js';
import { referenceBackend as R } from '../reference/index.js';
import { IN, INOUT, OUT, type WasmRuntime } from './runtime.js';

// Op codes: the order of the enums in native/kernels/common.h.
const UNARY_CODE: Record<UnaryOp, number> = {
  neg: 0, exp: 1, log: 2, sqrt: 3, rsqrt: 4, abs: 5, sign: 6, square: 7, reciprocal: 8, relu: 9, sigmoid: 10,
  tanh: 11, sin: 12, cos: 13, floor: 14, ceil: 15, round: 16, log1p: 17, expm1: 18, softplus: 19, gelu: 20, not: 21,
};
const BINARY_CODE: Record<BinaryOp, number> = {
  add: 0, sub: 1, mul: 2, div: 3, pow: 4, maximum: 5, minimum: 6, eq: 7, ne: 8, lt: 9, le: 10, gt: 11, ge: 12,
  and: 13, or: 14, reluGrad: 15,
};
const COMPARISON = new Set<BinaryOp>(['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'and', 'or']);
const REDUCE_CODE: Record<ReduceOp, number> = { sum: 0, max: 1, min: 2, prod: 3 };
const MAX_DIMS = 16;

/** ElemType of native/kernels/common.h (E_F32, E_U8, E_I32), -1 for other arrays. */
function elemType(x: TypedArray): number {
  return x instanceof Float32Array ? 0 : x instanceof Uint8Array ? 1 : x instanceof Int32Array ? 2 : -1;
}

function f32(...xs: unknown[]): boolean {
  for (const x of xs) if (!(x instanceof Float32Array)) return false;
  return true;
}

function f32OrNull(x: TypedArray | null | undefined): boolean {
  return x == null || x instanceof Float32Array;
}

/** The WebAssembly backend over a started runtime. */
export function wasmKernels(rt: WasmRuntime): PartialBackend {
  const X = rt.x;
  // per-call element ranges of the strided operands (set by prep)
  const lo = new Float64Array(4), hi = new Float64Array(4);

  /**
   * Collapses the axes every operand walks contiguously into the scratch (offsets at [0, 4),
   * shape at [4, 20), operand j's strides at [20 + 16j, ...)) and records each operand's element
   * range [lo, hi). Returns the rank, 0 for an empty tensor, -1 for too many axes.
   */
  function prep(shape: readonly number[], nops: number, o0: Strided, o1?: Strided, o2?: Strided): number {
    const S = rt.S;
    let nd = 0;
    for (let d = 0; d < shape.length; d++) {
      const n = shape[d]!;
      if (n === 0) return 0;
      if (n === 1) continue;
      const s0 = o0.strides[d]!;
      const s1 = nops > 1 ? o1!.strides[d]! : 0;
      const s2 = nops > 2 ? o2!.strides[d]! : 0;
      if (nd > 0 && S[20 + nd - 1] === s0 * n && (nops < 2 || S[36 + nd - 1] === s1 * n) && (nops < 3 || S[52 + nd - 1] === s2 * n)) {
        S[4 + nd - 1] = S[4 + nd - 1]! * n;
        S[20 + nd - 1] = s0;
        S[36 + nd - 1] = s1;
        S[52 + nd - 1] = s2;
        continue;
      }
      if (nd === MAX_DIMS) return -1;
      S[4 + nd] = n;
      S[20 + nd] = s0;
      S[36 + nd] = s1;
      S[52 + nd] = s2;
      nd++;
    }
    if (nd === 0) {
      S[4] = 1;
      S[20] = 0;
      S[36] = 0;
      S[52] = 0;
      nd = 1;
    }
    const ops = [o0, o1, o2];
    for (let j = 0; j < nops; j++) {
      let a = ops[j]!.offset, b = a;
      for (let d = 0; d < nd; d++) {
        const span = (S[4 + d]! - 1) * S[20 + 16 * j + d]!;
        if (span < 0) a += span;
        else b += span;
      }
      lo[j] = a;
      hi[j] = b + 1;
    }
    return nd;
  }

  /** Whether a collapsed operand j walks its range densely (every element of [lo, hi) once). */
  function dense(j: number, nd: number): boolean {
    return nd === 1 && rt.S[20 + 16 * j] === 1;
  }

  /** Number of elements of a shape. */
  function numel(shape: readonly number[]): number {
    let n = 1;
    for (const d of shape) n *= d;
    return n;
  }

  function unary(op: UnaryOp, x: Strided, shape: readonly number[], out: TypedArray): void {
    const tx = elemType(x.data);
    const to = out instanceof Float32Array ? 0 : out instanceof Uint8Array && op === 'not' ? 1 : -1;
    if (tx >= 0 && to >= 0) {
      rt.begin();
      const nd = prep(shape, 1, x);
      if (nd === 0) return;
      if (nd > 0) {
        const sx = rt.add(x.data, lo[0]!, hi[0]!, IN), so = rt.add(out, 0, numel(shape), OUT);
        if (sx >= 0 && so >= 0) {
          rt.S[0] = x.offset - rt.base(sx);
          rt.commit();
          X.nb_unary(UNARY_CODE[op], rt.ptr(sx), tx, rt.ptr(so), to, nd);
          return rt.finish();
        }
      }
    }
    R.unary(op, x, shape, out);
  }

  function binary(op: BinaryOp, a: Strided, b: Strided, shape: readonly number[], out: TypedArray): void {
    const ta = elemType(a.data), tb = elemType(b.data);
    const to = out instanceof Float32Array ? 0 : out instanceof Uint8Array && COMPARISON.has(op) ? 1 : -1;
    if (ta >= 0 && tb >= 0 && to >= 0) {
      rt.begin();
      const nd = prep(shape, 2, a, b);
      if (nd === 0) return;
      if (nd > 0) {
        const sa = rt.add(a.data, lo[0]!, hi[0]!, IN), sb = rt.add(b.data, lo[1]!, hi[1]!, IN), so = rt.add(out, 0, numel(shape), OUT);
        if (sa >= 0 && sb >= 0 && so >= 0) {
          rt.S[0] = a.offset - rt.base(sa);
          rt.S[1] = b.offset - rt.base(sb);
          rt.commit();
          X.nb_binary(BINARY_CODE[op], rt.ptr(sa), ta, rt.ptr(sb), tb, rt.ptr(so), to, nd);
          return rt.finish();
        }
      }
    }
    R.binary(op, a, b, shape, out);
  }

  function where(cond: Strided, a: Strided, b: Strided, shape: readonly number[], out: TypedArray): void {
    const tc = elemType(cond.data);
    if (tc >= 0 && f32(a.data, b.data, out)) {
      rt.begin();
      const nd = prep(shape, 3, cond, a, b);
      if (nd === 0) return;
      if (nd > 0) {
        const sc = rt.add(cond.data, lo[0]!, hi[0]!, IN), sa = rt.add(a.data, lo[1]!, hi[1]!, IN);
        const sb = rt.add(b.data, lo[2]!, hi[2]!, IN), so = rt.add(out, 0, numel(shape), OUT);
        if (sc >= 0 && sa >= 0 && sb >= 0 && so >= 0) {
          rt.S[0] = cond.offset - rt.base(sc);
          rt.S[1] = a.offset - rt.base(sa);
          rt.S[2] = b.offset - rt.base(sb);
          rt.commit();
          X.nb_where(rt.ptr(sc), tc, rt.ptr(sa), rt.ptr(sb), rt.ptr(so), nd);
          return rt.finish();
        }
      }
    }
    R.where(cond, a, b, shape, out);
  }

  function copy(x: Strided, shape: readonly number[], out: Strided): void {
    if (x.data.constructor === out.data.constructor) {
      rt.begin();
      const nd = prep(shape, 2, x, out);
      if (nd === 0) return;
      if (nd > 0) {
        const sx = rt.add(x.data, lo[0]!, hi[0]!, IN), so = rt.add(out.data, lo[1]!, hi[1]!, dense(1, nd) ? OUT : INOUT);
        if (sx >= 0 && so >= 0) {
          rt.S[0] = x.offset - rt.base(sx);
          rt.S[1] = out.offset - rt.base(so);
          rt.commit();
          X.nb_copy(rt.ptr(sx), rt.ptr(so), x.data.BYTES_PER_ELEMENT, nd);
          return rt.finish();
        }
      }
    }
    R.copy(x, shape, out);
  }

  function reduce(op: ReduceOp, x: TypedArray, outer: number, n: number, inner: number, out: TypedArray): void {
    if (f32(x, out)) {
      rt.begin();
      const sx = rt.add(x, 0, outer * n * inner, IN), so = rt.add(out, 0, outer * inner, OUT);
      if (sx >= 0 && so >= 0) {
        rt.commit();
        X.nb_reduce(REDUCE_CODE[op], rt.ptr(sx), rt.ptr(so), outer, n, inner);
        return rt.finish();
      }
    }
    R.reduce(op, x, outer, n, inner, out);
  }

  function argReduce(op: 'argmax' | 'argmin', x: TypedArray, outer: number, n: number, inner: number, out: Int32Array): void {
    if (x instanceof Float32Array && out instanceof Int32Array) {
      rt.begin();
      const sx = rt.add(x, 0, outer * n * inner, IN), so = rt.add(out, 0, outer * inner, OUT);
      if (sx >= 0 && so >= 0) {
        rt.commit();
        X.nb_arg_reduce(op === 'argmax' ? 1 : 0, rt.ptr(sx), rt.ptr(so), outer, n, inner);
        return rt.finish();
      }
    }
    R.argReduce(op, x, outer, n, inner, out);
  }

  /** Element range of a stored matrix (rows x cols, row stride ld) repeated `batch` times `stride` apart. */
  function matRange(off: number, batch: number, stride: number, rows: number, cols: number, ld: number): void {
    if (batch === 0 || rows === 0 || cols === 0) {
      lo[0] = off;
      hi[0] = off;
      return;
    }
    const span = (batch - 1) * stride;
    lo[0] = off + Math.min(0, span);
    hi[0] = off + Math.max(0, span) + (rows - 1) * ld + cols;
  }

  function gemm(p: GemmArgs): void {
    const bias = p.bias;
    if (f32(p.a, p.b, p.c) && (bias === undefined || bias instanceof Float32Array)) {
      if (p.batch === 0 || p.m === 0 || p.n === 0) return;
      rt.begin();
      matRange(p.aOffset, p.batch, p.strideA, p.transA ? p.k : p.m, p.transA ? p.m : p.k, p.lda);
      const sa = rt.add(p.a, lo[0]!, hi[0]!, IN);
      matRange(p.bOffset, p.batch, p.strideB, p.transB ? p.n : p.k, p.transB ? p.k : p.n, p.ldb);
      const sb = rt.add(p.b, lo[0]!, hi[0]!, IN);
      matRange(p.cOffset, p.batch, p.strideC, p.m, p.n, p.ldc);
      const cDense = p.beta === 0 && p.ldc === p.n && (p.batch === 1 || p.strideC === p.m * p.n);
      const sc = rt.add(p.c, lo[0]!, hi[0]!, cDense ? OUT : INOUT);
      const biasOffset = p.biasOffset ?? 0;
      const sbias = bias === undefined ? 0 : rt.add(bias, biasOffset, biasOffset + p.n, IN);
      if (sa >= 0 && sb >= 0 && sc >= 0 && sbias >= 0) {
        const S = rt.S;
        S[0] = p.batch; S[1] = p.m; S[2] = p.n; S[3] = p.k;
        S[4] = p.aOffset - rt.base(sa); S[5] = p.lda; S[6] = p.transA ? 1 : 0; S[7] = p.strideA;
        S[8] = p.bOffset - rt.base(sb); S[9] = p.ldb; S[10] = p.transB ? 1 : 0; S[11] = p.strideB;
        S[12] = p.cOffset - rt.base(sc); S[13] = p.ldc; S[14] = p.strideC; S[15] = p.beta;
        if (bias !== undefined) S[16] = biasOffset - rt.base(sbias);
        rt.commit();
        X.nb_gemm(rt.ptr(sa), rt.ptr(sb), rt.ptr(sc), bias === undefined ? 0 : rt.ptr(sbias));
        return rt.finish();
      }
    }
    R.gemm(p);
  }

  function softmax(x: TypedArray, outer: number, n: number, inner: number, out: TypedArray, log: boolean): void {
    if (f32(x, out)) {
      rt.begin();
      const size = outer * n * inner;
      const sx = rt.add(x, 0, size, IN), so = rt.add(out, 0, size, OUT);
      if (sx >= 0 && so >= 0) {
        rt.commit();
        X.nb_softmax(rt.ptr(sx), rt.ptr(so), outer, n, inner, log ? 1 : 0);
        return rt.finish();
      }
    }
    R.softmax(x, outer, n, inner, out, log);
  }

  function softmaxBackward(y: TypedArray, g: TypedArray, outer: number, n: number, inner: number, out: TypedArray, log: boolean): void {
    if (f32(y, g, out)) {
      rt.begin();
      const size = outer * n * inner;
      const sy = rt.add(y, 0, size, IN), sg = rt.add(g, 0, size, IN), so = rt.add(out, 0, size, OUT);
      if (sy >= 0 && sg >= 0 && so >= 0) {
        rt.commit();
        X.nb_softmax_backward(rt.ptr(sy), rt.ptr(sg), rt.ptr(so), outer, n, inner, log ? 1 : 0);
        return rt.finish();
      }
    }
    R.softmaxBackward(y, g, outer, n, inner, out, log);
  }

  function gather(x: TypedArray, index: Int32Array, outer: number, n: number, m: number, inner: number, out: TypedArray): void {
    if (f32(x, out) && index instanceof Int32Array) {
      rt.begin();
      const sx = rt.add(x, 0, outer * n * inner, IN), si = rt.add(index, 0, outer * m * inner, IN), so = rt.add(out, 0, outer * m * inner, OUT);
      if (sx >= 0 && si >= 0 && so >= 0) {
        rt.commit();
        X.nb_gather(rt.ptr(sx), rt.ptr(si), rt.ptr(so), outer, n, m, inner);
        return rt.finish();
      }
    }
    R.gather(x, index, outer, n, m, inner, out);
  }

  function scatterAdd(g: TypedArray, index: Int32Array, outer: number, n: number, m: number, inner: number, out: TypedArray): void {
    if (f32(g, out) && index instanceof Int32Array) {
      rt.begin();
      const sg = rt.add(g, 0, outer * m * inner, IN), si = rt.add(index, 0, outer * m * inner, IN), so = rt.add(out, 0, outer * n * inner, INOUT);
      if (sg >= 0 && si >= 0 && so >= 0) {
        rt.commit();
        X.nb_scatter_add(rt.ptr(sg), rt.ptr(si), rt.ptr(so), outer, n, m, inner);
        return rt.finish();
      }
    }
    R.scatterAdd(g, index, outer, n, m, inner, out);
  }

  function adamStep(p: TypedArray, g: TypedArray, m: TypedArray, v: TypedArray, a: AdamArgs): void {
    const n = p.length;
    if (f32(p, g, m, v) && g.length >= n && m.length >= n && v.length >= n) {
      rt.begin();
      const sp = rt.add(p, 0, n, INOUT), sg = rt.add(g, 0, n, IN), sm = rt.add(m, 0, n, INOUT), sv = rt.add(v, 0, n, INOUT);
      if (sp >= 0 && sg >= 0 && sm >= 0 && sv >= 0) {
        rt.commit();
        X.nb_adam_step(rt.ptr(sp), rt.ptr(sg), rt.ptr(sm), rt.ptr(sv), n, a.lr, a.beta1, a.beta2, a.eps, a.weightDecay, a.decoupled ? 1 : 0, a.step);
        return rt.finish();
      }
    }
    R.adamStep(p, g, m, v, a);
  }

  function convGeom(g: Conv2dGeom): void {
    const S = rt.S;
    S[0] = g.n; S[1] = g.cIn; S[2] = g.h; S[3] = g.w; S[4] = g.cOut; S[5] = g.kh; S[6] = g.kw;
    S[7] = g.strideH; S[8] = g.strideW; S[9] = g.padH; S[10] = g.padW; S[11] = g.dilH; S[12] = g.dilW;
    S[13] = g.groups; S[14] = g.outH; S[15] = g.outW;
  }
  const xSize = (g: Conv2dGeom): number => g.n * g.cIn * g.h * g.w;
  const wSize = (g: Conv2dGeom): number => g.cOut * (g.cIn / g.groups) * g.kh * g.kw;
  const ySize = (g: Conv2dGeom): number => g.n * g.cOut * g.outH * g.outW;

  function conv2d(x: TypedArray, w: TypedArray, g: Conv2dGeom, out: TypedArray, bias?: TypedArray | null): void {
    if (f32(x, w, out) && f32OrNull(bias)) {
      rt.begin();
      const sx = rt.add(x, 0, xSize(g), IN), sw = rt.add(w, 0, wSize(g), IN), so = rt.add(out, 0, ySize(g), OUT);
      const sbias = bias ? rt.add(bias, 0, g.cOut, IN) : 0;
      if (sx >= 0 && sw >= 0 && so >= 0 && sbias >= 0) {
        convGeom(g);
        rt.commit();
        X.nb_conv2d(rt.ptr(sx), rt.ptr(sw), rt.ptr(so), bias ? rt.ptr(sbias) : 0);
        return rt.finish();
      }
    }
    R.conv2d(x, w, g, out, bias);
  }

  function conv2dBackwardInput(dy: TypedArray, w: TypedArray, g: Conv2dGeom, dx: TypedArray): void {
    if (f32(dy, w, dx)) {
      rt.begin();
      const sdy = rt.add(dy, 0, ySize(g), IN), sw = rt.add(w, 0, wSize(g), IN), sdx = rt.add(dx, 0, xSize(g), OUT);
      if (sdy >= 0 && sw >= 0 && sdx >= 0) {
        convGeom(g);
        rt.commit();
        X.nb_conv2d_backward_input(rt.ptr(sdy), rt.ptr(sw), rt.ptr(sdx));
        return rt.finish();
      }
    }
    R.conv2dBackwardInput(dy, w, g, dx);
  }

  function conv2dBackwardWeight(x: TypedArray, dy: TypedArray, g: Conv2dGeom, dw: TypedArray, db?: TypedArray | null): void {
    if (f32(x, dy, dw) && f32OrNull(db)) {
      rt.begin();
      const sx = rt.add(x, 0, xSize(g), IN), sdy = rt.add(dy, 0, ySize(g), IN), sdw = rt.add(dw, 0, wSize(g), OUT);
      const sdb = db ? rt.add(db, 0, g.cOut, OUT) : 0;
      if (sx >= 0 && sdy >= 0 && sdw >= 0 && sdb >= 0) {
        convGeom(g);
        rt.commit();
        X.nb_conv2d_backward_weight(rt.ptr(sx), rt.ptr(sdy), rt.ptr(sdw), db ? rt.ptr(sdb) : 0);
        return rt.finish();
      }
    }
    R.conv2dBackwardWeight(x, dy, g, dw, db);
  }

  function poolGeom(g: Pool2dGeom): void {
    const S = rt.S;
    S[0] = g.n; S[1] = g.c; S[2] = g.h; S[3] = g.w; S[4] = g.kh; S[5] = g.kw; S[6] = g.strideH; S[7] = g.strideW;
    S[8] = g.padH; S[9] = g.padW; S[10] = g.outH; S[11] = g.outW; S[12] = g.countIncludePad ? 1 : 0;
  }
  const pinSize = (g: Pool2dGeom): number => g.n * g.c * g.h * g.w;
  const poutSize = (g: Pool2dGeom): number => g.n * g.c * g.outH * g.outW;

  function maxPool2d(x: TypedArray, g: Pool2dGeom, out: TypedArray, argmax: Int32Array): void {
    if (f32(x, out) && argmax instanceof Int32Array) {
      rt.begin();
      const sx = rt.add(x, 0, pinSize(g), IN), so = rt.add(out, 0, poutSize(g), OUT), sa = rt.add(argmax, 0, poutSize(g), OUT);
      if (sx >= 0 && so >= 0 && sa >= 0) {
        poolGeom(g);
        rt.commit();
        X.nb_max_pool2d(rt.ptr(sx), rt.ptr(so), rt.ptr(sa));
        return rt.finish();
      }
    }
    R.maxPool2d(x, g, out, argmax);
  }

  function maxPool2dBackward(dy: TypedArray, argmax: Int32Array, g: Pool2dGeom, dx: TypedArray): void {
    if (f32(dy, dx) && argmax instanceof Int32Array) {
      rt.begin();
      const sdy = rt.add(dy, 0, poutSize(g), IN), sa = rt.add(argmax, 0, poutSize(g), IN), sdx = rt.add(dx, 0, pinSize(g), OUT);
      if (sdy >= 0 && sa >= 0 && sdx >= 0) {
        poolGeom(g);
        rt.commit();
        X.nb_max_pool2d_backward(rt.ptr(sdy), rt.ptr(sa), rt.ptr(sdx));
        return rt.finish();
      }
    }
    R.maxPool2dBackward(dy, argmax, g, dx);
  }

  function avgPool2d(x: TypedArray, g: Pool2dGeom, out: TypedArray): void {
    if (f32(x, out)) {
      rt.begin();
      const sx = rt.add(x, 0, pinSize(g), IN), so = rt.add(out, 0, poutSize(g), OUT);
      if (sx >= 0 && so >= 0) {
        poolGeom(g);
        rt.commit();
        X.nb_avg_pool2d(rt.ptr(sx), rt.ptr(so));
        return rt.finish();
      }
    }
    R.avgPool2d(x, g, out);
  }

  function avgPool2dBackward(dy: TypedArray, g: Pool2dGeom, dx: TypedArray): void {
    if (f32(dy, dx)) {
      rt.begin();
      const sdy = rt.add(dy, 0, poutSize(g), IN), sdx = rt.add(dx, 0, pinSize(g), OUT);
      if (sdy >= 0 && sdx >= 0) {
        poolGeom(g);
        rt.commit();
        X.nb_avg_pool2d_backward(rt.ptr(sdy), rt.ptr(sdx));
        return rt.finish();
      }
    }
    R.avgPool2dBackward(dy, g, dx);
  }

  /** Slot of an optional array (null: 0 slots used, address 0), -1 on aliasing. */
  function opt(a: TypedArray | null, n: number, mode: number): number {
    return a === null ? -2 : rt.add(a, 0, n, mode);
  }
  const okOpt = (s: number): boolean => s >= 0 || s === -2;
  const ptrOpt = (s: number): number => (s === -2 ? 0 : rt.ptr(s));

  function batchNormStats(
    x: TypedArray, n: number, c: number, inner: number, mean: TypedArray, invstd: TypedArray, eps: number, variance: TypedArray | null,
  ): void {
    if (f32(x, mean, invstd) && f32OrNull(variance)) {
      rt.begin();
      const sx = rt.add(x, 0, n * c * inner, IN), sm = rt.add(mean, 0, c, OUT), si = rt.add(invstd, 0, c, OUT), sv = opt(variance, c, OUT);
      if (sx >= 0 && sm >= 0 && si >= 0 && okOpt(sv)) {
        rt.commit();
        X.nb_batch_norm_stats(rt.ptr(sx), rt.ptr(sm), rt.ptr(si), ptrOpt(sv), n, c, inner, eps);
        return rt.finish();
      }
    }
    R.batchNormStats(x, n, c, inner, mean, invstd, eps, variance);
  }

  function batchNormForward(
    x: TypedArray, n: number, c: number, inner: number, mean: TypedArray, invstd: TypedArray,
    gamma: TypedArray | null, beta: TypedArray | null, out: TypedArray,
  ): void {
    if (f32(x, mean, invstd, out) && f32OrNull(gamma) && f32OrNull(beta)) {
      rt.begin();
      const size = n * c * inner;
      const sx = rt.add(x, 0, size, IN), sm = rt.add(mean, 0, c, IN), si = rt.add(invstd, 0, c, IN);
      const sg = opt(gamma, c, IN), sb = opt(beta, c, IN), so = rt.add(out, 0, size, OUT);
      if (sx >= 0 && sm >= 0 && si >= 0 && okOpt(sg) && okOpt(sb) && so >= 0) {
        rt.commit();
        X.nb_batch_norm_forward(rt.ptr(sx), rt.ptr(sm), rt.ptr(si), ptrOpt(sg), ptrOpt(sb), rt.ptr(so), n, c, inner);
        return rt.finish();
      }
    }
    R.batchNormForward(x, n, c, inner, mean, invstd, gamma, beta, out);
  }

  function batchNormBackward(
    g: TypedArray, x: TypedArray, n: number, c: number, inner: number, mean: TypedArray, invstd: TypedArray,
    gamma: TypedArray | null, dx: TypedArray | null, dgamma: TypedArray | null, dbeta: TypedArray | null, training: boolean,
  ): void {
    if (f32(g, x, mean, invstd) && f32OrNull(gamma) && f32OrNull(dx) && f32OrNull(dgamma) && f32OrNull(dbeta)) {
      rt.begin();
      const size = n * c * inner;
      const sg = rt.add(g, 0, size, IN), sx = rt.add(x, 0, size, IN), sm = rt.add(mean, 0, c, IN), si = rt.add(invstd, 0, c, IN);
      const sga = opt(gamma, c, IN), sdx = opt(dx, size, OUT), sdg = opt(dgamma, c, OUT), sdb = opt(dbeta, c, OUT);
      if (sg >= 0 && sx >= 0 && sm >= 0 && si >= 0 && okOpt(sga) && okOpt(sdx) && okOpt(sdg) && okOpt(sdb)) {
        rt.commit();
        X.nb_batch_norm_backward(
          rt.ptr(sg), rt.ptr(sx), rt.ptr(sm), rt.ptr(si), ptrOpt(sga), ptrOpt(sdx), ptrOpt(sdg), ptrOpt(sdb), n, c, inner, training ? 1 : 0,
        );
        return rt.finish();
      }
    }
    R.batchNormBackward(g, x, n, c, inner, mean, invstd, gamma, dx, dgamma, dbeta, training);
  }

  function layerNormForward(
    x: TypedArray, rows: number, n: number, eps: number, gamma: TypedArray | null, beta: TypedArray | null,
    out: TypedArray, mean: TypedArray, rstd: TypedArray,
  ): void {
    if (f32(x, out, mean, rstd) && f32OrNull(gamma) && f32OrNull(beta)) {
      rt.begin();
      const sx = rt.add(x, 0, rows * n, IN), sg = opt(gamma, n, IN), sb = opt(beta, n, IN);
      const so = rt.add(out, 0, rows * n, OUT), sm = rt.add(mean, 0, rows, OUT), sr = rt.add(rstd, 0, rows, OUT);
      if (sx >= 0 && okOpt(sg) && okOpt(sb) && so >= 0 && sm >= 0 && sr >= 0) {
        rt.commit();
        X.nb_layer_norm_forward(rt.ptr(sx), ptrOpt(sg), ptrOpt(sb), rt.ptr(so), rt.ptr(sm), rt.ptr(sr), rows, n, eps);
        return rt.finish();
      }
    }
    R.layerNormForward(x, rows, n, eps, gamma, beta, out, mean, rstd);
  }

  function layerNormBackward(
    g: TypedArray, x: TypedArray, rows: number, n: number, mean: TypedArray, rstd: TypedArray, gamma: TypedArray | null,
    dx: TypedArray | null, dgamma: TypedArray | null, dbeta: TypedArray | null,
  ): void {
    if (f32(g, x, mean, rstd) && f32OrNull(gamma) && f32OrNull(dx) && f32OrNull(dgamma) && f32OrNull(dbeta)) {
      rt.begin();
      const sg = rt.add(g, 0, rows * n, IN), sx = rt.add(x, 0, rows * n, IN), sm = rt.add(mean, 0, rows, IN), sr = rt.add(rstd, 0, rows, IN);
      const sga = opt(gamma, n, IN), sdx = opt(dx, rows * n, OUT), sdg = opt(dgamma, n, OUT), sdb = opt(dbeta, n, OUT);
      if (sg >= 0 && sx >= 0 && sm >= 0 && sr >= 0 && okOpt(sga) && okOpt(sdx) && okOpt(sdg) && okOpt(sdb)) {
        rt.commit();
        X.nb_layer_norm_backward(rt.ptr(sg), rt.ptr(sx), rt.ptr(sm), rt.ptr(sr), ptrOpt(sga), ptrOpt(sdx), ptrOpt(sdg), ptrOpt(sdb), rows, n);
        return rt.finish();
      }
    }
    R.layerNormBackward(g, x, rows, n, mean, rstd, gamma, dx, dgamma, dbeta);
  }

  function geluForward(x: TypedArray, out: TypedArray, n: number): void {
    if (f32(x, out)) {
      rt.begin();
      const sx = rt.add(x, 0, n, IN), so = rt.add(out, 0, n, OUT);
      if (sx >= 0 && so >= 0) {
        rt.commit();
        X.nb_gelu_forward(rt.ptr(sx), rt.ptr(so), n);
        return rt.finish();
      }
    }
    R.geluForward(x, out, n);
  }

  function geluBackward(x: TypedArray, g: TypedArray, out: TypedArray, n: number): void {
    if (f32(x, g, out)) {
      rt.begin();
      const sx = rt.add(x, 0, n, IN), sg = rt.add(g, 0, n, IN), so = rt.add(out, 0, n, OUT);
      if (sx >= 0 && sg >= 0 && so >= 0) {
        rt.commit();
        X.nb_gelu_backward(rt.ptr(sx), rt.ptr(sg), rt.ptr(so), n);
        return rt.finish();
      }
    }
    R.geluBackward(x, g, out, n);
  }

  // Attention: each [batch, heads, rows, width] view's range, and its offset and strides in the scratch.
  function addHead(v: HeadView, batch: number, heads: number, rows: number, width: number, mode: number): number {
    const [s0, s1, s2] = v.strides;
    if (batch === 0 || heads === 0 || rows === 0 || width === 0) return rt.add(v.data, v.offset, v.offset, mode);
    let a = v.offset, b = v.offset;
    for (const span of [(batch - 1) * s0, (heads - 1) * s1, (rows - 1) * s2]) {
      if (span < 0) a += span;
      else b += span;
    }
    const isDense = s2 === width && s1 === rows * width && (batch === 1 || s0 === heads * rows * width);
    return rt.add(v.data, a, b + width, mode === OUT && !isDense ? INOUT : mode);
  }
  function headScratch(at: number, v: HeadView, slot: number): void {
    const S = rt.S;
    S[at] = v.offset - rt.base(slot); S[at + 1] = v.strides[0]; S[at + 2] = v.strides[1]; S[at + 3] = v.strides[2];
  }

  /** Adds the forward's operands and writes their scratch; returns the slots or null on aliasing. */
  function attentionOperands(a: AttentionArgs): number[] | null {
    const sq = addHead(a.q, a.batch, a.heads, a.l, a.d, IN);
    const sk = addHead(a.k, a.batch, a.heads, a.s, a.d, IN);
    const sv = addHead(a.v, a.batch, a.heads, a.s, a.dv, IN);
    let sm = -2;
    if (a.mask !== null) {
      const st = a.mask.strides, dims = [a.batch, a.heads, a.l, a.s];
      let lo0 = a.mask.offset, hi0 = a.mask.offset;
      let empty = false;
      for (let d = 0; d < 4; d++) {
        if (dims[d] === 0) empty = true;
        const span = (dims[d]! - 1) * st[d]!;
        if (span < 0) lo0 += span;
        else hi0 += span;
      }
      sm = rt.add(a.mask.data, lo0, empty ? lo0 : hi0 + 1, IN);
    }
    const so = addHead(a.out, a.batch, a.heads, a.l, a.dv, OUT);
    const sl = rt.add(a.lse, 0, a.batch * a.heads * a.l, OUT);
    if (sq < 0 || sk < 0 || sv < 0 || !okOpt(sm) || so < 0 || sl < 0) return null;
    const S = rt.S;
    S[0] = a.batch; S[1] = a.heads; S[2] = a.l; S[3] = a.s; S[4] = a.d; S[5] = a.dv; S[6] = a.causal ? 1 : 0; S[7] = a.scale;
    headScratch(8, a.q, sq);
    headScratch(12, a.k, sk);
    headScratch(16, a.v, sv);
    if (a.mask !== null) {
      const st = a.mask.strides;
      S[20] = a.mask.offset - rt.base(sm); S[21] = st[0]!; S[22] = st[1]!; S[23] = st[2]!; S[24] = st[3]!;
    }
    headScratch(25, a.out, so);
    return [sq, sk, sv, sm, so, sl];
  }

  function attentionForward(a: AttentionArgs): void {
    if (f32(a.q.data, a.k.data, a.v.data, a.out.data, a.lse) && (a.mask === null || a.mask.data instanceof Float32Array)) {
      rt.begin();
      const s = attentionOperands(a);
      if (s !== null) {
        rt.commit();
        X.nb_attention_forward(rt.ptr(s[0]!), rt.ptr(s[1]!), rt.ptr(s[2]!), ptrOpt(s[3]!), rt.ptr(s[4]!), rt.ptr(s[5]!));
        return rt.finish();
      }
    }
    R.attentionForward(a);
  }

  function attentionBackward(a: AttentionBackwardArgs): void {
    if (
      f32(a.q.data, a.k.data, a.v.data, a.out.data, a.lse, a.g.data, a.gradQ.data, a.gradK.data, a.gradV.data) &&
      (a.mask === null || a.mask.data instanceof Float32Array)
    ) {
      rt.begin();
      const s = attentionOperands(a);
      // the forward's out and lse are inputs here
      const sg = addHead(a.g, a.batch, a.heads, a.l, a.dv, IN);
      const sdq = addHead(a.gradQ, a.batch, a.heads, a.l, a.d, OUT);
      const sdk = addHead(a.gradK, a.batch, a.heads, a.s, a.d, OUT);
      const sdv = addHead(a.gradV, a.batch, a.heads, a.s, a.dv, OUT);
      if (s !== null && sg >= 0 && sdq >= 0 && sdk >= 0 && sdv >= 0) {
        headScratch(29, a.g, sg);
        headScratch(33, a.gradQ, sdq);
        headScratch(37, a.gradK, sdk);
        headScratch(41, a.gradV, sdv);
        rt.commit();
        X.nb_attention_backward(
          rt.ptr(s[0]!), rt.ptr(s[1]!), rt.ptr(s[2]!), ptrOpt(s[3]!), rt.ptr(s[4]!), rt.ptr(s[5]!),
          rt.ptr(sg), rt.ptr(sdq), rt.ptr(sdk), rt.ptr(sdv),
        );
        return rt.finish();
      }
    }
    R.attentionBackward(a);
  }

  // Recurrent cells: batch, hidden and the arrays' offsets (relative to their ranges) in the scratch.
  function lstmCellForward(p: LstmCellArgs): void {
    if (f32(p.gates, p.cPrev, p.c, p.h, p.tanhC)) {
      rt.begin();
      const bh = p.batch * p.hidden;
      const sg = rt.add(p.gates, p.gatesOffset, p.gatesOffset + 4 * bh, INOUT), sp = rt.add(p.cPrev, p.cPrevOffset, p.cPrevOffset + bh, IN);
      const sc = rt.add(p.c, p.cOffset, p.cOffset + bh, OUT), sh = rt.add(p.h, p.hOffset, p.hOffset + bh, OUT);
      const st = rt.add(p.tanhC, p.tanhCOffset, p.tanhCOffset + bh, OUT);
      if (sg >= 0 && sp >= 0 && sc >= 0 && sh >= 0 && st >= 0) {
        const S = rt.S;
        S[0] = p.batch; S[1] = p.hidden; S[2] = p.gatesOffset - rt.base(sg); S[3] = p.cPrevOffset - rt.base(sp);
        S[4] = p.cOffset - rt.base(sc); S[5] = p.hOffset - rt.base(sh); S[6] = p.tanhCOffset - rt.base(st);
        rt.commit();
        X.nb_lstm_cell_forward(rt.ptr(sg), rt.ptr(sp), rt.ptr(sc), rt.ptr(sh), rt.ptr(st));
        return rt.finish();
      }
    }
    R.lstmCellForward(p);
  }

  function lstmCellBackward(p: LstmCellBackwardArgs): void {
    if (f32(p.gates, p.tanhC, p.cPrev, p.gradH, p.gradC, p.dh, p.dc, p.dGates)) {
      rt.begin();
      const bh = p.batch * p.hidden;
      const sg = rt.add(p.gates, p.gatesOffset, p.gatesOffset + 4 * bh, IN), st = rt.add(p.tanhC, p.tanhCOffset, p.tanhCOffset + bh, IN);
      const sp = rt.add(p.cPrev, p.cPrevOffset, p.cPrevOffset + bh, IN), sgh = rt.add(p.gradH, p.gradHOffset, p.gradHOffset + bh, IN);
      const sgc = rt.add(p.gradC, p.gradCOffset, p.gradCOffset + bh, IN), sdh = rt.add(p.dh, 0, bh, IN), sdc = rt.add(p.dc, 0, bh, INOUT);
      const sdg = rt.add(p.dGates, p.dGatesOffset, p.dGatesOffset + 4 * bh, OUT);
      if (sg >= 0 && st >= 0 && sp >= 0 && sgh >= 0 && sgc >= 0 && sdh >= 0 && sdc >= 0 && sdg >= 0 && rt.base(sdh) === 0 && rt.base(sdc) === 0) {
        const S = rt.S;
        S[0] = p.batch; S[1] = p.hidden; S[2] = p.gatesOffset - rt.base(sg); S[3] = p.tanhCOffset - rt.base(st);
        S[4] = p.cPrevOffset - rt.base(sp); S[5] = p.gradHOffset - rt.base(sgh); S[6] = p.gradCOffset - rt.base(sgc);
        S[7] = p.dGatesOffset - rt.base(sdg);
        rt.commit();
        X.nb_lstm_cell_backward(rt.ptr(sg), rt.ptr(st), rt.ptr(sp), rt.ptr(sgh), rt.ptr(sgc), rt.ptr(sdh), rt.ptr(sdc), rt.ptr(sdg));
        return rt.finish();
      }
    }
    R.lstmCellBackward(p);
  }

  function gruCellForward(q: GruCellArgs): void {
    if (f32(q.x, q.p, q.hPrev, q.h, q.act, q.pn)) {
      rt.begin();
      const bh = q.batch * q.hidden;
      const sx = rt.add(q.x, q.xOffset, q.xOffset + 3 * bh, IN), sp = rt.add(q.p, 0, 3 * bh, IN);
      const shp = rt.add(q.hPrev, q.hPrevOffset, q.hPrevOffset + bh, IN), sh = rt.add(q.h, q.hOffset, q.hOffset + bh, OUT);
      const sa = rt.add(q.act, q.actOffset, q.actOffset + 3 * bh, OUT), sn = rt.add(q.pn, q.pnOffset, q.pnOffset + bh, OUT);
      if (sx >= 0 && sp >= 0 && shp >= 0 && sh >= 0 && sa >= 0 && sn >= 0 && rt.base(sp) === 0) {
        const S = rt.S;
        S[0] = q.batch; S[1] = q.hidden; S[2] = q.xOffset - rt.base(sx); S[3] = q.hPrevOffset - rt.base(shp);
        S[4] = q.hOffset - rt.base(sh); S[5] = q.actOffset - rt.base(sa); S[6] = q.pnOffset - rt.base(sn);
        rt.commit();
        X.nb_gru_cell_forward(rt.ptr(sx), rt.ptr(sp), rt.ptr(shp), rt.ptr(sh), rt.ptr(sa), rt.ptr(sn));
        return rt.finish();
      }
    }
    R.gruCellForward(q);
  }

  function gruCellBackward(q: GruCellBackwardArgs): void {
    if (f32(q.act, q.pn, q.hPrev, q.gradH, q.dh, q.dx, q.dp, q.dhPrev)) {
      rt.begin();
      const bh = q.batch * q.hidden;
      const sa = rt.add(q.act, q.actOffset, q.actOffset + 3 * bh, IN), sn = rt.add(q.pn, q.pnOffset, q.pnOffset + bh, IN);
      const shp = rt.add(q.hPrev, q.hPrevOffset, q.hPrevOffset + bh, IN), sgh = rt.add(q.gradH, q.gradHOffset, q.gradHOffset + bh, IN);
      const sdh = rt.add(q.dh, 0, bh, IN), sdx = rt.add(q.dx, q.dxOffset, q.dxOffset + 3 * bh, OUT);
      const sdp = rt.add(q.dp, q.dpOffset, q.dpOffset + 3 * bh, OUT), sdhp = rt.add(q.dhPrev, 0, bh, OUT);
      if (sa >= 0 && sn >= 0 && shp >= 0 && sgh >= 0 && sdh >= 0 && sdx >= 0 && sdp >= 0 && sdhp >= 0 && rt.base(sdh) === 0 && rt.base(sdhp) === 0) {
        const S = rt.S;
        S[0] = q.batch; S[1] = q.hidden; S[2] = q.actOffset - rt.base(sa); S[3] = q.pnOffset - rt.base(sn);
        S[4] = q.hPrevOffset - rt.base(shp); S[5] = q.gradHOffset - rt.base(sgh); S[6] = q.dxOffset - rt.base(sdx);
        S[7] = q.dpOffset - rt.base(sdp);
        rt.commit();
        X.nb_gru_cell_backward(rt.ptr(sa), rt.ptr(sn), rt.ptr(shp), rt.ptr(sgh), rt.ptr(sdh), rt.ptr(sdx), rt.ptr(sdp), rt.ptr(sdhp));
        return rt.finish();
      }
    }
    R.gruCellBackward(q);
  }

  return {
    name: 'wasm',
    unary, binary, where, copy, reduce, argReduce, gemm, softmax, softmaxBackward, gather, scatterAdd,
    conv2d, conv2dBackwardInput, conv2dBackwardWeight, maxPool2d, maxPool2dBackward, avgPool2d, avgPool2dBackward,
    batchNormStats, batchNormForward, batchNormBackward, layerNormForward, layerNormBackward, geluForward, geluBackward,
    attentionForward, attentionBackward, adamStep, lstmCellForward, lstmCellBackward, gruCellForward, gruCellBackward,
  };
}
