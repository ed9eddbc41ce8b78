/**
 * The native backend: float32 kernels in C++ (Node-API addon built from native/ by
 * `npm run build:native`), working in place on the tensors' typed arrays.
 *
 * `loadNativeBackend()` returns a PartialBackend or null (then `nativeLoadError()` says why).
 * Every kernel checks its arguments' dtypes on each call: float32 goes to C++ (and, for unary,
 * binary and where, float32 / bool / int32 inputs mixed, with a float32 or bool result), anything
 * else (float64, int32 results, more than 16 collapsed dims) runs the reference kernel instead,
 * call by call, so the native backend is always complete and always correct.
 *
 * Shapes, strides and geometry travel through a Float64Array owned by the addon ("scratch"),
 * not as JS arrays or objects, so a call allocates nothing and costs well under a microsecond
 * in the glue.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TypedArray } from '../../core/dtype.js';
import { NablaError, describe } from '../../core/errors.js';
import type {
  AdamArgs,
  AttentionArgs,
  AttentionBackwardArgs,
  BinaryOp,
  HeadView,
  Conv2dGeom,
  GemmArgs,
  GruCellArgs,
  GruCellBackwardArgs,
  LstmCellArgs,
  LstmCellBackwardArgs,
  PartialBackend,
  Pool2dGeom,
  ReduceOp,
  Strided,
  UnaryOp,
} from '../types.js';
import {
  binary as refBinary, copy as refCopy, geluBackward as refGeluBackward, geluForward as refGeluForward, unary as refUnary, where as refWhere,
} from '../reference/elementwise.js';
import {
  argReduce as refArgReduce,
  gather as refGather,
  reduce as refReduce,
  scatterAdd as refScatterAdd,
  softmax as refSoftmax,
  softmaxBackward as refSoftmaxBackward,
} from '../reference/reduce.js';
import { gemm as refGemm } from '../reference/gemm.js';
import { conv2d as refConv2d, conv2dBackwardInput as refConv2dBackwardInput, conv2dBackwardWeight as refConv2dBackwardWeight } from '../reference/conv.js';
import {
  avgPool2d as refAvgPool2d,
  avgPool2dBackward as refAvgPool2dBackward,
  maxPool2d as refMaxPool2d,
  maxPool2dBackward as refMaxPool2dBackward,
} from '../reference/pool.js';
import { adamStep as refAdamStep } from '../reference/optim.js';
import { layerNormBackward as refLayerNormBackward, layerNormForward as refLayerNormForward } from '../reference/layernorm.js';
import { attentionBackward as refAttentionBackward, attentionForward as refAttentionForward } from '../reference/attention.js';
import {
  batchNormBackward as refBatchNormBackward,
  batchNormForward as refBatchNormForward,
  batchNormStats as refBatchNormStats,
} from '../reference/batchnorm.js';
import {
  gruCellBackward as refGruCellBackward,
  gruCellForward as refGruCellForward,
  lstmCellBackward as refLstmCellBackward,
  lstmCellForward as refLstmCellForward,
} from '../reference/rnn.js';

/** Arrays the elementwise kernels take as inputs (float32, bool, int32; the result is float32 or bool). */
type Elem = Float32Array | Uint8Array | Int32Array;

