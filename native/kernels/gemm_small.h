// GEMM for a few rows of C (m <= 4 per call: batch-1 inference; gemm.cc runs m <= 8 as row groups), without
// packing: packing B would stream the whole of B through memory twice more for a product that
// reads it once. Included by isa_impl.h inside its ISA namespace (so compiled once per ISA).
//
//   smallT:  C[m x n] = (beta ? C : 0) + A B^T (+ bias)   A m x k, B n x k, both with rows contiguous
//            (Linear's x W^T): each C[i, j] is a dot product of two contiguous rows. A tile of
//            M rows of A by J rows of B keeps M*J vector accumulators (enough independent FMA
//            chains to hide the FMA latency), reads each row of B once per M rows of A, and
//            reduces the accumulators four at a time with one transposing horizontal add.
//   smallN:  C[m x n] = (beta ? C : 0) + A B (+ bias)     A m x k rows contiguous, B k x n rows contiguous:
//            row axpys, with a tile of M rows x NV vectors of C held in registers over all of k.
//
// `bias` (may be null) is added to every row: C[i, j] += bias[j], after the product and C.
// C is never read when beta = 0.

#if defined(__AVX512F__) || defined(__AVX2__)

#if defined(__AVX512F__)
struct V {
  typedef __m512 T;
  static constexpr int W = 16;
  static T zero() { return _mm512_setzero_ps(); }
  static T load(const float* p) { return _mm512_loadu_ps(p); }
  static void store(float* p, T v) { _mm512_storeu_ps(p, v); }
  typedef __m512i I;
  static __mmask16 range(int lo, int hi) { return (__mmask16)(((1u << hi) - 1) & ~((1u << lo) - 1)); }
  // lanes [lo, hi) from p[lo..hi), zeros elsewhere; memory outside them is not touched
  static T loadR(const float* p, int lo, int hi) { return _mm512_maskz_loadu_ps(range(lo, hi), p); }
  static void storeR(float* p, T v, int lo, int hi) { _mm512_mask_storeu_ps(p, range(lo, hi), v); }
  // lane i of the result is lane (i + r) mod W of v
  static I rotation(int r) {
    return _mm512_and_si512(_mm512_add_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15), _mm512_set1_epi32(r)),
                            _mm512_set1_epi32(15));
  }
  static T permute(T v, I idx) { return _mm512_permutexvar_ps(idx, v); }
  static T bcast(float x) { return _mm512_set1_ps(x); }
  static T fma(T a, T b, T c) { return _mm512_fmadd_ps(a, b, c); }
  static T add(T a, T b) { return _mm512_add_ps(a, b); }
  static __m256 half(T a) {
    // zero-masked extracts: the plain ones (and the 512->256 cast) trip GCC 12's -Wuninitialized
    return _mm256_add_ps(_mm512_maskz_extractf32x8_ps(0xFF, a, 0), _mm512_maskz_extractf32x8_ps(0xFF, a, 1));
  }
};
#else
struct V {
  typedef __m256 T;
  static constexpr int W = 8;
  typedef __m256i I;
  static I range(int lo, int hi) {
    const __m256i i = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    return _mm256_and_si256(_mm256_cmpgt_epi32(i, _mm256_set1_epi32(lo - 1)), _mm256_cmpgt_epi32(_mm256_set1_epi32(hi), i));
  }
  static T loadR(const float* p, int lo, int hi) { return _mm256_maskload_ps(p, range(lo, hi)); }
  static void storeR(float* p, T v, int lo, int hi) { _mm256_maskstore_ps(p, range(lo, hi), v); }
  static I rotation(int r) {
    return _mm256_and_si256(_mm256_add_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7), _mm256_set1_epi32(r)), _mm256_set1_epi32(7));
  }
  static T permute(T v, I idx) { return _mm256_permutevar8x32_ps(v, idx); }
  static T zero() { return _mm256_setzero_ps(); }
  static T load(const float* p) { return _mm256_loadu_ps(p); }
  static void store(float* p, T v) { _mm256_storeu_ps(p, v); }
  static T bcast(float x) { return _mm256_set1_ps(x); }
  static T fma(T a, T b, T c) { return _mm256_fmadd_ps(a, b, c); }
  static T add(T a, T b) { return _mm256_add_ps(a, b); }
  static __m256 half(T a) { return a; }
};
#endif

