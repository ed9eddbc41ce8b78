/**
 * Matrix product with NumPy's rules:
 * - 1-D · 1-D is the dot product (a scalar);
 * - a 1-D left operand is treated as a row [1, k], a 1-D right operand as a column [k, 1], and
 *   the added axis is removed from the result;
 * - otherwise the last two axes multiply ([.., m, k] · [.., k, n] -> [.., m, n]) and the leading
 *   (batch) axes broadcast.
 *
 * Forward: C = A B. Backward (a hand-written primitive, as in every framework):
 *   dJ/dA = dJ/dC · B^T,   dJ/dB = A^T · dJ/dC
 * Transposed operands are passed to the GEMM kernel as flags, never copied, so `x W^T` and both
 * backward products run without a transpose.
 */
import { Tensor } from '../core/tensor.js';
import { DTypeError, ShapeError, fmtShape } from '../core/errors.js';
import { broadcastShapes, broadcastStrides, sizeOf } from '../core/shape.js';
import { isFloat, promote } from '../core/dtype.js';
import { B } from '../backend/registry.js';
import type { GemmArgs } from '../backend/types.js';
import { emptyUninit, result } from './result.js';
import { contiguous, expand } from './view.js';

export function matmul(a: Tensor, b: Tensor): Tensor {
  if (!(b instanceof Tensor)) throw new ShapeError('matmul: the right operand must be a Tensor');
  if (a.ndim === 0 || b.ndim === 0) {
    throw new ShapeError(`matmul: both operands need at least 1 dimension, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)} (use mul for scalars)`);
  }
  if (a.ndim === 1 && b.ndim === 1) {
    if (a.shape[0] !== b.shape[0]) throw new ShapeError(`matmul: cannot take the dot product of ${fmtShape(a.shape)} and ${fmtShape(b.shape)}: lengths ${a.shape[0]} and ${b.shape[0]} differ`);
    return matmulNd(a.unsqueeze(0), b.unsqueeze(1), a, b).reshape([]);
  }
  if (a.ndim === 1) return matmulNd(a.unsqueeze(0), b, a, b).squeeze(-2);
  if (b.ndim === 1) return matmulNd(a, b.unsqueeze(1), a, b).squeeze(-1);
  return matmulNd(a, b, a, b);
}

/** Both operands have at least 2 dimensions. `origA`/`origB` are for error messages. */
function matmulNd(a: Tensor, b: Tensor, origA: Tensor, origB: Tensor): Tensor {
  const m = a.shape[a.ndim - 2]!;
  const k = a.shape[a.ndim - 1]!;
  const k2 = b.shape[b.ndim - 2]!;
  const n = b.shape[b.ndim - 1]!;
  if (k !== k2) {
    throw new ShapeError(
      `matmul: cannot multiply ${fmtShape(origA.shape)} by ${fmtShape(origB.shape)}: inner dimensions ${k} and ${k2} differ`,
    );
  }
  if (a.dtype !== b.dtype) {
    const d = promote(a.dtype, b.dtype);
    if (!isFloat(d)) throw new DTypeError(`matmul: integer operands are not supported (${a.dtype}, ${b.dtype})`);
    return matmulNd(a.to(d), b.to(d), origA, origB);
  }
  if (!isFloat(a.dtype)) throw new DTypeError(`matmul: expected floating-point operands, got ${a.dtype}`);
  const batchShape = broadcastShapes('matmul', a.shape.slice(0, -2), b.shape.slice(0, -2));
  const out = emptyUninit(a.dtype, [...batchShape, m, n]);
  const A = operand(a, batchShape);
  const Bm = operand(b, batchShape);
  const args: GemmArgs = {
    batch: sizeOf(batchShape),
    m,
    n,
    k,
    a: A.t._storage,
    aOffset: A.t.offset,
    lda: A.ld,
    transA: A.trans,
    strideA: A.batchStride,
    b: Bm.t._storage,
    bOffset: Bm.t.offset,
    ldb: Bm.ld,
    transB: Bm.trans,
    strideB: Bm.batchStride,
    c: out._storage,
    cOffset: 0,
    ldc: n,
    strideC: m * n,
    beta: 0,
  };
  B().gemm(args);
  return result('matmul', out, [a, b], (g) => [a.requiresGrad ? g.matmul(b.mT) : null, b.requiresGrad ? gradOfRight(a, b, g) : null]);
}

