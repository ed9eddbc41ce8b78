// 2-D convolution (NCHW, cross-correlation, groups, stride, padding, dilation) as im2col + GEMM:
//   col[(c*kh + i)*kw + j, oh*outW + ow] = x[c, oh*sH - pH + i*dH, ow*sW - pW + j*dW]  (0 outside)
//   forward         y[g]^T (P x coutG) = col[g]^T (P x K) · W[g]^T (K x coutG), then transposed
//                   into y (pixels are the long side, so the register tiles fill up)
//   backward input  dcol   (K x P)     = W[g]^T · dy[g],  then dx += col2im(dcol)
//   backward weight dW[g]^T (K x coutG) += col[g] · dy[g]^T, summed over images, then
//                   transposed into dw; when coutG*K is tiny, each dW entry is a dot product
// with K = cinG*kh*kw and P = outH*outW. The GEMMs read col and W transposed through their
// packing, never copied. Work is split over images (each thread its own buffers, images taken
// from a shared counter, GEMMs on that thread); a single image lets the GEMM use the threads.
#include <algorithm>
#include <atomic>
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
static thread_local Buf tlsCol, tlsOut;

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
// Runs body(image, gemmThreads, tid) for every image: images taken from a shared counter by
// the pool's threads (GEMMs then stay on their thread), or one by one with threaded GEMMs.
// Returns an upper bound of the tids that ran (accumulators indexed by tid below it).
template <class F>
static int overImages(const ConvGeom& g, F&& body) {
  const i64 work = g.cOut / g.groups * (g.cIn / g.groups) * g.kh * g.kw * g.outH * g.outW;  // MACs per image/group
  int nt = numThreads();
  if (g.n >= 2 && nt > 1 && work * g.groups * g.n >= 200000) {
    if (nt > g.n) nt = (int)g.n;
    std::atomic<i64> next{0};
    auto task = [&](int tid, int) {
      for (i64 i; (i = next.fetch_add(1, std::memory_order_relaxed)) < g.n;) body(i, 1, tid);
    };
    return parallel(nt, task);
  }
  for (i64 i = 0; i < g.n; i++) body(i, 0, 0);
  return 1;
}

// bias value of output channel o (0 without a bias)
static inline float biasOf(const float* bias, i64 o) { return bias ? bias[o] : 0.f; }

static void conv2dIm2col(const float* x, const float* w, const float* bias, const ConvGeom& g, float* y) {
  const i64 cinG = g.cIn / g.groups, coutG = g.cOut / g.groups;
  const i64 K = cinG * g.kh * g.kw, P = g.outH * g.outW, HW = g.h * g.w;
  if (g.n == 0 || P == 0 || g.cOut == 0) return;
  const bool pw = isPointwise(g);
  overImages(g, [&](i64 img, int gemmThreads, int) {
    float* col = pw ? nullptr : tlsCol.get((size_t)K * P);
    float* yt = tlsOut.get((size_t)P * coutG);
    for (i64 gi = 0; gi < g.groups; gi++) {
      const float* xg = x + (img * g.cIn + gi * cinG) * HW;
      const float* src = xg;
      if (!pw) {
        im2col(xg, g, cinG, col);
        src = col;
      }
      float* yg = y + (img * g.cOut + gi * coutG) * P;
      if (K == 0) {
        for (i64 o = 0; o < coutG; o++) std::fill(yg + o * P, yg + (o + 1) * P, biasOf(bias, gi * coutG + o));
        continue;
      }
      // yt (P x coutG) = col^T · W_g^T
      gemm(call(P, coutG, K, src, P, 1, w + gi * coutG * K, K, 1, yt, coutG, 0), gemmThreads);
      for (i64 o = 0; o < coutG; o++) {
        float* yo = yg + o * P;
        if (bias) {
          const float bo = bias[gi * coutG + o];
          for (i64 p = 0; p < P; p++) yo[p] = yt[p * coutG + o] + bo;
        } else {
          for (i64 p = 0; p < P; p++) yo[p] = yt[p * coutG + o];
        }
      }
    }
  });
}

