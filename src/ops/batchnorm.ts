/**
 * Batch normalisation (Ioffe & Szegedy, 2015) as one fused op over the channel axis 1 of
 * x [N, C, *] ([N, C], [N, C, L], [N, C, H, W], ...). Channel c has M = N * (product of the
 * spatial axes) values; with its statistics mu_c, sigma2_c:
 *
 *   batch statistics:    mu_c = (1/M) sum x[:, c],   sigma2_c = (1/M) sum (x[:, c] - mu_c)^2
 *   evaluation:          mu_c, sigma2_c = running_mean_c, running_var_c
 *   invstd_c = 1 / sqrt(sigma2_c + eps),   xhat = (x - mu_c) invstd_c
 *   y = xhat gamma_c + beta_c                  (gamma = 1 and beta = 0 when absent)
 *
 * and in training, when running statistics are given, in place and without gradient (PyTorch's
 * semantics; m = momentum, n = M):
 *   running_mean <- (1 - m) running_mean + m mu
 *   running_var  <- (1 - m) running_var  + m sigma2 n / (n - 1)   (the unbiased variance)
 *
 * Backward, with g = dJ/dy and sums over the M values of channel c:
 *   dJ/dbeta  = sum g,    dJ/dgamma = sum g xhat
 *   batch statistics (mu and sigma2 depend on x):
 *     dJ/dx = gamma invstd / M (M g - dJ/dbeta - xhat dJ/dgamma)
 *   evaluation:
 *     dJ/dx = g gamma invstd
 *     dJ/drunning_mean = -gamma invstd dJ/dbeta,  dJ/drunning_var = -1/2 gamma invstd^2 dJ/dgamma
 *     (only if the running statistics require grad, which buffers do not)
 *
 * The forward keeps mu and invstd (C values each) for the backward, not xhat. The backward is
 * hand-written because batch norm follows every convolution of a BN CNN: composed from
 * elementwise and reduction ops, forward and backward took ~20 passes over the activation and
 * as many allocations; the kernels take two passes forward (statistics, normalisation) and two
 * backward (the two sums, then dx), one allocation each. When the backward itself is recorded
 * (createGraph, double backward), the same formulas run as differentiable ops instead, with the
 * batch statistics recomputed from x so that their dependence on x is differentiated too.
 */
import { Tensor } from '../core/tensor.js';
import { DTypeError, NablaError, ShapeError, fmtShape } from '../core/errors.js';
import { type DType, type TypedArray, allocateUninit, isFloat, promote } from '../core/dtype.js';
import { isDonatedGrad, isGradEnabled, noGrad } from '../core/autograd.js';
import { B } from '../backend/registry.js';
import { emptyUninit, result } from './result.js';

export interface BatchNormOptions {
  /** use the batch statistics and update the running ones; false uses the running statistics */
  training?: boolean;
  /** weight of the new batch in the running averages (default 0.1) */
  momentum?: number;
  /** added to the variance for stability (default 1e-5) */
  eps?: number;
}

