// Layer normalisation over the rows of a contiguous x [rows, n] (src/backend/types.ts has the
// contract; src/ops/layernorm.ts the derivation):
//
//   mean_r = (1/n) sum_j x_rj,   rstd_r = 1/sqrt((1/n) sum_j (x_rj - mean_r)^2 + eps)
//   y_rj = (x_rj - mean_r) rstd_r gamma_j + beta_j
//   dx_rj = rstd_r (gh_rj - a_r - xhat_rj b_r),  gh = g gamma,  a_r = mean_j gh_rj,  b_r = mean_j gh_rj xhat_rj
//   dgamma_j = sum_r g_rj xhat_rj,   dbeta_j = sum_r g_rj
//
// A row's statistics are two passes in double (the mean, then the squared deviations from it), its
// backward one pass for the two sums (double) and one for dx, so dx may be g. Rows are independent
// and spread over the thread pool. dgamma and dbeta sum over rows: each of a fixed number of row
// chunks (independent of the thread count) sums its rows into its own double array, and the chunks
// are added in order afterwards, so the result does not depend on how the pool ran them.
// The row loops are compiled for the ISA in use (NB_MULTIVERSION).
#include <algorithm>
#include <cmath>
#include <vector>

#include "common.h"
#include "strided.h"
#include "threadpool.h"