static void conv2dBackwardInputIm2col(const float* dy, const float* w, const ConvGeom& g, float* dx) {
  const i64 cinG = g.cIn / g.groups, coutG = g.cOut / g.groups;
  const i64 K = cinG * g.kh * g.kw, P = g.outH * g.outW, HW = g.h * g.w;
  if (g.n == 0 || P == 0 || g.cOut == 0 || K == 0) return;
  const bool pw = isPointwise(g);
  overImages(g, [&](i64 img, int gemmThreads, int) {
    float* col = pw ? nullptr : tlsCol.get((size_t)K * P);
    for (i64 gi = 0; gi < g.groups; gi++) {
      const float* dyg = dy + (img * g.cOut + gi * coutG) * P;
      float* dxg = dx + (img * g.cIn + gi * cinG) * HW;
      if (pw) {
        gemm(call(K, P, coutG, w + gi * coutG * K, K, 1, dyg, P, 0, dxg, P, 0), gemmThreads);
      } else {
        gemm(call(K, P, coutG, w + gi * coutG * K, K, 1, dyg, P, 0, col, P, 0), gemmThreads);
        std::memset(dxg, 0, sizeof(float) * cinG * HW);
        col2im(col, g, cinG, dxg);
      }
    }
  });
}

// Per-thread sums of dy over the pixels of each output channel (the bias gradient), reduced
// into db at the end.
struct BiasAcc {
  std::vector<float> acc;
  i64 cOut = 0;
  BiasAcc(float* db, int nt, i64 cOut_) : cOut(cOut_) {
    if (db) acc.assign((size_t)nt * cOut, 0.f);
  }
  void add(int tid, const float* dyImg, i64 P, const IsaTable* T) {
    if (acc.empty()) return;
    float* a = acc.data() + (size_t)tid * cOut;
    for (i64 o = 0; o < cOut; o++) a[o] += T->reduceRow(R_SUM, dyImg + o * P, P);
  }
  void finish(int used, float* db) const {
    if (!db) return;
    for (i64 o = 0; o < cOut; o++) {
      float s = 0.f;
      for (int t = 0; t < used; t++) s += acc[(size_t)t * cOut + o];
      db[o] = s;
    }
  }
};

static void conv2dBackwardWeightIm2col(const float* x, const float* dy, const ConvGeom& g, float* dw, float* db) {
  const i64 cinG = g.cIn / g.groups, coutG = g.cOut / g.groups;
  const i64 K = cinG * g.kh * g.kw, P = g.outH * g.outW, HW = g.h * g.w;
  if (g.n == 0 || P == 0 || g.cOut == 0 || K == 0) return;
  const bool pw = isPointwise(g);
  const i64 wsize = g.cOut * K;
  // tiny weight blocks (e.g. 16 x 9): one dot product of length P per entry beats any tiling
  const bool dots = coutG * K <= 256;
  const IsaTable* T = isa();
  // per thread: an accumulator laid out as the GEMM writes it (dots: dw's layout, else per
  // group K x coutG), summed and transposed into dw at the end
  const int maxNt = std::max(1, std::min<int>(numThreads(), (int)g.n));
  std::vector<float> acc((size_t)maxNt * wsize, 0.f);
  BiasAcc bacc(db, maxNt, g.cOut);
  const int used = overImages(g, [&](i64 img, int gemmThreads, int tid) {
    float* col = pw ? nullptr : tlsCol.get((size_t)K * P);
    float* a = acc.data() + (size_t)tid * wsize;
    bacc.add(tid, dy + img * g.cOut * P, P, T);
    for (i64 gi = 0; gi < g.groups; gi++) {
      const float* xg = x + (img * g.cIn + gi * cinG) * HW;
      const float* src = xg;
      if (!pw) {
        im2col(xg, g, cinG, col);
        src = col;
      }
      const float* dyg = dy + (img * g.cOut + gi * coutG) * P;
      float* ag = a + gi * coutG * K;
      if (dots) {
        for (i64 o = 0; o < coutG; o++)
          for (i64 r = 0; r < K; r++) ag[o * K + r] += T->dot(P, dyg + o * P, src + r * P);
      } else {
        // ag (K x coutG) += col · dy_g^T
        gemm(call(K, coutG, P, src, P, 0, dyg, P, 1, ag, coutG, 1), gemmThreads);
      }
    }
  });
  for (int t = 0; t < used; t++) {
    const float* a = acc.data() + (size_t)t * wsize;
    if (dots) {
      if (t == 0) std::memcpy(dw, a, sizeof(float) * wsize);
      else T->axpy(wsize, 1.0f, a, dw);
      continue;
    }
    for (i64 gi = 0; gi < g.groups; gi++) {
      const float* ag = a + gi * coutG * K;
      float* dg = dw + gi * coutG * K;
      for (i64 o = 0; o < coutG; o++)
        for (i64 r = 0; r < K; r++) dg[o * K + r] = (t == 0 ? 0.f : dg[o * K + r]) + ag[r * coutG + o];
    }
  }
  bacc.finish(used, db);
}


