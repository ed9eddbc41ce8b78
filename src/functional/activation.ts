/**
 * Activation functions a = sigma(z) beyond the primitives of src/ops/elementwise.ts, composed
 * from primitives so their derivatives come from autograd. PyTorch's full signatures.
 */
import type { Tensor } from '../core/tensor.js';
import { isFloat } from '../core/dtype.js';
import { noGrad } from '../core/autograd.js';
import { result } from '../ops/result.js';
import { NablaError } from '../core/errors.js';
import { where } from '../ops/indexing.js';
import * as ew from '../ops/elementwise.js';

/**
 * SiLU / swish: a = z sigma(z);  da/dz = sigma(z) (1 + z (1 - sigma(z))), PyTorch's formula
 * (through the product rule the upstream gradient times z overflows first where z is huge).
 */
export function silu(x: Tensor): Tensor {
  const xf = isFloat(x.dtype) ? x : x.to('float32');
  const y = noGrad(() => xf.mul(xf.sigmoid()));
  return result('silu', y, [xf], (g) => {
    const s = xf.sigmoid();
    return [g.mul(s.mul(xf.mul(s.neg().add(1)).add(1)))];
  });
}

export type GeluApproximation = 'none' | 'tanh';

/**
 * GELU: a = z Phi(z) (exact, 'none'), or with 'tanh' the approximation
 *   a = 0.5 z (1 + tanh(sqrt(2/pi) (z + 0.044715 z^3)))
 */
export function gelu(x: Tensor, approximate: GeluApproximation = 'none'): Tensor {
  if (approximate === 'none') return ew.gelu(x);
  if (approximate !== 'tanh') throw new NablaError(`gelu: approximate must be 'none' or 'tanh', got '${String(approximate)}'`);
  const inner = x.add(x.mul(x).mul(x).mul(0.044715)).mul(Math.sqrt(2 / Math.PI));
  return x.mul(0.5).mul(inner.tanh().add(1));
}

/**
 * Softplus: a = (1/beta) ln(1 + e^{beta z}), and a = z where beta z > threshold (numerical
 * stability, as PyTorch);  da/dz = sigma(beta z) (1 above the threshold).
 */
export function softplus(x: Tensor, beta = 1, threshold = 20): Tensor {
  if (beta === 1 && threshold === 20) return ew.softplus(x);
  const bx = x.mul(beta);
  // sigma(beta z) below the threshold through log1p(e^{beta z}) / beta; exactly 1 above it
  const inside = where(bx.gt(threshold), 0, bx);
  return where(bx.gt(threshold), x, ew.log1p(inside.exp()).div(beta));
}

/**
 * Leaky ReLU: a = z for z > 0, slope z otherwise;  da/dz = 1 for z > 0, slope otherwise
 * (PyTorch's derivative at exactly 0 is the slope; written with `where` to match it).
 */
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  return where(x.gt(0), x, x.mul(negativeSlope));
}

/**
 * ELU: a = z for z > 0, alpha (e^z - 1) otherwise;  da/dz = 1 for z > 0, alpha e^z otherwise
 * (alpha at exactly 0, as PyTorch). The exponential sees min(z, 0) so it cannot overflow.
 */
export function elu(x: Tensor, alpha = 1): Tensor {
  return ew.elu(x, alpha);
}
