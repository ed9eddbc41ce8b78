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
  // the first n (0 <= n <= W) elements, zeros above; nothing above is touched in memory
  static T loadN(const float* p, int n) { return _mm512_maskz_loadu_ps((__mmask16)((1u << n) - 1), p); }
  static void storeN(float* p, T v, int n) { _mm512_mask_storeu_ps(p, (__mmask16)((1u << n) - 1), v); }
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
  static __m256i mask(int n) {
    alignas(32) static const int32_t tbl[16] = {-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};
    return _mm256_loadu_si256((const __m256i*)(tbl + 8 - n));
  }
  static T zero() { return _mm256_setzero_ps(); }
  static T load(const float* p) { return _mm256_loadu_ps(p); }
  static void store(float* p, T v) { _mm256_storeu_ps(p, v); }
  static T loadN(const float* p, int n) { return _mm256_maskload_ps(p, mask(n)); }
  static void storeN(float* p, T v, int n) { _mm256_maskstore_ps(p, mask(n), v); }
  static T bcast(float x) { return _mm256_set1_ps(x); }
  static T fma(T a, T b, T c) { return _mm256_fmadd_ps(a, b, c); }
  static T add(T a, T b) { return _mm256_add_ps(a, b); }
  static __m256 half(T a) { return a; }
};
#endif

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
static inline i64 alignHead(const float* p, i64 ld, i64 len) {
  if (ld % V::W != 0) return 0;
  const i64 mis = (i64)(((uintptr_t)p / sizeof(float)) % V::W);
  const i64 h = mis == 0 ? 0 : V::W - mis;
  return h < len ? h : 0;
}

// C[0:M, 0:J] (+)= A[0:M, :] . B[0:J, :]^T (+ bias[0:J]); J is 1 or a multiple of 4. The first
// `head` elements of k are taken alone (masked), so that the main loop's loads of B are aligned.
template <int M, int J>
static inline void dotTile(i64 k, i64 head, const float* __restrict a, i64 lda, const float* __restrict b, i64 ldb,
                           float* __restrict c, i64 ldc, int beta, const float* __restrict bias) {
  V::T acc[M][J];
  NB_UNROLL for (int i = 0; i < M; i++) NB_UNROLL for (int j = 0; j < J; j++) acc[i][j] = V::zero();
  i64 p = 0;
  if (head > 0) {
    V::T bv[J];
    NB_UNROLL for (int j = 0; j < J; j++) bv[j] = V::loadN(b + j * ldb, (int)head);
    NB_UNROLL for (int i = 0; i < M; i++) {
      const V::T av = V::loadN(a + i * lda, (int)head);
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
      keep(bv[j]);
    }
    NB_UNROLL for (int i = 0; i < M; i++) {
      const V::T av = V::load(a + i * lda + p);
      NB_UNROLL for (int j = 0; j < J; j++) acc[i][j] = V::fma(av, bv[j], acc[i][j]);
    }
  }
  if (p < k) {
    const int r = (int)(k - p);
    V::T bv[J];
    NB_UNROLL for (int j = 0; j < J; j++) bv[j] = V::loadN(b + j * ldb + p, r);
    NB_UNROLL for (int i = 0; i < M; i++) {
      const V::T av = V::loadN(a + i * lda + p, r);
      NB_UNROLL for (int j = 0; j < J; j++) acc[i][j] = V::fma(av, bv[j], acc[i][j]);
    }
  }
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
  i64 j = 0;
  for (; j + J <= n; j += J) dotTile<M, J>(k, h, a, lda, b + j * ldb, ldb, c + j, ldc, beta, bias ? bias + j : nullptr);
  if (J > 4)
    for (; j + 4 <= n; j += 4) dotTile<M, 4>(k, h, a, lda, b + j * ldb, ldb, c + j, ldc, beta, bias ? bias + j : nullptr);
  for (; j < n; j++) dotTile<M, 1>(k, h, a, lda, b + j * ldb, ldb, c + j, ldc, beta, bias ? bias + j : nullptr);
}

