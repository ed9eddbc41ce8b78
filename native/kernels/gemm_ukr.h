// GEMM register tiles and packing, included by isa_impl.h inside its ISA namespace (so compiled
// once per ISA with that unit's flags).
//
//   ukr      C[MR x NR] (+)= Ap[k x MR] . Bp[k x NR] (+ bias[0:NR] on every row), the full tile
//   ukrEdge  the same for the last r <= MR rows and nc <= NR columns of C: only ceil(nc / W)
//            vectors of r rows are computed (W = floats per vector), the last vector stored
//            through a mask, so an edge tile costs what it covers, not a full tile
//   packA    op(A) rows [0, mr) x k into k x MR (zero padded); packB: op(B) columns into k x NR
//
// Tiles, chosen by measurement (tools/native/gemm_tune.cc):
//   AVX-512 (32 zmm): 14 x 32, 28 accumulators, 2 loads of B and 14 broadcasts of A per k step
//   AVX2+FMA (16 ymm): 6 x 16, 12 accumulators + 2 vectors of B + 1 broadcast (15 registers);
//            4 x 24 (12 + 3 + 1) measured the same at n = 1024, 2048 and 6-15 % slower on
//            small products (n = 64, 200) on Zen 4 with AVX2 forced
//   aarch64 NEON (32 q registers): 8 x 12, 24 accumulators, 3 vectors of B, 2 of A (lane FMAs)
//   WebAssembly SIMD128: 8 x 8, 16 accumulators, mul + add (measured below)
//   other:   4 x 8 plain loops the compiler vectorizes
// Packing with contiguous k (a row-major A, a transposed B such as Linear's W^T, implicit im2col
// rows) goes through in-register transposes (16 x 16 on AVX-512, 8 x 8 on AVX2).

using UkrFn = void (*)(i64, const float*, const float*, float*, i64, int, const float*);

#if defined(__AVX512F__) || defined(__AVX2__)

#if defined(__AVX512F__)
#ifndef NABLA_AVX512_MR
#define NABLA_AVX512_MR 14
#endif
constexpr int MR = NABLA_AVX512_MR;
constexpr int NV = 2;
struct GV {
  typedef __m512 T;
  typedef __mmask16 M;
  static constexpr int W = 16;
  static T zero() { return _mm512_setzero_ps(); }
  static T load(const float* p) { return _mm512_load_ps(p); }
  static T loadu(const float* p) { return _mm512_loadu_ps(p); }
  static void storeu(float* p, T v) { _mm512_storeu_ps(p, v); }
  static M mask(int n) { return (M)((1u << n) - 1); }
  static T loadM(const float* p, M m) { return _mm512_maskz_loadu_ps(m, p); }
  static void storeM(float* p, M m, T v) { _mm512_mask_storeu_ps(p, m, v); }
  static void storePart(float* p, T v, int n) { storeM(p, mask(n), v); }
  static T bcast(const float* p) { return _mm512_set1_ps(*p); }
  static T fma(T a, T b, T c) { return _mm512_fmadd_ps(a, b, c); }
  static T add(T a, T b) { return _mm512_add_ps(a, b); }
};
#else
#ifndef NABLA_AVX2_MR
#define NABLA_AVX2_MR 6
#endif
#ifndef NABLA_AVX2_NV
#define NABLA_AVX2_NV 2
#endif
constexpr int MR = NABLA_AVX2_MR;
constexpr int NV = NABLA_AVX2_NV;
struct GV {
  typedef __m256 T;
  typedef __m256i M;
  static constexpr int W = 8;
  static T zero() { return _mm256_setzero_ps(); }
  static T load(const float* p) { return _mm256_load_ps(p); }
  static T loadu(const float* p) { return _mm256_loadu_ps(p); }
  static void storeu(float* p, T v) { _mm256_storeu_ps(p, v); }
  static M mask(int n) { return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7)); }
  static T loadM(const float* p, M m) { return _mm256_maskload_ps(p, m); }
  // the first n lanes, through a buffer: vmaskmovps to memory is microcoded on AMD's cores
  // (tens of cycles each on Zen 2 / 3), so it is kept out of every loop here
  static void storeM(float* p, M m, T v) { _mm256_maskstore_ps(p, m, v); }
  static void storePart(float* p, T v, int n) {
    alignas(32) float t[8];
    _mm256_store_ps(t, v);
    for (int q = 0; q < n; q++) p[q] = t[q];
  }
  static T bcast(const float* p) { return _mm256_broadcast_ss(p); }
  static T fma(T a, T b, T c) { return _mm256_fmadd_ps(a, b, c); }
  static T add(T a, T b) { return _mm256_add_ps(a, b); }
};
#endif
constexpr int NR = GV::W * NV;
// defaults; gemm.cc replaces MC, KC, NC by sizes derived from the caches it finds at run time
constexpr int MC = MR * 20, KC = 256, NC = 3072;

