// The register-tile loops of conv_tiles.h, written once over a small vector abstraction and
// compiled per ISA. Before including, define NABLA_CONV_NS (namespace) and NABLA_CONV_GETTER.
//
// Tiles (accumulators + the vectors loaded per step must fit the register file):
//   AVX-512 (32 zmm): forward 8 channels x 3 vectors (24 acc), weight 8 channels x 3 taps
//   AVX2    (16 ymm): forward 4 x 3 (12 acc), weight 4 x 3
//   generic (SSE, 16 xmm): forward 4 x 2, weight 4 x 2
#include "conv_tiles.h"

#if defined(__AVX2__) || defined(__AVX512F__)
#include <immintrin.h>
#endif

namespace nabla {
namespace NABLA_CONV_NS {

#define NB_CT_UNROLL _Pragma("GCC unroll 32")
// Keeps a loaded vector in a register: without it GCC folds the load into each FMA that uses
// it (one load per FMA), and the weight tile becomes bound by loads instead of FMAs.
#if defined(__AVX512F__)
#define NB_CT_IN_REG(v) __asm__("" : "+v"(v))
#elif defined(__wasm__)
#define NB_CT_IN_REG(v) ((void)0)  // WebAssembly has no registers to pin (the engine allocates them)
#else
#define NB_CT_IN_REG(v) __asm__("" : "+x"(v))
#endif

#if defined(__AVX512F__)
typedef __m512 V;
constexpr int L = 16, FMR = 8, FNV = 3, WMR = 8, WNK = 3;
static inline V vzero() { return _mm512_setzero_ps(); }
static inline V vload(const float* p) { return _mm512_loadu_ps(p); }
static inline void vstore(float* p, V v) { _mm512_storeu_ps(p, v); }
static inline V vbcast(float x) { return _mm512_set1_ps(x); }
static inline V vfma(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }
static inline float vsum(V v) { return _mm512_reduce_add_ps(v); }
#elif defined(__AVX2__)
typedef __m256 V;
constexpr int L = 8, FMR = 4, FNV = 3, WMR = 4, WNK = 3;
static inline V vzero() { return _mm256_setzero_ps(); }
static inline V vload(const float* p) { return _mm256_loadu_ps(p); }
static inline void vstore(float* p, V v) { _mm256_storeu_ps(p, v); }
static inline V vbcast(float x) { return _mm256_set1_ps(x); }
static inline V vfma(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }
static inline float vsum(V v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
  return _mm_cvtss_f32(s);
}
#else
typedef float V __attribute__((vector_size(16)));
constexpr int L = 4, FMR = 4, FNV = 2, WMR = 4, WNK = 2;
static inline V vzero() { return V{0.f, 0.f, 0.f, 0.f}; }
static inline V vload(const float* p) {
  V v;
  __builtin_memcpy(&v, p, sizeof v);
  return v;
}
static inline void vstore(float* p, V v) { __builtin_memcpy(p, &v, sizeof v); }
static inline V vbcast(float x) { return V{x, x, x, x}; }
static inline V vfma(V a, V b, V c) { return a * b + c; }
static inline float vsum(V v) { return (v[0] + v[2]) + (v[1] + v[3]); }
#endif

// FMR output channels x NV vectors of pixels starting at q0
template <int NV>
static inline __attribute__((always_inline)) void fwdBlock(i64 K, const float* __restrict wp, const float* x, const i64* off,
                                                           i64 q0, float* __restrict y, i64 ldy) {
  V acc[FMR][NV];
  NB_CT_UNROLL for (int r = 0; r < FMR; r++) NB_CT_UNROLL for (int v = 0; v < NV; v++) acc[r][v] = vzero();
  for (i64 k = 0; k < K; k++) {
    const float* xk = x + off[k] + q0;
    V xv[NV];
    NB_CT_UNROLL for (int v = 0; v < NV; v++) xv[v] = vload(xk + v * L);
    const float* wk = wp + k * FMR;
    NB_CT_UNROLL for (int r = 0; r < FMR; r++) {
      const V b = vbcast(wk[r]);
      NB_CT_UNROLL for (int v = 0; v < NV; v++) acc[r][v] = vfma(b, xv[v], acc[r][v]);
    }
  }
  NB_CT_UNROLL for (int r = 0; r < FMR; r++) NB_CT_UNROLL for (int v = 0; v < NV; v++) vstore(y + r * ldy + q0 + v * L, acc[r][v]);
}

// A lone last vector would run with FMR accumulators only (bound by the FMA latency, at half
// speed or less): when FNV = 3 leaves one, the last four vectors go as two blocks of two instead
// (AVX2's 14 x 14 planes: 28 vectors = 8 x 3 + 2 + 2, not 9 x 3 + 1).
static void fwdRow(i64 K, const float* wp, const float* x, const i64* off, i64 nq, float* y, i64 ldy) {
  const i64 nv = nq / L;
  i64 full = nv / FNV;
  if (FNV == 3 && nv % FNV == 1 && full > 0) full--;
  i64 q = 0;
  for (i64 b = 0; b < full; b++, q += FNV * L) fwdBlock<FNV>(K, wp, x, off, q, y, ldy);
  for (; q + 2 * L <= nq; q += 2 * L) fwdBlock<2>(K, wp, x, off, q, y, ldy);
  for (; q < nq; q += L) fwdBlock<1>(K, wp, x, off, q, y, ldy);
}

static void wgradTile(i64 nimg, const float* dy, i64 dyStride, i64 ldd, const float* x, i64 xStride, const i64* off,
                      i64 nq, float* out, i64 ldo, int mr, int nk) {
  V acc[WMR][WNK];
  NB_CT_UNROLL for (int r = 0; r < WMR; r++) NB_CT_UNROLL for (int t = 0; t < WNK; t++) acc[r][t] = vzero();
  for (i64 m = 0; m < nimg; m++) {
    const float* __restrict d = dy + m * dyStride;
    const float* xr[WNK];
    NB_CT_UNROLL for (int t = 0; t < WNK; t++) xr[t] = x + m * xStride + off[t];
    for (i64 q = 0; q < nq; q += L) {
      V xv[WNK];
      NB_CT_UNROLL for (int t = 0; t < WNK; t++) xv[t] = vload(xr[t] + q);
      NB_CT_UNROLL for (int r = 0; r < WMR; r++) {
        V dv = vload(d + r * ldd + q);
        NB_CT_IN_REG(dv);
        NB_CT_UNROLL for (int t = 0; t < WNK; t++) acc[r][t] = vfma(dv, xv[t], acc[r][t]);
      }
    }
  }
  for (int r = 0; r < mr; r++)
    for (int t = 0; t < nk; t++) out[r * ldo + t] += vsum(acc[r][t]);
}

// Winograd F(2x2, 3x3) transforms (see conv_tiles.h): plain loops over the tiles, vectorised by
// the compiler with this unit's ISA (one tile per lane). The matrices:
//   B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1]   A^T = [1 1 1 0; 0 1 -1 -1]
static void wgInput(const float* __restrict ee, const float* __restrict eo, const float* __restrict oe,
                    const float* __restrict oo, i64 S, i64 n, float* __restrict v, i64 vs) {
#pragma omp simd
  for (i64 q = 0; q < n; q++) {
    float d[4][4];
    d[0][0] = ee[q]; d[0][1] = eo[q]; d[0][2] = ee[q + 1]; d[0][3] = eo[q + 1];
    d[1][0] = oe[q]; d[1][1] = oo[q]; d[1][2] = oe[q + 1]; d[1][3] = oo[q + 1];
    d[2][0] = ee[q + S]; d[2][1] = eo[q + S]; d[2][2] = ee[q + S + 1]; d[2][3] = eo[q + S + 1];
    d[3][0] = oe[q + S]; d[3][1] = oo[q + S]; d[3][2] = oe[q + S + 1]; d[3][3] = oo[q + S + 1];
    float e[4][4];  // B^T d
    for (int j = 0; j < 4; j++) {
      e[0][j] = d[0][j] - d[2][j];
      e[1][j] = d[1][j] + d[2][j];
      e[2][j] = d[2][j] - d[1][j];
      e[3][j] = d[1][j] - d[3][j];
    }
    for (int i = 0; i < 4; i++) {  // (B^T d) B
      v[(i * 4 + 0) * vs + q] = e[i][0] - e[i][2];
      v[(i * 4 + 1) * vs + q] = e[i][1] + e[i][2];
      v[(i * 4 + 2) * vs + q] = e[i][2] - e[i][1];
      v[(i * 4 + 3) * vs + q] = e[i][1] - e[i][3];
    }
  }
}

static void wgOutput(const float* __restrict m, i64 ms, i64 n, float* __restrict y, i64 ys) {
#pragma omp simd
  for (i64 q = 0; q < n; q++) {
    float u[2][4];  // A^T m
    for (int j = 0; j < 4; j++) {
      u[0][j] = m[(0 + j) * ms + q] + m[(4 + j) * ms + q] + m[(8 + j) * ms + q];
      u[1][j] = m[(4 + j) * ms + q] - m[(8 + j) * ms + q] - m[(12 + j) * ms + q];
    }
    for (int i = 0; i < 2; i++) {  // (A^T m) A
      y[(2 * i + 0) * ys + q] = u[i][0] + u[i][1] + u[i][2];
      y[(2 * i + 1) * ys + q] = u[i][1] - u[i][2] - u[i][3];
    }
  }
}

static void wgGrad(const float* __restrict d00, const float* __restrict d01, const float* __restrict d10,
                   const float* __restrict d11, i64 n, float* __restrict m, i64 ms) {
#pragma omp simd
  for (i64 q = 0; q < n; q++) {
    // A g: rows (g0, g0 + g1, g0 - g1, -g1) of the 2x2 tile, then the same on the columns
    const float r[4][2] = {{d00[q], d01[q]}, {d00[q] + d10[q], d01[q] + d11[q]}, {d00[q] - d10[q], d01[q] - d11[q]}, {-d10[q], -d11[q]}};
    for (int i = 0; i < 4; i++) {
      m[(i * 4 + 0) * ms + q] = r[i][0];
      m[(i * 4 + 1) * ms + q] = r[i][0] + r[i][1];
      m[(i * 4 + 2) * ms + q] = r[i][0] - r[i][1];
      m[(i * 4 + 3) * ms + q] = -r[i][1];
    }
  }
}

static const ConvTable table = {L, FMR, WMR, WNK, fwdRow, wgradTile, wgInput, wgOutput, wgGrad};

}  // namespace NABLA_CONV_NS

const ConvTable* NABLA_CONV_GETTER() { return &NABLA_CONV_NS::table; }

}  // namespace nabla
