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
#endif

namespace nabla {
namespace NABLA_ISA_NS {

#define NB_UNROLL _Pragma("GCC unroll 64")

// ---------------------------------------------------------------------------------------------
// GEMM micro-kernels: C[MR x NR] (+)= Ap[k x MR] · Bp[k x NR] (+ bias[0:NR] on every row, if
// bias is set), one register tile of C.
// ---------------------------------------------------------------------------------------------
using UkrFn = void (*)(i64, const float*, const float*, float*, i64, int, const float*);

#if defined(__AVX512F__)
// MR rows x 32 columns: 2*MR zmm accumulators; per k step 2 loads of B, MR broadcasts of A.
#ifndef NABLA_AVX512_MR
#define NABLA_AVX512_MR 14
#endif
constexpr int MR = NABLA_AVX512_MR;
constexpr int NV = 2;
constexpr int NR = 16 * NV;
constexpr int MC = MR * 20, KC = 256, NC = 3072;

// R rows of the tile (R = MR for full tiles; fewer for the last rows of C, so that an edge tile
// of 4 rows costs 4 rows of FMAs, not MR). Ap is packed with MR rows per k step either way.
template <int R>
static void ukrRows(i64 k, const float* __restrict A, const float* __restrict B, float* __restrict C, i64 ldc, int acc,
                    const float* __restrict bias) {
  __m512 c[R][NV];
  NB_UNROLL for (int i = 0; i < R; i++) {
    _mm_prefetch((const char*)(C + i * ldc), _MM_HINT_T0);
    _mm_prefetch((const char*)(C + i * ldc + NR - 1), _MM_HINT_T0);
    NB_UNROLL for (int j = 0; j < NV; j++) c[i][j] = _mm512_setzero_ps();
  }
#pragma GCC unroll 4
  for (i64 p = 0; p < k; p++) {
    __m512 b[NV];
    NB_UNROLL for (int j = 0; j < NV; j++) b[j] = _mm512_load_ps(B + j * 16);
    _mm_prefetch((const char*)(B + 8 * NR), _MM_HINT_T0);
    NB_UNROLL for (int i = 0; i < R; i++) {
      __m512 a = _mm512_set1_ps(A[i]);
      NB_UNROLL for (int j = 0; j < NV; j++) c[i][j] = _mm512_fmadd_ps(a, b[j], c[i][j]);
    }
    A += MR;
    B += NR;
  }
  if (acc) {
    NB_UNROLL for (int i = 0; i < R; i++) NB_UNROLL for (int j = 0; j < NV; j++)
      c[i][j] = _mm512_add_ps(c[i][j], _mm512_loadu_ps(C + i * ldc + j * 16));
  }
  if (bias) {
    __m512 bv[NV];
    NB_UNROLL for (int j = 0; j < NV; j++) bv[j] = _mm512_loadu_ps(bias + j * 16);
    NB_UNROLL for (int i = 0; i < R; i++) NB_UNROLL for (int j = 0; j < NV; j++) c[i][j] = _mm512_add_ps(c[i][j], bv[j]);
  }
  NB_UNROLL for (int i = 0; i < R; i++) NB_UNROLL for (int j = 0; j < NV; j++)
    _mm512_storeu_ps(C + i * ldc + j * 16, c[i][j]);
}

static void ukr(i64 k, const float* __restrict A, const float* __restrict B, float* __restrict C, i64 ldc, int acc,
                const float* __restrict bias) {
  ukrRows<MR>(k, A, B, C, ldc, acc, bias);
}

template <int... Rs>
static constexpr std::array<UkrFn, sizeof...(Rs)> edgeKernels(std::integer_sequence<int, Rs...>) {
  return {ukrRows<Rs + 1>...};
}
// edgeUkr[r - 1]: the kernel for an edge tile of r < MR rows
static constexpr auto edgeUkr = edgeKernels(std::make_integer_sequence<int, MR - 1>{});
#define NABLA_HAS_EDGE_UKR 1
#elif defined(__AVX2__)
// 6 x 16: 12 ymm accumulators, 2 loads of B and 6 broadcasts of A per k step.
constexpr int MR = 6;
constexpr int NV = 2;
constexpr int NR = 8 * NV;
constexpr int MC = 144, KC = 256, NC = 3072;

static void ukr(i64 k, const float* __restrict A, const float* __restrict B, float* __restrict C, i64 ldc, int acc,
                const float* __restrict bias) {
  __m256 c[MR][NV];
  NB_UNROLL for (int i = 0; i < MR; i++) {
    _mm_prefetch((const char*)(C + i * ldc), _MM_HINT_T0);
    _mm_prefetch((const char*)(C + i * ldc + NR - 1), _MM_HINT_T0);
    NB_UNROLL for (int j = 0; j < NV; j++) c[i][j] = _mm256_setzero_ps();
  }
#pragma GCC unroll 4
  for (i64 p = 0; p < k; p++) {
    __m256 b[NV];
    NB_UNROLL for (int j = 0; j < NV; j++) b[j] = _mm256_load_ps(B + j * 8);
    NB_UNROLL for (int i = 0; i < MR; i++) {
      __m256 a = _mm256_broadcast_ss(A + i);
      NB_UNROLL for (int j = 0; j < NV; j++) c[i][j] = _mm256_fmadd_ps(a, b[j], c[i][j]);
    }
    A += MR;
    B += NR;
  }
  if (acc) {
    NB_UNROLL for (int i = 0; i < MR; i++) NB_UNROLL for (int j = 0; j < NV; j++)
      c[i][j] = _mm256_add_ps(c[i][j], _mm256_loadu_ps(C + i * ldc + j * 8));
  }
  if (bias) {
    __m256 bv[NV];
    NB_UNROLL for (int j = 0; j < NV; j++) bv[j] = _mm256_loadu_ps(bias + j * 8);
    NB_UNROLL for (int i = 0; i < MR; i++) NB_UNROLL for (int j = 0; j < NV; j++) c[i][j] = _mm256_add_ps(c[i][j], bv[j]);
  }
  NB_UNROLL for (int i = 0; i < MR; i++) NB_UNROLL for (int j = 0; j < NV; j++)
    _mm256_storeu_ps(C + i * ldc + j * 8, c[i][j]);
}
#else
// Portable: plain loops over a small tile the compiler keeps in vector registers.
#if defined(__aarch64__)
constexpr int MR = 8, NR = 12;
#else
constexpr int MR = 4, NR = 8;
#endif
constexpr int MC = 128, KC = 256, NC = 2048;

static void ukr(i64 k, const float* __restrict A, const float* __restrict B, float* __restrict C, i64 ldc, int acc,
                const float* __restrict bias) {
  float c[MR][NR];
  for (int i = 0; i < MR; i++) for (int j = 0; j < NR; j++) c[i][j] = 0.f;
  for (i64 p = 0; p < k; p++) {
    NB_UNROLL for (int i = 0; i < MR; i++) {
      const float a = A[i];
      NB_UNROLL for (int j = 0; j < NR; j++) c[i][j] += a * B[j];
    }
    A += MR;
    B += NR;
  }
  for (int i = 0; i < MR; i++) {
    float* cr = C + i * ldc;
    if (acc) for (int j = 0; j < NR; j++) c[i][j] = cr[j] + c[i][j];
    if (bias) for (int j = 0; j < NR; j++) c[i][j] += bias[j];
    for (int j = 0; j < NR; j++) cr[j] = c[i][j];
  }
}
#endif

// Packs rows [0, mr) of op(A) (element (i, p) at a[i*rs + p*cs]) for p < k into k x MR.
static void packAPlain(i64 mr, i64 k, const float* __restrict a, i64 rs, i64 cs, float* __restrict Ap) {
  if (mr == MR && rs == 1) {
    // A stored transposed: each k step is MR contiguous floats
    for (i64 p = 0; p < k; p++) {
      const float* s = a + p * cs;
      NB_UNROLL for (int i = 0; i < MR; i++) Ap[p * MR + i] = s[i];
    }
    return;
  }
  if (cs == 1) {
    int i = 0;
    for (; i < mr; i++) {
      const float* s = a + i * rs;
      for (i64 p = 0; p < k; p++) Ap[p * MR + i] = s[p];
    }
    for (; i < MR; i++) for (i64 p = 0; p < k; p++) Ap[p * MR + i] = 0.f;
    return;
  }
  for (i64 p = 0; p < k; p++) {
    int i = 0;
    for (; i < mr; i++) Ap[p * MR + i] = a[i * rs + p * cs];
    for (; i < MR; i++) Ap[p * MR + i] = 0.f;
  }
}

// Packs columns [0, nr) of op(B) (element (p, j) at b[p*rs + j*cs]) for p < k into k x NR.
static void packBPlain(i64 nr, i64 k, const float* __restrict b, i64 rs, i64 cs, float* __restrict Bp) {
  if (nr == NR && cs == 1) {
    for (i64 p = 0; p < k; p++) {
      const float* s = b + p * rs;
      NB_UNROLL for (int j = 0; j < NR; j++) Bp[p * NR + j] = s[j];
    }
    return;
  }
  if (rs == 1) {
    // B stored transposed (n x k): walk each stored row contiguously
    int j = 0;
    for (; j < nr; j++) {
      const float* s = b + j * cs;
      for (i64 p = 0; p < k; p++) Bp[p * NR + j] = s[p];
    }
    for (; j < NR; j++) for (i64 p = 0; p < k; p++) Bp[p * NR + j] = 0.f;
    return;
  }
  for (i64 p = 0; p < k; p++) {
    int j = 0;
    for (; j < nr; j++) Bp[p * NR + j] = b[p * rs + j * cs];
    for (; j < NR; j++) Bp[p * NR + j] = 0.f;
  }
}

#if defined(__AVX512F__)
// In-register transpose of a 16 x 16 block.
static inline void transpose16(__m512 r[16]) {
  __m512 t[16];
  for (int i = 0; i < 8; i++) {
    t[2 * i] = _mm512_unpacklo_ps(r[2 * i], r[2 * i + 1]);
    t[2 * i + 1] = _mm512_unpackhi_ps(r[2 * i], r[2 * i + 1]);
  }
  for (int i = 0; i < 4; i++) {
    r[4 * i] = _mm512_shuffle_ps(t[4 * i], t[4 * i + 2], 0x44);
    r[4 * i + 1] = _mm512_shuffle_ps(t[4 * i], t[4 * i + 2], 0xEE);
    r[4 * i + 2] = _mm512_shuffle_ps(t[4 * i + 1], t[4 * i + 3], 0x44);
    r[4 * i + 3] = _mm512_shuffle_ps(t[4 * i + 1], t[4 * i + 3], 0xEE);
  }
  for (int i = 0; i < 4; i++) {
    t[i] = _mm512_shuffle_f32x4(r[i], r[i + 4], 0x88);
    t[i + 4] = _mm512_shuffle_f32x4(r[i], r[i + 4], 0xDD);
    t[i + 8] = _mm512_shuffle_f32x4(r[i + 8], r[i + 12], 0x88);
    t[i + 12] = _mm512_shuffle_f32x4(r[i + 8], r[i + 12], 0xDD);
  }
  for (int i = 0; i < 8; i++) {
    r[i] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0x88);
    r[i + 8] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0xDD);
  }
}