// R rows x NVE vectors of the tile; with PART the last vector holds only `last` columns (loaded,
// biased and stored through a mask). Ap is packed MR rows per k step and Bp NR columns whatever
// R and NVE are.
template <int R, int NVE, bool PART>
static inline __attribute__((always_inline)) void tile(i64 k, const float* __restrict A, const float* __restrict B,
                                                       float* __restrict C, i64 ldc, int acc, const float* __restrict bias,
                                                       int last) {
  typename GV::T c[R][NVE];
  NB_UNROLL for (int i = 0; i < R; i++) {
    _mm_prefetch((const char*)(C + i * ldc), _MM_HINT_T0);
    _mm_prefetch((const char*)(C + i * ldc + NVE * GV::W - 1), _MM_HINT_T0);
    NB_UNROLL for (int j = 0; j < NVE; j++) c[i][j] = GV::zero();
  }
#pragma GCC unroll 4
  for (i64 p = 0; p < k; p++) {
    typename GV::T b[NVE];
    NB_UNROLL for (int j = 0; j < NVE; j++) b[j] = GV::load(B + j * GV::W);
    _mm_prefetch((const char*)(B + 8 * NR), _MM_HINT_T0);
    NB_UNROLL for (int i = 0; i < R; i++) {
      const typename GV::T a = GV::bcast(A + i);
      NB_UNROLL for (int j = 0; j < NVE; j++) c[i][j] = GV::fma(a, b[j], c[i][j]);
    }
    A += MR;
    B += NR;
  }
  const typename GV::M m = GV::mask(PART ? last : GV::W);
  constexpr int NF = PART ? NVE - 1 : NVE;  // full vectors per row
  if (acc) {
    NB_UNROLL for (int i = 0; i < R; i++) {
      NB_UNROLL for (int j = 0; j < NF; j++) c[i][j] = GV::add(c[i][j], GV::loadu(C + i * ldc + j * GV::W));
      if (PART) c[i][NVE - 1] = GV::add(c[i][NVE - 1], GV::loadM(C + i * ldc + (NVE - 1) * GV::W, m));
    }
  }
  if (bias) {
    typename GV::T bv[NVE];
    NB_UNROLL for (int j = 0; j < NF; j++) bv[j] = GV::loadu(bias + j * GV::W);
    if (PART) bv[NVE - 1] = GV::loadM(bias + (NVE - 1) * GV::W, m);
    NB_UNROLL for (int i = 0; i < R; i++) NB_UNROLL for (int j = 0; j < NVE; j++) c[i][j] = GV::add(c[i][j], bv[j]);
  }
  NB_UNROLL for (int i = 0; i < R; i++) {
    NB_UNROLL for (int j = 0; j < NF; j++) GV::storeu(C + i * ldc + j * GV::W, c[i][j]);
    if (PART) GV::storePart(C + i * ldc + (NVE - 1) * GV::W, c[i][NVE - 1], last);
  }
}

static void ukr(i64 k, const float* __restrict A, const float* __restrict B, float* __restrict C, i64 ldc, int acc,
                const float* __restrict bias) {
  tile<MR, NV, false>(k, A, B, C, ldc, acc, bias, GV::W);
}

