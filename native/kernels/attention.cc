// Fused scaled dot-product attention, float32 (AttentionArgs in src/backend/types.ts has the
// contract; src/ops/attention.ts the derivation). Per batch b and head h:
//
//   s_ij = scale q_i . k_j + mask_ij  (-inf for j > i when causal),  out_i = sum_j softmax_j(s_ij) v_j
//
// The FlashAttention schedule on a CPU: keys are taken in blocks of kBC; a block's keys are
// transposed once into Kt [d][kBC] (so a query row's kBC scores are d vector FMAs along the
// block), and each query row keeps a running maximum m, a running sum l = sum exp(s - m) and an
// accumulator acc = sum exp(s - m) v, rescaled by exp(m_old - m_new) when m grows. The output is
// acc / l and the only thing saved for the backward is lse = m + log l per row: memory O(kBC d)
// per thread, never the l x s matrix. With `causal`, a query row stops at its diagonal and key
// blocks wholly to its right are never visited.
//
// Backward (FlashAttention-2's), per (b, h), key block by key block: p_ij = exp(s_ij - lse_i) is
// recomputed, D_i = g_i . out_i, dp_ij = g_i . v_j, ds_ij = p_ij (dp_ij - D_i) scale, then
// dv_j += p_ij g_i, dk_j += ds_ij q_i, dq_i += ds_ij k_j. One (b, h) is one task, so its dq, dk,
// dv rows are written by one thread (no atomics) in a fixed order (deterministic).
//
// Tasks (forward: a block of kBR query rows of one (b, h); backward: one (b, h)) are claimed from
// a shared counter by the pool's threads. exp is fastmath::expF (about 1 ulp). The loops are
// compiled for the ISA in use (NB_MULTIVERSION).
#include <algorithm>
#include <atomic>
#include <cmath>
#include <vector>

#include "common.h"
#include "fastmath.h"
#include "strided.h"
#include "threadpool.h"