// ---------------------------------------------------------------------------------------------
// Stride 1: implicit im2col over a zero-padded copy of the input.
//
// With the input padded to Hp x Wp (Hp = H + 2 padH, Wp = W + 2 padW) and the output laid out
// with the padded width (q = oh*Wp + ow; the columns ow >= outW are scratch), the im2col row of
// kernel tap (c, i, j) is a plain contiguous run of the padded input:
//   col[(c*kh + i)*kw + j, q] = xp[c*Hp*Wp + i*dH*Wp + j*dW + q]
// so the GEMMs read it through one pointer per tap and nothing is copied but the padding.
// ---------------------------------------------------------------------------------------------
struct Implicit {
  i64 cinG, coutG, K, Hp, Wp, Q, planeP, slack;
};

static Implicit implicitGeom(const ConvGeom& g) {
  Implicit m;
  m.cinG = g.cIn / g.groups;
  m.coutG = g.cOut / g.groups;
  m.K = m.cinG * g.kh * g.kw;
  m.Hp = g.h + 2 * g.padH;
  m.Wp = g.w + 2 * g.padW;
  m.Q = g.outH * m.Wp;
  m.planeP = m.Hp * m.Wp;
  m.slack = m.Wp + (g.kw - 1) * g.dilW + 16;
  return m;
}

// xp (cinG padded planes, then zeroed slack) from cinG planes of x
static void padInput(const float* x, const ConvGeom& g, const Implicit& m, float* xp) {
  for (i64 c = 0; c < m.cinG; c++) {
    float* pc = xp + c * m.planeP;
    std::memset(pc, 0, sizeof(float) * g.padH * m.Wp);
    for (i64 ih = 0; ih < g.h; ih++) {
      float* r = pc + (ih + g.padH) * m.Wp;
      for (i64 j = 0; j < g.padW; j++) r[j] = 0.f;
      std::memcpy(r + g.padW, x + (c * g.h + ih) * g.w, sizeof(float) * g.w);
      for (i64 j = g.padW + g.w; j < m.Wp; j++) r[j] = 0.f;
    }
    std::memset(pc + (g.h + g.padH) * m.Wp, 0, sizeof(float) * g.padH * m.Wp);
  }
  std::memset(xp + m.cinG * m.planeP, 0, sizeof(float) * m.slack);
}

// one pointer (offset) per kernel tap into the padded input
static void tapRows(const ConvGeom& g, const Implicit& m, const float* base, const float** rows) {
  for (i64 c = 0; c < m.cinG; c++)
    for (i64 i = 0; i < g.kh; i++)
      for (i64 j = 0; j < g.kw; j++) rows[(c * g.kh + i) * g.kw + j] = base + c * m.planeP + i * g.dilH * m.Wp + j * g.dilW;
}

// dyq (coutG x Q) from dy (coutG planes outH x outW), scratch columns zero
static void padOutputGrad(const float* dy, const ConvGeom& g, const Implicit& m, float* dyq) {
  for (i64 o = 0; o < m.coutG; o++) {
    for (i64 oh = 0; oh < g.outH; oh++) {
      float* r = dyq + o * m.Q + oh * m.Wp;
      std::memcpy(r, dy + (o * g.outH + oh) * g.outW, sizeof(float) * g.outW);
      for (i64 j = g.outW; j < m.Wp; j++) r[j] = 0.f;
    }
  }
}

static thread_local Buf tlsPad, tlsRows, tlsDy;

