/** Reference optimizer kernels: one whole parameter per call. */
import type { TypedArray } from '../../core/dtype.js';
import type { AdamArgs } from '../types.js';

/**
 * Adam (Kingma & Ba) as PyTorch computes it, in place:
 *   g  <- g + wd*p                 (Adam's L2 form; AdamW instead does p <- p - lr*wd*p)
 *   m  <- beta1*m + (1-beta1)*g
 *   v  <- beta2*v + (1-beta2)*g^2
 *   p  <- p - lr/(1-beta1^t) * m / (sqrt(v)/sqrt(1-beta2^t) + eps)
 */
export function adamStep(p: TypedArray, g: TypedArray, m: TypedArray, v: TypedArray, a: AdamArgs): void {
  const bc1 = 1 - Math.pow(a.beta1, a.step);
  const bc2 = Math.sqrt(1 - Math.pow(a.beta2, a.step));
  const stepSize = a.lr / bc1;
  const { beta1, beta2, eps, weightDecay: wd } = a;
  for (let i = 0; i < p.length; i++) {
    let gi = g[i]!;
    if (wd !== 0) {
      if (a.decoupled) p[i] = p[i]! * (1 - a.lr * wd);
      else gi += wd * p[i]!;
    }
    const mi = beta1 * m[i]! + (1 - beta1) * gi;
    const vi = beta2 * v[i]! + (1 - beta2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    p[i] = p[i]! - (stepSize * mi) / (Math.sqrt(vi) / bc2 + eps);
  }
}