// dst[p*W + r] = src[r*ld + p] for r < rows (zero for rows <= r < W), p < k: packing of an
// operand whose rows are contiguous in k, 16 x 16 blocks at a time through registers.
template <int W>
static void packTransposed(i64 rows, i64 k, const float* __restrict src, i64 ld, float* __restrict dst) {
  for (int r0 = 0; r0 < W; r0 += 16) {
    const int nr = (int)(rows - r0 < 0 ? 0 : (rows - r0 > 16 ? 16 : rows - r0));
    const int wr = W - r0 < 16 ? W - r0 : 16;  // columns of dst written by this block
    const __mmask16 wmask = (__mmask16)((1u << wr) - 1);
    for (i64 p0 = 0; p0 < k; p0 += 16) {
      const int np = (int)(k - p0 < 16 ? k - p0 : 16);
      const __mmask16 lmask = (__mmask16)((1u << np) - 1);
      __m512 r[16];
      for (int i = 0; i < 16; i++)
        r[i] = i < nr ? _mm512_maskz_loadu_ps(lmask, src + (r0 + i) * ld + p0) : _mm512_setzero_ps();
      transpose16(r);
      for (int i = 0; i < np; i++) _mm512_mask_storeu_ps(dst + (p0 + i) * W + r0, wmask, r[i]);
    }
  }
}