using TileFn = void (*)(i64, const float*, const float*, float*, i64, int, const float*, int);
template <int R, int NVE, bool PART>
static void tileFn(i64 k, const float* A, const float* B, float* C, i64 ldc, int acc, const float* bias, int last) {
  tile<R, NVE, PART>(k, A, B, C, ldc, acc, bias, last);
}
typedef std::array<TileFn, 2> TilePair;  // [whole last vector, masked last vector]
template <int R, int... Js>
static constexpr std::array<TilePair, NV> tileRow(std::integer_sequence<int, Js...>) {
  return {{TilePair{{tileFn<R, Js + 1, false>, tileFn<R, Js + 1, true>}}...}};
}
template <int... Rs>
static constexpr std::array<std::array<TilePair, NV>, MR> tileTable(std::integer_sequence<int, Rs...>) {
  return {{tileRow<Rs + 1>(std::make_integer_sequence<int, NV>{})...}};
}
// tiles[r - 1][v - 1][masked]: r rows, v vectors
static constexpr auto tiles = tileTable(std::make_integer_sequence<int, MR>{});

#if defined(__AVX512F__)
// An edge of at most 8 columns in 256-bit vectors: on cores that split a 512-bit FMA in two
// halves (AMD Zen 4) the masked-off half would still cost its cycles; elsewhere the same count.
template <int R>
static void halfTile(i64 k, const float* __restrict A, const float* __restrict B, float* __restrict C, i64 ldc, int acc,
                     const float* __restrict bias, int last) {
  __m256 c[R];
  NB_UNROLL for (int i = 0; i < R; i++) c[i] = _mm256_setzero_ps();
#pragma GCC unroll 4
  for (i64 p = 0; p < k; p++) {
    const __m256 b = _mm256_load_ps(B);
    NB_UNROLL for (int i = 0; i < R; i++) c[i] = _mm256_fmadd_ps(_mm256_broadcast_ss(A + i), b, c[i]);
    A += MR;
    B += NR;
  }
  const __mmask8 m = (__mmask8)((1u << last) - 1);
  const __m256 bv = bias ? _mm256_maskz_loadu_ps(m, bias) : _mm256_setzero_ps();
  NB_UNROLL for (int i = 0; i < R; i++) {
    if (acc) c[i] = _mm256_add_ps(c[i], _mm256_maskz_loadu_ps(m, C + i * ldc));
    _mm256_mask_storeu_ps(C + i * ldc, m, _mm256_add_ps(c[i], bv));
  }
}
template <int... Rs>
static constexpr std::array<TileFn, MR> halfTable(std::integer_sequence<int, Rs...>) {
  return {{halfTile<Rs + 1>...}};
}
static constexpr auto halfTiles = halfTable(std::make_integer_sequence<int, MR>{});
#endif

static void ukrEdge(int r, int nc, i64 k, const float* A, const float* B, float* C, i64 ldc, int acc, const float* bias) {
#if defined(__AVX512F__)
  if (nc <= 8) return halfTiles[r - 1](k, A, B, C, ldc, acc, bias, nc);
#endif
  const int v = (nc + GV::W - 1) / GV::W;
  const int last = nc - (v - 1) * GV::W;
  tiles[r - 1][v - 1][last != GV::W](k, A, B, C, ldc, acc, bias, last);
}

// Two full row tiles (2 MR rows: A panels A0 and A0 + MR k) by nc <= W columns: the last panel
// of a product whose n is just past a multiple of NR (n = 65). One vector per row would leave
// MR FMA chains (6 on AVX2: bound by the FMA latency); two tiles give 2 MR.
template <bool PART>
static void pairTile(i64 k, const float* __restrict A, const float* __restrict B, float* __restrict C, i64 ldc, int acc,
                     const float* __restrict bias, int last) {
  typename GV::T c[2 * MR];
  NB_UNROLL for (int i = 0; i < 2 * MR; i++) c[i] = GV::zero();
  const float* __restrict A1 = A + MR * k;
#pragma GCC unroll 4
  for (i64 p = 0; p < k; p++) {
    const typename GV::T b = GV::load(B);
    NB_UNROLL for (int i = 0; i < MR; i++) c[i] = GV::fma(GV::bcast(A + i), b, c[i]);
    NB_UNROLL for (int i = 0; i < MR; i++) c[MR + i] = GV::fma(GV::bcast(A1 + i), b, c[MR + i]);
    A += MR;
    A1 += MR;
    B += NR;
  }
  const typename GV::M m = GV::mask(last);
  const typename GV::T bv = bias ? (PART ? GV::loadM(bias, m) : GV::loadu(bias)) : GV::zero();
  NB_UNROLL for (int i = 0; i < 2 * MR; i++) {
    float* ci = C + i * ldc;
    if (acc) c[i] = GV::add(c[i], PART ? GV::loadM(ci, m) : GV::loadu(ci));
    c[i] = GV::add(c[i], bv);
    if (PART) GV::storePart(ci, c[i], last);
    else GV::storeu(ci, c[i]);
  }
}