/**
 * y = (x - mu) / sqrt(sigma2 + eps) * weight + bias per channel (see the file comment). x
 * [N, C, *]; weight, bias, runningMean, runningVar hold C values each (or are null). The batch
 * statistics are used when training, or when a running statistic is null.
 */
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
  if (!(x instanceof Tensor)) throw new NablaError(`batchNorm: expected a Tensor input, got ${x === null ? 'null' : typeof x}`);
  if (x.ndim < 2) throw new ShapeError(`batchNorm: expected an input [N, C, ...] with at least 2 dimensions, got ${fmtShape(x.shape)}`);
  const c = x.shape[1]!;
  perChannel('weight', weight, c, x);
  perChannel('bias', bias, c, x);
  perChannel('running_mean', runningMean, c, x);
  perChannel('running_var', runningVar, c, x);
  let d: DType = x.dtype;
  if (weight !== null) d = promote(d, weight.dtype);
  if (bias !== null) d = promote(d, bias.dtype);
  if (!isFloat(d)) throw new DTypeError(`batchNorm: expected a floating-point input, got ${x.dtype} (convert with .float())`);
  if (x.dtype !== d || (weight !== null && weight.dtype !== d) || (bias !== null && bias.dtype !== d)) {
    // mixed dtypes promote, as the elementwise ops do (the casts are differentiable)
    return batchNorm(x.to(d), runningMean, runningVar, weight === null ? null : weight.to(d), bias === null ? null : bias.to(d), opts);
  }

  const n = x.shape[0]!;
  let inner = 1;
  for (let i = 2; i < x.ndim; i++) inner *= x.shape[i]!;
  const m = n * inner;
  const useBatch = training || runningMean === null || runningVar === null;
  if (training && m <= 1) {
    throw new NablaError(`batchNorm: expected more than 1 value per channel when training, got input ${fmtShape(x.shape)}`);
  }
  const xd = x._contiguousData();
  const gamma = weight === null ? null : weight._contiguousData();
  const beta = bias === null ? null : bias._contiguousData();

  let mean: TypedArray;
  const invstd = allocateUninit(d, c);
  // the running statistics in x's dtype (evaluation only); they are inputs of the op then
  let rm: Tensor | null = null;
  let rv: Tensor | null = null;
  if (useBatch || runningMean === null || runningVar === null) {
    mean = allocateUninit(d, c);
    if (training && runningMean !== null && runningVar !== null) {
      const variance = allocateUninit(d, c);
      B().batchNormStats(xd, n, c, inner, mean, invstd, eps, variance);
      // shaped like the running statistics (no reshape op, so no op event)
      const meanT = new Tensor(mean, runningMean.shape);
      const varT = new Tensor(variance, runningVar.shape);
      const rmT = runningMean;
      const rvT = runningVar;
      noGrad(() => {
        rmT.mul_(1 - momentum).add_(meanT, momentum);
        rvT.mul_(1 - momentum).add_(varT, (momentum * m) / (m - 1));
      });
    } else {
      B().batchNormStats(xd, n, c, inner, mean, invstd, eps, null);
    }
  } else {
    rm = runningMean.dtype === d ? runningMean : runningMean.to(d);
    rv = runningVar.dtype === d ? runningVar : runningVar.to(d);
    mean = rm._contiguousData();
    const v = rv._contiguousData();
    for (let j = 0; j < c; j++) invstd[j] = 1 / Math.sqrt(v[j]! + eps);
  }

  const out = emptyUninit(d, x.shape);
  B().batchNormForward(xd, n, c, inner, mean, invstd, gamma, beta, out._storage);

  const inputs = [x];
  if (weight !== null) inputs.push(weight);
  if (bias !== null) inputs.push(bias);
  if (rm !== null && rv !== null) inputs.push(rm, rv);
  const record = isGradEnabled() && inputs.some((t) => t.requiresGrad);
  const saved: Saved = { x, xd, n, c, inner, mean, invstd, gamma, weight, bias, rm, rv, useBatch, eps };
  return result('batchNorm', out, inputs, record ? (g) => batchNormBackward(g, saved) : null, {
    training: useBatch,
    eps,
    momentum,
    weight: weight !== null,
    bias: bias !== null,
  });
}

/** What the backward needs: the inputs, x's values, and the statistics the forward used. */
interface Saved {
  x: Tensor;
  xd: TypedArray;
  n: number;
  c: number;
  inner: number;
  mean: TypedArray;
  invstd: TypedArray;
  gamma: TypedArray | null;
  weight: Tensor | null;
  bias: Tensor | null;
  rm: Tensor | null;
  rv: Tensor | null;
  useBatch: boolean;
  eps: number;
}

function perChannel(name: string, t: Tensor | null, c: number, x: Tensor): void {
  if (t === null) return;
  if (!(t instanceof Tensor)) throw new NablaError(`batchNorm: ${name} must be a Tensor or null, got ${typeof t}`);
  if (t.size !== c) {
    throw new ShapeError(`batchNorm: ${name} ${fmtShape(t.shape)} does not fit input ${fmtShape(x.shape)}: expected [${c}] (one value per channel on axis 1)`);
  }
}