namespace nabla {

namespace {

// mean and rstd of one row
template <int L>
NB_INLINE void rowStats_impl(const float* __restrict x, i64 n, double eps, float* mean, float* rstd) {
  double s = 0;
#pragma omp simd reduction(+ : s)
  for (i64 j = 0; j < n; j++) s += x[j];
  const double mu = s / (double)n;
  double ss = 0;
#pragma omp simd reduction(+ : ss)
  for (i64 j = 0; j < n; j++) {
    const double d = (double)x[j] - mu;
    ss += d * d;
  }
  *mean = (float)mu;
  *rstd = (float)(1.0 / std::sqrt(ss / (double)n + eps));
}
NB_MULTIVERSION(void, rowStats, (const float* x, i64 n, double eps, float* mean, float* rstd), (x, n, eps, mean, rstd))

// y = (x - mu) rs gamma + beta (gamma, beta may be null)
template <int L>
NB_INLINE void rowNorm_impl(const float* __restrict x, i64 n, float mu, float rs, const float* __restrict gamma,
                            const float* __restrict beta, float* __restrict y) {
  if (gamma && beta) {
#pragma omp simd
    for (i64 j = 0; j < n; j++) y[j] = (x[j] - mu) * rs * gamma[j] + beta[j];
  } else if (gamma) {
#pragma omp simd
    for (i64 j = 0; j < n; j++) y[j] = (x[j] - mu) * rs * gamma[j];
  } else if (beta) {
#pragma omp simd
    for (i64 j = 0; j < n; j++) y[j] = (x[j] - mu) * rs + beta[j];
  } else {
#pragma omp simd
    for (i64 j = 0; j < n; j++) y[j] = (x[j] - mu) * rs;
  }
}
NB_MULTIVERSION(void, rowNorm, (const float* x, i64 n, float mu, float rs, const float* gamma, const float* beta, float* y),
                (x, n, mu, rs, gamma, beta, y))

// One row's backward: the sums a, b, then dx (may be g); adds g xhat and g into sg, sb (double, may be null).
template <int L>
NB_INLINE void rowBwd_impl(const float* g, const float* __restrict x, i64 n, float mu, float rs, const float* __restrict gamma,
                           float* dx, double* __restrict sg, double* __restrict sb) {
  double a = 0, b = 0;
#pragma omp simd reduction(+ : a, b)
  for (i64 j = 0; j < n; j++) {
    const double xh = ((double)x[j] - mu) * rs;
    const double gh = (double)g[j] * (gamma ? gamma[j] : 1.0f);
    a += gh;
    b += gh * xh;
  }
  if (sg) {
#pragma omp simd
    for (i64 j = 0; j < n; j++) sg[j] += (double)g[j] * (((double)x[j] - mu) * rs);
  }
  if (sb) {
#pragma omp simd
    for (i64 j = 0; j < n; j++) sb[j] += g[j];
  }
  if (!dx) return;
  const float A = (float)(a / (double)n), B = (float)(b / (double)n);
#pragma omp simd
  for (i64 j = 0; j < n; j++) {
    const float xh = (x[j] - mu) * rs;
    const float gh = g[j] * (gamma ? gamma[j] : 1.0f);
    dx[j] = rs * (gh - A - xh * B);
  }
}
NB_MULTIVERSION(void, rowBwd,
                (const float* g, const float* x, i64 n, float mu, float rs, const float* gamma, float* dx, double* sg, double* sb),
                (g, x, n, mu, rs, gamma, dx, sg, sb))

// body(r0, r1) over `chunks` fixed chunks of the rows, on the pool when the work is large enough
template <class F>
void overRows(i64 rows, i64 n, i64 chunks, F&& body) {
  int nt = numThreads();
  if (nt > 1 && chunks > 1 && rows * n >= 32768) {
    parallelFor(nt, chunks, [&](i64 k) { body(k, rows * k / chunks, rows * (k + 1) / chunks); });
  } else {
    for (i64 k = 0; k < chunks; k++) body(k, rows * k / chunks, rows * (k + 1) / chunks);
  }
}

}  // namespace

void layerNormForward(const float* x, i64 rows, i64 n, double eps, const float* gamma, const float* beta, float* y,
                      float* mean, float* rstd) {
  if (rows == 0) return;
  if (n == 0) {
    for (i64 r = 0; r < rows; r++) mean[r] = rstd[r] = NAN;
    return;
  }
  const auto stats = rowStats_pick();
  const auto norm = rowNorm_pick();
  const i64 chunks = std::min<i64>(rows, 4 * std::max(1, numThreads()));
  overRows(rows, n, chunks, [&](i64, i64 r0, i64 r1) {
    for (i64 r = r0; r < r1; r++) {
      stats(x + r * n, n, eps, mean + r, rstd + r);
      norm(x + r * n, n, mean[r], rstd[r], gamma, beta, y + r * n);
    }
  });
}

void layerNormBackward(const float* g, const float* x, i64 rows, i64 n, const float* mean, const float* rstd, const float* gamma,
                       float* dx, float* dgamma, float* dbeta) {
  if (n == 0) return;
  const bool params = dgamma || dbeta;
  // a fixed chunking (not the thread count) decides the order of the parameter sums
  const i64 chunks = std::max<i64>(1, std::min<i64>(rows, 16));
  std::vector<double> sg(dgamma ? chunks * n : 0, 0.0), sb(dbeta ? chunks * n : 0, 0.0);
  const auto bwd = rowBwd_pick();
  if (rows > 0) {
    overRows(rows, n, params ? chunks : std::min<i64>(rows, 4 * std::max(1, numThreads())), [&](i64 k, i64 r0, i64 r1) {
      double* pg = dgamma ? sg.data() + k * n : nullptr;
      double* pb = dbeta ? sb.data() + k * n : nullptr;
      for (i64 r = r0; r < r1; r++) bwd(g + r * n, x + r * n, n, mean[r], rstd[r], gamma, dx ? dx + r * n : nullptr, pg, pb);
    });
  }
  for (i64 j = 0; j < n; j++) {
    double a = 0, b = 0;
    for (i64 k = 0; k < chunks; k++) {
      if (dgamma) a += sg[k * n + j];
      if (dbeta) b += sb[k * n + j];
    }
    if (dgamma) dgamma[j] = (float)a;
    if (dbeta) dbeta[j] = (float)b;
  }
}

}  // namespace nabla
