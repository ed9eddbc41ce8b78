/**
 * Layer normalisation (Ba, Kiros & Hinton, 2016) as one fused op: each sample is normalised over
 * its last axes (`normalizedShape`, n values per row), with per-element affine parameters:
 *
 *   mu_r = (1/n) sum_j x_rj,   sigma2_r = (1/n) sum_j (x_rj - mu_r)^2   (biased, as PyTorch)
 *   rstd_r = 1 / sqrt(sigma2_r + eps),   xhat = (x - mu_r) rstd_r,   y = xhat gamma + beta
 *
 * Backward, with g = dJ/dy and gh = g gamma (mean_k over the n values of a row):
 *   dJ/dbeta  = sum_r g,   dJ/dgamma = sum_r g xhat
 *   dJ/dx     = rstd_r (gh - mean_k gh_k - xhat mean_k (gh_k xhat_k))
 *
 * The forward keeps mu and rstd (one value per row) for the backward. The backward is
 * hand-written because a Transformer runs a LayerNorm before every block: composed from mean,
 * sub, mul, rsqrt it took ~12 passes and allocations each way; the kernels take two forward (the
 * statistics, the normalisation) and two backward. When the backward itself is recorded
 * (createGraph), the same formulas run as differentiable ops, statistics recomputed from x.
 */
import { Tensor } from '../core/tensor.js';
import { DTypeError, NablaError, ShapeError, fmtShape } from '../core/errors.js';
import { type DType, type TypedArray, allocateUninit, isFloat, promote } from '../core/dtype.js';
import { isDonatedGrad, isGradEnabled } from '../core/autograd.js';
import { B } from '../backend/registry.js';
import { emptyUninit, result } from './result.js';

/**
 * y = (x - mu) / sqrt(sigma2 + eps) * weight + bias over the last `normalizedShape.length` axes
 * of x, whose sizes must equal `normalizedShape`; weight and bias (or null) have that shape.
 */
export function layerNorm(
  x: Tensor,
  normalizedShape: number | readonly number[],
  weight: Tensor | null = null,
  bias: Tensor | null = null,
  eps = 1e-5,
): Tensor {
  if (!(x instanceof Tensor)) throw new NablaError(`layerNorm: expected a Tensor input, got ${x === null ? 'null' : typeof x}`);
  const ns = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
  if (ns.length === 0 || ns.some((v) => !Number.isInteger(v) || v <= 0)) {
    throw new ShapeError(`layerNorm: normalizedShape must be one or more positive integers, got ${fmtShape(ns)}`);
  }
  const k = ns.length;
  if (x.ndim < k || ns.some((v, i) => x.shape[x.ndim - k + i] !== v)) {
    throw new ShapeError(`layerNorm: input ${fmtShape(x.shape)} does not end with normalizedShape ${fmtShape(ns)}`);
  }
  for (const [name, t] of [['weight', weight], ['bias', bias]] as const) {
    if (t === null) continue;
    if (!(t instanceof Tensor)) throw new NablaError(`layerNorm: ${name} must be a Tensor or null, got ${typeof t}`);
    if (t.size !== ns.reduce((a, b) => a * b, 1)) {
      throw new ShapeError(`layerNorm: ${name} ${fmtShape(t.shape)} does not fit normalizedShape ${fmtShape(ns)}`);
    }
  }
  if (!(eps >= 0)) throw new NablaError(`layerNorm: eps must be >= 0, got ${eps}`);
  let d: DType = x.dtype;
  if (weight !== null) d = promote(d, weight.dtype);
  if (bias !== null) d = promote(d, bias.dtype);
  if (!isFloat(d)) throw new DTypeError(`layerNorm: expected a floating-point input, got ${x.dtype} (convert with .float())`);
  if (x.dtype !== d || (weight !== null && weight.dtype !== d) || (bias !== null && bias.dtype !== d)) {
    return layerNorm(x.to(d), ns, weight === null ? null : weight.to(d), bias === null ? null : bias.to(d), eps);
  }
  const n = ns.reduce((a, b) => a * b, 1);
  const rows = x.size / n;
  const xd = x._contiguousData();
  const gamma = weight === null ? null : weight._contiguousData();
  const beta = bias === null ? null : bias._contiguousData();
  const mean = allocateUninit(d, rows);
  const rstd = allocateUninit(d, rows);
  const out = emptyUninit(d, x.shape);
  B().layerNormForward(xd, rows, n, eps, gamma, beta, out._storage, mean, rstd);

  const inputs = [x];
  if (weight !== null) inputs.push(weight);
  if (bias !== null) inputs.push(bias);
  const record = isGradEnabled() && inputs.some((t) => t.requiresGrad);
  const saved: Saved = { x, xd, rows, n, ns, mean, rstd, gamma, weight, bias, eps };
  return result('layerNorm', out, inputs, record ? (g) => layerNormBackward(g, saved) : null, {
    normalizedShape: ns,
    eps,
    weight: weight !== null,
    bias: bias !== null,
  });
}

