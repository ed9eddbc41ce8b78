/**
 * Reference batch-norm kernels over a contiguous x [n, c, inner]: channel j owns the n rows
 * x[i, j, 0..inner-1], at offset (i*c + j)*inner. Per channel, over its M = n * inner elements:
 *
 *   mean_j = (1/M) sum x,   v_j = (1/M) sum (x - mean_j)^2,   invstd_j = 1 / sqrt(v_j + eps)
 *   y = (x - mean_j) * invstd_j * gamma_j + beta_j
 *   backward, xhat = (x - mean_j) * invstd_j:
 *     dbeta_j = sum g,   dgamma_j = sum g * xhat
 *     training:   dx = gamma_j * invstd_j / M * (M * g - dbeta_j - xhat * dgamma_j)
 *     evaluation: dx = g * gamma_j * invstd_j
 *
 * Plain loops; the statistics are two passes (mean, then squared deviations) in float64.
 */
import type { TypedArray } from '../../core/dtype.js';

export function batchNormStats(
  x: TypedArray, n: number, c: number, inner: number, mean: TypedArray, invstd: TypedArray, eps: number, variance: TypedArray | null,
): void {
  const m = n * inner;
  for (let j = 0; j < c; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const base = (i * c + j) * inner;
      for (let k = 0; k < inner; k++) s += x[base + k]!;
    }
    const mu = s / m;
    let ss = 0;
    for (let i = 0; i < n; i++) {
      const base = (i * c + j) * inner;
      for (let k = 0; k < inner; k++) {
        const d = x[base + k]! - mu;
        ss += d * d;
      }
    }
    const v = ss / m;
    mean[j] = mu;
    invstd[j] = 1 / Math.sqrt(v + eps);
    if (variance !== null) variance[j] = v;
  }
}

export function batchNormForward(
  x: TypedArray, n: number, c: number, inner: number, mean: TypedArray, invstd: TypedArray,
  gamma: TypedArray | null, beta: TypedArray | null, out: TypedArray,
): void {
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < c; j++) {
      const mu = mean[j]!;
      const is = invstd[j]!;
      const ga = gamma === null ? 1 : gamma[j]!;
      const be = beta === null ? 0 : beta[j]!;
      const base = (i * c + j) * inner;
      for (let k = 0; k < inner; k++) out[base + k] = (x[base + k]! - mu) * is * ga + be;
    }
  }
}

export function batchNormBackward(
  g: TypedArray, x: TypedArray, n: number, c: number, inner: number, mean: TypedArray, invstd: TypedArray,
  gamma: TypedArray | null, dx: TypedArray | null, dgamma: TypedArray | null, dbeta: TypedArray | null, training: boolean,
): void {
  const m = n * inner;
  for (let j = 0; j < c; j++) {
    const mu = mean[j]!;
    const is = invstd[j]!;
    const ga = gamma === null ? 1 : gamma[j]!;
    // the sums, first (dx may be g itself)
    let db = 0;
    let dg = 0;
    if (dgamma !== null || dbeta !== null || (dx !== null && training)) {
      for (let i = 0; i < n; i++) {
        const base = (i * c + j) * inner;
        for (let k = 0; k < inner; k++) {
          const gv = g[base + k]!;
          db += gv;
          dg += gv * (x[base + k]! - mu) * is;
        }
      }
    }
    if (dbeta !== null) dbeta[j] = db;
    if (dgamma !== null) dgamma[j] = dg;
    if (dx === null) continue;
    for (let i = 0; i < n; i++) {
      const base = (i * c + j) * inner;
      for (let k = 0; k < inner; k++) {
        const p = base + k;
        if (training) {
          const xhat = (x[p]! - mu) * is;
          dx[p] = ((ga * is) / m) * (m * g[p]! - db - xhat * dg);
        } else {
          dx[p] = g[p]! * ga * is;
        }
      }
    }
  }
}
