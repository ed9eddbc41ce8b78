/**
 * Layer normalisation (Ba, Kiros & Hinton, 2016) over the last axes of x (`normalizedShape`):
 *   mu = mean(x_r),   sigma2 = mean((x_r - mu)^2)   (per sample r, biased)
 *   y = (x - mu) / sqrt(sigma2 + eps) * gamma + beta
 * One fused op with kernels and a hand-written backward (src/ops/layernorm.ts has the gradient
 * formulas). PyTorch's F.layer_norm(input, normalized_shape, weight, bias, eps).
 */
export { layerNorm } from '../ops/layernorm.js';
