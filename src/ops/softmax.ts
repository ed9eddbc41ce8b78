/**
 * softmax(x)_i = e^{x_i} / sum_j e^{x_j} and log-softmax, along one axis.
 *
 * These are hot fused ops with hand-written backward passes (composing them from exp, sum and
 * div would be three passes and less stable):
 *   softmax:      dx = y (g - sum_j g_j y_j)
 *   log-softmax:  dx = g - softmax(x) sum_j g_j
 */
import { Tensor } from '../core/tensor.js';
import { normAxis } from '../core/shape.js';
import { isGradEnabled } from '../core/autograd.js';
import { B } from '../backend/registry.js';
import { emptyUninit, result } from './result.js';
import { contiguous } from './view.js';
import { requireFloat } from './elementwise.js';

function geometry(x: Tensor, axis: number): [number, number, number] {
  const a = normAxis('softmax', axis, x.ndim);
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < a; i++) outer *= x.shape[i]!;
  for (let i = a + 1; i < x.ndim; i++) inner *= x.shape[i]!;
  return [outer, x.shape[a] ?? 1, inner];
}

function softmaxOp(x: Tensor, axis: number, log: boolean): Tensor {
  const op = log ? 'logSoftmax' : 'softmax';
  requireFloat(op, x);
  const [outer, n, inner] = geometry(x, axis);
  const y = emptyUninit(x.dtype, x.shape);
  const xs = x.isContiguous() ? x._contiguousData() : contiguous(x, false).detach()._contiguousData();
  B().softmax(xs, outer, n, inner, y._storage, log);
  const record = x.requiresGrad && isGradEnabled();
  return result(op, y, [x], record ? (g) => [softmaxGrad(y, g, axis, log)] : null, { axis });
}

/** The backward of (log-)softmax as an op of its own, so it too is differentiable. */
function softmaxGrad(y: Tensor, g: Tensor, axis: number, log: boolean): Tensor {
  const [outer, n, inner] = geometry(y, axis);
  const gc = contiguous(g, false).detach();
  const dx = emptyUninit(y.dtype, y.shape);
  B().softmaxBackward(y._contiguousData(), gc._contiguousData(), outer, n, inner, dx._storage, log);
  // second derivatives (double backward), composed from primitives: dx is linear in g, and
  // depends on y through s = softmax(x)
  return result(log ? 'logSoftmaxBackward' : 'softmaxBackward', dx, [g, y], (gg) => {
    const s = log ? y.exp() : y;
    const sumG = g.sum(axis, true);
    const dg = log ? gg.sub(gg.mul(s).sum(axis, true)) : s.mul(gg.sub(gg.mul(s).sum(axis, true)));
    const dy = log
      ? gg.mul(s).mul(sumG).neg()
      : gg.mul(g).sub(gg.mul(g.mul(y).sum(axis, true))).sub(g.mul(gg.mul(y).sum(axis, true)));
    return [dg, dy];
  });
}

export function softmax(x: Tensor, axis: number): Tensor {
  return softmaxOp(x, axis, false);
}

export function logSoftmax(x: Tensor, axis: number): Tensor {
  return softmaxOp(x, axis, true);
}