namespace nabla {

namespace {

constexpr i64 kBC = 64;  // keys per block
constexpr i64 kBR = 64;  // query rows per tile

using fastmath::expF;

// C (m x n, row stride ldc) (+)= op(A) op(B) on the calling thread (a tile of one task)
inline void tileGemm(i64 m, i64 n, i64 k, const float* a, i64 lda, int transA, const float* b, i64 ldb, int transB, float* c,
                     i64 ldc, int beta) {
  GemmCall g{};
  g.batch = 1;
  g.m = m;
  g.n = n;
  g.k = k;
  g.a = a;
  g.lda = lda;
  g.transA = transA;
  g.b = b;
  g.ldb = ldb;
  g.transB = transB;
  g.c = c;
  g.ldc = ldc;
  g.beta = beta;
  gemm(g, 1);
}

// One query row of a tile: sr[j] = scale sr[j] + mask[j] for j < je, -inf... then the online
// softmax update. Leaves p_j = exp(s_j - m_new) in sr[0..jn) (0 beyond je) and returns the factor
// exp(m_old - m_new) by which the row's accumulator must be scaled (1 when nothing changes).
template <int L>
NB_INLINE float softmaxRow_impl(float* __restrict sr, i64 je, i64 jn, float scale, const float* mr, i64 ms, float* m, float* lsum) {
  float mx = -INFINITY;
  if (mr) {
    for (i64 j = 0; j < je; j++) sr[j] = sr[j] * scale + mr[j * ms];
  } else {
#pragma omp simd
    for (i64 j = 0; j < je; j++) sr[j] *= scale;
  }
#pragma omp simd reduction(max : mx)
  for (i64 j = 0; j < je; j++) mx = sr[j] > mx ? sr[j] : mx;
  if (!(mx > -INFINITY)) {
    // nothing finite in this block (or a NaN score): no contribution (a NaN propagates through lsum)
    if (mx != mx) *lsum = NAN;
    std::fill(sr, sr + jn, 0.0f);
    return 1.0f;
  }
  const float mnew = *m > mx ? *m : mx;
  const float corr = expF(*m - mnew);  // 0 while m is still -inf
  float sum = 0.0f;
#pragma omp simd reduction(+ : sum)
  for (i64 j = 0; j < je; j++) {
    const float p = expF(sr[j] - mnew);
    sr[j] = p;
    sum += p;
  }
  for (i64 j = je; j < jn; j++) sr[j] = 0.0f;
  *lsum = *lsum * corr + sum;
  *m = mnew;
  return corr;
}
NB_MULTIVERSION(float, softmaxRow, (float* sr, i64 je, i64 jn, float scale, const float* mr, i64 ms, float* m, float* lsum),
                (sr, je, jn, scale, mr, ms, m, lsum))

// One query row of a backward tile: p_j = exp(s_j scale + mask_j - lse) (0 beyond je) into sr,
// ds_j = p_j (dp_j - D) scale into dp.
template <int L>
NB_INLINE void bwdRow_impl(float* __restrict sr, float* __restrict dp, i64 je, i64 jn, float scale, const float* mr, i64 ms, float lse,
                           float D) {
  if (mr) {
    for (i64 j = 0; j < je; j++) sr[j] = sr[j] * scale + mr[j * ms];
  } else {
#pragma omp simd
    for (i64 j = 0; j < je; j++) sr[j] *= scale;
  }
#pragma omp simd
  for (i64 j = 0; j < je; j++) {
    const float p = expF(sr[j] - lse);
    sr[j] = p;
    dp[j] = p * (dp[j] - D) * scale;
  }
  for (i64 j = je; j < jn; j++) sr[j] = dp[j] = 0.0f;
}
NB_MULTIVERSION(void, bwdRow, (float* sr, float* dp, i64 je, i64 jn, float scale, const float* mr, i64 ms, float lse, float D),
                (sr, dp, je, jn, scale, mr, ms, lse, D))

// Forward of rows [i0, i1) of one (b, h): S tile = Q K_j^T by the GEMM, the online softmax per
// row, acc = acc corr + P V_j by the GEMM; S [kBR x kBC], acc [kBR x dv], m, lsum [kBR].
void fwdTile(const AttnArgs& a, i64 b, i64 h, i64 i0, i64 i1, float* S, float* acc, float* m, float* lsum) {
  const i64 d = a.d, dv = a.dv;
  const float* qb = a.q + b * a.qs[0] + h * a.qs[1];
  const float* kb = a.k + b * a.ks[0] + h * a.ks[1];
  const float* vb = a.v + b * a.vs[0] + h * a.vs[1];
  const float* mb = a.mask ? a.mask + b * a.ms[0] + h * a.ms[1] : nullptr;
  const i64 nr = i1 - i0;
  for (i64 r = 0; r < nr; r++) {
    m[r] = -INFINITY;
    lsum[r] = 0.0f;
  }
  std::fill(acc, acc + nr * dv, 0.0f);
  const auto row = softmaxRow_pick();
  const i64 jend = a.causal ? std::min(a.s, i1) : a.s;  // rows below i1 see no key at or beyond i1
  for (i64 j0 = 0; j0 < jend; j0 += kBC) {
    const i64 jn = std::min(kBC, jend - j0);
    tileGemm(nr, jn, d, qb + i0 * a.qs[2], a.qs[2], 0, kb + j0 * a.ks[2], a.ks[2], 1, S, kBC, 0);
    for (i64 r = 0; r < nr; r++) {
      const i64 i = i0 + r;
      const i64 je = a.causal ? std::max<i64>(0, std::min(jn, i - j0 + 1)) : jn;
      const float corr = row(S + r * kBC, je, jn, a.scale, mb ? mb + i * a.ms[2] + j0 * a.ms[3] : nullptr, a.ms[3], m + r, lsum + r);
      if (corr != 1.0f) {
        float* ar = acc + r * dv;
        for (i64 c = 0; c < dv; c++) ar[c] *= corr;
      }
    }
    tileGemm(nr, dv, jn, S, kBC, 0, vb + j0 * a.vs[2], a.vs[2], 0, acc, dv, 1);
  }
  float* ob = a.out + b * a.os[0] + h * a.os[1];
  float* lb = a.lse + (b * a.heads + h) * a.l;
  for (i64 r = 0; r < nr; r++) {
    const i64 i = i0 + r;
    float* o = ob + i * a.os[2];
    const float* ar = acc + r * dv;
    if (!(lsum[r] > 0.0f)) {
      // no finite score: softmax is 0/0 (NaN), as PyTorch's
      for (i64 c = 0; c < dv; c++) o[c] = NAN;
      lb[i] = NAN;
      continue;
    }
    const float inv = 1.0f / lsum[r];
    for (i64 c = 0; c < dv; c++) o[c] = ar[c] * inv;
    lb[i] = m[r] + std::log(lsum[r]);
  }
}

// Backward of one (b, h), key block by key block and, within it, query tiles of kBR rows:
// S = Q K_j^T and dP = G V_j^T by the GEMM, P and dS per row, then dV_j += P^T G,
// dK_j += dS^T Q, dQ += dS K_j by the GEMM (accumulating: dq, dk, dv are zeroed first).
void bwdHead(const AttnArgs& a, i64 b, i64 h, float* S, float* dP, float* D) {
  const i64 d = a.d, dv = a.dv, l = a.l, s = a.s;
  const float* qb = a.q + b * a.qs[0] + h * a.qs[1];
  const float* kb = a.k + b * a.ks[0] + h * a.ks[1];
  const float* vb = a.v + b * a.vs[0] + h * a.vs[1];
  const float* ob = a.out + b * a.os[0] + h * a.os[1];
  const float* gb = a.g + b * a.gs[0] + h * a.gs[1];
  const float* mb = a.mask ? a.mask + b * a.ms[0] + h * a.ms[1] : nullptr;
  const float* lb = a.lse + (b * a.heads + h) * l;
  float* dqb = a.dQ + b * a.dQs[0] + h * a.dQs[1];
  float* dkb = a.dK + b * a.dKs[0] + h * a.dKs[1];
  float* dvb = a.dV + b * a.dVs[0] + h * a.dVs[1];
  for (i64 i = 0; i < l; i++) {
    const float* g = gb + i * a.gs[2];
    const float* o = ob + i * a.os[2];
    float t = 0.0f;
    for (i64 c = 0; c < dv; c++) t += g[c] * o[c];
    D[i] = t;
    std::fill(dqb + i * a.dQs[2], dqb + i * a.dQs[2] + d, 0.0f);
  }
  for (i64 j = 0; j < s; j++) {
    std::fill(dkb + j * a.dKs[2], dkb + j * a.dKs[2] + d, 0.0f);
    std::fill(dvb + j * a.dVs[2], dvb + j * a.dVs[2] + dv, 0.0f);
  }
  const auto row = bwdRow_pick();
  for (i64 j0 = 0; j0 < s; j0 += kBC) {
    if (a.causal && j0 >= l) break;  // no query row reaches these keys
    const i64 jn = std::min(kBC, s - j0);
    for (i64 i0 = a.causal ? j0 : 0; i0 < l; i0 += kBR) {
      const i64 nr = std::min(kBR, l - i0);
      tileGemm(nr, jn, d, qb + i0 * a.qs[2], a.qs[2], 0, kb + j0 * a.ks[2], a.ks[2], 1, S, kBC, 0);
      tileGemm(nr, jn, dv, gb + i0 * a.gs[2], a.gs[2], 0, vb + j0 * a.vs[2], a.vs[2], 1, dP, kBC, 0);
      for (i64 r = 0; r < nr; r++) {
        const i64 i = i0 + r;
        const i64 je = a.causal ? std::max<i64>(0, std::min(jn, i - j0 + 1)) : jn;
        row(S + r * kBC, dP + r * kBC, je, jn, a.scale, mb ? mb + i * a.ms[2] + j0 * a.ms[3] : nullptr, a.ms[3], lb[i], D[i]);
      }
      tileGemm(jn, dv, nr, S, kBC, 1, gb + i0 * a.gs[2], a.gs[2], 0, dvb + j0 * a.dVs[2], a.dVs[2], 1);
      tileGemm(jn, d, nr, dP, kBC, 1, qb + i0 * a.qs[2], a.qs[2], 0, dkb + j0 * a.dKs[2], a.dKs[2], 1);
      tileGemm(nr, d, jn, dP, kBC, 0, kb + j0 * a.ks[2], a.ks[2], 0, dqb + i0 * a.dQs[2], a.dQs[2], 1);
    }
  }
}

// Runs body(task, scratch) for task in [0, count) on the pool; each thread allocates its scratch once.
template <class F>
void overTasks(i64 count, i64 scratchFloats, i64 work, F&& body) {
  int nt = numThreads();
  if (nt > count) nt = (int)count;
  if (work < 65536) nt = 1;
  std::atomic<i64> next{0};
  auto task = [&](int, int) {
    std::vector<float> scratch(scratchFloats);
    for (i64 t; (t = next.fetch_add(1, std::memory_order_relaxed)) < count;) body(t, scratch.data());
  };
  if (nt <= 1) task(0, 1);
  else parallel(nt, task);
}

}  // namespace

void attentionForward(const AttnArgs& a) {
  const i64 bh = a.batch * a.heads;
  if (bh == 0 || a.l == 0 || a.dv == 0) return;
  const i64 blocks = (a.l + kBR - 1) / kBR;
  const i64 scratch = kBR * kBC + kBR * a.dv + 2 * kBR;
  overTasks(bh * blocks, scratch, bh * a.l * a.s * (a.d + a.dv), [&](i64 t, float* w) {
    const i64 pair = t / blocks, blk = t % blocks;
    const i64 i0 = blk * kBR, i1 = std::min(a.l, i0 + kBR);
    float* S = w;
    float* acc = S + kBR * kBC;
    float* m = acc + kBR * a.dv;
    fwdTile(a, pair / a.heads, pair % a.heads, i0, i1, S, acc, m, m + kBR);
  });
}

void attentionBackward(const AttnArgs& a) {
  const i64 bh = a.batch * a.heads;
  if (bh == 0) return;
  const i64 scratch = 2 * kBR * kBC + a.l;
  overTasks(bh, scratch, bh * a.l * a.s * (a.d + a.dv), [&](i64 t, float* w) {
    bwdHead(a, t / a.heads, t % a.heads, w, w + kBR * kBC, w + 2 * kBR * kBC);
  });
}

}  // namespace nabla
