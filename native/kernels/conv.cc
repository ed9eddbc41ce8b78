// 2-D convolution (NCHW, cross-correlation, groups, stride, padding, dilation) as im2col + GEMM:
//   col[(c*kh + i)*kw + j, oh*outW + ow] = x[c, oh*sH - pH + i*dH, ow*sW - pW + j*dW]  (0 outside)
//   forward         y[g]  (coutG x P)  = W[g] (coutG x K) · col[g] (K x P)
//   backward input  dcol  (K x P)      = W[g]^T · dy[g],  then dx += col2im(dcol)
//   backward weight dW[g] (coutG x K) += dy[g] · col[g]^T
// with K = cinG*kh*kw and P = outH*outW. Work is split over images (each thread its own column
// buffer, GEMMs on the calling thread); a single image instead lets the GEMM use the threads.
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "common.h"
#include "threadpool.h"

namespace nabla {

struct Buf {
  std::vector<float> v;
  float* get(size_t n) {
    if (v.size() < n) v.resize(n);
    return v.data();
  }
};
static thread_local Buf tlsCol;

static bool isPointwise(const ConvGeom& g) {
  return g.kh == 1 && g.kw == 1 && g.strideH == 1 && g.strideW == 1 && g.padH == 0 && g.padW == 0;
}

// x: cinG planes of one image (H x W); col: K x P
static void im2col(const float* x, const ConvGeom& g, i64 cinG, float* col) {
  const i64 P = g.outH * g.outW;
  for (i64 c = 0; c < cinG; c++) {
    const float* xc = x + c * g.h * g.w;
    for (i64 i = 0; i < g.kh; i++) {
      for (i64 j = 0; j < g.kw; j++) {
        float* row = col + ((c * g.kh + i) * g.kw + j) * P;
        for (i64 oh = 0; oh < g.outH; oh++) {
          const i64 ih = oh * g.strideH - g.padH + i * g.dilH;
          float* r = row + oh * g.outW;
          if (ih < 0 || ih >= g.h) {
            std::memset(r, 0, sizeof(float) * g.outW);
            continue;
          }
          const float* xr = xc + ih * g.w;
          const i64 off = j * g.dilW - g.padW;
          if (g.strideW == 1) {
            // valid ow: 0 <= ow + off < w
            const i64 lo = std::max<i64>(0, -off), hi = std::min<i64>(g.outW, g.w - off);
            i64 ow = 0;
            for (; ow < lo && ow < g.outW; ow++) r[ow] = 0.f;
            for (; ow < hi; ow++) r[ow] = xr[ow + off];
            for (; ow < g.outW; ow++) r[ow] = 0.f;
          } else {
            for (i64 ow = 0; ow < g.outW; ow++) {
              const i64 iw = ow * g.strideW + off;
              r[ow] = (iw >= 0 && iw < g.w) ? xr[iw] : 0.f;
            }
          }
        }
      }
    }
  }
}

// dx (cinG planes) += col2im(col)
static void col2im(const float* col, const ConvGeom& g, i64 cinG, float* dx) {
  const i64 P = g.outH * g.outW;
  for (i64 c = 0; c < cinG; c++) {
    float* xc = dx + c * g.h * g.w;
    for (i64 i = 0; i < g.kh; i++) {
      for (i64 j = 0; j < g.kw; j++) {
        const float* row = col + ((c * g.kh + i) * g.kw + j) * P;
        for (i64 oh = 0; oh < g.outH; oh++) {
          const i64 ih = oh * g.strideH - g.padH + i * g.dilH;
          if (ih < 0 || ih >= g.h) continue;
          const float* r = row + oh * g.outW;
          float* xr = xc + ih * g.w;
          const i64 off = j * g.dilW - g.padW;
          if (g.strideW == 1) {
            const i64 lo = std::max<i64>(0, -off), hi = std::min<i64>(g.outW, g.w - off);
            for (i64 ow = lo; ow < hi; ow++) xr[ow + off] += r[ow];
          } else {
            for (i64 ow = 0; ow < g.outW; ow++) {
              const i64 iw = ow * g.strideW + off;
              if (iw >= 0 && iw < g.w) xr[iw] += r[ow];
            }
          }
        }
      }
    }
  }
}

static GemmCall call(i64 m, i64 n, i64 k, const float* a, i64 lda, int ta, const float* b, i64 ldb, int tb, float* c,
                     i64 ldc, int beta) {
  GemmCall G;
  G.batch = 1;
  G.m = m;
  G.n = n;
  G.k = k;
  G.a = a;
  G.lda = lda;
  G.transA = ta;
  G.strideA = 0;
  G.b = b;
  G.ldb = ldb;
  G.transB = tb;
  G.strideB = 0;
  G.c = c;
  G.ldc = ldc;
  G.strideC = 0;
  G.beta = beta;
  return G;
}

// Runs body(imageIndex, gemmThreads) over the batch: images split over threads, or one image
// with threaded GEMMs.
template <class F>
static void overImages(const ConvGeom& g, F&& body) {
  const i64 work = g.cOut / g.groups * (g.cIn / g.groups) * g.kh * g.kw * g.outH * g.outW;  // MACs per image/group
  int nt = numThreads();
  if (g.n >= 2 && nt > 1 && work * g.groups * g.n >= 200000) {
    if (nt > g.n) nt = (int)g.n;
    auto task = [&](int tid, int n) {
      for (i64 i = g.n * tid / n; i < g.n * (tid + 1) / n; i++) body(i, 1);
    };
    parallel(nt, task);
  } else {
    for (i64 i = 0; i < g.n; i++) body(i, 0);
  }
}

void conv2d(const float* x, const float* w, const ConvGeom& g, float* y) {
  const i64 cinG = g.cIn / g.groups, coutG = g.cOut / g.groups;
  const i64 K = cinG * g.kh * g.kw, P = g.outH * g.outW, HW = g.h * g.w;
  if (g.n == 0 || P == 0 || g.cOut == 0) return;
  const bool pw = isPointwise(g);
  overImages(g, [&](i64 img, int gemmThreads) {
    float* col = pw ? nullptr : tlsCol.get((size_t)K * P);
    for (i64 gi = 0; gi < g.groups; gi++) {
      const float* xg = x + (img * g.cIn + gi * cinG) * HW;
      const float* src = xg;
      if (!pw) {
        im2col(xg, g, cinG, col);
        src = col;
      }
      float* yg = y + (img * g.cOut + gi * coutG) * P;
      gemm(call(coutG, P, K, w + gi * coutG * K, K, 0, src, P, 0, yg, P, 0), gemmThreads);
    }
  });
}

void conv2dBackwardInput(const float* dy, const float* w, const ConvGeom& g, float* dx) {
  const i64 cinG = g.cIn / g.groups, coutG = g.cOut / g.groups;
  const i64 K = cinG * g.kh * g.kw, P = g.outH * g.outW, HW = g.h * g.w;
  if (g.n == 0 || P == 0 || g.cOut == 0 || K == 0) return;
  const bool pw = isPointwise(g);
  overImages(g, [&](i64 img, int gemmThreads) {
    float* col = pw ? nullptr : tlsCol.get((size_t)K * P);
    for (i64 gi = 0; gi < g.groups; gi++) {
      const float* dyg = dy + (img * g.cOut + gi * coutG) * P;
      float* dxg = dx + (img * g.cIn + gi * cinG) * HW;
      if (pw) {
        // dx is pre-zeroed, so accumulate straight into it
        gemm(call(K, P, coutG, w + gi * coutG * K, K, 1, dyg, P, 0, dxg, P, 1), gemmThreads);
      } else {
        gemm(call(K, P, coutG, w + gi * coutG * K, K, 1, dyg, P, 0, col, P, 0), gemmThreads);
        col2im(col, g, cinG, dxg);
      }
    }
  });
}

void conv2dBackwardWeight(const float* x, const float* dy, const ConvGeom& g, float* dw) {
  const i64 cinG = g.cIn / g.groups, coutG = g.cOut / g.groups;
  const i64 K = cinG * g.kh * g.kw, P = g.outH * g.outW, HW = g.h * g.w;
  if (g.n == 0 || P == 0 || g.cOut == 0 || K == 0) return;
  const bool pw = isPointwise(g);
  const i64 wsize = g.cOut * K;
  const i64 work = coutG * K * P;
  int nt = numThreads();
  if (nt > g.n) nt = (int)g.n;
  const bool split = nt > 1 && work * g.groups * g.n >= 200000;
  // thread t > 0 accumulates into its own copy of dW, summed into dw at the end
  std::vector<float> partial(split ? (size_t)(nt - 1) * wsize : 0, 0.f);
  auto one = [&](i64 img, float* acc, int gemmThreads) {
    float* col = pw ? nullptr : tlsCol.get((size_t)K * P);
    for (i64 gi = 0; gi < g.groups; gi++) {
      const float* xg = x + (img * g.cIn + gi * cinG) * HW;
      const float* src = xg;
      if (!pw) {
        im2col(xg, g, cinG, col);
        src = col;
      }
      const float* dyg = dy + (img * g.cOut + gi * coutG) * P;
      gemm(call(coutG, K, P, dyg, P, 0, src, P, 1, acc + gi * coutG * K, K, 1), gemmThreads);
    }
  };
  if (!split) {
    for (i64 i = 0; i < g.n; i++) one(i, dw, 0);
    return;
  }
  int used = nt;
  auto task = [&](int tid, int n) {
    float* acc = tid == 0 ? dw : partial.data() + (size_t)(tid - 1) * wsize;
    for (i64 i = g.n * tid / n; i < g.n * (tid + 1) / n; i++) one(i, acc, 1);
  };
  used = parallel(nt, task);
  const IsaTable* T = isa();
  for (int t = 1; t < used; t++) T->axpy(wsize, 1.0f, partial.data() + (size_t)(t - 1) * wsize, dw);
}

}  // namespace nabla
