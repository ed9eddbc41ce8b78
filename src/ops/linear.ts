/**
 * The affine map of a fully connected layer as one fused op (PyTorch's F.linear), in the seed's
 * notation z^{(l)} = W^{(l)} a^{(l-1)} + b^{(l)}, written for a batch of row vectors:
 *
 *   y = x W^T + b        x [..., in], W [out, in], b [out] (or none)  ->  y [..., out]
 *
 * The leading axes of x are folded into the rows of one GEMM, and b is added by the GEMM's
 * epilogue while each tile of y is still in registers: one kernel call, one output allocation.
 *
 * Backward, with g = dJ/dy folded to [rows, out], in one kernel call (linearBackward):
 *   dJ/dx = g W          a GEMM with W as stored
 *   dJ/dW = g^T x        a GEMM reading g transposed, written directly in W's [out, in] layout
 *   dJ/db = sum_rows g   the column sums of g
 * (dJ/dx and dJ/dW have the same number of multiply-adds: two threads may compute them side by side.)
 * It is hand-written rather than composed from matmul and add because this op is the hot path of
 * every MLP: the composition costs a second pass (and allocation) over y for the bias, transposing
 * views whose gradients must be transposed back (a copy of dJ/dW every step), and a broadcast
 * reduction in autograd. When the backward itself is recorded (double backward), the same three
 * formulas run as differentiable ops instead.
 */
import { Tensor } from '../core/tensor.js';
import { DTypeError, NablaError, ShapeError, fmtShape } from '../core/errors.js';
import { type DType, isFloat, promote } from '../core/dtype.js';
import { isGradEnabled } from '../core/autograd.js';
import { B } from '../backend/registry.js';
import type { GemmArgs } from '../backend/types.js';
import { emptyUninit, result, strided } from './result.js';

/** How a [rows, cols] matrix is handed to the GEMM: storage, offset, leading dimension, transposed. */
interface Mat {
  t: Tensor;
  ld: number;
  /** stored column-major: element (i, j) at j*ld + i */
  trans: boolean;
}

/** y = x W^T + b for x [..., in], W [out, in], b [out] or null -> y [..., out] (PyTorch's F.linear). */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  if (!(x instanceof Tensor) || !(weight instanceof Tensor)) throw new NablaError('linear: input and weight must be Tensors');
  if (weight.ndim !== 2) throw new ShapeError(`linear: weight must be 2-D [out, in], got ${fmtShape(weight.shape)}`);
  const outF = weight.shape[0]!;
  const inF = weight.shape[1]!;
  const nd = x.ndim;
  if (nd === 0 || x.shape[nd - 1] !== inF) {
    throw new ShapeError(
      `linear: input ${fmtShape(x.shape)} does not fit weight ${fmtShape(weight.shape)}: the last input dimension must be in_features = ${inF}`,
    );
  }
  if (bias !== null && (!(bias instanceof Tensor) || bias.ndim !== 1 || bias.shape[0] !== outF)) {
    const got = bias instanceof Tensor ? fmtShape(bias.shape) : typeof bias;
    throw new ShapeError(`linear: bias ${got} does not fit weight ${fmtShape(weight.shape)}: expected [${outF}]`);
  }
  if (x.dtype !== weight.dtype || (bias !== null && bias.dtype !== x.dtype)) {
    // mixed dtypes promote, as matmul and add do (the casts are differentiable)
    let d = promote(x.dtype, weight.dtype);
    if (bias !== null) d = promote(d, bias.dtype);
    requireFloat(d, x, weight, bias);
    return linear(x.to(d), weight.to(d), bias === null ? null : bias.to(d));
  }
  requireFloat(x.dtype, x, weight, bias);

  const rows = nd === 1 ? 1 : nd === 2 ? x.shape[0]! : leadSize(x);
  const X = asRows(x, rows, inF);
  const W = asMatrix(weight, outF, inF, weight.strides[0]!, weight.strides[1]!);
  const b = bias === null ? null : bias.strides[0] === 1 || outF <= 1 ? bias : dense(bias);
  const outShape = nd === 1 ? [outF] : nd === 2 ? [rows, outF] : [...x.shape.slice(0, -1), outF];
  const y = emptyUninit(x.dtype, outShape);
  // y = X W^T: op(B) = W^T is k x n, i.e. W stored n x k (transB) when W is row-major
  gemm(rows, outF, inF, X.t, X.ld, X.trans, W.t, W.ld, !W.trans, y, b);

  const inputs = bias === null ? [x, weight] : [x, weight, bias];
  const record = isGradEnabled() && (x.requiresGrad || weight.requiresGrad || (bias !== null && bias.requiresGrad));
  // the backward's gradients are new tensors (leaves keep them as .grad without a copy)
  return result('linear', y, inputs, record ? (g) => linearBackward(g, x, weight, bias, X, W, rows) : null);
}

function requireFloat(d: DType, x: Tensor, w: Tensor, b: Tensor | null): void {
  if (!isFloat(d)) {
    const types = b === null ? `${x.dtype}, ${w.dtype}` : `${x.dtype}, ${w.dtype}, ${b.dtype}`;
    throw new DTypeError(`linear: expected floating-point input, weight and bias, got ${types} (convert with .float())`);
  }
}