/** The addon's functions (native/addon.cc). */
interface Addon {
  info(): NativeInfo;
  scratch(): Float64Array;
  setNumThreads(n: number): number;
  setIsa(name: string): boolean;
  gemm(a: Float32Array, b: Float32Array, c: Float32Array, bias?: Float32Array): void;
  unary(op: number, x: Elem, out: Float32Array | Uint8Array, nd: number): void;
  binary(op: number, a: Elem, b: Elem, out: Float32Array | Uint8Array, nd: number): void;
  where(cond: Elem, a: Float32Array, b: Float32Array, out: Float32Array, nd: number): void;
  copy(x: TypedArray, out: TypedArray, nd: number): void;
  reduce(op: number, x: Float32Array, out: Float32Array, outer: number, n: number, inner: number): void;
  argReduce(isMax: number, x: Float32Array, out: Int32Array, outer: number, n: number, inner: number): void;
  softmax(x: Float32Array, out: Float32Array, outer: number, n: number, inner: number, log: number): void;
  softmaxBackward(y: Float32Array, g: Float32Array, out: Float32Array, outer: number, n: number, inner: number, log: number): void;
  gather(x: Float32Array, index: Int32Array, out: Float32Array, outer: number, n: number, m: number, inner: number): void;
  scatterAdd(g: Float32Array, index: Int32Array, out: Float32Array, outer: number, n: number, m: number, inner: number): void;
  adamStep(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, lr: number, beta1: number, beta2: number, eps: number, wd: number, decoupled: number, step: number): void;
  conv2d(x: Float32Array, w: Float32Array, y: Float32Array, bias?: Float32Array): void;
  conv2dBackwardInput(dy: Float32Array, w: Float32Array, dx: Float32Array): void;
  conv2dBackwardWeight(x: Float32Array, dy: Float32Array, dw: Float32Array, db?: Float32Array): void;
  maxPool2d(x: Float32Array, y: Float32Array, argmax: Int32Array): void;
  maxPool2dBackward(dy: Float32Array, argmax: Int32Array, dx: Float32Array): void;
  avgPool2d(x: Float32Array, y: Float32Array): void;
  avgPool2dBackward(dy: Float32Array, dx: Float32Array): void;
  batchNormStats(x: Float32Array, mean: Float32Array, invstd: Float32Array, variance: Float32Array | null, n: number, c: number, inner: number, eps: number): void;
  batchNormForward(
    x: Float32Array, mean: Float32Array, invstd: Float32Array, gamma: Float32Array | null, beta: Float32Array | null,
    out: Float32Array, n: number, c: number, inner: number,
  ): void;
  batchNormBackward(
    g: Float32Array, x: Float32Array, mean: Float32Array, invstd: Float32Array, gamma: Float32Array | null,
    dx: Float32Array | null, dgamma: Float32Array | null, dbeta: Float32Array | null, n: number, c: number, inner: number, training: number,
  ): void;
  layerNormForward(
    x: Float32Array, gamma: Float32Array | null, beta: Float32Array | null, out: Float32Array, mean: Float32Array, rstd: Float32Array,
    rows: number, n: number, eps: number,
  ): void;
  layerNormBackward(
    g: Float32Array, x: Float32Array, mean: Float32Array, rstd: Float32Array, gamma: Float32Array | null,
    dx: Float32Array | null, dgamma: Float32Array | null, dbeta: Float32Array | null, rows: number, n: number,
  ): void;
  geluForward(x: Float32Array, y: Float32Array, n: number): void;
  geluBackward(x: Float32Array, g: Float32Array, out: Float32Array, n: number): void;
  attentionForward(q: Float32Array, k: Float32Array, v: Float32Array, mask: Float32Array | null, out: Float32Array, lse: Float32Array): void;
  attentionBackward(
    q: Float32Array, k: Float32Array, v: Float32Array, mask: Float32Array | null, out: Float32Array, lse: Float32Array,
    g: Float32Array, dq: Float32Array, dk: Float32Array, dv: Float32Array,
  ): void;
  lstmCellForward(gates: Float32Array, cPrev: Float32Array, c: Float32Array, h: Float32Array, tanhC: Float32Array): void;
  lstmCellBackward(
    gates: Float32Array, tanhC: Float32Array, cPrev: Float32Array, gradH: Float32Array, gradC: Float32Array,
    dh: Float32Array, dc: Float32Array, dGates: Float32Array,
  ): void;
  gruCellForward(x: Float32Array, p: Float32Array, hPrev: Float32Array, h: Float32Array, act: Float32Array, pn: Float32Array): void;
  gruCellBackward(
    act: Float32Array, pn: Float32Array, hPrev: Float32Array, gradH: Float32Array, dh: Float32Array,
    dx: Float32Array, dp: Float32Array, dhPrev: Float32Array,
  ): void;
}

