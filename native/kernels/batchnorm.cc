// Batch normalisation over a contiguous x [n, c, inner] (channel axis 1; inner = the product of
// the spatial axes): channel j owns the n rows x[i, j, 0..inner-1] at (i*c + j)*inner. Per
// channel, over its M = n * inner elements (src/backend/types.ts has the contract):
//
//   mean_j = (1/M) sum x,  v_j = (1/M) sum (x - mean_j)^2,  invstd_j = 1/sqrt(v_j + eps)
//   y = (x - mean_j) * a_j + beta_j,   a_j = invstd_j * gamma_j
//   dbeta_j = sum g,  dgamma_j = invstd_j * S_j  with  S_j = sum g (x - mean_j)
//   training:   dx = a_j g - a_j dbeta_j / M - a_j invstd_j^2 S_j / M (x - mean_j)
//               (= gamma invstd / M (M g - dbeta - xhat dgamma), expanded per channel)
//   evaluation: dx = a_j g
//
// Sums accumulate in double: the statistics in one pass over x, shifted by the channel's first
// element K (sum (x - K) and sum (x - K)^2, so E[x^2] - E[x]^2 does not cancel when the mean is
// large against the spread), the backward's two sums in one pass over g and x. Each channel's
// sums are complete before its dx is written, so dx may be g itself.
//
// Work is split over channels (the thread pool takes blocks of them). Channels with long rows
// (inner >= 16) run row by row; short rows (2-D [N, C] inputs, inner = 1) run over a block of
// channels at once, a row of the block per step, with per-column accumulators, so the vector
// loops run along memory. The row loops are compiled for the ISA in use (NB_MULTIVERSION).
#include <algorithm>
#include <cmath>
#include <vector>

#include "common.h"
#include "strided.h"
#include "threadpool.h"

