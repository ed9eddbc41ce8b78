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
import type { ARG_REDUCE_OPS, BINARY_OPS, REDUCE_OPS, UNARY_OPS } from './kernels/table.js';
import type { Kernels } from './kernels/backend.gen.js';

export interface Strided {
  data: TypedArray;
  offset: number;
  strides: readonly number[];
}

/** Op names of the elementwise and reduction kernels: the lists in the kernel table (kernels/table.ts). */
export type UnaryOp = (typeof UNARY_OPS)[number];

/**
 * Binary ops. `reluGrad` is relu's backward in one pass: out = b <= 0 ? 0 : a (a = dJ/dy,
 * b = relu's input; relu'(0) = 0 and a NaN input passes a, as PyTorch's threshold_backward).
 */
export type BinaryOp = (typeof BINARY_OPS)[number];

export type ReduceOp = (typeof REDUCE_OPS)[number];

export type ArgReduceOp = (typeof ARG_REDUCE_OPS)[number];

/**
 * C[b] = op(A[b]) · op(B[b]) + beta * C[b] (+ bias) for b in 0..batch-1. With beta = 0, C is
 * only written, never read (it may hold anything on entry, also when k = 0).
 */
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
  /**
   * Optional epilogue bias (Linear's b): C[b][i, j] += bias[biasOffset + j] for every row i and
   * every product b, after op(A)·op(B) (+ C when beta = 1). Same dtype as C, n elements.
   */
  bias?: TypedArray;
  biasOffset?: number;
}

/**
 * The gradients of a Linear layer (y = x W^T + b) in one kernel call: g [rows, outF], x [rows, inF],
 * W [outF, inF], each a matrix in its array at its offset with its leading dimension, stored
 * row-major or (`trans*`) column-major. Outputs are dense and null when not wanted; x may be null
 * when dw is, w when dx is.
 */