export interface NativeInfo {
  /** instruction set of the kernels in use: 'avx512', 'avx2' or 'generic' */
  isa: string;
  threads: number;
  /** GEMM register tile and cache blocks */
  mr: number;
  nr: number;
  mc: number;
  kc: number;
  nc: number;
  /** the widest instruction set this CPU supports (what runs unless NABLA_ISA asks otherwise) */
  isaBest?: string;
  /** true when NABLA_ISA chose the kernels (e.g. `NABLA_ISA=avx2` on an AVX-512 CPU) */
  isaForced?: boolean;
  /** data cache sizes in bytes the cache blocks were derived from, and their source */
  caches?: { l1d: number; l2: number; l3: number; source: string };
}

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

const ADDON_FILE = 'nabla_native.node';
let addon: Addon | null = null;
let loadError: string | null = null;
let tried = false;

/** Finds build/Release/nabla_native.node above this module (works from src/ and from dist/). */
function findAddon(): string | null {
  const override = process.env.NABLA_NATIVE_PATH;
  if (override) return override;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const p = join(dir, 'build', 'Release', ADDON_FILE);
    if (existsSync(p)) return p;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return null;
}

function loadAddon(): Addon | null {
  if (tried) return addon;
  tried = true;
  if (process.env.NABLA_NATIVE === '0') {
    loadError = 'disabled by NABLA_NATIVE=0';
    return null;
  }
  const path = findAddon();
  if (!path) {
    loadError = `${ADDON_FILE} not found (the addon is not built)`;
    return null;
  }
  try {
    const require = createRequire(import.meta.url);
    addon = require(path) as Addon;
    S = addon.scratch();
  } catch (e) {
    addon = null;
    loadError = `loading ${path} failed: ${(e as Error).message.split('\n')[0]}`;
  }
  return addon;
}

/** Why the native addon is not available (null if it loaded, or if loading was not tried yet). */
export function nativeLoadError(): string | null {
  return loadError;
}

/** The addon's ISA, thread count and GEMM blocking, or null if it is not loaded. */
export function nativeInfo(): NativeInfo | null {
  const a = loadAddon();
  return a ? a.info() : null;
}

/** Sets the number of threads the native kernels use (default: all cores, or NABLA_NUM_THREADS). */
export function setNumThreads(n: number): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) throw new NablaError(`setNumThreads: n must be a positive integer, got ${describe(n)}`);
  const a = loadAddon();
  return a ? a.setNumThreads(Math.max(1, Math.floor(n))) : 1;
}

export function getNumThreads(): number {
  const a = loadAddon();
  return a ? a.info().threads : 1;
}

/** Switches the kernels' instruction set ('avx512' | 'avx2' | 'generic'); for tests. */
export function setNativeIsa(name: string): boolean {
  const a = loadAddon();
  return a ? a.setIsa(name) : false;
}

// ---------------------------------------------------------------------------------------------
// Argument marshalling
// ---------------------------------------------------------------------------------------------
let N: Addon;
let S: Float64Array = new Float64Array(512);
const MAX_DIMS = 16;

/**
 * Merges axes that every operand walks contiguously, drops size-1 axes, and writes offsets,
 * shape and strides into the scratch layout of native/addon.cc. Returns the rank, 0 for an
 * empty tensor, or -1 if there are too many axes (the caller falls back).
 */
