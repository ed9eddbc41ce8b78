// Max and average 2-D pooling (NCHW) and their backward passes, PyTorch's semantics:
// windows start at oh*stride - pad; max pooling treats padding as -inf and records the flat
// index (ih*W + iw) of the first maximum (NaN wins), -1 for a window with no input element;
// average pooling divides by the window clipped to the padded input (countIncludePad) or by
// the number of real input elements. Planes (n, c) are independent and split over threads.
#include <algorithm>
#include <cmath>

#include "common.h"
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

void maxPool2d(const float* x, const PoolGeom& g, float* y, int32_t* argmax) {
  const i64 HW = g.h * g.w, OHW = g.outH * g.outW;
  overPlanes(g, OHW * g.kh * g.kw, [&](i64 p0, i64 p1) {
    for (i64 p = p0; p < p1; p++) {
      const float* xp = x + p * HW;
      float* yp = y + p * OHW;
      int32_t* ap = argmax + p * OHW;
      for (i64 oh = 0; oh < g.outH; oh++) {
        const i64 hs0 = oh * g.strideH - g.padH;
        const i64 hs = std::max<i64>(hs0, 0), he = std::min<i64>(hs0 + g.kh, g.h);
        for (i64 ow = 0; ow < g.outW; ow++) {
          const i64 ws0 = ow * g.strideW - g.padW;
          const i64 ws = std::max<i64>(ws0, 0), we = std::min<i64>(ws0 + g.kw, g.w);
          float best = -INFINITY;
          i64 bi = -1;
          for (i64 ih = hs; ih < he; ih++) {
            const float* r = xp + ih * g.w;
            for (i64 iw = ws; iw < we; iw++) {
              const float v = r[iw];
              if (bi < 0 || v > best || v != v) {
                best = v;
                bi = ih * g.w + iw;
              }
            }
          }
          yp[oh * g.outW + ow] = best;
          ap[oh * g.outW + ow] = (int32_t)bi;
        }
      }
    }
  });
}

void maxPool2dBackward(const float* dy, const int32_t* argmax, const PoolGeom& g, float* dx) {
  const i64 HW = g.h * g.w, OHW = g.outH * g.outW;
  overPlanes(g, OHW, [&](i64 p0, i64 p1) {
    for (i64 p = p0; p < p1; p++) {
      const float* d = dy + p * OHW;
      const int32_t* a = argmax + p * OHW;
      float* o = dx + p * HW;
      for (i64 i = 0; i < OHW; i++)
        if (a[i] >= 0) o[a[i]] += d[i];
    }
  });
}

// window of output (oh, ow): clipped bounds and the divisor
struct Win {
  i64 hs, he, ws, we;
  float div;
  bool empty;
};
static inline Win window(const PoolGeom& g, i64 oh, i64 ow) {
  Win w;
  i64 hs = oh * g.strideH - g.padH, ws = ow * g.strideW - g.padW;
  i64 he = std::min<i64>(hs + g.kh, g.h + g.padH), we = std::min<i64>(ws + g.kw, g.w + g.padW);
  const i64 poolSize = (he - hs) * (we - ws);
  hs = std::max<i64>(hs, 0);
  ws = std::max<i64>(ws, 0);
  he = std::min<i64>(he, g.h);
  we = std::min<i64>(we, g.w);
  w.hs = hs;
  w.he = he;
  w.ws = ws;
  w.we = we;
  w.empty = hs >= he || ws >= we;
  const i64 div = g.countIncludePad ? poolSize : (he - hs) * (we - ws);
  w.div = (float)div;
  return w;
}

void avgPool2d(const float* x, const PoolGeom& g, float* y) {
  const i64 HW = g.h * g.w, OHW = g.outH * g.outW;
  overPlanes(g, OHW * g.kh * g.kw, [&](i64 p0, i64 p1) {
    for (i64 p = p0; p < p1; p++) {
      const float* xp = x + p * HW;
      float* yp = y + p * OHW;
      for (i64 oh = 0; oh < g.outH; oh++) {
        for (i64 ow = 0; ow < g.outW; ow++) {
          const Win w = window(g, oh, ow);
          float s = 0.f;
          for (i64 ih = w.hs; ih < w.he; ih++)
            for (i64 iw = w.ws; iw < w.we; iw++) s += xp[ih * g.w + iw];
          yp[oh * g.outW + ow] = w.empty || w.div <= 0 ? 0.f : s / w.div;
        }
      }
    }
  });
}

void avgPool2dBackward(const float* dy, const PoolGeom& g, float* dx) {
  const i64 HW = g.h * g.w, OHW = g.outH * g.outW;
  overPlanes(g, OHW * g.kh * g.kw, [&](i64 p0, i64 p1) {
    for (i64 p = p0; p < p1; p++) {
      const float* d = dy + p * OHW;
      float* o = dx + p * HW;
      for (i64 oh = 0; oh < g.outH; oh++) {
        for (i64 ow = 0; ow < g.outW; ow++) {
          const Win w = window(g, oh, ow);
          if (w.empty || w.div <= 0) continue;
          const float v = d[oh * g.outW + ow] / w.div;
          for (i64 ih = w.hs; ih < w.he; ih++)
            for (i64 iw = w.ws; iw < w.we; iw++) o[ih * g.w + iw] += v;
        }
      }
    }
  });
}

}  // namespace nabla