export interface LinearBackwardArgs {
  rows: number;
  inF: number;
  outF: number;
  g: TypedArray;
  gOffset: number;
  ldg: number;
  transG: boolean;
  x: TypedArray | null;
  xOffset: number;
  ldx: number;
  transX: boolean;
  w: TypedArray | null;
  wOffset: number;
  ldw: number;
  transW: boolean;
  /** dJ/dx, rows x inF */
  dx: TypedArray | null;
  /** dJ/dW, outF x inF */
  dw: TypedArray | null;
  /** dJ/db, outF */
  db: TypedArray | null;
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

/**
 * One LSTM time step, pointwise part (PyTorch's gate order i, f, g, o). Every array is
 * row-major at its offset; the regions of one call must not overlap (they may share an array).
 * `gates` [batch, 4H] holds the pre-activations a = x_t W_ih^T + b_ih + b_hh + h_{t-1} W_hh^T on
 * entry and the activations i, f, g, o on return (the backward's cache):
 *
 *   i = sigma(a_i)   f = sigma(a_f)   g = tanh(a_g)   o = sigma(a_o)
 *   c_t = f * c_{t-1} + i * g       tanh(c_t) -> tanhC       h_t = o * tanh(c_t)
 */
export interface LstmCellArgs {
  batch: number;
  hidden: number;
  gates: TypedArray;
  gatesOffset: number;
  /** c_{t-1} [batch, H] (read) */
  cPrev: TypedArray;
  cPrevOffset: number;
  /** c_t, h_t, tanh(c_t) [batch, H] (written) */
  c: TypedArray;
  cOffset: number;
  h: TypedArray;
  hOffset: number;
  tanhC: TypedArray;
  tanhCOffset: number;
}

/**
 * Backward of one LSTM step. Reads the forward's activations `gates` (i, f, g, o), `tanhC` and
 * c_{t-1}; the upstream gradients of this step's outputs `gradH` = dJ/dh_t and `gradC` = dJ/dc_t;
 * and the carries from step t+1: `dh` (dJ/dh_t through h_t W_hh, read) and `dc`
 * (f_{t+1} dc_{t+1}, read, then overwritten with f_t dc_t for step t-1). With
 * dh_t = gradH + dh and dc_t = gradC + dc + dh_t o (1 - tanh(c_t)^2) it writes `dGates` [batch, 4H]:
 *
 *   da_i = dc_t g i(1-i)   da_f = dc_t c_{t-1} f(1-f)   da_g = dc_t i (1-g^2)   da_o = dh_t tanh(c_t) o(1-o)
 *
 * `dh` and `dc` are contiguous [batch, H] at offset 0.
 */
export interface LstmCellBackwardArgs {
  batch: number;
  hidden: number;
  gates: TypedArray;
  gatesOffset: number;
  tanhC: TypedArray;
  tanhCOffset: number;
  cPrev: TypedArray;
  cPrevOffset: number;
  gradH: TypedArray;
  gradHOffset: number;
  gradC: TypedArray;
  gradCOffset: number;
  dh: TypedArray;
  dc: TypedArray;
  dGates: TypedArray;
  dGatesOffset: number;
}

/**
 * One GRU time step, pointwise part (PyTorch's gate order r, z, n). `x` [batch, 3H] holds
 * x_t W_ih^T + b_ih, `p` [batch, 3H] holds h_{t-1} W_hh^T + b_hh (b_hn stays inside the r product):
 *
 *   r = sigma(x_r + p_r)   z = sigma(x_z + p_z)   n = tanh(x_n + r p_n)   h_t = (1-z) n + z h_{t-1}
 *
 * Writes h_t and the backward's cache: `act` [batch, 3H] = r, z, n and `pn` [batch, H] = p_n.
 * Regions must not overlap.
 */
export interface GruCellArgs {
  batch: number;
  hidden: number;
  x: TypedArray;
  xOffset: number;
  /** contiguous [batch, 3H] at offset 0 */
  p: TypedArray;
  hPrev: TypedArray;
  hPrevOffset: number;
  h: TypedArray;
  hOffset: number;
  act: TypedArray;
  actOffset: number;
  pn: TypedArray;
  pnOffset: number;
}

/**
 * Backward of one GRU step from the cache of `gruCellForward`, h_{t-1}, the upstream `gradH`
 * = dJ/dh_t and the carry `dh` (dJ/dh_t from step t+1, read). With dh_t = gradH + dh:
 *
 *   da_n = dh_t (1-z)(1-n^2)   da_r = da_n p_n r(1-r)   da_z = dh_t (h_{t-1} - n) z(1-z)
 *   dx = [da_r, da_z, da_n]    dp = [da_r, da_z, da_n r]    dhPrev = dh_t z
 *
 * (the caller adds dp W_hh to dhPrev). `dh` and `dhPrev` are contiguous [batch, H] at offset 0.
 */
export interface GruCellBackwardArgs {
  batch: number;
  hidden: number;
  act: TypedArray;
  actOffset: number;
  pn: TypedArray;
  pnOffset: number;
  hPrev: TypedArray;
  hPrevOffset: number;
  gradH: TypedArray;
  gradHOffset: number;
  dh: TypedArray;
  dx: TypedArray;
  dxOffset: number;
  dp: TypedArray;
  dpOffset: number;
  dhPrev: TypedArray;
}

/**
 * One operand of the attention kernels: a [batch, heads, rows, width] view whose last axis is
 * contiguous; element (b, h, i, c) lives at data[offset + b*strides[0] + h*strides[1] + i*strides[2] + c].
 * (So q can be a head-split view of a packed projection [N, L, 3, H, hd] without a copy.)
 */
export interface HeadView {
  data: TypedArray;
  offset: number;
  strides: readonly [number, number, number];
}

/**
 * Scaled dot-product attention, per batch b and head h, for query rows i < l and key rows j < s:
 *
 *   s_ij = scale * q_i . k_j + mask[b, h, i, j]      (-inf where causal and j > i)
 *   out_i = sum_j p_ij v_j,   p_ij = exp(s_ij - lse_i),   lse_i = log sum_j exp(s_ij)
 *
 * `mask` (additive, float) is a view broadcast to [batch, heads, l, s] (stride 0 on broadcast
 * axes), or null. `lse` [batch, heads, l] (contiguous) receives each row's log-sum-exp, the only
 * thing the backward keeps besides the inputs and the output. A row whose scores are all -inf
 * has no distribution: out and lse are NaN there (PyTorch's softmax gives NaN). The kernels never
 * hold the l x s matrix of scores (FlashAttention's schedule: blocks of keys, a running maximum
 * and sum per row); with `causal`, blocks wholly above the diagonal are skipped.
 */
export interface AttentionArgs {
  batch: number;
  heads: number;
  l: number;
  s: number;
  /** width of q and k rows */
  d: number;
  /** width of v and output rows */
  dv: number;
  q: HeadView;
  k: HeadView;
  v: HeadView;
  mask: Strided | null;
  causal: boolean;
  scale: number;
  /** written in full */
  out: HeadView;
  lse: TypedArray;
}

/**
 * Backward of `attentionForward` from its inputs, output `out`, `lse` and g = dJ/dout:
 *
 *   D_i = g_i . out_i,   p_ij = exp(s_ij - lse_i),   dp_ij = g_i . v_j,   ds_ij = p_ij (dp_ij - D_i)
 *   dq_i = scale sum_j ds_ij k_j,   dk_j = scale sum_i ds_ij q_i,   dv_j = sum_i p_ij g_i
 *
 * gradQ, gradK, gradV (dq, dk, dv) are written in full (their own arrays or disjoint regions of one array).
 */
export interface AttentionBackwardArgs extends AttentionArgs {
  g: HeadView;
  gradQ: HeadView;
  gradK: HeadView;
  gradV: HeadView;
}

/**
 * The backend contract: every kernel of the kernel table (src/backend/kernels/table.ts), with the
 * signature and documentation generated from its row (kernels/backend.gen.ts).
 */
export interface Backend extends Kernels {
  readonly name: string;
}

export type PartialBackend = Partial<Omit<Backend, 'name'>> & { readonly name: string };