interface Saved {
  x: Tensor;
  xd: TypedArray;
  rows: number;
  n: number;
  ns: number[];
  mean: TypedArray;
  rstd: TypedArray;
  gamma: TypedArray | null;
  weight: Tensor | null;
  bias: Tensor | null;
  eps: number;
}

/** The gradients of [x, weight?, bias?] (null where not needed); see the file comment. */
function layerNormBackward(g: Tensor, s: Saved): (Tensor | null)[] {
  if (isGradEnabled()) return composedBackward(g, s);
  const { x, weight, bias, n } = s;
  const d = x.dtype;
  const gg = g.dtype === d ? g : g.to(d);
  const gd = gg._contiguousData();
  const needW = weight !== null && weight.requiresGrad;
  const needB = bias !== null && bias.requiresGrad;
  let dx: Tensor | null = null;
  if (x.requiresGrad) dx = gg === g && isDonatedGrad(g) && gd === g._storage ? g : emptyUninit(d, x.shape);
  const dgamma = needW ? emptyUninit(d, weight.shape) : null;
  const dbeta = needB ? emptyUninit(d, bias.shape) : null;
  B().layerNormBackward(gd, s.xd, s.rows, n, s.mean, s.rstd, s.gamma, dx?._storage ?? null, dgamma?._storage ?? null, dbeta?._storage ?? null);
  const grads: (Tensor | null)[] = [dx];
  if (weight !== null) grads.push(dgamma);
  if (bias !== null) grads.push(dbeta);
  return grads;
}

/** The backward's formulas as differentiable ops (the backward pass is being recorded). */
function composedBackward(g: Tensor, s: Saved): (Tensor | null)[] {
  const { x, weight, bias, ns, eps } = s;
  const axes = ns.map((_, i) => x.ndim - ns.length + i);
  const lead = x.shape.slice(0, x.ndim - ns.length).map((_, i) => i);
  const mu = x.mean(axes, true);
  const xc = x.sub(mu);
  const rstd = xc.mul(xc).mean(axes, true).add(eps).rsqrt();
  const xhat = xc.mul(rstd);
  const gh = weight === null ? g : g.mul(weight.reshape(ns));
  let dx: Tensor | null = null;
  if (x.requiresGrad) dx = rstd.mul(gh.sub(gh.mean(axes, true)).sub(xhat.mul(gh.mul(xhat).mean(axes, true))));
  const grads: (Tensor | null)[] = [dx];
  const red = (t: Tensor, p: Tensor): Tensor => (lead.length === 0 ? t : t.sum(lead)).reshape(p.shape);
  if (weight !== null) grads.push(weight.requiresGrad ? red(g.mul(xhat), weight) : null);
  if (bias !== null) grads.push(bias.requiresGrad ? red(g, bias) : null);
  return grads;
}