/** The gradients of [x, weight?, bias?, running_mean?, running_var?] (null where not needed); see the file comment. */
function batchNormBackward(g: Tensor, s: Saved): (Tensor | null)[] {
  if (isGradEnabled()) return composedBackward(g, s);
  const { x, weight, bias, rm, rv, c } = s;
  const d = x.dtype;
  const gg = g.dtype === d ? g : g.to(d);
  const gd = gg._contiguousData();
  const stats = rm !== null && rv !== null && (rm.requiresGrad || rv.requiresGrad);
  const needW = weight !== null && weight.requiresGrad;
  const needB = bias !== null && bias.requiresGrad;
  let dx: Tensor | null = null;
  if (x.requiresGrad) {
    // nothing else holds g (see isDonatedGrad): write dJ/dx over it instead of allocating
    dx = gg === g && isDonatedGrad(g) && gd === g._storage ? g : emptyUninit(d, x.shape);
  }
  const dgamma = needW || stats ? emptyUninit(d, [c]) : null;
  const dbeta = needB || stats ? emptyUninit(d, [c]) : null;
  B().batchNormBackward(
    gd, s.xd, s.n, c, s.inner, s.mean, s.invstd, s.gamma,
    dx === null ? null : dx._storage, dgamma === null ? null : dgamma._storage, dbeta === null ? null : dbeta._storage, s.useBatch,
  );
  const grads: (Tensor | null)[] = [dx];
  if (weight !== null) grads.push(needW ? shaped(dgamma!, weight.shape) : null);
  if (bias !== null) grads.push(needB ? shaped(dbeta!, bias.shape) : null);
  if (rm !== null && rv !== null) {
    if (!stats) grads.push(null, null);
    else {
      const invstd = new Tensor(s.invstd, [c]);
      const a = weight === null ? invstd : weight.reshape([c]).mul(invstd);
      grads.push(rm.requiresGrad ? a.mul(dbeta!).neg().reshape(rm.shape) : null);
      grads.push(rv.requiresGrad ? a.mul(invstd).mul(dgamma!).mul(-0.5).reshape(rv.shape) : null);
    }
  }
  return grads;
}

/** t [C] with the shape of the parameter it is the gradient of (usually [C] too). */
function shaped(t: Tensor, shape: readonly number[]): Tensor {
  return shape.length === 1 ? t : t.reshape(shape);
}

/** The backward's formulas as differentiable ops (the backward pass is being recorded). */
function composedBackward(g: Tensor, s: Saved): (Tensor | null)[] {
  const { x, weight, bias, rm, rv, c, eps } = s;
  // rm and rv are set exactly when the running statistics were used
  const axes = [...x.shape.keys()].filter((i) => i !== 1);
  const bshape = x.shape.map((d, i) => (i === 1 ? c : 1));
  const m = s.n * s.inner;
  let mu: Tensor;
  let invstd: Tensor;
  if (rm === null || rv === null) {
    mu = x.mean(axes, true);
    const xc = x.sub(mu);
    invstd = xc.mul(xc).mean(axes, true).add(eps).rsqrt();
  } else {
    mu = rm.reshape(bshape);
    invstd = rv.reshape(bshape).add(eps).rsqrt();
  }
  const xhat = x.sub(mu).mul(invstd);
  const dbeta = g.sum(axes, true);
  const dgamma = g.mul(xhat).sum(axes, true);
  const a = weight === null ? invstd : weight.reshape(bshape).mul(invstd);
  let dx: Tensor | null = null;
  if (x.requiresGrad) dx = rm === null ? a.div(m).mul(g.mul(m).sub(dbeta).sub(xhat.mul(dgamma))) : g.mul(a);
  const grads: (Tensor | null)[] = [dx];
  if (weight !== null) grads.push(weight.requiresGrad ? dgamma.reshape(weight.shape) : null);
  if (bias !== null) grads.push(bias.requiresGrad ? dbeta.reshape(bias.shape) : null);
  if (rm !== null && rv !== null) {
    grads.push(rm.requiresGrad ? a.mul(dbeta).neg().reshape(rm.shape) : null);
    grads.push(rv.requiresGrad ? a.mul(invstd).mul(dgamma).mul(-0.5).reshape(rv.shape) : null);
  }
  return grads;
}
