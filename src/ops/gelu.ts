/**
 * GELU (Hendrycks & Gimpel, 2016), exact (erf) form, as one op with its own kernels:
 *
 *   y = x Phi(x),   Phi(x) = (1 + erf(x / sqrt 2)) / 2
 *   dy/dx = Phi(x) + x phi(x),   phi(x) = e^{-x^2/2} / sqrt(2 pi)
 *   d2y/dx2 = phi(x) (2 - x^2)
 *
 * The backward is one kernel (one pass over x and g) because a Transformer's feed-forward layer
 * applies GELU to its widest activation ([N, T, 4d]); composed from exp, div, mul and where it took
 * eight passes and as many allocations. Its double backward is composed from ops.
 */
import { Tensor } from '../core/tensor.js';
import { isFloat } from '../core/dtype.js';
import { isGradEnabled } from '../core/autograd.js';
import { B } from '../backend/registry.js';
import { emptyUninit, result } from './result.js';

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** y = x Phi(x) (exact GELU);  dy/dx = Phi(x) + x phi(x) */
export function gelu(x: Tensor): Tensor {
  if (!isFloat(x.dtype)) return gelu(x.to('float32'));
  const y = emptyUninit(x.dtype, x.shape);
  B().geluForward(x._contiguousData(), y._storage, x.size);
  const record = x.requiresGrad && isGradEnabled();
  return result('gelu', y, [x], record ? (g) => [geluGrad(x, g)] : null);
}

/** g (Phi(x) + x phi(x)) as an op (differentiable in g and in x). */
function geluGrad(x: Tensor, g: Tensor): Tensor {
  const gg = g.dtype === x.dtype ? g : g.to(x.dtype);
  const out = emptyUninit(x.dtype, x.shape);
  B().geluBackward(x._contiguousData(), gg._contiguousData(), out._storage, x.size);
  return result('geluBackward', out, [x, gg], (h) => {
    const phi = x.square().mul(-0.5).exp().mul(INV_SQRT_2PI);
    return [h.mul(gg).mul(phi.mul(x.square().neg().add(2))), geluGrad(x, h)];
  });
}