static void conv2dImplicit(const float* x, const float* w, const float* bias, const ConvGeom& g, float* y) {
  const Implicit m = implicitGeom(g);
  const i64 P = g.outH * g.outW, HW = g.h * g.w;
  const bool tiny = m.coutG * m.K <= 256;
  const IsaTable* T = isa();
  overImages(g, [&](i64 img, int gemmThreads, int) {
    float* xp = tlsPad.get((size_t)(m.cinG * m.planeP + m.slack));
    const float** rows = reinterpret_cast<const float**>(tlsRows.get((size_t)m.K * 2 + 2));
    float* yt = tlsOut.get((size_t)m.Q * m.coutG);
    for (i64 gi = 0; gi < g.groups; gi++) {
      padInput(x + (img * g.cIn + gi * m.cinG) * HW, g, m, xp);
      tapRows(g, m, xp, rows);
      float* yg = y + (img * g.cOut + gi * m.coutG) * P;
      if (tiny) {
        // few weights (e.g. 16 x 9): each output plane is a sum of K scaled tap rows
        const float* wg = w + gi * m.coutG * m.K;
        for (i64 o = 0; o < m.coutG; o++) {
          float* yq = yt;  // one padded-width output plane
          std::fill(yq, yq + m.Q, biasOf(bias, gi * m.coutG + o));
          for (i64 r = 0; r < m.K; r++) T->axpy(m.Q, wg[o * m.K + r], rows[r], yq);
          for (i64 oh = 0; oh < g.outH; oh++)
            std::memcpy(yg + o * P + oh * g.outW, yq + oh * m.Wp, sizeof(float) * g.outW);
        }
        continue;
      }
      // yt (Q x coutG) = col^T · W_g^T
      GemmEx G{m.Q, m.coutG, m.K, nullptr, 0, 0, rows, w + gi * m.coutG * m.K, 1, m.K, nullptr, yt, m.coutG, 0};
      gemmEx(G, gemmThreads);
      for (i64 o = 0; o < m.coutG; o++) {
        float* yo = yg + o * P;
        const float bo = biasOf(bias, gi * m.coutG + o);
        for (i64 oh = 0; oh < g.outH; oh++) {
          const float* src = yt + (oh * m.Wp) * m.coutG + o;
          float* dst = yo + oh * g.outW;
          if (bias) for (i64 ow = 0; ow < g.outW; ow++) dst[ow] = src[ow * m.coutG] + bo;
          else for (i64 ow = 0; ow < g.outW; ow++) dst[ow] = src[ow * m.coutG];
        }
      }
    }
  });
}

static void conv2dBackwardInputImplicit(const float* dy, const float* w, const ConvGeom& g, float* dx) {
  const Implicit m = implicitGeom(g);
  const i64 P = g.outH * g.outW, HW = g.h * g.w;
  const IsaTable* T = isa();
  const bool tiny = m.coutG * m.K <= 256;
  overImages(g, [&](i64 img, int gemmThreads, int) {
    float* dxp = tlsPad.get((size_t)(m.cinG * m.planeP + m.slack));
    float* dyq = tlsDy.get((size_t)m.coutG * m.Q);
    float* dcol = tiny ? nullptr : tlsCol.get((size_t)m.K * m.Q);
    const float** rows = reinterpret_cast<const float**>(tlsRows.get((size_t)m.K * 2 + 2));
    for (i64 gi = 0; gi < g.groups; gi++) {
      padOutputGrad(dy + (img * g.cOut + gi * m.coutG) * P, g, m, dyq);
      std::memset(dxp, 0, sizeof(float) * (m.cinG * m.planeP + m.slack));
      tapRows(g, m, dxp, rows);
      if (tiny) {
        // few weights: each tap row of the padded gradient gets the weighted output-gradient planes
        const float* wg = w + gi * m.coutG * m.K;
        for (i64 r = 0; r < m.K; r++)
          for (i64 o = 0; o < m.coutG; o++) T->axpy(m.Q, wg[o * m.K + r], dyq + o * m.Q, const_cast<float*>(rows[r]));
      } else {
        // dcol (K x Q) = W_g^T · dyq
        GemmEx G{m.K, m.Q, m.coutG, w + gi * m.coutG * m.K, 1, m.K, nullptr, dyq, m.Q, 1, nullptr, dcol, m.Q, 0};
        gemmEx(G, gemmThreads);
        // col2im: every tap's row adds into a contiguous run of the padded gradient
        for (i64 r = 0; r < m.K; r++) T->axpy(m.Q, 1.0f, dcol + r * m.Q, const_cast<float*>(rows[r]));
      }
      float* dxg = dx + (img * g.cIn + gi * m.cinG) * HW;
      for (i64 c = 0; c < m.cinG; c++)
        for (i64 ih = 0; ih < g.h; ih++)
          std::memcpy(dxg + (c * g.h + ih) * g.w, dxp + c * m.planeP + (ih + g.padH) * m.Wp + g.padW, sizeof(float) * g.w);
    }
  });
}

