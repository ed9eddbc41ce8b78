/**
 * `nb.nn.utils`: gradient clipping (in place on `.grad`, no graph), as PyTorch's
 * `clip_grad_norm_` / `clip_grad_value_`.
 */
import type { Tensor } from '../core/tensor.js';
import { NablaError, describe } from '../core/errors.js';
import { Tensor as TensorClass } from '../core/tensor.js';
import { noGrad } from '../core/autograd.js';

function withGrads(op: string, params: Iterable<Tensor> | Tensor): Tensor[] {
  const list = params instanceof TensorClass ? [params] : params !== null && typeof params === 'object' && Symbol.iterator in params ? [...params] : null;
  if (list === null) throw new NablaError(`${op}: expected parameters (a Tensor or an iterable of them, e.g. model.parameters()), got ${describe(params)}`);
  list.forEach((p, i) => {
    if (!(p instanceof TensorClass)) throw new NablaError(`${op}: parameter ${i} is not a Tensor but ${describe(p)}`);
  });
  return list.filter((p) => p.grad !== null);
}

/**
 * Rescales the gradients so that their joint norm is at most `maxNorm`:
 *   total = || (||g_1||_q, ||g_2||_q, ...) ||_q   (q = normType: 2, 1, Infinity, ...)
 *   g_i <- g_i * min(1, maxNorm / (total + 1e-6))
 * Returns `total`, the norm before clipping (useful to log). Call it between backward() and
 * the optimizer's step().
 */
export function clipGradNorm(params: Iterable<Tensor> | Tensor, maxNorm: number, normType: number | 'inf' = 2): number {
  const q = normType === 'inf' ? Infinity : normType;
  if (typeof q !== 'number' || !(q > 0)) throw new NablaError(`clipGradNorm: normType must be positive (or Infinity), got ${describe(normType)}`);
  if (typeof maxNorm !== 'number' || !(maxNorm >= 0)) throw new NablaError(`clipGradNorm: maxNorm must be a number >= 0, got ${describe(maxNorm)}`);
  const grads = withGrads('clipGradNorm', params).map((p) => p.grad!);
  if (grads.length === 0) return 0;
  const norms = grads.map((g) => {
    const d = g.data();
    let s = 0;
    for (let i = 0; i < d.length; i++) {
      const a = Math.abs(d[i]!);
      if (q === Infinity) s = Math.max(s, a);
      else s += q === 2 ? a * a : q === 1 ? a : Math.pow(a, q);
    }
    return q === Infinity ? s : q === 1 ? s : Math.pow(s, 1 / q);
  });
  const total = q === Infinity ? Math.max(...norms) : Math.pow(norms.reduce((s, n) => s + Math.pow(n, q), 0), 1 / q);
  const coef = Math.min(1, maxNorm / (total + 1e-6));
  if (coef < 1) noGrad(() => grads.forEach((g) => g.mul_(coef)));
  return total;
}

/** Clamps every gradient element into [-clipValue, clipValue], in place. */
export function clipGradValue(params: Iterable<Tensor> | Tensor, clipValue: number): void {
  if (typeof clipValue !== 'number' || !(clipValue >= 0)) throw new NablaError(`clipGradValue: clipValue must be a number >= 0, got ${describe(clipValue)}`);
  noGrad(() => {
    for (const p of withGrads('clipGradValue', params)) p.grad!.copy_(p.grad!.clamp(-clipValue, clipValue));
  });
}