// the first n (0 <= n <= W) elements, zeros above
static inline V::T loadN(const float* p, int n) { return V::loadR(p, 0, n); }
static inline void storeN(float* p, V::T v, int n) { V::storeR(p, v, 0, n); }

// p - s as an address (it may lie before the array: only lanes at or after p are accessed)
template <class F>
static inline F* backBy(F* p, i64 s) {
  return reinterpret_cast<F*>(reinterpret_cast<uintptr_t>(p) - (uintptr_t)s * sizeof(float));
}

// [sum a, sum b, sum c, sum d] of four 8-lane vectors
static inline __m128 hsum4(__m256 a, __m256 b, __m256 c, __m256 d) {
  const __m256 s = _mm256_hadd_ps(_mm256_hadd_ps(a, b), _mm256_hadd_ps(c, d));
  return _mm_add_ps(_mm256_castps256_ps128(s), _mm256_extractf128_ps(s, 1));
}
static inline float hsum1(__m256 a) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

// Keeps v in a register: otherwise GCC folds the load into each FMA that uses it, loading a row
// of B once per row of A instead of once.
static inline void keep(V::T& v) { __asm__("" : "+v"(v)); }

static inline int lanes(i64 rem) { return rem <= 0 ? 0 : rem >= V::W ? V::W : (int)rem; }

// Elements to handle before p + h is vector-aligned (64 bytes on AVX-512), for rows of stride ld
// that all share p's alignment (0 otherwise, or when nothing would be left after it). Streaming B
// from L2 with aligned loads instead of loads that each straddle two cache lines is ~1.4x faster
// (m = 1, 256 x 784 on AVX-512: 5.4 vs 7.7 us), and a Float32Array's data is usually not aligned.
// The results must not depend on where the arrays happen to lie (a run resumed from a checkpoint
// must end bit for bit where an uninterrupted one ends), so the peeled kernels keep every
// element's place in the summation order (see dotTile and smallNRows).
static inline i64 alignHead(const float* p, i64 ld, i64 len) {
  if (ld % V::W != 0) return 0;
  const i64 mis = (i64)(((uintptr_t)p / sizeof(float)) % V::W);
  const i64 h = mis == 0 ? 0 : V::W - mis;
  return h < len ? h : 0;
}

// C[0:M, 0:J] (+)= A[0:M, :] . B[0:J, :]^T (+ bias[0:J]); J is 1 or a multiple of 4.
// Element p of k is summed in lane p mod W, in order of p, then the lanes are added in a fixed
// tree. With head = h > 0 the main loop starts at p = h, where B's loads are aligned, so lane l
// there holds the elements p = h + l (mod W); the first h elements are loaded into the same
// lanes (from h - W, masked), and the lanes are rotated back (`back`) before the final sum: the
// same operations in the same order as with h = 0, only in permuted lanes.
template <int M, int J>
static inline void dotTile(i64 k, i64 head, V::I back, const float* __restrict a, i64 lda, const float* __restrict b,
                           i64 ldb, float* __restrict c, i64 ldc, int beta, const float* __restrict bias) {
  V::T acc[M][J];
  NB_UNROLL for (int i = 0; i < M; i++) NB_UNROLL for (int j = 0; j < J; j++) acc[i][j] = V::zero();
  i64 p = 0;
  if (head > 0) {
    const int sk = V::W - (int)head;
    V::T bv[J];
    NB_UNROLL for (int j = 0; j < J; j++) bv[j] = V::loadR(backBy(b + j * ldb, sk), sk, V::W);
    NB_UNROLL for (int i = 0; i < M; i++) {
      const V::T av = V::loadR(backBy(a + i * lda, sk), sk, V::W);
      NB_UNROLL for (int j = 0; j < J; j++) acc[i][j] = V::fma(av, bv[j], acc[i][j]);
    }
    p = head;
  }
  for (; p + V::W <= k; p += V::W) {
    V::T bv[J];
    NB_UNROLL for (int j = 0; j < J; j++) {
      // each row of B streams from L2: fetch four lines ahead (~10 % faster)
      _mm_prefetch((const char*)(b + j * ldb + p + 64), _MM_HINT_T0);
      bv[j] = V::load(b + j * ldb + p);
      if (M > 1) keep(bv[j]);
    }
    NB_UNROLL for (int i = 0; i < M; i++) {
      const V::T av = V::load(a + i * lda + p);
      NB_UNROLL for (int j = 0; j < J; j++) acc[i][j] = V::fma(av, bv[j], acc[i][j]);
    }
  }
  if (p < k) {
    const int r = (int)(k - p);
    V::T bv[J];
    NB_UNROLL for (int j = 0; j < J; j++) bv[j] = loadN(b + j * ldb + p, r);
    NB_UNROLL for (int i = 0; i < M; i++) {
      const V::T av = loadN(a + i * lda + p, r);
      NB_UNROLL for (int j = 0; j < J; j++) acc[i][j] = V::fma(av, bv[j], acc[i][j]);
    }
  }
  if (head > 0)
    NB_UNROLL for (int i = 0; i < M; i++) NB_UNROLL for (int j = 0; j < J; j++) acc[i][j] = V::permute(acc[i][j], back);
  NB_UNROLL for (int i = 0; i < M; i++) {
    float* ci = c + i * ldc;
    if (J == 1) {
      float s = hsum1(V::half(acc[i][0]));
      if (beta) s = ci[0] + s;
      if (bias) s += bias[0];
      ci[0] = s;
    } else {
      NB_UNROLL for (int j = 0; j < J; j += 4) {
        __m128 s = hsum4(V::half(acc[i][j]), V::half(acc[i][j + 1]), V::half(acc[i][j + 2]), V::half(acc[i][j + 3]));
        if (beta) s = _mm_add_ps(_mm_loadu_ps(ci + j), s);
        if (bias) s = _mm_add_ps(s, _mm_loadu_ps(bias + j));
        _mm_storeu_ps(ci + j, s);
      }
    }
  }
}

