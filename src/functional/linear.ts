/**
 * The affine map of a fully connected layer, in the seed's notation
 *   z^{(l)} = W^{(l)} a^{(l-1)} + b^{(l)},
 * written for a batch of row vectors x [..., in] as  y = x W^T + b  -> [..., out],
 * with W [out, in] and b [out] (PyTorch's F.linear). It runs as one fused op (src/ops/linear.ts):
 * one GEMM whose epilogue adds b, and a hand-written backward (dx = g W, dW = g^T x, db = sum g).
 */
export { linear } from '../ops/linear.js';