static void conv2dBackwardWeightImplicit(const float* x, const float* dy, const ConvGeom& g, float* dw, float* db) {
  const Implicit m = implicitGeom(g);
  const i64 P = g.outH * g.outW, HW = g.h * g.w;
  const i64 wsize = g.cOut * m.K;
  const bool dots = m.coutG * m.K <= 256;
  const IsaTable* T = isa();
  const int maxNt = std::max(1, std::min<int>(numThreads(), (int)g.n));
  std::vector<float> acc((size_t)maxNt * wsize, 0.f);
  BiasAcc bacc(db, maxNt, g.cOut);
  const int used = overImages(g, [&](i64 img, int gemmThreads, int tid) {
    float* xp = tlsPad.get((size_t)(m.cinG * m.planeP + m.slack));
    float* dyq = tlsDy.get((size_t)m.coutG * m.Q);
    const float** rows = reinterpret_cast<const float**>(tlsRows.get((size_t)m.K * 2 + 2));
    float* a = acc.data() + (size_t)tid * wsize;
    bacc.add(tid, dy + img * g.cOut * P, P, T);
    for (i64 gi = 0; gi < g.groups; gi++) {
      padInput(x + (img * g.cIn + gi * m.cinG) * HW, g, m, xp);
      tapRows(g, m, xp, rows);
      padOutputGrad(dy + (img * g.cOut + gi * m.coutG) * P, g, m, dyq);
      float* ag = a + gi * m.coutG * m.K;
      if (dots) {
        for (i64 o = 0; o < m.coutG; o++)
          for (i64 r = 0; r < m.K; r++) ag[o * m.K + r] += T->dot(m.Q, dyq + o * m.Q, rows[r]);
      } else {
        // ag (coutG x K) += dyq · col^T
        GemmEx G{m.coutG, m.K, m.Q, dyq, m.Q, 1, nullptr, nullptr, 0, 0, rows, ag, m.K, 1};
        gemmEx(G, gemmThreads);
      }
    }
  });
  std::memcpy(dw, acc.data(), sizeof(float) * wsize);
  for (int t = 1; t < used; t++) T->axpy(wsize, 1.0f, acc.data() + (size_t)t * wsize, dw);
  bacc.finish(used, db);
}

static bool implicitOk(const ConvGeom& g) { return g.strideH == 1 && g.strideW == 1 && !isPointwise(g); }

void conv2d(const float* x, const float* w, const float* bias, const ConvGeom& g, float* y) {
  if (g.n == 0 || g.outH * g.outW == 0 || g.cOut == 0) return;
  if (implicitOk(g) && g.cIn > 0) conv2dImplicit(x, w, bias, g, y);
  else conv2dIm2col(x, w, bias, g, y);
}
void conv2dBackwardInput(const float* dy, const float* w, const ConvGeom& g, float* dx) {
  const i64 dxSize = g.n * g.cIn * g.h * g.w;
  if (dxSize == 0) return;
  if (g.outH * g.outW == 0 || g.cOut == 0) {
    std::memset(dx, 0, sizeof(float) * dxSize);
    return;
  }
  if (implicitOk(g)) conv2dBackwardInputImplicit(dy, w, g, dx);
  else conv2dBackwardInputIm2col(dy, w, g, dx);
}
void conv2dBackwardWeight(const float* x, const float* dy, const ConvGeom& g, float* dw, float* db) {
  const i64 wsize = g.cOut * (g.cIn / std::max<i64>(g.groups, 1)) * g.kh * g.kw;
  if (g.n == 0 || g.outH * g.outW == 0 || g.cOut == 0 || g.cIn == 0) {
    std::memset(dw, 0, sizeof(float) * wsize);
    if (db) std::memset(db, 0, sizeof(float) * g.cOut);
    return;
  }
  if (implicitOk(g)) conv2dBackwardWeightImplicit(x, dy, g, dw, db);
  else conv2dBackwardWeightIm2col(x, dy, g, dw, db);
}

}  // namespace nabla