template <int M, int J>
static void smallTRows(i64 n, i64 k, const float* a, i64 lda, const float* b, i64 ldb, float* c, i64 ldc, int beta,
                       const float* bias) {
  const i64 h = alignHead(b, ldb, k);
  const V::I back = V::rotation(V::W - (int)h);
  i64 j = 0;
  for (; j + J <= n; j += J) dotTile<M, J>(k, h, back, a, lda, b + j * ldb, ldb, c + j, ldc, beta, bias ? bias + j : nullptr);
  if (J > 4)
    for (; j + 4 <= n; j += 4) dotTile<M, 4>(k, h, back, a, lda, b + j * ldb, ldb, c + j, ldc, beta, bias ? bias + j : nullptr);
  for (; j < n; j++) dotTile<M, 1>(k, h, back, a, lda, b + j * ldb, ldb, c + j, ldc, beta, bias ? bias + j : nullptr);
}

// C[0:M, lo:cols] (+)= A[0:M, :] . B[:, lo:cols] (+ bias), lo < W, cols <= NV*W (lo = 0 and
// cols = NV*W when FULL). Each column is one FMA chain over k in order, whatever the tiling.
template <int M, int NV, bool FULL>
static inline void axpyTile(i64 k, const float* __restrict a, i64 lda, const float* __restrict b, i64 ldb,
                            float* __restrict c, i64 ldc, int beta, const float* __restrict bias, i64 lo, i64 cols) {
  V::T acc[M][NV];
  NB_UNROLL for (int i = 0; i < M; i++) NB_UNROLL for (int v = 0; v < NV; v++) acc[i][v] = V::zero();
  for (i64 p = 0; p < k; p++) {
    const float* bp = b + p * ldb;
    // B comes from L2 at best: fetch each line four rows ahead (~10 % faster)
    NB_UNROLL for (int v = 0; v < NV; v++) _mm_prefetch((const char*)(bp + 4 * ldb + v * V::W), _MM_HINT_T0);
    V::T bv[NV];
    NB_UNROLL for (int v = 0; v < NV; v++) {
      bv[v] = FULL ? V::load(bp + v * V::W) : V::loadR(bp + v * V::W, v == 0 ? (int)lo : 0, lanes(cols - v * V::W));
      if (M > 1) keep(bv[v]);
    }
    NB_UNROLL for (int i = 0; i < M; i++) {
      const V::T av = V::bcast(a[i * lda + p]);
      NB_UNROLL for (int v = 0; v < NV; v++) acc[i][v] = V::fma(av, bv[v], acc[i][v]);
    }
  }
  NB_UNROLL for (int i = 0; i < M; i++) {
    float* ci = c + i * ldc;
    NB_UNROLL for (int v = 0; v < NV; v++) {
      const int l0 = FULL || v > 0 ? 0 : (int)lo;
      const int nl = FULL ? V::W : lanes(cols - v * V::W);
      if (!FULL && nl == 0) continue;
      V::T r = acc[i][v];
      if (beta) r = V::add(FULL ? V::load(ci + v * V::W) : V::loadR(ci + v * V::W, l0, nl), r);
      if (bias) r = V::add(r, FULL ? V::load(bias + v * V::W) : V::loadR(bias + v * V::W, l0, nl));
      if (FULL) V::store(ci + v * V::W, r);
      else V::storeR(ci + v * V::W, r, l0, nl);
    }
  }
}