/** True when the last two axes are stored column-major (e.g. `W.mT` of a contiguous W). */
function isColumnMajor(t: Tensor): boolean {
  const n = t.ndim;
  return t.strides[n - 2] === 1 && t.strides[n - 1] !== 1 && t.shape[n - 1]! > 1;
}

/**
 * dJ/dB = A^T G, computed in the layout B is stored in, so that no transpose copy follows:
 * when B is a transposed view (x W^T in Linear), G^T A is computed instead (W's own layout) and
 * viewed transposed. When a 2-D B was broadcast over A's batch axes, the batch is folded into
 * the inner dimension (one GEMM, no batch sum afterwards).
 */
function gradOfRight(a: Tensor, b: Tensor, g: Tensor): Tensor {
  let A = a;
  let G = g;
  if (b.ndim === 2 && a.ndim > 2) {
    // explicit row counts: -1 cannot be inferred when a size is 0
    A = a.reshape([sizeOf(a.shape.slice(0, -1)), a.shape[a.ndim - 1]!]);
    G = g.reshape([sizeOf(g.shape.slice(0, -1)), g.shape[g.ndim - 1]!]);
  }
  return isColumnMajor(b) ? G.mT.matmul(A).mT : A.mT.matmul(G);
}

interface GemmOperand {
  t: Tensor;
  ld: number;
  trans: boolean;
  batchStride: number;
}

/**
 * Describes a [..batch, r, c] tensor to the GEMM kernel without copying when its layout allows:
 * the matrix must be row-major (strides [ld, 1]) or column-major (strides [1, ld], read
 * transposed), and the batch axes must collapse to a single stride (0 when broadcast).
 */
function operand(x: Tensor, batchShape: readonly number[]): GemmOperand {
  const nd = x.ndim;
  const r = x.shape[nd - 2]!;
  const c = x.shape[nd - 1]!;
  const sr = x.strides[nd - 2]!;
  const sc = x.strides[nd - 1]!;
  let ld: number;
  let trans: boolean;
  if ((sc === 1 || c <= 1) && (r <= 1 || (sr >= c && sr > 0))) {
    trans = false; // row-major: element (i, j) at i*ld + j
    ld = r <= 1 ? Math.max(c, 1) : sr;
  } else if ((sr === 1 || r <= 1) && (c <= 1 || (sc >= r && sc > 0))) {
    trans = true; // column-major: element (i, j) at j*ld + i
    ld = c <= 1 ? Math.max(r, 1) : sc;
  } else {
    ld = -1;
    trans = false;
  }
  const bStrides = broadcastStrides(x.shape.slice(0, -2), x.strides.slice(0, -2), batchShape);
  const batchStride = singleStride(batchShape, bStrides);
  if (ld < 0 || batchStride === null) {
    const full = contiguous(expand(x.detach(), [...batchShape, r, c]), true);
    return { t: full, ld: Math.max(c, 1), trans: false, batchStride: r * c };
  }
  return { t: x, ld, trans, batchStride };
}

/** The one stride that walks all batch axes in order, or null if there is none. */
function singleStride(shape: readonly number[], strides: readonly number[]): number | null {
  let stride: number | null = null;
  let expected = 0;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] === 1) continue;
    if (stride === null) {
      stride = strides[i]!;
      expected = stride * shape[i]!;
    } else if (strides[i] !== expected) {
      return null;
    } else expected *= shape[i]!;
  }
  return stride ?? 0;
}