static void ukrEdgePair(int nc, i64 k, const float* A, const float* B, float* C, i64 ldc, int acc, const float* bias) {
  if (nc == GV::W) pairTile<false>(k, A, B, C, ldc, acc, bias, nc);
  else pairTile<true>(k, A, B, C, ldc, acc, bias, nc);
}
#define NABLA_HAS_EDGE_PAIR 1

#elif defined(__aarch64__)
// 8 x 12 with NEON: 24 accumulators (8 rows x 3 quads), per k step 3 quads of B and 2 of A,
// each row's FMA by lane of A (fmla v.4s, v.4s, v.s[l]).
constexpr int MR = 8, NR = 12;
constexpr int MC = 128, KC = 256, NC = 2048;

template <int R>
static inline __attribute__((always_inline)) void neonTile(i64 k, const float* __restrict A, const float* __restrict B,
                                                           float32x4_t (&c)[8][3]) {
  NB_UNROLL for (int i = 0; i < R; i++) NB_UNROLL for (int j = 0; j < 3; j++) c[i][j] = vdupq_n_f32(0.f);
#pragma GCC unroll 4
  for (i64 p = 0; p < k; p++) {
    const float32x4_t b0 = vld1q_f32(B), b1 = vld1q_f32(B + 4), b2 = vld1q_f32(B + 8);
    const float32x4_t a0 = vld1q_f32(A), a1 = vld1q_f32(A + 4);
    NB_UNROLL for (int i = 0; i < R; i++) {
      const float32x4_t a = i < 4 ? a0 : a1;
      const int l = i & 3;
      // lane index must be a constant: the switch folds away after unrolling
      switch (l) {
        case 0: c[i][0] = vfmaq_laneq_f32(c[i][0], b0, a, 0); c[i][1] = vfmaq_laneq_f32(c[i][1], b1, a, 0); c[i][2] = vfmaq_laneq_f32(c[i][2], b2, a, 0); break;
        case 1: c[i][0] = vfmaq_laneq_f32(c[i][0], b0, a, 1); c[i][1] = vfmaq_laneq_f32(c[i][1], b1, a, 1); c[i][2] = vfmaq_laneq_f32(c[i][2], b2, a, 1); break;
        case 2: c[i][0] = vfmaq_laneq_f32(c[i][0], b0, a, 2); c[i][1] = vfmaq_laneq_f32(c[i][1], b1, a, 2); c[i][2] = vfmaq_laneq_f32(c[i][2], b2, a, 2); break;
        default: c[i][0] = vfmaq_laneq_f32(c[i][0], b0, a, 3); c[i][1] = vfmaq_laneq_f32(c[i][1], b1, a, 3); c[i][2] = vfmaq_laneq_f32(c[i][2], b2, a, 3); break;
      }
    }
    A += MR;
    B += NR;
  }
}

static void ukr(i64 k, const float* __restrict A, const float* __restrict B, float* __restrict C, i64 ldc, int acc,
                const float* __restrict bias) {
  float32x4_t c[8][3];
  neonTile<MR>(k, A, B, c);
  NB_UNROLL for (int i = 0; i < MR; i++) {
    float* cr = C + i * ldc;
    NB_UNROLL for (int j = 0; j < 3; j++) {
      float32x4_t v = c[i][j];
      if (acc) v = vaddq_f32(v, vld1q_f32(cr + 4 * j));
      if (bias) v = vaddq_f32(v, vld1q_f32(bias + 4 * j));
      vst1q_f32(cr + 4 * j, v);
    }
  }
}