template <int M, int NV>
static void smallNRows(i64 n, i64 k, const float* a, i64 lda, const float* b, i64 ldb, float* c, i64 ldc, int beta,
                       const float* bias) {
  constexpr i64 CW = NV * V::W;
  // with B misaligned by W - h elements, the first tile starts W - h columns early (at an aligned
  // address) with those lanes masked off, and every later tile is aligned
  // address) with those lanes masked off, and every later tile is aligned. A last vector left
  // over joins the tile before it (a tile of one vector per row would be one FMA chain, bound by
  // the FMA latency).
  i64 j = 0;
  const i64 h = alignHead(b, ldb, n);
  if (h > 0) {
    const i64 sk = V::W - h;
    const i64 cols = n + sk;  // columns from the aligned start
    if (cols <= CW) {
      axpyTile<M, NV, false>(k, a, lda, backBy(b, sk), ldb, backBy(c, sk), ldc, beta, bias ? backBy(bias, sk) : nullptr, sk, cols);
      return;
    }
    if (cols <= CW + V::W) {
      axpyTile<M, NV + 1, false>(k, a, lda, backBy(b, sk), ldb, backBy(c, sk), ldc, beta, bias ? backBy(bias, sk) : nullptr, sk, cols);
      return;
    }
    axpyTile<M, NV, false>(k, a, lda, backBy(b, sk), ldb, backBy(c, sk), ldc, beta, bias ? backBy(bias, sk) : nullptr, sk, CW);
    j = CW - sk;
  }
  for (; j + CW <= n; j += CW) {
    if (n - j > CW && n - j <= CW + V::W) {
      axpyTile<M, NV + 1, false>(k, a, lda, b + j, ldb, c + j, ldc, beta, bias ? bias + j : nullptr, 0, n - j);
      return;
    }
    axpyTile<M, NV, true>(k, a, lda, b + j, ldb, c + j, ldc, beta, bias ? bias + j : nullptr, 0, CW);
  }
  if (j < n) axpyTile<M, NV, false>(k, a, lda, b + j, ldb, c + j, ldc, beta, bias ? bias + j : nullptr, 0, n - j);
}

// Vectors per row of the axpy tiles for M = 2, 3, 4 rows of A: the M x NV accumulators, NV
// vectors of B and a broadcast of A should fit in the vector registers (32 with AVX-512, 16 with
// AVX2; measured on the 256 x 784 product).
#if defined(__AVX512F__)
constexpr int NV2 = 6, NV3 = 4, NV4 = 4;
#else
constexpr int NV2 = 4, NV3 = 3, NV4 = 2;
#endif

static void smallT(i64 m, i64 n, i64 k, const float* a, i64 lda, const float* b, i64 ldb, float* c, i64 ldc, int beta,
                   const float* bias) {
  switch (m) {
    case 1: return smallTRows<1, 8>(n, k, a, lda, b, ldb, c, ldc, beta, bias);
    case 2: return smallTRows<2, 4>(n, k, a, lda, b, ldb, c, ldc, beta, bias);
    case 3: return smallTRows<3, 4>(n, k, a, lda, b, ldb, c, ldc, beta, bias);
    default:
#if defined(__AVX512F__)
      return smallTRows<4, 4>(n, k, a, lda, b, ldb, c, ldc, beta, bias);
#else
      // 16 accumulators would leave no registers for B: two passes of two rows
      smallTRows<2, 4>(n, k, a, lda, b, ldb, c, ldc, beta, bias);
      return smallTRows<2, 4>(n, k, a + 2 * lda, lda, b, ldb, c + 2 * ldc, ldc, beta, bias);
#endif
  }
}

