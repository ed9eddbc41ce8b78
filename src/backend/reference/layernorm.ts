/**
 * Reference layer-norm kernels over the rows of a contiguous x [rows, n] (n = the product of the
 * normalised axes):
 *
 *   mean_r = (1/n) sum_j x_rj,   rstd_r = 1 / sqrt((1/n) sum_j (x_rj - mean_r)^2 + eps)
 *   y_rj = (x_rj - mean_r) rstd_r gamma_j + beta_j
 *   backward, xhat = (x - mean_r) rstd_r, gh = g gamma:
 *     dx_rj = rstd_r (gh_rj - mean_k gh_rk - xhat_rj mean_k (gh_rk xhat_rk))
 *     dgamma_j = sum_r g_rj xhat_rj,   dbeta_j = sum_r g_rj
 *
 * Plain loops in float64 (two passes for the statistics).
 */
import type { TypedArray } from '../../core/dtype.js';

export function layerNormForward(
  x: TypedArray, rows: number, n: number, eps: number, gamma: TypedArray | null, beta: TypedArray | null,
  out: TypedArray, mean: TypedArray, rstd: TypedArray,
): void {
  for (let r = 0; r < rows; r++) {
    const base = r * n;
    let s = 0;
    for (let j = 0; j < n; j++) s += x[base + j]!;
    const mu = s / n;
    let ss = 0;
    for (let j = 0; j < n; j++) {
      const d = x[base + j]! - mu;
      ss += d * d;
    }
    const rs = 1 / Math.sqrt(ss / n + eps);
    mean[r] = mu;
    rstd[r] = rs;
    for (let j = 0; j < n; j++) {
      const xhat = (x[base + j]! - mu) * rs;
      out[base + j] = xhat * (gamma === null ? 1 : gamma[j]!) + (beta === null ? 0 : beta[j]!);
    }
  }
}

export function layerNormBackward(
  g: TypedArray, x: TypedArray, rows: number, n: number, mean: TypedArray, rstd: TypedArray, gamma: TypedArray | null,
  dx: TypedArray | null, dgamma: TypedArray | null, dbeta: TypedArray | null,
): void {
  const sg = dgamma === null ? null : new Float64Array(n);
  const sb = dbeta === null ? null : new Float64Array(n);
  for (let r = 0; r < rows; r++) {
    const base = r * n;
    const mu = mean[r]!;
    const rs = rstd[r]!;
    let a = 0;
    let b = 0;
    for (let j = 0; j < n; j++) {
      const gv = g[base + j]!;
      const xhat = (x[base + j]! - mu) * rs;
      const gh = gv * (gamma === null ? 1 : gamma[j]!);
      a += gh;
      b += gh * xhat;
      if (sg !== null) sg[j] += gv * xhat;
      if (sb !== null) sb[j] += gv;
    }
    if (dx === null) continue;
    a /= n;
    b /= n;
    // the row's sums are complete, so dx may overwrite g
    for (let j = 0; j < n; j++) {
      const xhat = (x[base + j]! - mu) * rs;
      const gh = g[base + j]! * (gamma === null ? 1 : gamma[j]!);
      dx[base + j] = rs * (gh - a - xhat * b);
    }
  }
  if (dgamma !== null) for (let j = 0; j < n; j++) dgamma[j] = sg![j]!;
  if (dbeta !== null) for (let j = 0; j < n; j++) dbeta[j] = sb![j]!;
}