template <int R>
static void neonEdge(int nc, i64 k, const float* A, const float* B, float* C, i64 ldc, int acc, const float* bias) {
  float32x4_t c[8][3];
  neonTile<R>(k, A, B, c);
  for (int i = 0; i < R; i++) {
    float t[NR];
    NB_UNROLL for (int j = 0; j < 3; j++) vst1q_f32(t + 4 * j, c[i][j]);
    float* cr = C + i * ldc;
    for (int j = 0; j < nc; j++) {
      float v = t[j];
      if (acc) v = cr[j] + v;
      if (bias) v += bias[j];
      cr[j] = v;
    }
  }
}
using NeonEdgeFn = void (*)(int, i64, const float*, const float*, float*, i64, int, const float*);
template <int... Rs>
static constexpr std::array<NeonEdgeFn, MR> neonEdges(std::integer_sequence<int, Rs...>) {
  return {{neonEdge<Rs + 1>...}};
}
static constexpr auto neonEdgeTable = neonEdges(std::make_integer_sequence<int, MR>{});

static void ukrEdge(int r, int nc, i64 k, const float* A, const float* B, float* C, i64 ldc, int acc, const float* bias) {
  neonEdgeTable[r - 1](nc, k, A, B, C, ldc, acc, bias);
}

#elif defined(__wasm_simd128__)
// WebAssembly SIMD128: 4-float vectors, a multiply and an add per step (no FMA outside relaxed
// SIMD), registers allocated by the engine (16 xmm in V8 on x86-64). MR x 4 NV tile, chosen by
// measurement (-DNABLA_WASM_MR / -DNABLA_WASM_NV override it): the export alone in Node 20 on
// Zen 4, GFLOP/s best/median of 15 rounds interleaved, shared machine (load ~7 on 2 cores):
//            n=1024      n=256       64x256x784 (W2's Linear, B transposed)
//   4 x 12   28.0/18.7   30.6/21.4   29.6/20.0
//   4 x 16   28.0/19.6   32.5/19.4   30.6/20.5
//   6 x 8    30.6/18.1   34.8/20.7   30.2/20.3
//   8 x 8    33.3/21.9   37.5/21.6   32.5/21.5   <- (16 accumulators: V8 keeps them in registers)
// (an earlier round also had 3 x 16, 4 x 8 and 5 x 8 below these)
#ifndef NABLA_WASM_MR
#define NABLA_WASM_MR 8
#endif
#ifndef NABLA_WASM_NV
#define NABLA_WASM_NV 2
#endif
constexpr int MR = NABLA_WASM_MR, NV = NABLA_WASM_NV, NR = 4 * NV;
constexpr int MC = MR * 32, KC = 256, NC = 2048;
typedef float WV __attribute__((vector_size(16)));

static inline __attribute__((always_inline)) WV wload(const float* p) {
  WV v;
  __builtin_memcpy(&v, p, sizeof v);
  return v;
}
static inline __attribute__((always_inline)) void wstore(float* p, WV v) { __builtin_memcpy(p, &v, sizeof v); }

// R rows x NV vectors of C = Ap . Bp (Ap packed MR rows per k step, Bp NR columns)
template <int R>
static inline __attribute__((always_inline)) void wasmTile(i64 k, const float* __restrict A, const float* __restrict B,
                                                           WV (&c)[MR][NV]) {
  NB_UNROLL for (int i = 0; i < R; i++) NB_UNROLL for (int j = 0; j < NV; j++) c[i][j] = WV{0.f, 0.f, 0.f, 0.f};
#pragma GCC unroll 2
  for (i64 p = 0; p < k; p++) {
    WV b[NV];
    NB_UNROLL for (int j = 0; j < NV; j++) b[j] = wload(B + 4 * j);
    NB_UNROLL for (int i = 0; i < R; i++) {
      const float ai = A[i];
      const WV a = WV{ai, ai, ai, ai};
      NB_UNROLL for (int j = 0; j < NV; j++) c[i][j] += a * b[j];
    }
    A += MR;
    B += NR;
  }
}