// C[0:M, 0:cols] (+)= A[0:M, :] . B[:, 0:cols] (+ bias), cols <= NV*W (all NV*W when FULL).
template <int M, int NV, bool FULL>
static inline void axpyTile(i64 k, const float* __restrict a, i64 lda, const float* __restrict b, i64 ldb,
                            float* __restrict c, i64 ldc, int beta, const float* __restrict bias, i64 cols) {
  V::T acc[M][NV];
  NB_UNROLL for (int i = 0; i < M; i++) NB_UNROLL for (int v = 0; v < NV; v++) acc[i][v] = V::zero();
  for (i64 p = 0; p < k; p++) {
    const float* bp = b + p * ldb;
    // B comes from L2 at best: fetch each line four rows ahead (~10 % faster)
    NB_UNROLL for (int v = 0; v < NV; v++) _mm_prefetch((const char*)(bp + 4 * ldb + v * V::W), _MM_HINT_T0);
    V::T bv[NV];
    NB_UNROLL for (int v = 0; v < NV; v++) {
      bv[v] = FULL ? V::load(bp + v * V::W) : V::loadN(bp + v * V::W, lanes(cols - v * V::W));
      keep(bv[v]);
    }
    NB_UNROLL for (int i = 0; i < M; i++) {
      const V::T av = V::bcast(a[i * lda + p]);
      NB_UNROLL for (int v = 0; v < NV; v++) acc[i][v] = V::fma(av, bv[v], acc[i][v]);
    }
  }
  NB_UNROLL for (int i = 0; i < M; i++) {
    float* ci = c + i * ldc;
    NB_UNROLL for (int v = 0; v < NV; v++) {
      const int nl = FULL ? V::W : lanes(cols - v * V::W);
      if (!FULL && nl == 0) continue;
      V::T r = acc[i][v];
      if (beta) r = V::add(FULL ? V::load(ci + v * V::W) : V::loadN(ci + v * V::W, nl), r);
      if (bias) r = V::add(r, FULL ? V::load(bias + v * V::W) : V::loadN(bias + v * V::W, nl));
      if (FULL) V::store(ci + v * V::W, r);
      else V::storeN(ci + v * V::W, r, nl);
    }
  }
}

// C[0:M, 0:h] (+)= A[0:M, :] . B[:, 0:h] (+ bias) for h < W columns (the unaligned head): one
// masked vector per row of B, four partial sums over k (one FMA chain would be latency-bound).
template <int M>
static inline void axpyHead(i64 k, const float* __restrict a, i64 lda, const float* __restrict b, i64 ldb,
                            float* __restrict c, i64 ldc, int beta, const float* __restrict bias, int h) {
  V::T acc[4][M];
  NB_UNROLL for (int u = 0; u < 4; u++) NB_UNROLL for (int i = 0; i < M; i++) acc[u][i] = V::zero();
  i64 p = 0;
  for (; p + 4 <= k; p += 4) {
    NB_UNROLL for (int u = 0; u < 4; u++) {
      const V::T bv = V::loadN(b + (p + u) * ldb, h);
      NB_UNROLL for (int i = 0; i < M; i++) acc[u][i] = V::fma(V::bcast(a[i * lda + p + u]), bv, acc[u][i]);
    }
  }
  for (; p < k; p++) {
    const V::T bv = V::loadN(b + p * ldb, h);
    NB_UNROLL for (int i = 0; i < M; i++) acc[0][i] = V::fma(V::bcast(a[i * lda + p]), bv, acc[0][i]);
  }
  NB_UNROLL for (int i = 0; i < M; i++) {
    float* ci = c + i * ldc;
    V::T r = V::add(V::add(acc[0][i], acc[1][i]), V::add(acc[2][i], acc[3][i]));
    if (beta) r = V::add(V::loadN(ci, h), r);
    if (bias) r = V::add(r, V::loadN(bias, h));
    V::storeN(ci, r, h);
  }
}

template <int M, int NV>
static void smallNRows(i64 n, i64 k, const float* a, i64 lda, const float* b, i64 ldb, float* c, i64 ldc, int beta,
                       const float* bias) {
  constexpr i64 CW = NV * V::W;
  // the first columns alone, so that the wide tiles load B aligned
  i64 j = alignHead(b, ldb, n);
  if (j > 0) axpyHead<M>(k, a, lda, b, ldb, c, ldc, beta, bias, (int)j);
  for (; j + CW <= n; j += CW) axpyTile<M, NV, true>(k, a, lda, b + j, ldb, c + j, ldc, beta, bias ? bias + j : nullptr, CW);
  if (j < n) axpyTile<M, NV, false>(k, a, lda, b + j, ldb, c + j, ldc, beta, bias ? bias + j : nullptr, n - j);
}

static void smallT(i64 m, i64 n, i64 k, const float* a, i64 lda, const float* b, i64 ldb, float* c, i64 ldc, int beta,
                   const float* bias) {
  switch (m) {
    case 1: return smallTRows<1, 8>(n, k, a, lda, b, ldb, c, ldc, beta, bias);
    case 2: return smallTRows<2, 4>(n, k, a, lda, b, ldb, c, ldc, beta, bias);
    case 3: return smallTRows<3, 4>(n, k, a, lda, b, ldb, c, ldc, beta, bias);
    default: return smallTRows<4, 4>(n, k, a, lda, b, ldb, c, ldc, beta, bias);
  }
}

static void smallN(i64 m, i64 n, i64 k, const float* a, i64 lda, const float* b, i64 ldb, float* c, i64 ldc, int beta,
                   const float* bias) {
  switch (m) {
    case 1: return smallNRows<1, 8>(n, k, a, lda, b, ldb, c, ldc, beta, bias);
    case 2: return smallNRows<2, 6>(n, k, a, lda, b, ldb, c, ldc, beta, bias);
    case 3: return smallNRows<3, 4>(n, k, a, lda, b, ldb, c, ldc, beta, bias);
    default: return smallNRows<4, 4>(n, k, a, lda, b, ldb, c, ldc, beta, bias);
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
