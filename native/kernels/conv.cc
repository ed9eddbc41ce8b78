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
//
// Four implementations, chosen per call (conv2d / conv2dBackwardInput / conv2dBackwardWeight at
// the end of the file):
//   winograd 3x3 stride 1 with at least 8 channels in and out, small images (conv_winograd.cc)
//   direct   stride 1, small images, enough channels for a register tile: register-tile loops
//            (conv_tiles.h) over zero-padded planes, no per-image packing (the CNN case)
//   implicit stride 1 otherwise: GEMMs that read the im2col rows through pointers into a
//            zero-padded copy of the image
//   im2col   strided convolutions, 1x1 kernels: explicit columns (or none for 1x1) and GEMMs
// The bias is added where the output is written; every output element is written (no
// pre-zeroed outputs), and the weight gradient can also return the bias gradient.
#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "common.h"
#include "conv_shared.h"
#include "conv_tiles.h"
#include "conv_winograd.h"
#include "threadpool.h"

namespace nabla {

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

// Runs body(image, gemmThreads, slot) for every image: images taken from a shared counter by the
// pool's threads (GEMMs then stay on their thread), or one by one with threaded GEMMs.
//
// With `reduce` (weight and bias gradients), `slots` > 0 is the reduceSlots() count: a thread
// claims a whole slot (its fixed range of images) and the body accumulates into that slot's sums.
// Without it, images are claimed one at a time (the finest balance) and the slot passed is the
// thread's id.
template <class F>
static void overImages(const ConvGeom& g, i64 slots, F&& body) {
  const i64 work = g.cOut / g.groups * (g.cIn / g.groups) * g.kh * g.kw * g.outH * g.outW;  // MACs per image/group
  int nt = numThreads();
  const bool threaded = g.n >= 2 && nt > 1 && work * g.groups * g.n >= 200000;
  if (slots > 0) {
    auto range = [&](i64 s, int gemmThreads) {
      for (i64 i = s * g.n / slots; i < (s + 1) * g.n / slots; i++) body(i, gemmThreads, (int)s);
    };
    if (threaded && slots > 1) {
      std::atomic<i64> next{0};
      auto task = [&](int, int) {
        for (i64 s; (s = next.fetch_add(1, std::memory_order_relaxed)) < slots;) range(s, 1);
      };
      parallel((int)std::min<i64>(nt, slots), task);
    } else {
      for (i64 s = 0; s < slots; s++) range(s, 0);
    }
    return;
  }
  if (threaded) {
    if (nt > g.n) nt = (int)g.n;
    std::atomic<i64> next{0};
    auto task = [&](int tid, int) {
      for (i64 i; (i = next.fetch_add(1, std::memory_order_relaxed)) < g.n;) body(i, 1, tid);
    };
    parallel(nt, task);
    return;
  }
  for (i64 i = 0; i < g.n; i++) body(i, 0, 0);
}

// bias value of output channel o (0 without a bias)
static inline float biasOf(const float* bias, i64 o) { return bias ? bias[o] : 0.f; }

static void conv2dIm2col(const float* x, const float* w, const float* bias, const ConvGeom& g, float* y) {
  const i64 cinG = g.cIn / g.groups, coutG = g.cOut / g.groups;
  const i64 K = cinG * g.kh * g.kw, P = g.outH * g.outW, HW = g.h * g.w;
  if (g.n == 0 || P == 0 || g.cOut == 0) return;
  const bool pw = isPointwise(g);
  overImages(g, 0, [&](i64 img, int gemmThreads, int) {
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
  overImages(g, 0, [&](i64 img, int gemmThreads, int) {
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
  const i64 slots = reduceSlots(g.n, wsize);
  std::vector<float> acc((size_t)slots * wsize, 0.f);
  BiasAcc bacc(db, (int)slots, g.cOut);
  overImages(g, slots, [&](i64 img, int gemmThreads, int tid) {
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
  for (i64 t = 0; t < slots; t++) {
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
  bacc.finish((int)slots, db);
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
  overImages(g, 0, [&](i64 img, int gemmThreads, int) {
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
  overImages(g, 0, [&](i64 img, int gemmThreads, int) {
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
  const i64 slots = reduceSlots(g.n, wsize);
  std::vector<float> acc((size_t)slots * wsize, 0.f);
  BiasAcc bacc(db, (int)slots, g.cOut);
  overImages(g, slots, [&](i64 img, int gemmThreads, int tid) {
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
  for (i64 t = 1; t < slots; t++) T->axpy(wsize, 1.0f, acc.data() + (size_t)t * wsize, dw);
  bacc.finish((int)slots, db);
}

static bool implicitOk(const ConvGeom& g) { return g.strideH == 1 && g.strideW == 1 && !isPointwise(g); }

// ---------------------------------------------------------------------------------------------
// Stride 1, few channels: direct convolution with register tiles (conv_tiles.h).
//
// As in the implicit path, the input planes are zero-padded (Hp x Wp) and the output computed in
// padded-width rows (q = oh*Wp + ow, columns ow >= outW scratch), so tap (c, i, j) reads the
// contiguous run xp[off + q], off = c*Hp*Wp + i*dH*Wp + j*dW. But instead of a GEMM, which packs
// the K x Q columns of every image, the tile loops read those runs in place:
//   forward         yq[o, q] = sum_k W[o, k] xp[off_k + q], weights packed once per call
//   backward input  the same loop on dy padded by (k-1)d - pad, with the weights flipped and
//                   input/output channels swapped: dx = conv(dy, W') is a stride-1 convolution
//                   whose output is exactly H x W
//   backward weight dW[o, k] = sum over images and q of dyq[o, q] xp[off_k + q], with dy copied
//                   into padded-width rows (scratch columns zero), several images per tile call
// Chosen for small images with few channels (the padded image stays in L2, the weights of one
// tile in L1): there the GEMM's packing and transposes cost as much as the multiply-adds.
// ---------------------------------------------------------------------------------------------
struct Direct {
  i64 cin, cout, K, kh, kw, dilH, dilW, padH, padW, h, w, outH, outW, Hp, Wp, planeP, Q, Qr, xpSize;
};

static Direct directGeom(i64 cin, i64 cout, i64 h, i64 w, i64 kh, i64 kw, i64 padH, i64 padW, i64 dilH, i64 dilW, int lanes) {
  Direct d;
  d.cin = cin;
  d.cout = cout;
  d.K = cin * kh * kw;
  d.kh = kh;
  d.kw = kw;
  d.dilH = dilH;
  d.dilW = dilW;
  d.padH = padH;
  d.padW = padW;
  d.h = h;
  d.w = w;
  d.Hp = h + 2 * padH;
  d.Wp = w + 2 * padW;
  d.outH = d.Hp - dilH * (kh - 1);
  d.outW = d.Wp - dilW * (kw - 1);
  d.planeP = d.Hp * d.Wp;
  d.Q = d.outH * d.Wp;
  d.Qr = (d.Q + lanes - 1) / lanes * lanes;
  const i64 maxOff = (cin - 1) * d.planeP + (kh - 1) * dilH * d.Wp + (kw - 1) * dilW;
  d.xpSize = std::max(cin * d.planeP, maxOff + d.Qr);
  return d;
}

// tap offsets into the padded planes, k = (c*kh + i)*kw + j; entries [K, kCount) are 0 (tails)
static std::vector<i64> directOffsets(const Direct& d, i64 kCount) {
  std::vector<i64> off((size_t)std::max(kCount, d.K), 0);
  for (i64 c = 0; c < d.cin; c++)
    for (i64 i = 0; i < d.kh; i++)
      for (i64 j = 0; j < d.kw; j++) off[(size_t)((c * d.kh + i) * d.kw + j)] = c * d.planeP + i * d.dilH * d.Wp + j * d.dilW;
  return off;
}

// dst[j] = src[j] for j < n (short rows: an inline loop, not a memcpy call per row)
static inline void copyRow(float* __restrict dst, const float* __restrict src, i64 n) {
  for (i64 j = 0; j < n; j++) dst[j] = src[j];
}

// xp (d.xpSize) = the cin planes of src (h x w) with padH / padW zeros around, zeros after
static void padPlanes(const float* src, const Direct& d, float* xp) {
  for (i64 c = 0; c < d.cin; c++) {
    float* pc = xp + c * d.planeP;
    std::memset(pc, 0, sizeof(float) * d.padH * d.Wp);
    for (i64 ih = 0; ih < d.h; ih++) {
      float* r = pc + (ih + d.padH) * d.Wp;
      for (i64 j = 0; j < d.padW; j++) r[j] = 0.f;
      copyRow(r + d.padW, src + (c * d.h + ih) * d.w, d.w);
      for (i64 j = d.padW + d.w; j < d.Wp; j++) r[j] = 0.f;
    }
    std::memset(pc + (d.h + d.padH) * d.Wp, 0, sizeof(float) * d.padH * d.Wp);
  }
  std::memset(xp + d.cin * d.planeP, 0, sizeof(float) * (d.xpSize - d.cin * d.planeP));
}

static thread_local Buf tlsDirectX, tlsDirectY;

// The forward-shaped direct loop shared by conv2d and conv2dBackwardInput: for each image and
// group, out[o, oh, ow] = bias[o] + sum_k wp(o, k) xp[off_k + oh*Wp + ow], with `src` the
// per-image planes being padded (cin channels of the group) and `wp` packed [group][block][K][MR].
static void directForward(const float* src, i64 srcImage, i64 srcGroup, const Direct& d, i64 groups, i64 n,
                          const float* wp, const float* bias, float* out, i64 outImage, i64 outGroup) {
  const ConvTable* CT = convTiles();
  const i64 MR = CT->fwdMr, nb = (d.cout + MR - 1) / MR;
  const std::vector<i64> off = directOffsets(d, d.K);
  const i64 P = d.outH * d.outW;
  int nt = std::min<int>(numThreads(), (int)n);
  std::atomic<i64> next{0};
  auto task = [&](int, int) {
    float* xp = tlsDirectX.get((size_t)d.xpSize);
    float* yq = tlsDirectY.get((size_t)(MR * d.Qr));  // one block of rows, still in L1 for the copy out
    for (i64 img; (img = next.fetch_add(1, std::memory_order_relaxed)) < n;) {
      for (i64 gi = 0; gi < groups; gi++) {
        padPlanes(src + img * srcImage + gi * srcGroup, d, xp);
        float* og = out + img * outImage + gi * outGroup;
        for (i64 b = 0; b < nb; b++) {
          CT->fwdRow(d.K, wp + (gi * nb + b) * d.K * MR, xp, off.data(), d.Qr, yq, d.Qr);
          for (i64 o = b * MR; o < std::min(d.cout, (b + 1) * MR); o++) {
            const float* yo = yq + (o - b * MR) * d.Qr;
            float* dst = og + o * P;
            if (bias) {
              const float bo = bias[gi * d.cout + o];
              for (i64 oh = 0; oh < d.outH; oh++)
                for (i64 ow = 0; ow < d.outW; ow++) dst[oh * d.outW + ow] = yo[oh * d.Wp + ow] + bo;
            } else {
              for (i64 oh = 0; oh < d.outH; oh++) copyRow(dst + oh * d.outW, yo + oh * d.Wp, d.outW);
            }
          }
        }
      }
    }
  };
  if (nt > 1) parallel(nt, task);
  else task(0, 1);
}

// The direct path fits: stride 1, enough channels to fill a tile's rows, the padded planes of an
// image small enough for L2 and one tile's weights for L1. `cout` = the tile-row channels.
static bool directFits(const Direct& d, i64 cout, i64 mr, i64 n) {
  return n >= 2 && cout * 2 >= mr && d.xpSize <= (1 << 17) && d.K <= 1024 && d.outH > 0 && d.outW > 0;
}

static Direct forwardDirect(const ConvGeom& g) {
  return directGeom(g.cIn / g.groups, g.cOut / g.groups, g.h, g.w, g.kh, g.kw, g.padH, g.padW, g.dilH, g.dilW,
                    convTiles()->lanes);
}

static bool conv2dDirectOk(const ConvGeom& g) {
  if (!implicitOk(g) || g.cIn == 0) return false;
  const Direct d = forwardDirect(g);
  return directFits(d, d.cout, convTiles()->fwdMr, g.n);
}

static void conv2dDirect(const float* x, const float* w, const float* bias, const ConvGeom& g, float* y) {
  const Direct d = forwardDirect(g);
  const i64 MR = convTiles()->fwdMr, nb = (d.cout + MR - 1) / MR;
  // wp[gi][b][k][r] = W[gi*coutG + b*MR + r, k] (0 past coutG)
  std::vector<float> wp((size_t)(g.groups * nb * d.K * MR), 0.f);
  for (i64 gi = 0; gi < g.groups; gi++)
    for (i64 o = 0; o < d.cout; o++)
      for (i64 k = 0; k < d.K; k++) wp[(size_t)(((gi * nb + o / MR) * d.K + k) * MR + o % MR)] = w[(gi * d.cout + o) * d.K + k];
  directForward(x, g.cIn * g.h * g.w, d.cin * g.h * g.w, d, g.groups, g.n, wp.data(), bias, y, g.cOut * d.outH * d.outW,
                d.cout * d.outH * d.outW);
}

// dx as a forward convolution of dy: channels swapped, kernel flipped, padding (k-1)d - pad
static Direct inputGradDirect(const ConvGeom& g) {
  return directGeom(g.cOut / g.groups, g.cIn / g.groups, g.outH, g.outW, g.kh, g.kw, (g.kh - 1) * g.dilH - g.padH,
                    (g.kw - 1) * g.dilW - g.padW, g.dilH, g.dilW, convTiles()->lanes);
}

static bool conv2dBackwardInputDirectOk(const ConvGeom& g) {
  if (!implicitOk(g)) return false;
  if (g.padH > (g.kh - 1) * g.dilH || g.padW > (g.kw - 1) * g.dilW) return false;
  const Direct d = inputGradDirect(g);
  return d.outH == g.h && d.outW == g.w && directFits(d, d.cout, convTiles()->fwdMr, g.n);
}

static void conv2dBackwardInputDirect(const float* dy, const float* w, const ConvGeom& g, float* dx) {
  const Direct d = inputGradDirect(g);  // d.cin = coutG, d.cout = cinG
  const i64 MR = convTiles()->fwdMr, nb = (d.cout + MR - 1) / MR;
  const i64 cinG = d.cout, coutG = d.cin, Kw = cinG * g.kh * g.kw;
  // wp[gi][b][k' = (o*kh + i)*kw + j][r] = W[gi*coutG + o, c = b*MR + r, kh-1-i, kw-1-j]
  std::vector<float> wp((size_t)(g.groups * nb * d.K * MR), 0.f);
  for (i64 gi = 0; gi < g.groups; gi++)
    for (i64 o = 0; o < coutG; o++)
      for (i64 c = 0; c < cinG; c++)
        for (i64 i = 0; i < g.kh; i++)
          for (i64 j = 0; j < g.kw; j++) {
            const i64 k = (o * g.kh + i) * g.kw + j;
            wp[(size_t)(((gi * nb + c / MR) * d.K + k) * MR + c % MR)] =
                w[(gi * coutG + o) * Kw + (c * g.kh + (g.kh - 1 - i)) * g.kw + (g.kw - 1 - j)];
          }
  const i64 P = g.outH * g.outW;
  directForward(dy, g.cOut * P, coutG * P, d, g.groups, g.n, wp.data(), nullptr, dx, g.cIn * g.h * g.w, cinG * g.h * g.w);
}

static bool conv2dBackwardWeightDirectOk(const ConvGeom& g) {
  if (!implicitOk(g) || g.cIn == 0) return false;
  const Direct d = forwardDirect(g);
  return directFits(d, d.cout, convTiles()->bwdMr, g.n);
}

static thread_local Buf tlsDirectDy;

static void conv2dBackwardWeightDirect(const float* x, const float* dy, const ConvGeom& g, float* dw, float* db) {
  const ConvTable* CT = convTiles();
  const IsaTable* T = isa();
  const Direct d = forwardDirect(g);
  const i64 MR = CT->bwdMr, NK = CT->bwdNk;
  const i64 nbo = (d.cout + MR - 1) / MR, nbk = (d.K + NK - 1) / NK;
  const std::vector<i64> off = directOffsets(d, nbk * NK);
  const i64 P = g.outH * g.outW, HW = g.h * g.w;
  const i64 wsize = g.cOut * d.K;
  const i64 dyStride = nbo * MR * d.Qr;  // one image's padded-width dy rows (rows past cout unused)
  // images per tile call: the horizontal sums at the end of a call are paid once per chunk
  const i64 chunk = 4, nChunks = (g.n + chunk - 1) / chunk;
  // slot s sums the fixed range of chunks [s*nChunks/slots, (s+1)*nChunks/slots) into acc[s],
  // whichever thread claims it, and the slots are added in order: the sums depend neither on
  // scheduling nor on the thread count (see reduceSlots)
  const i64 slots = reduceSlots(nChunks, wsize);
  std::vector<float> acc((size_t)slots * wsize, 0.f);
  BiasAcc bacc(db, (int)slots, g.cOut);
  std::atomic<i64> next{0};
  auto task = [&](int, int) {
    float* xs = tlsDirectX.get((size_t)(chunk * d.xpSize));
    float* dys = tlsDirectDy.get((size_t)(chunk * dyStride));
    for (i64 tid; (tid = next.fetch_add(1, std::memory_order_relaxed)) < slots;)
    for (i64 c = tid * nChunks / slots; c < (tid + 1) * nChunks / slots; c++) {
      float* a = acc.data() + (size_t)tid * wsize;
      const i64 i0 = c * chunk, m = std::min(chunk, g.n - i0);
      for (i64 i = 0; i < m; i++) bacc.add((int)tid, dy + (i0 + i) * g.cOut * P, P, T);
      for (i64 gi = 0; gi < g.groups; gi++) {
        for (i64 i = 0; i < m; i++) {
          padPlanes(x + ((i0 + i) * g.cIn + gi * d.cin) * HW, d, xs + i * d.xpSize);
          // dy rows in padded width, zero in the scratch columns and past Q
          const float* src = dy + ((i0 + i) * g.cOut + gi * d.cout) * P;
          float* dst = dys + i * dyStride;
          for (i64 o = 0; o < d.cout; o++) {
            float* r = dst + o * d.Qr;
            for (i64 oh = 0; oh < d.outH; oh++) {
              copyRow(r + oh * d.Wp, src + (o * d.outH + oh) * d.outW, d.outW);
              for (i64 j = d.outW; j < d.Wp; j++) r[oh * d.Wp + j] = 0.f;
            }
            for (i64 q = d.Q; q < d.Qr; q++) r[q] = 0.f;
          }
        }
        float* ag = a + gi * d.cout * d.K;
        for (i64 bo = 0; bo < nbo; bo++)
          for (i64 bk = 0; bk < nbk; bk++)
            CT->wgradTile(m, dys + bo * MR * d.Qr, dyStride, d.Qr, xs, d.xpSize, off.data() + bk * NK, d.Qr,
                          ag + bo * MR * d.K + bk * NK, d.K, (int)std::min(MR, d.cout - bo * MR), (int)std::min(NK, d.K - bk * NK));
      }
    }
  };
  const int nt = (int)std::min<i64>(numThreads(), slots);
  if (nt > 1) parallel(nt, task);
  else task(0, 1);
  std::memcpy(dw, acc.data(), sizeof(float) * wsize);
  for (i64 t = 1; t < slots; t++) T->axpy(wsize, 1.0f, acc.data() + (size_t)t * wsize, dw);
  bacc.finish((int)slots, db);
}

void conv2d(const float* x, const float* w, const float* bias, const ConvGeom& g, float* y) {
  if (g.n == 0 || g.outH * g.outW == 0 || g.cOut == 0) return;
  if (winogradForwardOk(g)) conv2dWinograd(x, w, bias, g, y);
  else if (conv2dDirectOk(g)) conv2dDirect(x, w, bias, g, y);
  else if (implicitOk(g) && g.cIn > 0) conv2dImplicit(x, w, bias, g, y);
  else conv2dIm2col(x, w, bias, g, y);
}
void conv2dBackwardInput(const float* dy, const float* w, const ConvGeom& g, float* dx) {
  const i64 dxSize = g.n * g.cIn * g.h * g.w;
  if (dxSize == 0) return;
  if (g.outH * g.outW == 0 || g.cOut == 0) {
    std::memset(dx, 0, sizeof(float) * dxSize);
    return;
  }
  if (winogradBackwardInputOk(g)) conv2dBackwardInputWinograd(dy, w, g, dx);
  else if (conv2dBackwardInputDirectOk(g)) conv2dBackwardInputDirect(dy, w, g, dx);
  else if (implicitOk(g)) conv2dBackwardInputImplicit(dy, w, g, dx);
  else conv2dBackwardInputIm2col(dy, w, g, dx);
}
void conv2dBackwardWeight(const float* x, const float* dy, const ConvGeom& g, float* dw, float* db) {
  const i64 wsize = g.cOut * (g.cIn / std::max<i64>(g.groups, 1)) * g.kh * g.kw;
  if (g.n == 0 || g.outH * g.outW == 0 || g.cOut == 0 || g.cIn == 0) {
    std::memset(dw, 0, sizeof(float) * wsize);
    if (db) std::memset(db, 0, sizeof(float) * g.cOut);
    return;
  }
  if (winogradBackwardWeightOk(g)) conv2dBackwardWeightWinograd(x, dy, g, dw, db);
  else if (conv2dBackwardWeightDirectOk(g)) conv2dBackwardWeightDirect(x, dy, g, dw, db);
  else if (implicitOk(g)) conv2dBackwardWeightImplicit(x, dy, g, dw, db);
  else conv2dBackwardWeightIm2col(x, dy, g, dw, db);
}

}  // namespace nabla