static void ukr(i64 k, const float* __restrict A, const float* __restrict B, float* __restrict C, i64 ldc, int acc,
                const float* __restrict bias) {
  WV c[MR][NV];
  wasmTile<MR>(k, A, B, c);
  NB_UNROLL for (int i = 0; i < MR; i++) {
    float* cr = C + i * ldc;
    NB_UNROLL for (int j = 0; j < NV; j++) {
      WV v = c[i][j];
      if (acc) v += wload(cr + 4 * j);
      if (bias) v += wload(bias + 4 * j);
      wstore(cr + 4 * j, v);
    }
  }
}

// The first r rows and nc columns: r rows of whole vectors computed, nc columns stored
template <int R>
static void wasmEdge(int nc, i64 k, const float* A, const float* B, float* C, i64 ldc, int acc, const float* bias) {
  WV c[MR][NV];
  wasmTile<R>(k, A, B, c);
  for (int i = 0; i < R; i++) {
    float t[NR];
    NB_UNROLL for (int j = 0; j < NV; j++) wstore(t + 4 * j, c[i][j]);
    float* cr = C + i * ldc;
    for (int j = 0; j < nc; j++) {
      float v = t[j];
      if (acc) v = cr[j] + v;
      if (bias) v += bias[j];
      cr[j] = v;
    }
  }
}
using WasmEdgeFn = void (*)(int, i64, const float*, const float*, float*, i64, int, const float*);
template <int... Rs>
static constexpr std::array<WasmEdgeFn, MR> wasmEdges(std::integer_sequence<int, Rs...>) {
  return {{wasmEdge<Rs + 1>...}};
}
static constexpr auto wasmEdgeTable = wasmEdges(std::make_integer_sequence<int, MR>{});

static void ukrEdge(int r, int nc, i64 k, const float* A, const float* B, float* C, i64 ldc, int acc, const float* bias) {
  wasmEdgeTable[r - 1](nc, k, A, B, C, ldc, acc, bias);
}

#else
// Portable: plain loops over a small tile the compiler keeps in vector registers.
constexpr int MR = 4, NR = 8;
constexpr int MC = 128, KC = 256, NC = 2048;

static inline void plainTile(i64 k, const float* __restrict A, const float* __restrict B, float (&c)[MR][NR]) {
  for (int i = 0; i < MR; i++) for (int j = 0; j < NR; j++) c[i][j] = 0.f;
  for (i64 p = 0; p < k; p++) {
    NB_UNROLL for (int i = 0; i < MR; i++) {
      const float a = A[i];
      NB_UNROLL for (int j = 0; j < NR; j++) c[i][j] += a * B[j];
    }
    A += MR;
    B += NR;
  }
}

static void ukrEdge(int r, int nc, i64 k, const float* A, const float* B, float* C, i64 ldc, int acc, const float* bias) {
  float c[MR][NR];
  plainTile(k, A, B, c);
  for (int i = 0; i < r; i++) {
    float* cr = C + i * ldc;
    for (int j = 0; j < nc; j++) {
      float v = c[i][j];
      if (acc) v = cr[j] + v;
      if (bias) v += bias[j];
      cr[j] = v;
    }
  }
}