static void smallN(i64 m, i64 n, i64 k, const float* a, i64 lda, const float* b, i64 ldb, float* c, i64 ldc, int beta,
                   const float* bias) {
  switch (m) {
    case 1: return smallNRows<1, 8>(n, k, a, lda, b, ldb, c, ldc, beta, bias);
    case 2: return smallNRows<2, NV2>(n, k, a, lda, b, ldb, c, ldc, beta, bias);
    case 3: return smallNRows<3, NV3>(n, k, a, lda, b, ldb, c, ldc, beta, bias);
    default: return smallNRows<4, NV4>(n, k, a, lda, b, ldb, c, ldc, beta, bias);
  }
}

#elif defined(__wasm_simd128__)
// WebAssembly SIMD128 (WV, 4 floats, from gemm_ukr.h). smallT: M rows of A by J rows of B, M x J
// vector accumulators over k (each a dot product in four lanes, summed at the end); smallN: row
// axpys over NV vectors of C per row.
template <int M, int J>
static inline __attribute__((always_inline)) void dotTile(i64 k, const float* a, i64 lda, const float* b, i64 ldb, float (&out)[M][J]) {
  WV acc[M][J];
  NB_UNROLL for (int i = 0; i < M; i++) NB_UNROLL for (int j = 0; j < J; j++) acc[i][j] = WV{0.f, 0.f, 0.f, 0.f};
  i64 p = 0;
  for (; p + 4 <= k; p += 4) {
    WV av[M];
    NB_UNROLL for (int i = 0; i < M; i++) av[i] = wload(a + i * lda + p);
    NB_UNROLL for (int j = 0; j < J; j++) {
      const WV bv = wload(b + j * ldb + p);
      NB_UNROLL for (int i = 0; i < M; i++) acc[i][j] += av[i] * bv;
    }
  }
  NB_UNROLL for (int i = 0; i < M; i++) NB_UNROLL for (int j = 0; j < J; j++) {
    const WV v = acc[i][j];
    float s = (v[0] + v[2]) + (v[1] + v[3]);
    for (i64 q = p; q < k; q++) s += a[i * lda + q] * b[j * ldb + q];
    out[i][j] = s;
  }
}

template <int M, int J>
static void smallTRowsW(i64 n, i64 k, const float* a, i64 lda, const float* b, i64 ldb, float* c, i64 ldc, int beta,
                        const float* bias) {
  i64 j = 0;
  float t[M][J];
  for (; j + J <= n; j += J) {
    dotTile<M, J>(k, a, lda, b + j * ldb, ldb, t);
    NB_UNROLL for (int i = 0; i < M; i++) NB_UNROLL for (int q = 0; q < J; q++) {
      float s = t[i][q];
      if (beta) s = c[i * ldc + j + q] + s;
      if (bias) s += bias[j + q];
      c[i * ldc + j + q] = s;
    }
  }
  for (; j < n; j++) {
    float t1[M][1];
    dotTile<M, 1>(k, a, lda, b + j * ldb, ldb, t1);
    for (int i = 0; i < M; i++) {
      float s = t1[i][0];
      if (beta) s = c[i * ldc + j] + s;
      if (bias) s += bias[j];
      c[i * ldc + j] = s;
    }
  }
}

static void smallT(i64 m, i64 n, i64 k, const float* a, i64 lda, const float* b, i64 ldb, float* c, i64 ldc, int beta,
                   const float* bias) {
  switch (m) {
    case 1: return smallTRowsW<1, 8>(n, k, a, lda, b, ldb, c, ldc, beta, bias);
    case 2: return smallTRowsW<2, 4>(n, k, a, lda, b, ldb, c, ldc, beta, bias);
    case 3: return smallTRowsW<3, 3>(n, k, a, lda, b, ldb, c, ldc, beta, bias);
    default: return smallTRowsW<4, 2>(n, k, a, lda, b, ldb, c, ldc, beta, bias);
  }
}

