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
constexpr i64 kBR = 32;  // query rows per forward task

using fastmath::expF;

// Kt[c*kBC + j] = rows[j][c] for j < jn, c < d (row j at base + j*rs)
template <int L>
NB_INLINE void transposeBlock(const float* base, i64 rs, i64 jn, i64 d, float* __restrict Kt) {
  for (i64 j = 0; j < jn; j++) {
    const float* r = base + j * rs;
    for (i64 c = 0; c < d; c++) Kt[c * kBC + j] = r[c];
  }
}

// sr[j] = scale q . k_j (+ mask) for j < je, from Kt
template <int L>
NB_INLINE void scoreRow(const float* __restrict q, const float* __restrict Kt, i64 d, i64 je, float scale, const float* mr, i64 ms,
                        float* __restrict sr) {
#pragma omp simd
  for (i64 j = 0; j < je; j++) sr[j] = 0.0f;
  for (i64 c = 0; c < d; c++) {
    const float qc = q[c];
    const float* __restrict kt = Kt + c * kBC;
#pragma omp simd
    for (i64 j = 0; j < je; j++) sr[j] += qc * kt[j];
  }
#pragma omp simd
  for (i64 j = 0; j < je; j++) sr[j] *= scale;
  if (mr) {
    for (i64 j = 0; j < je; j++) sr[j] += mr[j * ms];
  }
}

template <int L>
NB_INLINE void fwdBlock_impl(const AttnArgs& a, i64 b, i64 h, i64 i0, i64 i1, float* Kt, float* sr, float* acc, float* m,
                             float* lsum) {
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
  const i64 jend = a.causal ? std::min(a.s, i1) : a.s;  // rows below i1 see no key at or beyond i1
  for (i64 j0 = 0; j0 < jend; j0 += kBC) {
    const i64 jn = std::min(kBC, jend - j0);
    transposeBlock<L>(kb + j0 * a.ks[2], a.ks[2], jn, d, Kt);
    for (i64 r = 0; r < nr; r++) {
      const i64 i = i0 + r;
      if (a.causal && j0 > i) continue;  // the whole block lies right of row i's diagonal
      const i64 je = a.causal ? std::min(jn, i - j0 + 1) : jn;
      scoreRow<L>(qb + i * a.qs[2], Kt, d, je, a.scale, mb ? mb + i * a.ms[2] + j0 * a.ms[3] : nullptr, a.ms[3], sr);
      float mx = -INFINITY;
      for (i64 j = 0; j < je; j++) mx = sr[j] > mx ? sr[j] : mx;
      if (mx == -INFINITY) continue;  // every score -inf: contributes nothing
      const float mnew = m[r] > mx ? m[r] : mx;
      const float corr = expF(m[r] - mnew);  // 0 while m is still -inf
      float sum = 0.0f;
#pragma omp simd reduction(+ : sum)
      for (i64 j = 0; j < je; j++) {
        const float p = expF(sr[j] - mnew);
        sr[j] = p;
        sum += p;
      }
      lsum[r] = lsum[r] * corr + sum;
      float* __restrict ar = acc + r * dv;
      if (corr != 1.0f) {
#pragma omp simd
        for (i64 c = 0; c < dv; c++) ar[c] *= corr;
      }
      for (i64 j = 0; j < je; j++) {
        const float p = sr[j];
        const float* __restrict vr = vb + (j0 + j) * a.vs[2];
#pragma omp simd
        for (i64 c = 0; c < dv; c++) ar[c] += p * vr[c];
      }
      m[r] = mnew;
    }
  }
  float* ob = a.out + b * a.os[0] + h * a.os[1];
  float* lb = a.lse + (b * a.heads + h) * a.l;
  for (i64 r = 0; r < nr; r++) {
    const i64 i = i0 + r;
    float* o = ob + i * a.os[2];
    const float* ar = acc + r * dv;
    if (lsum[r] == 0.0f) {
      // no finite score: softmax is 0/0 (NaN), as PyTorch's
      for (i64 c = 0; c < dv; c++) o[c] = NAN;
      lb[i] = NAN;
      continue;
    }
    const float inv = 1.0f / lsum[r];
#pragma omp simd
    for (i64 c = 0; c < dv; c++) o[c] = ar[c] * inv;
    lb[i] = m[r] + std::log(lsum[r]);
  }
}
NB_MULTIVERSION(void, fwdBlock, (const AttnArgs& a, i64 b, i64 h, i64 i0, i64 i1, float* Kt, float* sr, float* acc, float* m, float* lsum),
                (a, b, h, i0, i1, Kt, sr, acc, m, lsum))

