// GELU's forward and backward over contiguous float32 arrays (src/ops/gelu.ts has the formulas):
//
//   y = x Phi(x),   dy/dx = Phi(x) + x phi(x),   Phi(x) = erfc(-x / sqrt 2) / 2,   phi(x) = e^{-x^2/2} / sqrt(2 pi)
//
// erfc from the Chebyshev fit of Numerical Recipes (erfcc: fractional error below 1.2e-7 for
// every argument), one expF each, so the loops vectorize; Phi = erfc(z)/2 for x < 0 and
// 1 - erfc(z)/2 for x >= 0 (z = |x| / sqrt 2) keeps a small relative error in both tails, where
// y and dy/dx are tiny. Chunks of the arrays go to the thread pool; per-ISA copies by NB_MULTIVERSION.
#include <cmath>

#include "common.h"
#include "fastmath.h"
#include "strided.h"
#include "threadpool.h"

namespace nabla {

namespace {

// Phi(x) for float x, branch-free
static NB_INLINE float normalCdf(float x) {
  const float z = (x < 0 ? -x : x) * 0.70710678118654752f;
  const float t = 1.0f / (1.0f + 0.5f * z);
  const float poly =
      -1.26551223f +
      t * (1.00002368f +
           t * (0.37409196f +
                t * (0.09678418f + t * (-0.18628806f + t * (0.27886807f + t * (-1.13520398f + t * (1.48851587f + t * (-0.82215223f + t * 0.17087277f))))))));
  const float half = 0.5f * t * fastmath::expF(-z * z + poly);  // erfc(z) / 2
  return x < 0 ? half : 1.0f - half;
}

template <int L>
NB_INLINE void geluFwd_impl(const float* __restrict x, float* __restrict y, i64 n) {
#pragma omp simd
  for (i64 i = 0; i < n; i++) y[i] = x[i] * normalCdf(x[i]);
}
NB_MULTIVERSION(void, geluFwd, (const float* x, float* y, i64 n), (x, y, n))

template <int L>
NB_INLINE void geluBwd_impl(const float* __restrict x, const float* g, float* out, i64 n) {
#pragma omp simd
  for (i64 i = 0; i < n; i++) {
    const float v = x[i];
    const float pdf = 0.39894228040143268f * fastmath::expF(-0.5f * v * v);
    out[i] = g[i] * (normalCdf(v) + v * pdf);
  }
}
NB_MULTIVERSION(void, geluBwd, (const float* x, const float* g, float* out, i64 n), (x, g, out, n))

}  // namespace

void geluForward(const float* x, float* y, i64 n) {
  const auto f = geluFwd_pick();
  parallelRange(n, 16384, [&](i64 a, i64 b) { f(x + a, y + a, b - a); });
}

void geluBackward(const float* x, const float* g, float* out, i64 n) {
  const auto f = geluBwd_pick();
  parallelRange(n, 16384, [&](i64 a, i64 b) { f(x + a, g + a, out + a, b - a); });
}

}  // namespace nabla