/** Product of all but the last axis (when in_features is 0 and size / in cannot tell). */
function leadSize(x: Tensor): number {
  let n = 1;
  for (let i = 0; i < x.ndim - 1; i++) n *= x.shape[i]!;
  return n;
}

/** The gradients of x, W and b (null where not needed); see the file comment. */
function linearBackward(g: Tensor, x: Tensor, w: Tensor, bias: Tensor | null, X: Mat, W: Mat, rows: number): (Tensor | null)[] {
  const outF = w.shape[0]!;
  const inF = w.shape[1]!;
  const needB = bias !== null && bias.requiresGrad;
  if (isGradEnabled()) {
    // recording the backward (double backward): the same formulas from differentiable ops
    const g2 = g.reshape([rows, outF]);
    const x2 = x.reshape([rows, inF]);
    const grads: (Tensor | null)[] = [
      x.requiresGrad ? g2.matmul(w).reshape(x.shape) : null,
      w.requiresGrad ? g2.mT.matmul(x2) : null,
    ];
    if (bias !== null) grads.push(needB ? g2.sum(0) : null);
    return grads;
  }
  const G = asRows(g, rows, outF);
  // one kernel call for the three (dx and dw may then run side by side on two threads)
  const dx = x.requiresGrad ? emptyUninit(g.dtype, x.shape) : null;
  const dw = w.requiresGrad ? emptyUninit(g.dtype, w.shape) : null;
  const db = needB ? emptyUninit(g.dtype, [outF]) : null;
  if (dx !== null || dw !== null || db !== null) {
    B().linearBackward({
      rows, inF, outF,
      g: G.t._storage, gOffset: G.t.offset, ldg: G.ld, transG: G.trans,
      x: dw === null ? null : X.t._storage, xOffset: X.t.offset, ldx: X.ld, transX: X.trans,
      w: dx === null ? null : W.t._storage, wOffset: W.t.offset, ldw: W.ld, transW: W.trans,
      dx: dx === null ? null : dx._storage, dw: dw === null ? null : dw._storage, db: db === null ? null : db._storage,
    });
  }
  return bias === null ? [dx, dw] : [dx, dw, db];
}

/** C [m, n] = op(A) op(B) (+ bias), into the fresh contiguous tensor `c`. */
function gemm(m: number, n: number, k: number, a: Tensor, lda: number, transA: boolean, b: Tensor, ldb: number, transB: boolean, c: Tensor, bias: Tensor | null): void {
  const args: GemmArgs = {
    batch: 1,
    m,
    n,
    k,
    a: a._storage,
    aOffset: a.offset,
    lda,
    transA,
    strideA: 0,
    b: b._storage,
    bOffset: b.offset,
    ldb,
    transB,
    strideB: 0,
    c: c._storage,
    cOffset: 0,
    ldc: n,
    strideC: 0,
    beta: 0,
    bias: bias === null ? undefined : bias._storage,
    biasOffset: bias === null ? 0 : bias.offset,
  };
  B().gemm(args);
}

/**
 * x [..., cols] as a [rows, cols] matrix: its leading axes must walk memory with one stride
 * (always true for a contiguous x); otherwise a contiguous copy.
 */
function asRows(x: Tensor, rows: number, cols: number): Mat {
  const nd = x.ndim;
  const sc = x.strides[nd - 1]!;
  if (nd === 1) return asMatrix(x, 1, cols, cols, sc);
  if (nd === 2) return asMatrix(x, rows, cols, x.strides[0]!, sc);
  let sr = -1;
  for (let i = nd - 2; i >= 0; i--) {
    const n = x.shape[i]!;
    if (n === 1) continue;
    if (sr === -1) sr = x.strides[i]!;
    else if (x.strides[i] !== sr * rowsBetween(x, i)) return asMatrix(dense(x), rows, cols, cols, 1);
  }
  return asMatrix(x, rows, cols, sr === -1 ? cols : sr, sc);
}

/** Rows of the folded matrix spanned by one step along leading axis i. */
function rowsBetween(x: Tensor, i: number): number {
  let n = 1;
  for (let j = i + 1; j < x.ndim - 1; j++) n *= x.shape[j]!;
  return n;
}

/** A [r, c] matrix with strides (sr, sc): row-major, column-major, or (any other layout) a contiguous copy. */
function asMatrix(t: Tensor, r: number, c: number, sr: number, sc: number): Mat {
  if ((sc === 1 || c <= 1) && (r <= 1 || (sr >= c && sr > 0))) return { t, ld: r <= 1 ? Math.max(c, 1) : sr, trans: false };
  if ((sr === 1 || r <= 1) && (c <= 1 || (sc >= r && sc > 0))) return { t, ld: c <= 1 ? Math.max(r, 1) : sc, trans: true };
  return { t: dense(t), ld: Math.max(c, 1), trans: false };
}

/**
 * A contiguous copy that is not an op (no graph, no event): the operands' gradients are this
 * op's own, and a traced model must see only the `linear` event.
 */
function dense(t: Tensor): Tensor {
  const out = emptyUninit(t.dtype, t.shape);
  B().copy(strided(t), t.shape, { data: out._storage, offset: 0, strides: out.strides });
  return out;
}
