/**
 * The backend contract: the small set of named kernels that tensors call. Autograd, modules
 * and optimizers never touch storage directly; they call these. A backend may implement only
 * some kernels: the registry fills the rest from the reference backend, and a parity test
 * holds every fast kernel to the reference.
 *
 * Conventions shared by every kernel:
 * - Arrays are the tensors' own typed arrays (no copies). `out` arrays are contiguous,
 *   row-major, freshly allocated by the caller unless stated otherwise, and of the result dtype.
 * - A `Strided` input is a view: element (i0, i1, ...) lives at
 *   `data[offset + i0*strides[0] + i1*strides[1] + ...]`. Broadcast axes have stride 0.
 * - Kernels may assume their arguments are consistent (the op layer validated shapes and
 *   dtypes) and must handle empty tensors (size 0) by doing nothing.
 */
import type { TypedArray } from '../core/dtype.js';

export interface Strided {
  data: TypedArray;
  offset: number;
  strides: readonly number[];
}

export type UnaryOp =
  | 'neg' | 'exp' | 'log' | 'sqrt' | 'rsqrt' | 'abs' | 'sign' | 'square' | 'reciprocal'
  | 'relu' | 'sigmoid' | 'tanh' | 'sin' | 'cos' | 'floor' | 'ceil' | 'round'
  | 'log1p' | 'expm1' | 'softplus' | 'gelu' | 'not';

export type BinaryOp =
  | 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum'
  | 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge' | 'and' | 'or';

export type ReduceOp = 'sum' | 'max' | 'min' | 'prod';

/** C[b] = alpha * op(A[b]) · op(B[b]) + beta * C[b] for b in 0..batch-1. */
export interface GemmArgs {
  /** number of independent products; batch b reads A at aOffset + b*strideA, etc. */
  batch: number;
  m: number;
  n: number;
  k: number;
  a: TypedArray;
  aOffset: number;
  /** leading dimension of A as stored (row stride of the stored matrix) */
  lda: number;
  /** if true, A is stored as k×m (row-major) and read transposed */
  transA: boolean;
  strideA: number;
  b: TypedArray;
  bOffset: number;
  ldb: number;
  /** if true, B is stored as n×k (row-major) and read transposed */
  transB: boolean;
  strideB: number;
  c: TypedArray;
  cOffset: number;
  ldc: number;
  strideC: number;
  /** 0 (overwrite C) or 1 (accumulate into C). */
  beta: 0 | 1;
}

/** NCHW 2-D convolution geometry (cross-correlation, as PyTorch). */
export interface Conv2dGeom {
  n: number;
  cIn: number;
  h: number;
  w: number;
  cOut: number;
  kh: number;
  kw: number;
  strideH: number;
  strideW: number;
  padH: number;
  padW: number;
  dilH: number;
  dilW: number;
  groups: number;
  outH: number;
  outW: number;
}

/** NCHW 2-D pooling geometry. */
export interface Pool2dGeom {
  n: number;
  c: number;
  h: number;
  w: number;
  kh: number;
  kw: number;
  strideH: number;
  strideW: number;
  padH: number;
  padW: number;
  outH: number;
  outW: number;
  /** AvgPool: whether padded zeros count in the divisor (PyTorch's count_include_pad). */
  countIncludePad: boolean;
}

/** Hyper-parameters of one Adam / AdamW step (PyTorch's formulas). */
export interface AdamArgs {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** AdamW: decay the weights directly (p -= lr*wd*p) instead of adding wd*p to the gradient */
  decoupled: boolean;
  /** 1-based step count, for bias correction */
  step: number;
}

export interface Backend {
  readonly name: string;

