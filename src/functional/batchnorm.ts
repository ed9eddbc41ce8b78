/**
 * Batch normalisation (Ioffe & Szegedy, 2015) over the channel axis 1 of x [N, C], [N, C, L]
 * or [N, C, H, W]. With the batch statistics (mean and biased variance over every axis but 1):
 *   mu_c = mean(x[:, c]),   sigma2_c = mean((x[:, c] - mu_c)^2)
 *   y = (x - mu_c) / sqrt(sigma2_c + eps) * gamma_c + beta_c
 * and, when running statistics are given, in place (no gradient), with m = momentum:
 *   running_mean <- (1 - m) running_mean + m mu
 *   running_var  <- (1 - m) running_var  + m sigma2 * n / (n - 1)   (unbiased, n = N*L or N*H*W)
 * In evaluation the running statistics replace mu and sigma2. Composed from ops, so the
 * gradient (through mu and sigma2 as well) comes from autograd.
 */
import type { Tensor } from '../core/tensor.js';
import { NablaError, ShapeError, fmtShape } from '../core/errors.js';
import { noGrad } from '../core/autograd.js';

export interface BatchNormOptions {
  /** use (and update) batch statistics; false uses the running statistics */
  training?: boolean;
  /** weight of the new batch in the running averages (default 0.1) */
  momentum?: number;
  /** added to the variance for stability (default 1e-5) */
  eps?: number;
}

export function batchNorm(
  x: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  weight: Tensor | null = null,
  bias: Tensor | null = null,
  opts: BatchNormOptions = {},
): Tensor {
  const training = opts.training ?? false;
  const momentum = opts.momentum ?? 0.1;
  const eps = opts.eps ?? 1e-5;
  if (x.ndim < 2) throw new ShapeError(`batchNorm: expected an input [N, C, ...] with at least 2 dimensions, got ${fmtShape(x.shape)}`);
  const c = x.shape[1]!;
  const bshape = x.shape.map((d, i) => (i === 1 ? c : 1)); // [1, C, 1, ...] for broadcasting
  const axes = [...x.shape.keys()].filter((i) => i !== 1);
  const n = x.size / c;
  let centered: Tensor; // x - mu
  let variance: Tensor;
  if (training || runningMean === null || runningVar === null) {
    if (training && n <= 1) {
      throw new NablaError(`batchNorm: expected more than 1 value per channel when training, got input ${fmtShape(x.shape)}`);
    }
    const mean = x.mean(axes, true);
    centered = x.sub(mean);
    variance = centered.mul(centered).mean(axes, true);
    if (training && runningMean !== null && runningVar !== null) {
      noGrad(() => {
        runningMean.mul_(1 - momentum).add_(mean.detach().reshape([c]), momentum);
        runningVar.mul_(1 - momentum).add_(variance.detach().reshape([c]), (momentum * n) / (n - 1));
      });
    }
  } else {
    centered = x.sub(runningMean.reshape(bshape));
    variance = runningVar.reshape(bshape);
  }
  let y = centered.div(variance.add(eps).sqrt());
  if (weight !== null) y = y.mul(weight.reshape(bshape));
  if (bias !== null) y = y.add(bias.reshape(bshape));
  return y;
}