static void ukr(i64 k, const float* __restrict A, const float* __restrict B, float* __restrict C, i64 ldc, int acc,
                const float* __restrict bias) {
  ukrEdge(MR, NR, k, A, B, C, ldc, acc, bias);
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
static inline void transposeBlock(__m512 r[16]) {
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
#elif defined(__AVX2__)
// In-register transpose of an 8 x 8 block.
static inline void transposeBlock(__m256 r[8]) {
  __m256 t[8];
  for (int i = 0; i < 4; i++) {
    t[2 * i] = _mm256_unpacklo_ps(r[2 * i], r[2 * i + 1]);
    t[2 * i + 1] = _mm256_unpackhi_ps(r[2 * i], r[2 * i + 1]);
  }
  for (int i = 0; i < 2; i++) {
    r[4 * i] = _mm256_shuffle_ps(t[4 * i], t[4 * i + 2], 0x44);
    r[4 * i + 1] = _mm256_shuffle_ps(t[4 * i], t[4 * i + 2], 0xEE);
    r[4 * i + 2] = _mm256_shuffle_ps(t[4 * i + 1], t[4 * i + 3], 0x44);
    r[4 * i + 3] = _mm256_shuffle_ps(t[4 * i + 1], t[4 * i + 3], 0xEE);
  }
  for (int i = 0; i < 4; i++) {
    t[i] = _mm256_permute2f128_ps(r[i], r[i + 4], 0x20);
    t[i + 4] = _mm256_permute2f128_ps(r[i], r[i + 4], 0x31);
  }
  for (int i = 0; i < 8; i++) r[i] = t[i];
}
#endif

#if defined(__AVX512F__) || defined(__AVX2__)
// dst[p*Wd + r] = row(r)[p] for r < rows (zero for rows <= r < Wd), p < k: packing of an operand
// whose rows are contiguous in k, GV::W x GV::W blocks at a time through registers. row(r) is a
// pointer to the k values of row r.
template <int Wd, class Row>
static inline void packTransposedRows(i64 rows, i64 k, Row row, float* __restrict dst) {
  constexpr int W = GV::W;
  for (int r0 = 0; r0 < Wd; r0 += W) {
    const int nr = (int)(rows - r0 < 0 ? 0 : (rows - r0 > W ? W : rows - r0));
    const int wr = Wd - r0 < W ? Wd - r0 : W;  // columns of dst written by this block
    const float* src[W];
    for (int i = 0; i < nr; i++) src[i] = row(r0 + i);
    for (i64 p0 = 0; p0 < k; p0 += W) {
      const int np = (int)(k - p0 < W ? k - p0 : W);
      typename GV::T r[W];
      if (np == W) {
        for (int i = 0; i < W; i++) r[i] = i < nr ? GV::loadu(src[i] + p0) : GV::zero();
      } else {
        const typename GV::M lmask = GV::mask(np);
        for (int i = 0; i < W; i++) r[i] = i < nr ? GV::loadM(src[i] + p0, lmask) : GV::zero();
      }
      transposeBlock(r);
      if (wr == W) {
        for (int i = 0; i < np; i++) GV::storeu(dst + (p0 + i) * Wd + r0, r[i]);
      } else if (Wd > W) {
        for (int i = 0; i < np; i++) GV::storePart(dst + (p0 + i) * Wd + r0, r[i], wr);
      } else {
        // a narrower panel (MR = 6 of 8 lanes): each full store spills into the next k step's
        // first lanes, which that step's store then overwrites; only the last k step goes
        // through a buffer (masked stores are microcoded and slow on AMD's AVX2 cores)
        const i64 pend = p0 + np == k ? np - 1 : np;
        for (int i = 0; i < pend; i++) GV::storeu(dst + (p0 + i) * Wd + r0, r[i]);
        if (pend < np) {
          GV::storePart(dst + (p0 + np - 1) * Wd + r0, r[np - 1], wr);
        }
      }
    }
  }
}

static void packA(i64 mr, i64 k, const float* a, i64 rs, i64 cs, float* Ap) {
  if (cs == 1 && k >= 8) packTransposedRows<MR>(mr, k, [&](i64 i) { return a + i * rs; }, Ap);
  else packAPlain(mr, k, a, rs, cs, Ap);
}
static void packB(i64 nr, i64 k, const float* b, i64 rs, i64 cs, float* Bp) {
  if (rs == 1 && k >= 8) packTransposedRows<NR>(nr, k, [&](i64 j) { return b + j * cs; }, Bp);
  else packBPlain(nr, k, b, rs, cs, Bp);
}
static void packBIndirect(i64 nr, i64 k, const float* const* rows, i64 off, float* __restrict Bp) {
  packTransposedRows<NR>(nr, k, [&](i64 j) { return rows[j] + off; }, Bp);
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
