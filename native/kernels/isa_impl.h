// The ISA-specific kernels, written once and compiled three times (isa_generic.cc,
// isa_avx2.cc, isa_avx512.cc), each translation unit with its own -m flags. Everything here
// lives in the namespace NABLA_ISA_NS (or is static), so the copies never collide at link
// time. The row loops are plain C++ the compiler vectorizes for the unit's ISA; only the GEMM
// micro-kernels use intrinsics.
//
// Before including, define NABLA_ISA_NS (namespace), NABLA_ISA_NAME (string) and
// NABLA_ISA_GETTER (the function returning the table).
#include <array>
#include <cmath>
#include <cstring>
#include <utility>

#include "common.h"
#include "fastmath.h"

#if defined(__AVX2__) || defined(__AVX512F__)
#include <immintrin.h>
#elif defined(__aarch64__)
#include <arm_neon.h>
#endif

namespace nabla {
namespace NABLA_ISA_NS {

#define NB_UNROLL _Pragma("GCC unroll 64")

// GEMM register tiles and packing (ukr, ukrEdge, packA, packB, packAIndirect, packBIndirect)
#include "gemm_ukr.h"

// Few-row GEMM without packing (smallT, smallN)
#include "gemm_small.h"

// ---------------------------------------------------------------------------------------------
// Scalar math the loops below inline (fastmath.h: vectorizable arithmetic, selects and bit casts).
// ---------------------------------------------------------------------------------------------
using fastmath::expF;
using fastmath::sigmoidF;
using fastmath::tanhF;

// non-zero is true, NaN included (PyTorch's bool(NaN))
static inline bool truthy(float x) { return x != 0.0f; }

static double erfD(double x) { return std::erf(x); }

// ---------------------------------------------------------------------------------------------
// Elementwise rows
// ---------------------------------------------------------------------------------------------

// Elementwise maps may run in place (out == x): every element is read before it is written in
// the same iteration, so the loop carries no dependence and `ivdep` lets it vectorize without
// a run-time overlap check (which GCC gives up on for the longer bodies).
template <class F>
static inline void mapRowInplaceOk(F f, const float* x, i64 sx, float* out, i64 n) {
  if (sx == 1) {
#pragma GCC ivdep
    for (i64 i = 0; i < n; i++) out[i] = f(x[i]);
  } else if (sx == 0) {
    const float v = f(x[0]);
    for (i64 i = 0; i < n; i++) out[i] = v;
  } else {
#pragma GCC ivdep
    for (i64 i = 0; i < n; i++) out[i] = f(x[i * sx]);
  }
}

static void unaryRow(int op, const float* x, i64 sx, float* out, i64 n) {
#define MAP(expr) mapRowInplaceOk([](float v) -> float { return (expr); }, x, sx, out, n); return
#define MAPD(expr) mapRowInplaceOk([](float f) -> float { double v = f; return (float)(expr); }, x, sx, out, n); return
  switch (op) {
    case U_NEG: MAP(-v);
    case U_EXP: MAP(expF(v));
    case U_LOG: MAPD(std::log(v));
    case U_SQRT: MAP(std::sqrt(v));
    case U_RSQRT: MAPD(1.0 / std::sqrt(v));
    case U_ABS: MAP(std::fabs(v));
    case U_SIGN: MAP(v > 0 ? 1.0f : (v < 0 ? -1.0f : 0.0f));  // sign(NaN) = 0, as PyTorch
    case U_SQUARE: MAP(v * v);
    case U_RECIPROCAL: MAP(1.0f / v);
    case U_RELU: MAP(v <= 0 ? 0.0f : v);  // NaN passes through, as PyTorch
    case U_SIGMOID: MAP(sigmoidF(v));
    case U_TANH: MAP(tanhF(v));
    case U_SIN: MAPD(std::sin(v));
    case U_COS: MAPD(std::cos(v));
    case U_FLOOR: MAP(std::floor(v));
    case U_CEIL: MAP(std::ceil(v));
    case U_ROUND: MAP(std::nearbyint(v));
    case U_LOG1P: MAPD(std::log1p(v));
    case U_EXPM1: MAPD(std::expm1(v));
    case U_SOFTPLUS: MAPD(v > 20 ? v : (v < -20 ? std::exp(v) : std::log1p(std::exp(v))));
    case U_GELU: MAPD(0.5 * v * (1.0 + erfD(v * 0.70710678118654752440)));
    case U_NOT: MAP(truthy(v) ? 0.0f : 1.0f);
    default: return;
  }
#undef MAP
#undef MAPD
}

template <class F, class O>
static inline void zipRow(F f, const float* a, i64 sa, const float* b, i64 sb, O* out, i64 n) {
  if (sa == 1 && sb == 1) {
#pragma GCC ivdep
    for (i64 i = 0; i < n; i++) out[i] = f(a[i], b[i]);
  } else if (sa == 1 && sb == 0) {
    const float bv = b[0];
#pragma GCC ivdep
    for (i64 i = 0; i < n; i++) out[i] = f(a[i], bv);
  } else if (sa == 0 && sb == 1) {
    const float av = a[0];
#pragma GCC ivdep
    for (i64 i = 0; i < n; i++) out[i] = f(av, b[i]);
  } else {
#pragma GCC ivdep
    for (i64 i = 0; i < n; i++) out[i] = f(a[i * sa], b[i * sb]);
  }
}

#define ZIP(T, expr) zipRow([](float x, float y) -> T { return (expr); }, a, sa, b, sb, out, n); return

static void binaryRow(int op, const float* a, i64 sa, const float* b, i64 sb, float* out, i64 n) {
  switch (op) {
    case B_ADD: ZIP(float, x + y);
    case B_SUB: ZIP(float, x - y);
    case B_MUL: ZIP(float, x * y);
    case B_DIV: ZIP(float, x / y);
    // C's pow, as PyTorch (and the reference): 1^NaN = 1, (-1)^(+-inf) = 1, x^0 = 1
    case B_POW: ZIP(float, (float)std::pow((double)x, (double)y));
    case B_MAXIMUM: ZIP(float, (x != x || y != y) ? __builtin_nanf("") : (x > y ? x : y));
    case B_MINIMUM: ZIP(float, (x != x || y != y) ? __builtin_nanf("") : (x < y ? x : y));
    case B_EQ: ZIP(float, x == y ? 1.0f : 0.0f);
    case B_NE: ZIP(float, x != y ? 1.0f : 0.0f);
    case B_LT: ZIP(float, x < y ? 1.0f : 0.0f);
    case B_LE: ZIP(float, x <= y ? 1.0f : 0.0f);
    case B_GT: ZIP(float, x > y ? 1.0f : 0.0f);
    case B_GE: ZIP(float, x >= y ? 1.0f : 0.0f);
    case B_AND: ZIP(float, truthy(x) && truthy(y) ? 1.0f : 0.0f);
    case B_OR: ZIP(float, truthy(x) || truthy(y) ? 1.0f : 0.0f);
    case B_RELU_GRAD: ZIP(float, y <= 0 ? 0.0f : x);  // passes where the input is NaN, as PyTorch
    default: return;
  }
}

static void compareRow(int op, const float* a, i64 sa, const float* b, i64 sb, uint8_t* out, i64 n) {
  switch (op) {
    case B_EQ: ZIP(uint8_t, x == y);
    case B_NE: ZIP(uint8_t, x != y);
    case B_LT: ZIP(uint8_t, x < y);
    case B_LE: ZIP(uint8_t, x <= y);
    case B_GT: ZIP(uint8_t, x > y);
    case B_GE: ZIP(uint8_t, x >= y);
    case B_AND: ZIP(uint8_t, truthy(x) && truthy(y));
    case B_OR: ZIP(uint8_t, truthy(x) || truthy(y));
    default: return;
  }
}
#undef ZIP

// ---------------------------------------------------------------------------------------------
// Reductions, softmax, Adam, axpy
// ---------------------------------------------------------------------------------------------
static void reduceCols(int op, const float* __restrict x, i64 n, i64 inner, float* __restrict out) {
  if (n == 0) {
    const float init = op == R_SUM ? 0.f : op == R_PROD ? 1.f : op == R_MAX ? -__builtin_inff() : __builtin_inff();
    for (i64 i = 0; i < inner; i++) out[i] = init;
    return;
  }
  for (i64 i = 0; i < inner; i++) out[i] = x[i];
  for (i64 j = 1; j < n; j++) {
    const float* r = x + j * inner;
    switch (op) {
      case R_SUM: for (i64 i = 0; i < inner; i++) out[i] += r[i]; break;
      case R_PROD: for (i64 i = 0; i < inner; i++) out[i] *= r[i]; break;
      case R_MAX:
        for (i64 i = 0; i < inner; i++) {
          const float v = r[i], acc = out[i];
          out[i] = (v > acc || v != v) ? v : acc;
        }
        break;
      case R_MIN:
        for (i64 i = 0; i < inner; i++) {
          const float v = r[i], acc = out[i];
          out[i] = (v < acc || v != v) ? v : acc;
        }
        break;
    }
  }
}

static float reduceRow(int op, const float* __restrict x, i64 n) {
  switch (op) {
    case R_SUM: {
      float s = 0.f;
#pragma omp simd reduction(+ : s)
      for (i64 i = 0; i < n; i++) s += x[i];
      return s;
    }
    case R_PROD: {
      float s = 1.f;
#pragma omp simd reduction(* : s)
      for (i64 i = 0; i < n; i++) s *= x[i];
      return s;
    }
    case R_MAX: {
      float s = -__builtin_inff();
      int nan = 0;
#pragma omp simd reduction(max : s) reduction(| : nan)
      for (i64 i = 0; i < n; i++) {
        s = x[i] > s ? x[i] : s;
        nan |= x[i] != x[i];
      }
      return nan ? __builtin_nanf("") : s;
    }
    case R_MIN: {
      float s = __builtin_inff();
      int nan = 0;
#pragma omp simd reduction(min : s) reduction(| : nan)
      for (i64 i = 0; i < n; i++) {
        s = x[i] < s ? x[i] : s;
        nan |= x[i] != x[i];
      }
      return nan ? __builtin_nanf("") : s;
    }
  }
  return 0.f;
}

static void softmaxRow(const float* __restrict x, float* __restrict out, i64 n, int log) {
  float mx = -__builtin_inff();
  for (i64 i = 0; i < n; i++) mx = x[i] > mx ? x[i] : mx;
  if (mx == -__builtin_inff()) mx = 0.f;
  float s = 0.f;
  if (log) {
#pragma omp simd reduction(+ : s)
    for (i64 i = 0; i < n; i++) s += expF(x[i] - mx);
    // x - lse in double: both can be large and close
    const double lse = (double)mx + std::log((double)s);
    for (i64 i = 0; i < n; i++) out[i] = (float)((double)x[i] - lse);
  } else {
#pragma omp simd reduction(+ : s)
    for (i64 i = 0; i < n; i++) {
      const float e = expF(x[i] - mx);
      out[i] = e;
      s += e;
    }
    const float inv = 1.0f / s;
    for (i64 i = 0; i < n; i++) out[i] *= inv;
  }
}

static void adam(float* __restrict p, const float* __restrict g, float* __restrict m, float* __restrict v, i64 n,
                 const AdamParams& a) {
  const float b1 = a.beta1, b2 = a.beta2, c1 = a.c1, c2 = a.c2;
  const float eps = a.eps, step = a.stepSize, invBc2 = 1.0f / a.bc2;
  const float wd = a.wd, decay = 1.0f - a.lr * a.wd;
  if (wd != 0.f && a.decoupled) {
    for (i64 i = 0; i < n; i++) p[i] *= decay;
  }
  const float l2 = (wd != 0.f && !a.decoupled) ? wd : 0.f;
  for (i64 i = 0; i < n; i++) {
    const float pi = p[i];
    const float gi = g[i] + l2 * pi;
    const float mi = b1 * m[i] + c1 * gi;
    const float vi = b2 * v[i] + c2 * gi * gi;
    m[i] = mi;
    v[i] = vi;
    p[i] = pi - step * mi / (std::sqrt(vi) * invBc2 + eps);
  }
}

static void axpy(i64 n, float alpha, const float* __restrict x, float* __restrict y) {
  for (i64 i = 0; i < n; i++) y[i] += alpha * x[i];
}

static float dot(i64 n, const float* __restrict x, const float* __restrict y) {
  float s = 0.f;
#pragma omp simd reduction(+ : s)
  for (i64 i = 0; i < n; i++) s += x[i] * y[i];
  return s;
}

#if defined(NABLA_HAS_EDGE_PAIR) && !defined(__AVX512F__)
// (AVX-512's 14 rows are already enough FMA chains for one vector per row)
static const auto edgePair = ukrEdgePair;
constexpr int GV_WIDTH = GV::W;
#else
static void (*const edgePair)(int, i64, const float*, const float*, float*, i64, int, const float*) = nullptr;
constexpr int GV_WIDTH = 0;
#endif

static const IsaTable table = {
    NABLA_ISA_NAME, MR, NR, MC, KC, NC, ukr, packA, packB, packAIndirect, packBIndirect, unaryRow, binaryRow, compareRow,
    reduceCols, reduceRow, softmaxRow, adam, axpy, dot, smallT, smallN, ukrEdge, edgePair, GV_WIDTH,
};

}  // namespace NABLA_ISA_NS

const IsaTable* NABLA_ISA_GETTER() { return &NABLA_ISA_NS::table; }

}  // namespace nabla