function prep(shape: readonly number[], nops: number, o0: Strided, o1?: Strided, o2?: Strided): number {
  let nd = 0;
  for (let d = 0; d < shape.length; d++) {
    const n = shape[d]!;
    if (n === 0) return 0;
    if (n === 1) continue;
    const s0 = o0.strides[d]!;
    const s1 = nops > 1 ? o1!.strides[d]! : 0;
    const s2 = nops > 2 ? o2!.strides[d]! : 0;
    if (
      nd > 0 &&
      S[20 + nd - 1] === s0 * n &&
      (nops < 2 || S[36 + nd - 1] === s1 * n) &&
      (nops < 3 || S[52 + nd - 1] === s2 * n)
    ) {
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
  S[0] = o0.offset;
  if (nops > 1) S[1] = o1!.offset;
  if (nops > 2) S[2] = o2!.offset;
  return nd;
}

function f32(...xs: unknown[]): boolean {
  for (const x of xs) if (!(x instanceof Float32Array)) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------
// Kernels
// ---------------------------------------------------------------------------------------------
/** float32, bool or int32 storage (the input types of the native elementwise kernels). */
function elem(x: TypedArray): x is Elem {
  return x instanceof Float32Array || x instanceof Uint8Array || x instanceof Int32Array;
}

// Inputs may mix float32, bool and int32 (e.g. relu's backward g * (x > 0) is float32 x bool);
// the result must be float32, or bool for comparisons and `not` (int32 and float64 results
// fall back).
function unary(op: UnaryOp, x: Strided, shape: readonly number[], out: TypedArray): void {
  if (elem(x.data) && (out instanceof Float32Array || (out instanceof Uint8Array && op === 'not'))) {
    const nd = prep(shape, 1, x);
    if (nd === 0) return;
    if (nd > 0) return N.unary(UNARY_CODE[op], x.data, out, nd);
  }
  refUnary(op, x, shape, out);
}

function binary(op: BinaryOp, a: Strided, b: Strided, shape: readonly number[], out: TypedArray): void {
  if (
    elem(a.data) &&
    elem(b.data) &&
    (out instanceof Float32Array || (out instanceof Uint8Array && COMPARISON.has(op)))
  ) {
    const nd = prep(shape, 2, a, b);
    if (nd === 0) return;
    if (nd > 0) return N.binary(BINARY_CODE[op], a.data, b.data, out, nd);
  }
  refBinary(op, a, b, shape, out);
}

function where(cond: Strided, a: Strided, b: Strided, shape: readonly number[], out: TypedArray): void {
  if (elem(cond.data) && f32(a.data, b.data, out)) {
    const nd = prep(shape, 3, cond, a, b);
    if (nd === 0) return;
    if (nd > 0) return N.where(cond.data, a.data as Float32Array, b.data as Float32Array, out as Float32Array, nd);
  }
  refWhere(cond, a, b, shape, out);
}

function copy(x: Strided, shape: readonly number[], out: Strided): void {
  if (x.data.constructor === out.data.constructor) {
    const nd = prep(shape, 2, x, out);
    if (nd === 0) return;
    if (nd > 0) return N.copy(x.data, out.data, nd);
  }
  refCopy(x, shape, out);
}

function reduce(op: ReduceOp, x: TypedArray, outer: number, n: number, inner: number, out: TypedArray): void {
  if (x instanceof Float32Array && out instanceof Float32Array) return N.reduce(REDUCE_CODE[op], x, out, outer, n, inner);
  refReduce(op, x, outer, n, inner, out);
}

function argReduce(op: 'argmax' | 'argmin', x: TypedArray, outer: number, n: number, inner: number, out: Int32Array): void {
  if (x instanceof Float32Array && out instanceof Int32Array) return N.argReduce(op === 'argmax' ? 1 : 0, x, out, outer, n, inner);
  refArgReduce(op, x, outer, n, inner, out);
}

// The addon does not check the arrays' types for gemm (see f32Checked in native/addon.cc): these
// instanceof tests are the check, and must stay.
function gemm(p: GemmArgs): void {
  const bias = p.bias;
  if (
    p.a instanceof Float32Array &&
    p.b instanceof Float32Array &&
    p.c instanceof Float32Array &&
    (bias === undefined || bias instanceof Float32Array)
  ) {
    S[0] = p.batch;
    S[1] = p.m;
    S[2] = p.n;
    S[3] = p.k;
    S[4] = p.aOffset;
    S[5] = p.lda;
    S[6] = p.transA ? 1 : 0;
    S[7] = p.strideA;
    S[8] = p.bOffset;
    S[9] = p.ldb;
    S[10] = p.transB ? 1 : 0;
    S[11] = p.strideB;
    S[12] = p.cOffset;
    S[13] = p.ldc;
    S[14] = p.strideC;
    S[15] = p.beta;
    if (bias === undefined) return N.gemm(p.a, p.b, p.c);
    S[16] = p.biasOffset ?? 0;
    return N.gemm(p.a, p.b, p.c, bias);
  }
  refGemm(p);
}

function softmax(x: TypedArray, outer: number, n: number, inner: number, out: TypedArray, log: boolean): void {
  if (x instanceof Float32Array && out instanceof Float32Array) return N.softmax(x, out, outer, n, inner, log ? 1 : 0);
  refSoftmax(x, outer, n, inner, out, log);
}

function softmaxBackward(y: TypedArray, g: TypedArray, outer: number, n: number, inner: number, out: TypedArray, log: boolean): void {
  if (f32(y, g, out)) return N.softmaxBackward(y as Float32Array, g as Float32Array, out as Float32Array, outer, n, inner, log ? 1 : 0);
  refSoftmaxBackward(y, g, outer, n, inner, out, log);
}

function gather(x: TypedArray, index: Int32Array, outer: number, n: number, m: number, inner: number, out: TypedArray): void {
  if (x instanceof Float32Array && out instanceof Float32Array && index instanceof Int32Array) {
    return N.gather(x, index, out, outer, n, m, inner);
  }
  refGather(x, index, outer, n, m, inner, out);
}

function scatterAdd(g: TypedArray, index: Int32Array, outer: number, n: number, m: number, inner: number, out: TypedArray): void {
  if (g instanceof Float32Array && out instanceof Float32Array && index instanceof Int32Array) {
    return N.scatterAdd(g, index, out, outer, n, m, inner);
  }
  refScatterAdd(g, index, outer, n, m, inner, out);
}

function adamStep(p: TypedArray, g: TypedArray, m: TypedArray, v: TypedArray, a: AdamArgs): void {
  if (f32(p, g, m, v) && g.length >= p.length && m.length >= p.length && v.length >= p.length) {
    return N.adamStep(
      p as Float32Array, g as Float32Array, m as Float32Array, v as Float32Array,
      a.lr, a.beta1, a.beta2, a.eps, a.weightDecay, a.decoupled ? 1 : 0, a.step,
    );
  }
  refAdamStep(p, g, m, v, a);
}

function convGeom(g: Conv2dGeom): void {
  S[0] = g.n; S[1] = g.cIn; S[2] = g.h; S[3] = g.w; S[4] = g.cOut; S[5] = g.kh; S[6] = g.kw;
  S[7] = g.strideH; S[8] = g.strideW; S[9] = g.padH; S[10] = g.padW; S[11] = g.dilH; S[12] = g.dilW;
  S[13] = g.groups; S[14] = g.outH; S[15] = g.outW;
}

function poolGeom(g: Pool2dGeom): void {
  S[0] = g.n; S[1] = g.c; S[2] = g.h; S[3] = g.w; S[4] = g.kh; S[5] = g.kw; S[6] = g.strideH; S[7] = g.strideW;
  S[8] = g.padH; S[9] = g.padW; S[10] = g.outH; S[11] = g.outW; S[12] = g.countIncludePad ? 1 : 0;
}

function conv2d(x: TypedArray, w: TypedArray, g: Conv2dGeom, out: TypedArray, bias?: TypedArray | null): void {
  if (f32(x, w, out) && (bias == null || bias instanceof Float32Array)) {
    convGeom(g);
    return N.conv2d(x as Float32Array, w as Float32Array, out as Float32Array, bias ?? undefined);
  }
  refConv2d(x, w, g, out, bias);
}

function conv2dBackwardInput(dy: TypedArray, w: TypedArray, g: Conv2dGeom, dx: TypedArray): void {
  if (f32(dy, w, dx)) {
    convGeom(g);
    return N.conv2dBackwardInput(dy as Float32Array, w as Float32Array, dx as Float32Array);
  }
  refConv2dBackwardInput(dy, w, g, dx);
}

function conv2dBackwardWeight(x: TypedArray, dy: TypedArray, g: Conv2dGeom, dw: TypedArray, db?: TypedArray | null): void {
  if (f32(x, dy, dw) && (db == null || db instanceof Float32Array)) {
    convGeom(g);
    return N.conv2dBackwardWeight(x as Float32Array, dy as Float32Array, dw as Float32Array, db ?? undefined);
  }
  refConv2dBackwardWeight(x, dy, g, dw, db);
}

function maxPool2d(x: TypedArray, g: Pool2dGeom, out: TypedArray, argmax: Int32Array): void {
  if (f32(x, out) && argmax instanceof Int32Array) {
    poolGeom(g);
    return N.maxPool2d(x as Float32Array, out as Float32Array, argmax);
  }
  refMaxPool2d(x, g, out, argmax);
}

function maxPool2dBackward(dy: TypedArray, argmax: Int32Array, g: Pool2dGeom, dx: TypedArray): void {
  if (f32(dy, dx) && argmax instanceof Int32Array) {
    poolGeom(g);
    return N.maxPool2dBackward(dy as Float32Array, argmax, dx as Float32Array);
  }
  refMaxPool2dBackward(dy, argmax, g, dx);
}

function avgPool2d(x: TypedArray, g: Pool2dGeom, out: TypedArray): void {
  if (f32(x, out)) {
    poolGeom(g);
    return N.avgPool2d(x as Float32Array, out as Float32Array);
  }
  refAvgPool2d(x, g, out);
}

function avgPool2dBackward(dy: TypedArray, g: Pool2dGeom, dx: TypedArray): void {
  if (f32(dy, dx)) {
    poolGeom(g);
    return N.avgPool2dBackward(dy as Float32Array, dx as Float32Array);
  }
  refAvgPool2dBackward(dy, g, dx);
}

/** float32 or absent (null): the optional arrays of the batch-norm kernels. */
function f32OrNull(x: TypedArray | null): x is Float32Array | null {
  return x === null || x instanceof Float32Array;
}

function batchNormStats(
  x: TypedArray, n: number, c: number, inner: number, mean: TypedArray, invstd: TypedArray, eps: number, variance: TypedArray | null,
): void {
  if (f32(x, mean, invstd) && f32OrNull(variance)) {
    return N.batchNormStats(x as Float32Array, mean as Float32Array, invstd as Float32Array, variance, n, c, inner, eps);
  }
  refBatchNormStats(x, n, c, inner, mean, invstd, eps, variance);
}

function batchNormForward(
  x: TypedArray, n: number, c: number, inner: number, mean: TypedArray, invstd: TypedArray,
  gamma: TypedArray | null, beta: TypedArray | null, out: TypedArray,
): void {
  if (f32(x, mean, invstd, out) && f32OrNull(gamma) && f32OrNull(beta)) {
    return N.batchNormForward(x as Float32Array, mean as Float32Array, invstd as Float32Array, gamma, beta, out as Float32Array, n, c, inner);
  }
  refBatchNormForward(x, n, c, inner, mean, invstd, gamma, beta, out);
}

function batchNormBackward(
  g: TypedArray, x: TypedArray, n: number, c: number, inner: number, mean: TypedArray, invstd: TypedArray,
  gamma: TypedArray | null, dx: TypedArray | null, dgamma: TypedArray | null, dbeta: TypedArray | null, training: boolean,
): void {
  if (f32(g, x, mean, invstd) && f32OrNull(gamma) && f32OrNull(dx) && f32OrNull(dgamma) && f32OrNull(dbeta)) {
    return N.batchNormBackward(
      g as Float32Array, x as Float32Array, mean as Float32Array, invstd as Float32Array, gamma, dx, dgamma, dbeta, n, c, inner, training ? 1 : 0,
    );
  }
  refBatchNormBackward(g, x, n, c, inner, mean, invstd, gamma, dx, dgamma, dbeta, training);
}

function layerNormForward(
  x: TypedArray, rows: number, n: number, eps: number, gamma: TypedArray | null, beta: TypedArray | null,
  out: TypedArray, mean: TypedArray, rstd: TypedArray,
): void {
  if (f32(x, out, mean, rstd) && f32OrNull(gamma) && f32OrNull(beta)) {
    return N.layerNormForward(x as Float32Array, gamma, beta, out as Float32Array, mean as Float32Array, rstd as Float32Array, rows, n, eps);
  }
  refLayerNormForward(x, rows, n, eps, gamma, beta, out, mean, rstd);
}

function layerNormBackward(
  g: TypedArray, x: TypedArray, rows: number, n: number, mean: TypedArray, rstd: TypedArray, gamma: TypedArray | null,
  dx: TypedArray | null, dgamma: TypedArray | null, dbeta: TypedArray | null,
): void {
  if (f32(g, x, mean, rstd) && f32OrNull(gamma) && f32OrNull(dx) && f32OrNull(dgamma) && f32OrNull(dbeta)) {
    return N.layerNormBackward(g as Float32Array, x as Float32Array, mean as Float32Array, rstd as Float32Array, gamma, dx, dgamma, dbeta, rows, n);
  }
  refLayerNormBackward(g, x, rows, n, mean, rstd, gamma, dx, dgamma, dbeta);
}

function geluForward(x: TypedArray, out: TypedArray, n: number): void {
  if (f32(x, out)) return N.geluForward(x as Float32Array, out as Float32Array, n);
  refGeluForward(x, out, n);
}

function geluBackward(x: TypedArray, g: TypedArray, out: TypedArray, n: number): void {
  if (f32(x, g, out)) return N.geluBackward(x as Float32Array, g as Float32Array, out as Float32Array, n);
  refGeluBackward(x, g, out, n);
}

// Attention: sizes, flags and each view's offset and strides go through the scratch (native/addon.cc).
function headView(at: number, v: HeadView): void {
  S[at] = v.offset; S[at + 1] = v.strides[0]; S[at + 2] = v.strides[1]; S[at + 3] = v.strides[2];
}

function attentionScratch(a: AttentionArgs): void {
  S[0] = a.batch; S[1] = a.heads; S[2] = a.l; S[3] = a.s; S[4] = a.d; S[5] = a.dv; S[6] = a.causal ? 1 : 0; S[7] = a.scale;
  headView(8, a.q);
  headView(12, a.k);
  headView(16, a.v);
  if (a.mask !== null) {
    const st = a.mask.strides;
    S[20] = a.mask.offset; S[21] = st[0]!; S[22] = st[1]!; S[23] = st[2]!; S[24] = st[3]!;
  }
  headView(25, a.out);
}

function attentionForward(a: AttentionArgs): void {
  if (f32(a.q.data, a.k.data, a.v.data, a.out.data, a.lse) && (a.mask === null || a.mask.data instanceof Float32Array)) {
    attentionScratch(a);
    return N.attentionForward(
      a.q.data as Float32Array, a.k.data as Float32Array, a.v.data as Float32Array, a.mask === null ? null : (a.mask.data as Float32Array),
      a.out.data as Float32Array, a.lse as Float32Array,
    );
  }
  refAttentionForward(a);
}

function attentionBackward(a: AttentionBackwardArgs): void {
  if (
    f32(a.q.data, a.k.data, a.v.data, a.out.data, a.lse, a.g.data, a.gradQ.data, a.gradK.data, a.gradV.data) &&
    (a.mask === null || a.mask.data instanceof Float32Array)
  ) {
    attentionScratch(a);
    headView(29, a.g);
    headView(33, a.gradQ);
    headView(37, a.gradK);
    headView(41, a.gradV);
    return N.attentionBackward(
      a.q.data as Float32Array, a.k.data as Float32Array, a.v.data as Float32Array, a.mask === null ? null : (a.mask.data as Float32Array),
      a.out.data as Float32Array, a.lse as Float32Array, a.g.data as Float32Array,
      a.gradQ.data as Float32Array, a.gradK.data as Float32Array, a.gradV.data as Float32Array,
    );
  }
  refAttentionBackward(a);
}

// Recurrent cells: batch, hidden and the arrays' offsets go through the scratch (native/addon.cc).
function lstmCellForward(p: LstmCellArgs): void {
  if (f32(p.gates, p.cPrev, p.c, p.h, p.tanhC)) {
    S[0] = p.batch; S[1] = p.hidden; S[2] = p.gatesOffset; S[3] = p.cPrevOffset; S[4] = p.cOffset; S[5] = p.hOffset;
    S[6] = p.tanhCOffset;
    return N.lstmCellForward(p.gates as Float32Array, p.cPrev as Float32Array, p.c as Float32Array, p.h as Float32Array, p.tanhC as Float32Array);
  }
  refLstmCellForward(p);
}

function lstmCellBackward(p: LstmCellBackwardArgs): void {
  if (f32(p.gates, p.tanhC, p.cPrev, p.gradH, p.gradC, p.dh, p.dc, p.dGates)) {
    S[0] = p.batch; S[1] = p.hidden; S[2] = p.gatesOffset; S[3] = p.tanhCOffset; S[4] = p.cPrevOffset;
    S[5] = p.gradHOffset; S[6] = p.gradCOffset; S[7] = p.dGatesOffset;
    return N.lstmCellBackward(
      p.gates as Float32Array, p.tanhC as Float32Array, p.cPrev as Float32Array, p.gradH as Float32Array,
      p.gradC as Float32Array, p.dh as Float32Array, p.dc as Float32Array, p.dGates as Float32Array,
    );
  }
  refLstmCellBackward(p);
}

function gruCellForward(q: GruCellArgs): void {
  if (f32(q.x, q.p, q.hPrev, q.h, q.act, q.pn)) {
    S[0] = q.batch; S[1] = q.hidden; S[2] = q.xOffset; S[3] = q.hPrevOffset; S[4] = q.hOffset; S[5] = q.actOffset;
    S[6] = q.pnOffset;
    return N.gruCellForward(q.x as Float32Array, q.p as Float32Array, q.hPrev as Float32Array, q.h as Float32Array, q.act as Float32Array, q.pn as Float32Array);
  }
  refGruCellForward(q);
}

function gruCellBackward(q: GruCellBackwardArgs): void {
  if (f32(q.act, q.pn, q.hPrev, q.gradH, q.dh, q.dx, q.dp, q.dhPrev)) {
    S[0] = q.batch; S[1] = q.hidden; S[2] = q.actOffset; S[3] = q.pnOffset; S[4] = q.hPrevOffset; S[5] = q.gradHOffset;
    S[6] = q.dxOffset; S[7] = q.dpOffset;
    return N.gruCellBackward(
      q.act as Float32Array, q.pn as Float32Array, q.hPrev as Float32Array, q.gradH as Float32Array, q.dh as Float32Array,
      q.dx as Float32Array, q.dp as Float32Array, q.dhPrev as Float32Array,
    );
  }
  refGruCellBackward(q);
}

/**
 * Loads the addon and returns the native backend, or null (see `nativeLoadError()`).
 * `fill` is not included: TypedArray.prototype.fill is already native.
 */
export function loadNativeBackend(): PartialBackend | null {
  const a = loadAddon();
  if (!a) return null;
  N = a;
  return {
    name: 'native',
    unary,
    binary,
    where,
    copy,
    reduce,
    argReduce,
    gemm,
    softmax,
    softmaxBackward,
    gather,
    scatterAdd,
    conv2d,
    conv2dBackwardInput,
    conv2dBackwardWeight,
    maxPool2d,
    maxPool2dBackward,
    avgPool2d,
    avgPool2dBackward,
    batchNormStats,
    batchNormForward,
    batchNormBackward,
    layerNormForward,
    layerNormBackward,
    geluForward,
    geluBackward,
    attentionForward,
    attentionBackward,
    adamStep,
    lstmCellForward,
    lstmCellBackward,
    gruCellForward,
    gruCellBackward,
  };
}