static void packA(i64 mr, i64 k, const float* a, i64 rs, i64 cs, float* Ap) {
  if (cs == 1 && k >= 8) packTransposed<MR>(mr, k, a, rs, Ap);
  else packAPlain(mr, k, a, rs, cs, Ap);
}
static void packB(i64 nr, i64 k, const float* b, i64 rs, i64 cs, float* Bp) {
  if (rs == 1 && k >= 8) packTransposed<NR>(nr, k, b, cs, Bp);
  else packBPlain(nr, k, b, rs, cs, Bp);
}
static void packBIndirect(i64 nr, i64 k, const float* const* rows, i64 off, float* __restrict Bp) {
  for (int r0 = 0; r0 < NR; r0 += 16) {
    const int n = (int)(nr - r0 < 0 ? 0 : (nr - r0 > 16 ? 16 : nr - r0));
    for (i64 p0 = 0; p0 < k; p0 += 16) {
      const int np = (int)(k - p0 < 16 ? k - p0 : 16);
      const __mmask16 lmask = (__mmask16)((1u << np) - 1);
      __m512 r[16];
      for (int i = 0; i < 16; i++) r[i] = i < n ? _mm512_maskz_loadu_ps(lmask, rows[r0 + i] + off + p0) : _mm512_setzero_ps();
      transpose16(r);
      for (int i = 0; i < np; i++) _mm512_storeu_ps(Bp + (p0 + i) * NR + r0, r[i]);
    }
  }
}
#else
static void packBIndirect(i64 nr, i64 k, const float* const* rows, i64 off, float* __restrict Bp) {
  int j = 0;
  for (; j < nr; j++) {
    const float* s = rows[j] + off;
    for (i64 p = 0; p < k; p++) Bp[p * NR + j] = s[p];
  }
  for (; j < NR; j++) for (i64 p = 0; p < k; p++) Bp[p * NR + j] = 0.f;
}
static void packA(i64 mr, i64 k, const float* a, i64 rs, i64 cs, float* Ap) { packAPlain(mr, k, a, rs, cs, Ap); }
static void packB(i64 nr, i64 k, const float* b, i64 rs, i64 cs, float* Bp) { packBPlain(nr, k, b, rs, cs, Bp); }
#endif