template <int L>
NB_INLINE void bwdHead_impl(const AttnArgs& a, i64 b, i64 h, float* Kt, float* Vt, float* p, float* ds, float* D) {
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
#pragma omp simd reduction(+ : t)
    for (i64 c = 0; c < dv; c++) t += g[c] * o[c];
    D[i] = t;
    std::fill(dqb + i * a.dQs[2], dqb + i * a.dQs[2] + d, 0.0f);
  }
  for (i64 j = 0; j < s; j++) {
    std::fill(dkb + j * a.dKs[2], dkb + j * a.dKs[2] + d, 0.0f);
    std::fill(dvb + j * a.dVs[2], dvb + j * a.dVs[2] + dv, 0.0f);
  }
  for (i64 j0 = 0; j0 < s; j0 += kBC) {
    if (a.causal && j0 >= l) break;  // no query row reaches these keys
    const i64 jn = std::min(kBC, s - j0);
    transposeBlock<L>(kb + j0 * a.ks[2], a.ks[2], jn, d, Kt);
    transposeBlock<L>(vb + j0 * a.vs[2], a.vs[2], jn, dv, Vt);
    for (i64 i = a.causal ? j0 : 0; i < l; i++) {
      const i64 je = a.causal ? std::min(jn, i - j0 + 1) : jn;
      const float* q = qb + i * a.qs[2];
      const float* g = gb + i * a.gs[2];
      scoreRow<L>(q, Kt, d, je, a.scale, mb ? mb + i * a.ms[2] + j0 * a.ms[3] : nullptr, a.ms[3], p);
      const float Li = lb[i], Di = D[i];
      // dp_j = g . v_j from Vt, into ds
#pragma omp simd
      for (i64 j = 0; j < je; j++) ds[j] = 0.0f;
      for (i64 c = 0; c < dv; c++) {
        const float gc = g[c];
        const float* __restrict vt = Vt + c * kBC;
#pragma omp simd
        for (i64 j = 0; j < je; j++) ds[j] += gc * vt[j];
      }
#pragma omp simd
      for (i64 j = 0; j < je; j++) {
        const float pj = expF(p[j] - Li);
        p[j] = pj;
        ds[j] = pj * (ds[j] - Di) * a.scale;
      }
      float* __restrict dq = dqb + i * a.dQs[2];
      for (i64 j = 0; j < je; j++) {
        const float pj = p[j], dsj = ds[j];
        float* __restrict dvr = dvb + (j0 + j) * a.dVs[2];
#pragma omp simd
        for (i64 c = 0; c < dv; c++) dvr[c] += pj * g[c];
        float* __restrict dkr = dkb + (j0 + j) * a.dKs[2];
        const float* __restrict kr = kb + (j0 + j) * a.ks[2];
#pragma omp simd
        for (i64 c = 0; c < d; c++) {
          dkr[c] += dsj * q[c];
          dq[c] += dsj * kr[c];
        }
      }
    }
  }
}
NB_MULTIVERSION(void, bwdHead, (const AttnArgs& a, i64 b, i64 h, float* Kt, float* Vt, float* p, float* ds, float* D),
                (a, b, h, Kt, Vt, p, ds, D))

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
  const auto fwd = fwdBlock_pick();
  const i64 scratch = a.d * kBC + kBC + kBR * a.dv + 2 * kBR;
  overTasks(bh * blocks, scratch, bh * a.l * a.s * (a.d + a.dv), [&](i64 t, float* w) {
    const i64 pair = t / blocks, blk = t % blocks;
    const i64 i0 = blk * kBR, i1 = std::min(a.l, i0 + kBR);
    float* Kt = w;
    float* sr = Kt + a.d * kBC;
    float* acc = sr + kBC;
    float* m = acc + kBR * a.dv;
    fwd(a, pair / a.heads, pair % a.heads, i0, i1, Kt, sr, acc, m, m + kBR);
  });
}

void attentionBackward(const AttnArgs& a) {
  const i64 bh = a.batch * a.heads;
  if (bh == 0) return;
  const auto bwd = bwdHead_pick();
  const i64 scratch = (a.d + a.dv) * kBC + 2 * kBC + a.l;
  overTasks(bh, scratch, bh * a.l * a.s * (a.d + a.dv), [&](i64 t, float* w) {
    float* Kt = w;
    float* Vt = Kt + a.d * kBC;
    float* p = Vt + a.dv * kBC;
    float* ds = p + kBC;
    bwd(a, t / a.heads, t % a.heads, Kt, Vt, p, ds, ds + kBC);
  });
}

}  // namespace nabla
