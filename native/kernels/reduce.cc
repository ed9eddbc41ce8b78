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

void reduce(int op, const float* x, i64 outer, i64 n, i64 inner, float* out) {
  const IsaTable* T = isa();
  if (inner == 1) {
    parallelOuter(outer, n, [&](i64 o0, i64 o1) {
      for (i64 o = o0; o < o1; o++) out[o] = n == 0 ? (op == R_SUM ? 0.f : op == R_PROD ? 1.f : op == R_MAX ? -INFINITY : INFINITY)
                                                    : T->reduceRow(op, x + o * n, n);
    });
  } else {
    parallelOuter(outer, n * inner, [&](i64 o0, i64 o1) {
      for (i64 o = o0; o < o1; o++) T->reduceCols(op, x + o * n * inner, n, inner, out + o * inner);
    });
  }
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

void adamStep(float* p, const float* g, float* m, float* v, i64 n, const AdamParams& a) {
  const IsaTable* T = isa();
  parallelRange(n, 65536, [&](i64 s, i64 e) { T->adam(p + s, g + s, m + s, v + s, e - s, a); });
}

}  // namespace nabla