static void packAIndirect(i64 mr, i64 k, const float* const* rows, i64 off, float* __restrict Ap) {
  if (mr == MR) {
    for (i64 p = 0; p < k; p++) {
      const float* s = rows[p] + off;
      NB_UNROLL for (int i = 0; i < MR; i++) Ap[p * MR + i] = s[i];
    }
    return;
  }
  for (i64 p = 0; p < k; p++) {
    const float* s = rows[p] + off;
    int i = 0;
    for (; i < mr; i++) Ap[p * MR + i] = s[i];
    for (; i < MR; i++) Ap[p * MR + i] = 0.f;
  }
}

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

#ifdef NABLA_HAS_EDGE_UKR
static const UkrFn* const edgeUkrs = edgeUkr.data();
#else
static const UkrFn* const edgeUkrs = nullptr;
#endif

static const IsaTable table = {
    NABLA_ISA_NAME, MR, NR, MC, KC, NC, ukr, packA, packB, packAIndirect, packBIndirect, unaryRow, binaryRow, compareRow,
    reduceCols, reduceRow, softmaxRow, adam, axpy, dot, smallT, smallN, edgeUkrs,
};

}  // namespace NABLA_ISA_NS

const IsaTable* NABLA_ISA_GETTER() { return &NABLA_ISA_NS::table; }

}  // namespace nabla