namespace nabla {

namespace {

constexpr i64 kLongRow = 16;

// ---- one contiguous row of one channel ----

// *s += sum (x - K), *s2 += sum (x - K)^2
template <int L>
NB_INLINE void shiftedSums_impl(const float* __restrict x, i64 len, double K, double* s, double* s2) {
  double a = 0, b = 0;
#pragma omp simd reduction(+ : a, b)
  for (i64 k = 0; k < len; k++) {
    const double d = (double)x[k] - K;
    a += d;
    b += d * d;
  }
  *s += a;
  *s2 += b;
}
NB_MULTIVERSION(void, shiftedSums, (const float* x, i64 len, double K, double* s, double* s2), (x, len, K, s, s2))

// *sg += sum g, *sgx += sum g (x - mu)
template <int L>
NB_INLINE void gradSums_impl(const float* __restrict g, const float* __restrict x, i64 len, double mu, double* sg, double* sgx) {
  double a = 0, b = 0;
#pragma omp simd reduction(+ : a, b)
  for (i64 k = 0; k < len; k++) {
    const double gv = g[k];
    a += gv;
    b += gv * ((double)x[k] - mu);
  }
  *sg += a;
  *sgx += b;
}
NB_MULTIVERSION(void, gradSums, (const float* g, const float* x, i64 len, double mu, double* sg, double* sgx),
                (g, x, len, mu, sg, sgx))

// y = (x - mu) * a + b
template <int L>
NB_INLINE void normRow_impl(const float* __restrict x, i64 len, float mu, float a, float b, float* __restrict y) {
#pragma omp simd
  for (i64 k = 0; k < len; k++) y[k] = (x[k] - mu) * a + b;
}
NB_MULTIVERSION(void, normRow, (const float* x, i64 len, float mu, float a, float b, float* y), (x, len, mu, a, b, y))

// dx = A g + B (x - mu) + C   (dx may be g)
template <int L>
NB_INLINE void bwdRow_impl(const float* g, const float* __restrict x, i64 len, float mu, float A, float B, float C, float* dx) {
#pragma omp simd
  for (i64 k = 0; k < len; k++) dx[k] = A * g[k] + B * (x[k] - mu) + C;
}
NB_MULTIVERSION(void, bwdRow, (const float* g, const float* x, i64 len, float mu, float A, float B, float C, float* dx),
                (g, x, len, mu, A, B, C, dx))

// dx = A g   (dx may be g)
template <int L>
NB_INLINE void scaleRow_impl(const float* g, i64 len, float A, float* dx) {
#pragma omp simd
  for (i64 k = 0; k < len; k++) dx[k] = A * g[k];
}
NB_MULTIVERSION(void, scaleRow, (const float* g, i64 len, float A, float* dx), (g, len, A, dx))

// ---- one row across a block of channels (short rows): per-column parameters ----

// s[q] += x[q] - K[q], s2[q] += (x[q] - K[q])^2
template <int L>
NB_INLINE void colSums_impl(const float* __restrict x, i64 len, const double* __restrict K, double* __restrict s,
                            double* __restrict s2) {
#pragma omp simd
  for (i64 q = 0; q < len; q++) {
    const double d = (double)x[q] - K[q];
    s[q] += d;
    s2[q] += d * d;
  }
}
NB_MULTIVERSION(void, colSums, (const float* x, i64 len, const double* K, double* s, double* s2), (x, len, K, s, s2))

// sg[q] += g[q], sgx[q] += g[q] (x[q] - mu[q])
template <int L>
NB_INLINE void colGradSums_impl(const float* __restrict g, const float* __restrict x, i64 len, const double* __restrict mu,
                                double* __restrict sg, double* __restrict sgx) {
#pragma omp simd
  for (i64 q = 0; q < len; q++) {
    const double gv = g[q];
    sg[q] += gv;
    sgx[q] += gv * ((double)x[q] - mu[q]);
  }
}
NB_MULTIVERSION(void, colGradSums, (const float* g, const float* x, i64 len, const double* mu, double* sg, double* sgx),
                (g, x, len, mu, sg, sgx))

// y[q] = (x[q] - mu[q]) * a[q] + b[q]
template <int L>
NB_INLINE void colNorm_impl(const float* __restrict x, i64 len, const float* __restrict mu, const float* __restrict a,
                            const float* __restrict b, float* __restrict y) {
#pragma omp simd
  for (i64 q = 0; q < len; q++) y[q] = (x[q] - mu[q]) * a[q] + b[q];
}
NB_MULTIVERSION(void, colNorm, (const float* x, i64 len, const float* mu, const float* a, const float* b, float* y),
                (x, len, mu, a, b, y))

// dx[q] = A[q] g[q] + B[q] (x[q] - mu[q]) + C[q]   (dx may be g)
template <int L>
NB_INLINE void colBwd_impl(const float* g, const float* __restrict x, i64 len, const float* __restrict mu,
                           const float* __restrict A, const float* __restrict B, const float* __restrict C, float* dx) {
#pragma omp simd
  for (i64 q = 0; q < len; q++) dx[q] = A[q] * g[q] + B[q] * (x[q] - mu[q]) + C[q];
}
NB_MULTIVERSION(void, colBwd,
                (const float* g, const float* x, i64 len, const float* mu, const float* A, const float* B, const float* C, float* dx),
                (g, x, len, mu, A, B, C, dx))

// Runs body(j0, j1) over blocks of channels, on the pool's threads when the work is large
// enough (work = c * perChannel elements touched).
template <class F>
void overChannels(i64 c, i64 perChannel, F&& body) {
  int nt = numThreads();
  if (nt > 1 && c >= 2 && c * perChannel >= 65536) {
    if (nt > c) nt = (int)c;
    const i64 chunks = std::min<i64>(c, 4 * nt);
    parallelFor(nt, chunks, [&](i64 k) { body(c * k / chunks, c * (k + 1) / chunks); });
  } else {
    body(0, c);
  }
}

// Per-column copies of per-channel values for channels [j0, j1): out[(j - j0)*inner + k] = v(j).
template <class T, class V>
void expand(i64 j0, i64 j1, i64 inner, std::vector<T>& out, V&& v) {
  out.resize((j1 - j0) * inner);
  for (i64 j = j0; j < j1; j++) std::fill(out.begin() + (j - j0) * inner, out.begin() + (j - j0 + 1) * inner, (T)v(j));
}

}  // namespace

void batchNormStats(const float* x, i64 n, i64 c, i64 inner, double eps, float* mean, float* invstd, float* var) {
  const i64 M = n * inner;
  if (M == 0) {
    for (i64 j = 0; j < c; j++) {
      mean[j] = invstd[j] = NAN;
      if (var) var[j] = NAN;
    }
    return;
  }
  // mean and variance from the shifted sums
  auto finish = [&](i64 j, double K, double s, double s2) {
    const double d = s / (double)M;
    double v = s2 / (double)M - d * d;
    if (v < 0) v = 0;  // rounding; a NaN stays NaN
    mean[j] = (float)(K + d);
    invstd[j] = (float)(1.0 / std::sqrt(v + eps));
    if (var) var[j] = (float)v;
  };
  if (inner >= kLongRow) {
    const auto sums = shiftedSums_pick();
    overChannels(c, M, [&](i64 j0, i64 j1) {
      for (i64 j = j0; j < j1; j++) {
        const double K = x[j * inner];
        double s = 0, s2 = 0;
        for (i64 i = 0; i < n; i++) sums(x + (i * c + j) * inner, inner, K, &s, &s2);
        finish(j, K, s, s2);
      }
    });
    return;
  }
  const auto sums = colSums_pick();
  overChannels(c, M, [&](i64 j0, i64 j1) {
    const i64 len = (j1 - j0) * inner;
    std::vector<double> K, s(len, 0.0), s2(len, 0.0);
    expand(j0, j1, inner, K, [&](i64 j) { return (double)x[j * inner]; });
    for (i64 i = 0; i < n; i++) sums(x + (i * c + j0) * inner, len, K.data(), s.data(), s2.data());
    for (i64 j = j0; j < j1; j++) {
      double a = 0, b = 0;
      for (i64 k = 0; k < inner; k++) {
        a += s[(j - j0) * inner + k];
        b += s2[(j - j0) * inner + k];
      }
      finish(j, K[(j - j0) * inner], a, b);
    }
  });
}

void batchNormForward(const float* x, i64 n, i64 c, i64 inner, const float* mean, const float* invstd, const float* gamma,
                      const float* beta, float* y) {
  if (n * inner == 0) return;
  auto scale = [&](i64 j) { return (float)((double)invstd[j] * (gamma ? (double)gamma[j] : 1.0)); };
  auto shift = [&](i64 j) { return beta ? beta[j] : 0.f; };
  if (inner >= kLongRow) {
    const auto row = normRow_pick();
    overChannels(c, n * inner, [&](i64 j0, i64 j1) {
      for (i64 j = j0; j < j1; j++) {
        const float a = scale(j), b = shift(j), mu = mean[j];
        for (i64 i = 0; i < n; i++) row(x + (i * c + j) * inner, inner, mu, a, b, y + (i * c + j) * inner);
      }
    });
    return;
  }
  const auto row = colNorm_pick();
  overChannels(c, n * inner, [&](i64 j0, i64 j1) {
    const i64 len = (j1 - j0) * inner;
    std::vector<float> mu, a, b;
    expand(j0, j1, inner, mu, [&](i64 j) { return mean[j]; });
    expand(j0, j1, inner, a, scale);
    expand(j0, j1, inner, b, shift);
    for (i64 i = 0; i < n; i++) row(x + (i * c + j0) * inner, len, mu.data(), a.data(), b.data(), y + (i * c + j0) * inner);
  });
}

void batchNormBackward(const float* g, const float* x, i64 n, i64 c, i64 inner, const float* mean, const float* invstd,
                       const float* gamma, float* dx, float* dgamma, float* dbeta, int training) {
  const i64 M = n * inner;
  const bool sums = dgamma || dbeta || (dx && training);
  // per channel: the coefficients of dx = A g + B (x - mu) + C from the sums sg = sum g and
  // sgx = sum g (x - mu), and the parameter gradients
  struct Coef {
    float A, B, C;
  };
  auto coef = [&](i64 j, double sg, double sgx) -> Coef {
    const double is = invstd[j];
    const double A = is * (gamma ? (double)gamma[j] : 1.0);
    if (dbeta) dbeta[j] = (float)sg;
    if (dgamma) dgamma[j] = (float)(sgx * is);
    if (!training) return {(float)A, 0.f, 0.f};
    return {(float)A, (float)(-A * is * is * sgx / (double)M), (float)(-A * sg / (double)M)};
  };
  if (inner >= kLongRow || M == 0) {
    const auto gs = gradSums_pick();
    const auto bwd = bwdRow_pick();
    const auto scale = scaleRow_pick();
    overChannels(c, M, [&](i64 j0, i64 j1) {
      for (i64 j = j0; j < j1; j++) {
        const double mu = mean[j];
        double sg = 0, sgx = 0;
        if (sums)
          for (i64 i = 0; i < n; i++) gs(g + (i * c + j) * inner, x + (i * c + j) * inner, inner, mu, &sg, &sgx);
        const Coef k = coef(j, sg, sgx);
        if (!dx) continue;
        for (i64 i = 0; i < n; i++) {
          const i64 o = (i * c + j) * inner;
          if (training) bwd(g + o, x + o, inner, mean[j], k.A, k.B, k.C, dx + o);
          else scale(g + o, inner, k.A, dx + o);
        }
      }
    });
    return;
  }
  const auto gs = colGradSums_pick();
  const auto bwd = colBwd_pick();
  overChannels(c, M, [&](i64 j0, i64 j1) {
    const i64 len = (j1 - j0) * inner;
    std::vector<double> mu, sg(len, 0.0), sgx(len, 0.0);
    expand(j0, j1, inner, mu, [&](i64 j) { return (double)mean[j]; });
    if (sums)
      for (i64 i = 0; i < n; i++) gs(g + (i * c + j0) * inner, x + (i * c + j0) * inner, len, mu.data(), sg.data(), sgx.data());
    std::vector<Coef> k(j1 - j0);
    for (i64 j = j0; j < j1; j++) {
      double a = 0, b = 0;
      for (i64 q = 0; q < inner; q++) {
        a += sg[(j - j0) * inner + q];
        b += sgx[(j - j0) * inner + q];
      }
      k[j - j0] = coef(j, a, b);
    }
    if (!dx) return;
    std::vector<float> muf, A, B, C;
    expand(j0, j1, inner, muf, [&](i64 j) { return mean[j]; });
    expand(j0, j1, inner, A, [&](i64 j) { return k[j - j0].A; });
    expand(j0, j1, inner, B, [&](i64 j) { return k[j - j0].B; });
    expand(j0, j1, inner, C, [&](i64 j) { return k[j - j0].C; });
    for (i64 i = 0; i < n; i++) {
      const i64 o = (i * c + j0) * inner;
      if (training) bwd(g + o, x + o, len, muf.data(), A.data(), B.data(), C.data(), dx + o);
      else  // dx = A g only: x is not read (0 * (x - mu) would be NaN where x is infinite)
        for (i64 q = 0; q < len; q++) dx[o + q] = A[q] * g[o + q];
    }
  });
}

}  // namespace nabla
