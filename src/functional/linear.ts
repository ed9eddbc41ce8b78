/**
 * The affine map of a fully connected layer, in the seed's notation
 *   z^{(l)} = W^{(l)} a^{(l-1)} + b^{(l)},
 * written for a batch of row vectors x [..., in] as  y = x W^T + b  -> [..., out],
 * with W [out, in] and b [out] (PyTorch's F.linear). W^T is a transposed view: matmul hands it
 * to the GEMM kernel as a flag, so nothing is copied, forward or backward.
 */
import type { Tensor } from '../core/tensor.js';
import { ShapeError, fmtShape } from '../core/errors.js';

export function linear(x: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  const inF = weight.shape[weight.ndim - 1]!;
  if (weight.ndim !== 2) throw new ShapeError(`linear: weight must be 2-D [out, in], got ${fmtShape(weight.shape)}`);
  if (x.ndim === 0 || x.shape[x.ndim - 1] !== inF) {
    throw new ShapeError(
      `linear: input ${fmtShape(x.shape)} does not fit weight ${fmtShape(weight.shape)}: the last input dimension must be in_features = ${inF}`,
    );
  }
  if (bias !== null && (bias.ndim !== 1 || bias.shape[0] !== weight.shape[0])) {
    throw new ShapeError(`linear: bias ${fmtShape(bias.shape)} does not fit weight ${fmtShape(weight.shape)}: expected [${weight.shape[0]}]`);
  }
  // leading axes are folded into one batch of rows, so that one GEMM does the whole product
  const lead = x.shape.slice(0, -1);
  const x2 = x.ndim > 2 ? x.reshape([-1, inF]) : x;
  let y = x2.matmul(weight.mT);
  if (bias !== null) y = y.add(bias);
  return x.ndim > 2 ? y.reshape([...lead, weight.shape[0]!]) : y;
}