template <int M, int NV>
static void smallNRowsW(i64 n, i64 k, const float* a, i64 lda, const float* b, i64 ldb, float* c, i64 ldc, int beta,
                        const float* bias) {
  i64 j = 0;
  for (; j + 4 * NV <= n; j += 4 * NV) {
    WV acc[M][NV];
    NB_UNROLL for (int i = 0; i < M; i++) NB_UNROLL for (int v = 0; v < NV; v++)
      acc[i][v] = beta ? wload(c + i * ldc + j + 4 * v) : WV{0.f, 0.f, 0.f, 0.f};
    for (i64 p = 0; p < k; p++) {
      WV bv[NV];
      NB_UNROLL for (int v = 0; v < NV; v++) bv[v] = wload(b + p * ldb + j + 4 * v);
      NB_UNROLL for (int i = 0; i < M; i++) {
        const float x = a[i * lda + p];
        const WV av = WV{x, x, x, x};
        NB_UNROLL for (int v = 0; v < NV; v++) acc[i][v] += av * bv[v];
      }
    }
    NB_UNROLL for (int i = 0; i < M; i++) NB_UNROLL for (int v = 0; v < NV; v++) {
      WV r = acc[i][v];
      if (bias) r += wload(bias + j + 4 * v);
      wstore(c + i * ldc + j + 4 * v, r);
    }
  }
  for (; j < n; j++) {
    for (int i = 0; i < M; i++) {
      float s = beta ? c[i * ldc + j] : 0.f;
      for (i64 p = 0; p < k; p++) s += a[i * lda + p] * b[p * ldb + j];
      if (bias) s += bias[j];
      c[i * ldc + j] = s;
    }
  }
}

static void smallN(i64 m, i64 n, i64 k, const float* a, i64 lda, const float* b, i64 ldb, float* c, i64 ldc, int beta,
                   const float* bias) {
  switch (m) {
    case 1: return smallNRowsW<1, 4>(n, k, a, lda, b, ldb, c, ldc, beta, bias);
    case 2: return smallNRowsW<2, 3>(n, k, a, lda, b, ldb, c, ldc, beta, bias);
    case 3: return smallNRowsW<3, 3>(n, k, a, lda, b, ldb, c, ldc, beta, bias);
    default: return smallNRowsW<4, 2>(n, k, a, lda, b, ldb, c, ldc, beta, bias);
  }
}

#else  // portable: plain loops (four partial sums per dot product)

static void smallT(i64 m, i64 n, i64 k, const float* a, i64 lda, const float* b, i64 ldb, float* c, i64 ldc, int beta,
                   const float* bias) {
  for (i64 i = 0; i < m; i++) {
    const float* ai = a + i * lda;
    float* ci = c + i * ldc;
    for (i64 j = 0; j < n; j++) {
      const float* bj = b + j * ldb;
      float s0 = 0.f, s1 = 0.f, s2 = 0.f, s3 = 0.f;
      i64 p = 0;
      for (; p + 4 <= k; p += 4) {
        s0 += ai[p] * bj[p];
        s1 += ai[p + 1] * bj[p + 1];
        s2 += ai[p + 2] * bj[p + 2];
        s3 += ai[p + 3] * bj[p + 3];
      }
      for (; p < k; p++) s0 += ai[p] * bj[p];
      float s = (s0 + s1) + (s2 + s3);
      if (beta) s = ci[j] + s;
      if (bias) s += bias[j];
      ci[j] = s;
    }
  }
}

static void smallN(i64 m, i64 n, i64 k, const float* a, i64 lda, const float* b, i64 ldb, float* c, i64 ldc, int beta,
                   const float* bias) {
  for (i64 i = 0; i < m; i++) {
    const float* ai = a + i * lda;
    float* __restrict ci = c + i * ldc;
    if (!beta) for (i64 j = 0; j < n; j++) ci[j] = 0.f;
    for (i64 p = 0; p < k; p++) {
      const float av = ai[p];
      const float* __restrict bp = b + p * ldb;
      for (i64 j = 0; j < n; j++) ci[j] += av * bp[j];
    }
    if (bias) for (i64 j = 0; j < n; j++) ci[j] += bias[j];
  }
}

#endif
