// Max and average 2-D pooling (NCHW) and their backward passes, PyTorch's semantics:
// windows start at oh*stride - pad; max pooling treats padding as -inf and records the flat
// index (ih*W + iw) of the first maximum (NaN wins), -1 for a window with no input element;
// average pooling divides by the window clipped to the padded input (countIncludePad) or by
// the number of real input elements. Planes (n, c) are independent and split over threads.
//
// Speed: each output row is split into its interior windows (entirely inside the image) and the
// clipped border windows. Interior windows run in vector loops: 2x2 stride-2 windows (the
// common CNN case) in one fused pass per output row, other shapes tap by tap over the row (each
// output still sees its taps in row-major order, so ties and NaN resolve as in the reference).
// Border windows take the scalar path. The average's backward over 2x2 stride-2 windows adds
// dy/4 to both input rows densely; max's backward stays a scatter through argmax. The vector
// loops are compiled for the ISA in use (strided.h: NB_MULTIVERSION).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "common.h"
#include "strided.h"
#include "threadpool.h"

namespace nabla {

template <class F>
static void overPlanes(const PoolGeom& g, i64 costPerPlane, F&& body) {
  const i64 planes = g.n * g.c;
  int nt = numThreads();
  if (nt > 1 && planes >= 2 && planes * costPerPlane >= 65536) {
    if (nt > planes) nt = (int)planes;
    const i64 chunks = std::min<i64>(planes, 4 * nt);
    parallelFor(nt, chunks, [&](i64 c) { body(planes * c / chunks, planes * (c + 1) / chunks); });
  } else {
    body(0, planes);
  }
}

// Per output position along one axis: the image range [lo, hi) of its window, the window size
// clipped to the padded image (the countIncludePad divisor), and the range [in0, in1) of
// positions whose window lies entirely inside the image.
struct Spans {
  std::vector<i64> lo, hi, padded;
  i64 in0, in1;
  Spans(i64 out, i64 stride, i64 pad, i64 k, i64 size) : lo(out), hi(out), padded(out), in0(out), in1(out) {
    bool seen = false;
    for (i64 p = 0; p < out; p++) {
      const i64 start = p * stride - pad;
      lo[p] = std::max<i64>(start, 0);
      hi[p] = std::max<i64>(std::min<i64>(start + k, size), lo[p]);
      padded[p] = std::min<i64>(start + k, size + pad) - start;
      const bool inside = start >= 0 && start + k <= size;
      if (inside && !seen) {
        in0 = p;
        seen = true;
      }
      if (inside) in1 = p + 1;
    }
    if (!seen) in0 = in1 = out;
  }
};

// ---- max pooling, forward ----

// One window, scalar: the reference's rule (start at -inf; a larger value or a NaN replaces).
static inline void maxWindow(const float* xp, i64 W, i64 h0, i64 h1, i64 w0, i64 w1, float* y, int32_t* am) {
  float best = -INFINITY;
  i64 at = (h0 < h1 && w0 < w1) ? h0 * W + w0 : -1;
  for (i64 ih = h0; ih < h1; ih++) {
    const float* r = xp + ih * W;
    for (i64 iw = w0; iw < w1; iw++) {
      const float v = r[iw];
      if (v > best || v != v) {
        best = v;
        at = ih * W + iw;
      }
    }
  }
  *y = best;
  *am = (int32_t)at;
}

// L consecutive interior 2x2 stride-2 windows starting at output j of the row (see max2x2Row)
template <class V>
static NB_INLINE void max2x2Chunk(const float* r0, const float* r1, int32_t b0, int32_t b2, i64 j, float* y, int32_t* am) {
  typedef typename Lanes<V>::I I;
  V v0, v1, v2, v3;
  deinterleave(r0 + 2 * j, v0, v1);
  deinterleave(r1 + 2 * j, v2, v3);
  const I twoIota = iotaOf(V{}) * 2 + (int32_t)(2 * j);
  const I i0 = twoIota + b0, i2 = twoIota + b2;
  V best = v0;
  I at = i0;
  I u = (v1 > best) | (v1 != v1);
  best = sel(u, v1, best);
  at = sel(u, i0 + 1, at);
  u = (v2 > best) | (v2 != v2);
  best = sel(u, v2, best);
  at = sel(u, i2, at);
  u = (v3 > best) | (v3 != v3);
  best = sel(u, v3, best);
  at = sel(u, i2 + 1, at);
  storev(y + j, best);
  storev(am + j, at);
}

// n interior 2x2 stride-2 windows of one output row: r0, r1 = the two input rows at the first
// window's left column, whose flat index is base. Chunks of 8 (or 4) outputs; the last chunk
// overlaps the previous one instead of a scalar tail (recomputing an output is harmless).
template <int L>
static NB_INLINE void max2x2Row_impl(const float* r0, const float* r1, i64 W, i64 base, i64 n, float* y, int32_t* am) {
  const int32_t b0 = (int32_t)base, b2 = (int32_t)(base + W);
  if (L >= 1 && n >= 8) {
    i64 j = 0;
    for (; j + 8 <= n; j += 8) max2x2Chunk<f8>(r0, r1, b0, b2, j, y, am);
    if (j < n) max2x2Chunk<f8>(r0, r1, b0, b2, n - 8, y, am);
    return;
  }
  if (n >= 4) {
    i64 j = 0;
    for (; j + 4 <= n; j += 4) max2x2Chunk<f4>(r0, r1, b0, b2, j, y, am);
    if (j < n) max2x2Chunk<f4>(r0, r1, b0, b2, n - 4, y, am);
    return;
  }
  for (i64 j = 0; j < n; j++) {
    const float v0 = r0[2 * j], v1 = r0[2 * j + 1], v2 = r1[2 * j], v3 = r1[2 * j + 1];
    const int32_t i0 = b0 + 2 * (int32_t)j, i2 = b2 + 2 * (int32_t)j;
    float best = v0;
    int32_t at = i0;
    if (v1 > best || v1 != v1) { best = v1; at = i0 + 1; }
    if (v2 > best || v2 != v2) { best = v2; at = i2; }
    if (v3 > best || v3 != v3) { best = v3; at = i2 + 1; }
    y[j] = best;
    am[j] = at;
  }
}
NB_MULTIVERSION(void, max2x2Row, (const float* r0, const float* r1, i64 W, i64 base, i64 n, float* y, int32_t* am),
                (r0, r1, W, base, n, y, am))

// Planes [p0, p1) of a 2x2 stride-2 pooling without padding whose windows all lie inside the
// image (2 outH <= H, 2 outW <= W): every row in one call (small planes, e.g. 14 x 14, would
// otherwise pay a call and the border logic per 7-window row).
template <int L>
static NB_INLINE void max2x2Planes_impl(const float* x, i64 H, i64 W, i64 outH, i64 outW, i64 p0, i64 p1, float* y,
                                        int32_t* am) {
  for (i64 p = p0; p < p1; p++) {
    const float* xp = x + p * H * W;
    for (i64 oh = 0; oh < outH; oh++) {
      const i64 o = (p * outH + oh) * outW;
      max2x2Row_impl<L>(xp + 2 * oh * W, xp + (2 * oh + 1) * W, W, 2 * oh * W, outW, y + o, am + o);
    }
  }
}
NB_MULTIVERSION(void, max2x2Planes,
                (const float* x, i64 H, i64 W, i64 outH, i64 outW, i64 p0, i64 p1, float* y, int32_t* am),
                (x, H, W, outH, outW, p0, p1, y, am))

// n interior windows (kh x kw, column stride sw) of one output row, tap by tap; x0 = the first
// window's top-left input element, whose flat index is base.
template <int L>
static NB_INLINE void maxTapsRow_impl(const float* __restrict x0, i64 W, i64 kh, i64 kw, i64 sw, i64 base, i64 n,
                                      float* __restrict y, int32_t* __restrict am) {
  for (i64 j = 0; j < n; j++) {
    y[j] = x0[j * sw];
    am[j] = (int32_t)(base + j * sw);
  }
  for (i64 i = 0; i < kh; i++) {
    for (i64 t = i == 0 ? 1 : 0; t < kw; t++) {
      const float* __restrict r = x0 + i * W + t;
      const int32_t b = (int32_t)(base + i * W + t);
      for (i64 j = 0; j < n; j++) {
        const float v = r[j * sw], best = y[j];
        const bool u = v > best || v != v;
        y[j] = u ? v : best;
        am[j] = u ? b + (int32_t)(j * sw) : am[j];
      }
    }
  }
}
NB_MULTIVERSION(void, maxTapsRow,
                (const float* x0, i64 W, i64 kh, i64 kw, i64 sw, i64 base, i64 n, float* y, int32_t* am),
                (x0, W, kh, kw, sw, base, n, y, am))

void maxPool2d(const float* x, const PoolGeom& g, float* y, int32_t* argmax) {
  const i64 HW = g.h * g.w, OHW = g.outH * g.outW;
  const Spans rows(g.outH, g.strideH, g.padH, g.kh, g.h), cols(g.outW, g.strideW, g.padW, g.kw, g.w);
  const bool is2x2 = g.kh == 2 && g.kw == 2 && g.strideH == 2 && g.strideW == 2;
  const auto row2 = max2x2Row_pick();
  const auto rowT = maxTapsRow_pick();
  if (is2x2 && g.padH == 0 && g.padW == 0 && 2 * g.outH <= g.h && 2 * g.outW <= g.w) {
    const auto planes = max2x2Planes_pick();
    overPlanes(g, OHW * 4, [&](i64 p0, i64 p1) { planes(x, g.h, g.w, g.outH, g.outW, p0, p1, y, argmax); });
    return;
  }
  overPlanes(g, OHW * g.kh * g.kw, [&](i64 p0, i64 p1) {
    for (i64 p = p0; p < p1; p++) {
      const float* xp = x + p * HW;
      for (i64 oh = 0; oh < g.outH; oh++) {
        float* yr = y + p * OHW + oh * g.outW;
        int32_t* ar = argmax + p * OHW + oh * g.outW;
        const i64 h0 = rows.lo[oh], h1 = rows.hi[oh];
        const bool rowInside = oh >= rows.in0 && oh < rows.in1;
        const i64 q0 = rowInside ? cols.in0 : g.outW, q1 = rowInside ? cols.in1 : g.outW;
        for (i64 q = 0; q < q0; q++) maxWindow(xp, g.w, h0, h1, cols.lo[q], cols.hi[q], yr + q, ar + q);
        if (q1 > q0) {
          const i64 base = h0 * g.w + cols.lo[q0];
          if (is2x2) row2(xp + base, xp + base + g.w, g.w, base, q1 - q0, yr + q0, ar + q0);
          else rowT(xp + base, g.w, g.kh, g.kw, g.strideW, base, q1 - q0, yr + q0, ar + q0);
        }
        for (i64 q = std::max(q0, q1); q < g.outW; q++) maxWindow(xp, g.w, h0, h1, cols.lo[q], cols.hi[q], yr + q, ar + q);
      }
    }
  });
}

// ---- max pooling, backward ----

// windows [j, j + 2L') of one output row, L' = 4 (f4) or 8 (f8): lane k of each half-row vector
// is flat index base + 2j + k, and each window's dy and argmax repeat twice (same-width shuffles)
template <class V>
static NB_INLINE void max2x2BackChunk(const float* d, const int32_t* a, int32_t b0, int32_t b2, i64 j, float* r0, float* r1);
template <>
NB_INLINE void max2x2BackChunk<f8>(const float* d, const int32_t* a, int32_t b0, int32_t b2, i64 j, float* r0, float* r1) {
  const f8 v = loadv<f8>(d + j);
  const i8 at = loadv<i8>(a + j);
  const f8 vl = NB_SHUF(v, v, 0, 0, 1, 1, 2, 2, 3, 3), vh = NB_SHUF(v, v, 4, 4, 5, 5, 6, 6, 7, 7);
  const i8 al = NB_SHUF(at, at, 0, 0, 1, 1, 2, 2, 3, 3), ah = NB_SHUF(at, at, 4, 4, 5, 5, 6, 6, 7, 7);
  const i8 p0 = iota8() + (int32_t)(b0 + 2 * j), p2 = iota8() + (int32_t)(b2 + 2 * j);
  storev(r0 + 2 * j, sel(al == p0, vl, f8{}));
  storev(r0 + 2 * j + 8, sel(ah == p0 + 8, vh, f8{}));
  storev(r1 + 2 * j, sel(al == p2, vl, f8{}));
  storev(r1 + 2 * j + 8, sel(ah == p2 + 8, vh, f8{}));
}
template <>
NB_INLINE void max2x2BackChunk<f4>(const float* d, const int32_t* a, int32_t b0, int32_t b2, i64 j, float* r0, float* r1) {
  const f4 v = loadv<f4>(d + j);
  const i4 at = loadv<i4>(a + j);
  const f4 vl = NB_SHUF(v, v, 0, 0, 1, 1), vh = NB_SHUF(v, v, 2, 2, 3, 3);
  const i4 al = NB_SHUF(at, at, 0, 0, 1, 1), ah = NB_SHUF(at, at, 2, 2, 3, 3);
  const i4 p0 = iota4() + (int32_t)(b0 + 2 * j), p2 = iota4() + (int32_t)(b2 + 2 * j);
  storev(r0 + 2 * j, sel(al == p0, vl, f4{}));
  storev(r0 + 2 * j + 4, sel(ah == p0 + 4, vh, f4{}));
  storev(r1 + 2 * j, sel(al == p2, vl, f4{}));
  storev(r1 + 2 * j + 4, sel(ah == p2 + 4, vh, f4{}));
}

// 2x2 stride-2 windows without padding tile the plane (but for a last odd row / column), so dx
// is written densely: each window's four pixels get dy where argmax points and 0 elsewhere, one
// output row (two input rows) at a time; no zeroing pass and no read of dx. n windows of one
// output row: d, a = their dy and argmax, r0 / r1 = the two input rows at the first window,
// whose flat index is base. Chunks of 8 (or 4) windows; the last chunk overlaps the previous one
// instead of a scalar tail (a window's four outputs do not depend on its neighbours).
template <int L>
static NB_INLINE void max2x2BackRow_impl(const float* d, const int32_t* a, i64 W, i64 base, i64 n, float* r0, float* r1) {
  const int32_t b0 = (int32_t)base, b2 = (int32_t)(base + W);
  if (L >= 1 && n >= 8) {
    i64 j = 0;
    for (; j + 8 <= n; j += 8) max2x2BackChunk<f8>(d, a, b0, b2, j, r0, r1);
    if (j < n) max2x2BackChunk<f8>(d, a, b0, b2, n - 8, r0, r1);
    return;
  }
  if (n >= 4) {
    i64 j = 0;
    for (; j + 4 <= n; j += 4) max2x2BackChunk<f4>(d, a, b0, b2, j, r0, r1);
    if (j < n) max2x2BackChunk<f4>(d, a, b0, b2, n - 4, r0, r1);
    return;
  }
  for (i64 j = 0; j < n; j++) {
    const float v = d[j];
    const int32_t at = a[j], i0 = b0 + 2 * (int32_t)j, i2 = b2 + 2 * (int32_t)j;
    r0[2 * j] = at == i0 ? v : 0.f;
    r0[2 * j + 1] = at == i0 + 1 ? v : 0.f;
    r1[2 * j] = at == i2 ? v : 0.f;
    r1[2 * j + 1] = at == i2 + 1 ? v : 0.f;
  }
}
NB_MULTIVERSION(void, max2x2BackRow, (const float* d, const int32_t* a, i64 W, i64 base, i64 n, float* r0, float* r1),
                (d, a, W, base, n, r0, r1))

// planes [p0, p1) of dx for 2x2 stride-2 windows without padding (2 outH <= H, 2 outW <= W),
// including the zeros of a last row / column no window covers
template <int L>
static NB_INLINE void max2x2BackPlanes_impl(const float* dy, const int32_t* argmax, i64 H, i64 W, i64 outH, i64 outW,
                                            i64 p0, i64 p1, float* dx) {
  for (i64 p = p0; p < p1; p++) {
    float* o = dx + p * H * W;
    for (i64 oh = 0; oh < outH; oh++) {
      float* r0 = o + 2 * oh * W;
      const i64 src = (p * outH + oh) * outW;
      max2x2BackRow_impl<L>(dy + src, argmax + src, W, 2 * oh * W, outW, r0, r0 + W);
      for (i64 iw = 2 * outW; iw < W; iw++) r0[iw] = r0[W + iw] = 0.f;
    }
    for (i64 i = 2 * outH * W; i < H * W; i++) o[i] = 0.f;
  }
}
NB_MULTIVERSION(void, max2x2BackPlanes,
                (const float* dy, const int32_t* argmax, i64 H, i64 W, i64 outH, i64 outW, i64 p0, i64 p1, float* dx),
                (dy, argmax, H, W, outH, outW, p0, p1, dx))

// dx: 0, then dx[argmax] += dy output by output (a scatter at memory speed, plane by plane so the
// zeroed plane is still in cache), or the dense 2x2 rows above. Every element of dx is written.
void maxPool2dBackward(const float* dy, const int32_t* argmax, const PoolGeom& g, float* dx) {
  const i64 HW = g.h * g.w, OHW = g.outH * g.outW;
  const bool dense2x2 = g.kh == 2 && g.kw == 2 && g.strideH == 2 && g.strideW == 2 && g.padH == 0 && g.padW == 0 &&
                        2 * g.outH <= g.h && 2 * g.outW <= g.w;
  if (dense2x2) {
    const auto planes = max2x2BackPlanes_pick();
    overPlanes(g, OHW * 2, [&](i64 p0, i64 p1) { planes(dy, argmax, g.h, g.w, g.outH, g.outW, p0, p1, dx); });
    return;
  }
  overPlanes(g, OHW * 2, [&](i64 p0, i64 p1) {
    for (i64 p = p0; p < p1; p++) {
      const float* d = dy + p * OHW;
      const int32_t* a = argmax + p * OHW;
      float* o = dx + p * HW;
      std::memset(o, 0, sizeof(float) * HW);
      for (i64 i = 0; i < OHW; i++)
        if (a[i] >= 0) o[a[i]] += d[i];
    }
  });
}

// ---- average pooling ----

static inline float avgDivisor(const PoolGeom& g, const Spans& rows, i64 p, const Spans& cols, i64 q) {
  return g.countIncludePad ? (float)(rows.padded[p] * cols.padded[q])
                           : (float)((rows.hi[p] - rows.lo[p]) * (cols.hi[q] - cols.lo[q]));
}

// n interior 2x2 stride-2 windows of one output row (divisor 4); chunks as in max2x2Row
template <class V>
static NB_INLINE void avg2x2Chunk(const float* r0, const float* r1, i64 j, float* y) {
  V v0, v1, v2, v3;
  deinterleave(r0 + 2 * j, v0, v1);
  deinterleave(r1 + 2 * j, v2, v3);
  storev(y + j, (((v0 + v1) + v2) + v3) / 4.0f);
}
template <int L>
static NB_INLINE void avg2x2Row_impl(const float* r0, const float* r1, i64 n, float* y) {
  if (L >= 1 && n >= 8) {
    i64 j = 0;
    for (; j + 8 <= n; j += 8) avg2x2Chunk<f8>(r0, r1, j, y);
    if (j < n) avg2x2Chunk<f8>(r0, r1, n - 8, y);
  } else if (n >= 4) {
    i64 j = 0;
    for (; j + 4 <= n; j += 4) avg2x2Chunk<f4>(r0, r1, j, y);
    if (j < n) avg2x2Chunk<f4>(r0, r1, n - 4, y);
  } else {
    for (i64 j = 0; j < n; j++) y[j] = (((r0[2 * j] + r0[2 * j + 1]) + r1[2 * j]) + r1[2 * j + 1]) / 4.0f;
  }
}
NB_MULTIVERSION(void, avg2x2Row, (const float* r0, const float* r1, i64 n, float* y), (r0, r1, n, y))

void avgPool2d(const float* x, const PoolGeom& g, float* y) {
  const i64 HW = g.h * g.w, OHW = g.outH * g.outW;
  const Spans rows(g.outH, g.strideH, g.padH, g.kh, g.h), cols(g.outW, g.strideW, g.padW, g.kw, g.w);
  const bool is2x2 = g.kh == 2 && g.kw == 2 && g.strideH == 2 && g.strideW == 2;
  const auto row2 = avg2x2Row_pick();
  overPlanes(g, OHW * g.kh * g.kw, [&](i64 p0, i64 p1) {
    for (i64 p = p0; p < p1; p++) {
      const float* xp = x + p * HW;
      for (i64 oh = 0; oh < g.outH; oh++) {
        float* yr = y + p * OHW + oh * g.outW;
        const i64 h0 = rows.lo[oh], h1 = rows.hi[oh];
        i64 q0 = g.outW, q1 = g.outW;
        if (is2x2 && oh >= rows.in0 && oh < rows.in1) {
          q0 = cols.in0;
          q1 = std::max(cols.in0, cols.in1);
          // an interior window's divisor is 4 either way
          if (q1 > q0) row2(xp + h0 * g.w + cols.lo[q0], xp + (h0 + 1) * g.w + cols.lo[q0], q1 - q0, yr + q0);
        }
        for (i64 q = 0; q < g.outW; q++) {
          if (q == q0 && q1 > q0) {
            q = q1 - 1;
            continue;
          }
          const float div = avgDivisor(g, rows, oh, cols, q);
          float s = 0.f;
          for (i64 ih = h0; ih < h1; ih++)
            for (i64 iw = cols.lo[q]; iw < cols.hi[q]; iw++) s += xp[ih * g.w + iw];
          yr[q] = div > 0 ? s / div : 0.f;
        }
      }
    }
  });
}

// n interior non-overlapping 2x2 windows of one output row: each pixel gets dy / 4 (exact)
template <int L>
static NB_INLINE void avg2x2BackRow_impl(const float* d, i64 n, float* r0, float* r1) {
  i64 j = 0;
  for (; j + 4 <= n; j += 4) {
    const f8 v = dup(loadv<f4>(d + j) / 4.0f);
    storev(r0 + 2 * j, loadv<f8>(r0 + 2 * j) + v);
    storev(r1 + 2 * j, loadv<f8>(r1 + 2 * j) + v);
  }
  for (; j < n; j++) {
    const float v = d[j] / 4.0f;
    r0[2 * j] += v;
    r0[2 * j + 1] += v;
    r1[2 * j] += v;
    r1[2 * j + 1] += v;
  }
}
NB_MULTIVERSION(void, avg2x2BackRow, (const float* d, i64 n, float* r0, float* r1), (d, n, r0, r1))

void avgPool2dBackward(const float* dy, const PoolGeom& g, float* dx) {
  const i64 HW = g.h * g.w, OHW = g.outH * g.outW;
  const Spans rows(g.outH, g.strideH, g.padH, g.kh, g.h), cols(g.outW, g.strideW, g.padW, g.kw, g.w);
  const bool is2x2 = g.kh == 2 && g.kw == 2 && g.strideH == 2 && g.strideW == 2;
  const auto row2 = avg2x2BackRow_pick();
  overPlanes(g, OHW * g.kh * g.kw, [&](i64 p0, i64 p1) {
    for (i64 p = p0; p < p1; p++) {
      const float* d = dy + p * OHW;
      float* o = dx + p * HW;
      std::memset(o, 0, sizeof(float) * HW);  // the windows add into the plane
      for (i64 oh = 0; oh < g.outH; oh++) {
        const i64 h0 = rows.lo[oh], h1 = rows.hi[oh];
        i64 q0 = g.outW, q1 = g.outW;
        if (is2x2 && oh >= rows.in0 && oh < rows.in1 && cols.in1 > cols.in0) {
          q0 = cols.in0;
          q1 = cols.in1;
          float* r0 = o + h0 * g.w + cols.lo[q0];
          row2(d + oh * g.outW + q0, q1 - q0, r0, r0 + g.w);
        }
        for (i64 ow = 0; ow < g.outW; ow++) {
          if (ow == q0) {
            ow = q1 - 1;
            continue;
          }
          const float div = avgDivisor(g, rows, oh, cols, ow);
          if (div <= 0) continue;
          const float v = d[oh * g.outW + ow] / div;
          const i64 w0 = cols.lo[ow], w1 = cols.hi[ow];
          for (i64 ih = h0; ih < h1; ih++) {
            float* r = o + ih * g.w;
            for (i64 iw = w0; iw < w1; iw++) r[iw] += v;
          }
        }
      }
    }
  });
}

}  // namespace nabla
