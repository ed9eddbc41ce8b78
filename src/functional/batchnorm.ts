/**
 * Batch normalisation (Ioffe & Szegedy, 2015) over the channel axis 1 of x [N, C], [N, C, L]
 * or [N, C, H, W]. With the batch statistics (mean and biased variance over every axis but 1):
 *   mu_c = mean(x[:, c]),   sigma2_c = mean((x[:, c] - mu_c)^2)
 *   y = (x - mu_c) / sqrt(sigma2_c + eps) * gamma_c + beta_c
 * and, when running statistics are given, in place (no gradient), with m = momentum:
 *   running_mean <- (1 - m) running_mean + m mu
 *   running_var  <- (1 - m) running_var  + m sigma2 * n / (n - 1)   (unbiased, n = N*L or N*H*W)
 * In evaluation the running statistics replace mu and sigma2. One fused op with kernels and a
 * hand-written backward (src/ops/batchnorm.ts has the gradient formulas).
 */
export { batchNorm, type BatchNormOptions } from '../ops/batchnorm.js';
