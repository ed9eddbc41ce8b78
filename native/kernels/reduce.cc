// Reductions over the middle axis of [outer, n, inner], softmax, gather/scatter, Adam.
#include <algorithm>
#include <cmath>
#include <limits>

#include "common.h"
#include "strided.h"

namespace nabla {

// Runs body(o0, o1) over [0, outer), split over threads when outer * cost is large.
template <class F>
static void parallelOuter(i64 outer, i64 costPerOuter, F&& body) {
  const i64 grain = 32768;
  int nt = numThreads();
  if (nt > 1 && outer >= 2 && outer * costPerOuter >= 2 * grain) {
    i64 want = outer * costPerOuter / grain;
    if (want < nt) nt = (int)want;
    if (nt > outer) nt = (int)outer;
    const i64 chunks = std::min<i64>(outer, 4 * nt);
    parallelFor(nt, chunks, [&](i64 c) { body(outer * c / chunks, outer * (c + 1) / chunks); });
  } else {
    body(0, outer);
  }
}

// Sums of `rows` contiguous rows of n floats each (short rows: the conv-bias gradient reduces
// [N*C*H, W, 1] and [N*C, H, 1]): 4-wide partial sums (measured faster than 8-wide ones with
// a fold for n <= 28), then a pairwise horizontal sum, without a call per row.
template <int L>
static NB_INLINE void rowSums_impl(const float* x, i64 n, i64 rows, float* out) {
  for (i64 o = 0; o < rows; o++) {
    const float* p = x + o * n;
    i64 j = 0;
    f4 acc4 = {0.f, 0.f, 0.f, 0.f};
    for (; j + 4 <= n; j += 4) acc4 += loadv<f4>(p + j);
    float s = hsum(acc4);
    for (; j < n; j++) s += p[j];
    out[o] = s;
  }
}
NB_MULTIVERSION(void, rowSums, (const float* x, i64 n, i64 rows, float* out), (x, n, rows, out))

// out[i] = reduce over j < n of x[j*stride + i] for i < len (n >= 1): a block of columns of an
// [n, stride] array; NaN propagates for max/min as in the reference.
template <int L>
static NB_INLINE void colsBlock_impl(int op, const float* __restrict x, i64 n, i64 stride, i64 len, float* __restrict out) {
  for (i64 i = 0; i < len; i++) out[i] = x[i];
  for (i64 j = 1; j < n; j++) {
    const float* __restrict r = x + j * stride;
    switch (op) {
      case R_SUM: for (i64 i = 0; i < len; i++) out[i] += r[i]; break;
      case R_PROD: for (i64 i = 0; i < len; i++) out[i] *= r[i]; break;
      case R_MAX:
        for (i64 i = 0; i < len; i++) {
          const float v = r[i], acc = out[i];
          out[i] = (v > acc || v != v) ? v : acc;
        }
        break;
      case R_MIN:
        for (i64 i = 0; i < len; i++) {
          const float v = r[i], acc = out[i];
          out[i] = (v < acc || v != v) ? v : acc;
        }
        break;
    }
  }
}
NB_MULTIVERSION(void, colsBlock, (int op, const float* x, i64 n, i64 stride, i64 len, float* out),
                (op, x, n, stride, len, out))

static float reduceInit(int op) {
  return op == R_SUM ? 0.f : op == R_PROD ? 1.f : op == R_MAX ? -INFINITY : INFINITY;
}

void reduce(int op, const float* x, i64 outer, i64 n, i64 inner, float* out) {
  const IsaTable* T = isa();
  if (n == 0) {
    const float init = reduceInit(op);
    for (i64 i = 0; i < outer * inner; i++) out[i] = init;
    return;
  }
  if (inner == 1) {
    if (op == R_SUM && n < 64) {
      const auto sums = rowSums_pick();
      parallelOuter(outer, n, [&](i64 o0, i64 o1) { sums(x + o0 * n, n, o1 - o0, out + o0); });
      return;
    }
    parallelOuter(outer, n, [&](i64 o0, i64 o1) {
      for (i64 o = o0; o < o1; o++) out[o] = T->reduceRow(op, x + o * n, n);
    });
    return;
  }
  // [outer, n, inner]: blocks of <= 1024 columns (the partial results stay in L1 while the n rows
  // stream past), as units over (outer, block) pairs so that outer = 1 with a large inner (the
  // batch axis of a gradient) splits over threads too
  const auto cols = colsBlock_pick();
  const i64 blk = 1024, blocks = (inner + blk - 1) / blk, units = outer * blocks;
  const i64 work = outer * n * inner;
  int nt = numThreads();
  if (nt > 1 && units >= 2 && work >= 65536) {
    if (nt > units) nt = (int)units;
    parallelFor(nt, units, [&](i64 u) {
      const i64 o = u / blocks, i0 = (u % blocks) * blk;
      cols(op, x + o * n * inner + i0, n, inner, std::min(blk, inner - i0), out + o * inner + i0);
    });
    return;
  }
  for (i64 o = 0; o < outer; o++)
    for (i64 i0 = 0; i0 < inner; i0 += blk) cols(op, x + o * n * inner + i0, n, inner, std::min(blk, inner - i0), out + o * inner + i0);
}

void argReduce(int isMax, const float* x, i64 outer, i64 n, i64 inner, int32_t* out) {
  for (i64 o = 0; o < outer; o++) {
    for (i64 i = 0; i < inner; i++) {
      const float* p = x + o * n * inner + i;
      float best = p[0];
      int32_t bi = 0;
      for (i64 j = 1; j < n && best == best; j++) {
        const float v = p[j * inner];
        if ((isMax ? v > best : v < best) || v != v) {
          best = v;
          bi = (int32_t)j;
        }
      }
      out[o * inner + i] = bi;
    }
  }
}

void softmax(const float* x, i64 outer, i64 n, i64 inner, float* out, int log) {
  const IsaTable* T = isa();
  if (inner == 1) {
    parallelOuter(outer, n * 8, [&](i64 o0, i64 o1) {
      for (i64 o = o0; o < o1; o++) T->softmaxRow(x + o * n, out + o * n, n, log);
    });
    return;
  }
  parallelOuter(outer, n * inner * 8, [&](i64 o0, i64 o1) {
    for (i64 o = o0; o < o1; o++) {
      for (i64 i = 0; i < inner; i++) {
        const float* px = x + o * n * inner + i;
        float* po = out + o * n * inner + i;
        float mx = -INFINITY;
        for (i64 j = 0; j < n; j++) mx = px[j * inner] > mx ? px[j * inner] : mx;
        if (mx == -INFINITY) mx = 0.f;
        double s = 0;
        for (i64 j = 0; j < n; j++) s += std::exp((double)(px[j * inner] - mx));
        if (log) {
          const double lse = (double)mx + std::log(s);
          for (i64 j = 0; j < n; j++) po[j * inner] = (float)((double)px[j * inner] - lse);
        } else {
          const double inv = 1.0 / s;
          for (i64 j = 0; j < n; j++) po[j * inner] = (float)(std::exp((double)(px[j * inner] - mx)) * inv);
        }
      }
    }
  });
}

void softmaxBackward(const float* y, const float* g, i64 outer, i64 n, i64 inner, float* out, int log) {
  parallelOuter(outer, n * inner * 2, [&](i64 o0, i64 o1) {
    for (i64 o = o0; o < o1; o++) {
      const i64 base = o * n * inner;
      if (inner == 1) {
        const float* py = y + base;
        const float* pg = g + base;
        float* po = out + base;
        float s = 0.f;
        if (log) {
#pragma omp simd reduction(+ : s)
          for (i64 j = 0; j < n; j++) s += pg[j];
          for (i64 j = 0; j < n; j++) po[j] = pg[j] - std::exp(py[j]) * s;
        } else {
#pragma omp simd reduction(+ : s)
          for (i64 j = 0; j < n; j++) s += pg[j] * py[j];
          for (i64 j = 0; j < n; j++) po[j] = py[j] * (pg[j] - s);
        }
        continue;
      }
      for (i64 i = 0; i < inner; i++) {
        const float* py = y + base + i;
        const float* pg = g + base + i;
        float* po = out + base + i;
        double s = 0;
        if (log) {
          for (i64 j = 0; j < n; j++) s += pg[j * inner];
          for (i64 j = 0; j < n; j++) po[j * inner] = (float)(pg[j * inner] - std::exp((double)py[j * inner]) * s);
        } else {
          for (i64 j = 0; j < n; j++) s += (double)pg[j * inner] * py[j * inner];
          for (i64 j = 0; j < n; j++) po[j * inner] = (float)(py[j * inner] * (pg[j * inner] - s));
        }
      }
    }
  });
}

void gather(const float* x, const int32_t* idx, i64 outer, i64 n, i64 m, i64 inner, float* out) {
  parallelOuter(outer, m * inner, [&](i64 o0, i64 o1) {
    for (i64 o = o0; o < o1; o++) {
      const float* xo = x + o * n * inner;
      for (i64 j = 0; j < m; j++) {
        const i64 q = (o * m + j) * inner;
        for (i64 i = 0; i < inner; i++) out[q + i] = xo[(i64)idx[q + i] * inner + i];
      }
    }
  });
}

void scatterAdd(const float* g, const int32_t* idx, i64 outer, i64 n, i64 m, i64 inner, float* out) {
  // distinct o write distinct slices of out, so splitting over outer is race-free
  parallelOuter(outer, m * inner, [&](i64 o0, i64 o1) {
    for (i64 o = o0; o < o1; o++) {
      float* oo = out + o * n * inner;
      for (i64 j = 0; j < m; j++) {
        const i64 q = (o * m + j) * inner;
        for (i64 i = 0; i < inner; i++) oo[(i64)idx[q + i] * inner + i] += g[q + i];
      }
    }
  });
}

// Adam streams 28 bytes per element (p, g, m, v in; p, m, v out): split over the threads from
// 128k elements. (WebAssembly ran it on the caller up to 4M elements for a while, after separate
// runs that showed no gain; measured in one process, alternating, W2's 200,704-element weight took
// 1.1-1.4x less kernel time on two threads, and the step with it 2-6 % less.)
constexpr i64 kAdamGrain = 65536;

void adamStep(float* p, const float* g, float* m, float* v, i64 n, const AdamParams& a) {
  const IsaTable* T = isa();
  parallelRange(n, kAdamGrain, [&](i64 s, i64 e) { T->adam(p + s, g + s, m + s, v + s, e - s, a); });
}

}  // namespace nabla