  /** out[i] = op(x[i]) over `shape`. */
  unary(op: UnaryOp, x: Strided, shape: readonly number[], out: TypedArray): void;
  /** out[i] = op(a[i], b[i]) over the broadcast `shape` (a and b strides already broadcast). */
  binary(op: BinaryOp, a: Strided, b: Strided, shape: readonly number[], out: TypedArray): void;
  /** out[i] = cond[i] ? a[i] : b[i] (all three strided/broadcast over `shape`). */
  where(cond: Strided, a: Strided, b: Strided, shape: readonly number[], out: TypedArray): void;
  /** Copies a strided view into another strided view of the same shape (dtype converts). */
  copy(x: Strided, shape: readonly number[], out: Strided): void;
  /** Fills a contiguous range of `out` with `value`. */
  fill(out: TypedArray, value: number, start: number, end: number): void;

  /**
   * Reduces a contiguous [outer, n, inner] array over its middle axis into [outer, inner].
   * For n = 0: sum -> 0, prod -> 1, max -> -Infinity, min -> +Infinity.
   */
  reduce(op: ReduceOp, x: TypedArray, outer: number, n: number, inner: number, out: TypedArray): void;
  /** Index of the first max/min along the middle axis of a contiguous [outer, n, inner] array. */
  argReduce(op: 'argmax' | 'argmin', x: TypedArray, outer: number, n: number, inner: number, out: Int32Array): void;

  /** Batched GEMM; see GemmArgs. Must handle k = 0 (C = beta*C), m or n = 0, and any lda/ldb. */
  gemm(args: GemmArgs): void;

  /**
   * Softmax (or log-softmax) over the middle axis of a contiguous [outer, n, inner] array,
   * numerically stable (subtracts the max).
   */
  softmax(x: TypedArray, outer: number, n: number, inner: number, out: TypedArray, log: boolean): void;
  /**
   * Backward of softmax / log-softmax given the forward output y and upstream g:
   * softmax:     dx = y * (g - sum(g*y))
   * log-softmax: dx = g - exp(y) * sum(g)
   */
  softmaxBackward(y: TypedArray, g: TypedArray, outer: number, n: number, inner: number, out: TypedArray, log: boolean): void;

  /**
   * Gather along the middle axis of contiguous [outer, n, inner] x with indices [outer, m, inner]:
   * out[o, j, i] = x[o, index[o, j, i], i]. Indices were validated by the caller.
   */
  gather(x: TypedArray, index: Int32Array, outer: number, n: number, m: number, inner: number, out: TypedArray): void;
  /** The adjoint of gather: out[o, index[o, j, i], i] += g[o, j, i] (out is pre-zeroed by the caller). */
  scatterAdd(g: TypedArray, index: Int32Array, outer: number, n: number, m: number, inner: number, out: TypedArray): void;

  /** y = conv2d(x, w) (no bias); x [N,Cin,H,W], w [Cout,Cin/groups,kh,kw], y [N,Cout,outH,outW]. */
  conv2d(x: TypedArray, w: TypedArray, g: Conv2dGeom, out: TypedArray): void;
  /** dx from dy and w (dx pre-zeroed). */
  conv2dBackwardInput(dy: TypedArray, w: TypedArray, g: Conv2dGeom, dx: TypedArray): void;
  /** dw from x and dy (dw pre-zeroed). */
  conv2dBackwardWeight(x: TypedArray, dy: TypedArray, g: Conv2dGeom, dw: TypedArray): void;
  /** Max pooling; `argmax` receives the flat index (within each [H,W] plane) of each max, -1 for an all-padding window. */
  maxPool2d(x: TypedArray, g: Pool2dGeom, out: TypedArray, argmax: Int32Array): void;
  maxPool2dBackward(dy: TypedArray, argmax: Int32Array, g: Pool2dGeom, dx: TypedArray): void;
  avgPool2d(x: TypedArray, g: Pool2dGeom, out: TypedArray): void;
  avgPool2dBackward(dy: TypedArray, g: Pool2dGeom, dx: TypedArray): void;

  /** One Adam/AdamW update of a whole parameter in place: p, m, v updated, g read. */
  adamStep(p: TypedArray, g: TypedArray, m: TypedArray, v: TypedArray, args: AdamArgs): void;
}

export type PartialBackend = Partial<Omit<Backend, 'name'>> & { readonly name: string };
