// Winograd F(2x2, 3x3) convolution for 3x3 stride-1 kernels (minimal filtering: 16 products per
// 2x2 output tile and channel pair instead of 36).
//
// The output is cut into 2x2 tiles; tile t reads the 4x4 patch d_t at (2 th, 2 tw) of the
// zero-padded input. With B, G, A the F(2x2, 3x3) matrices (transforms in conv_tiles_impl.h),
//   y_t[o] = A^T ( sum_c U[o, c] (.) V_t[c] ) A,   U[o, c] = G w[o, c] G^T,   V_t[c] = B^T d_t[c] B
// so for each of the 16 frequencies xi the sum over input channels is a small matrix product,
//   M[xi] (cout x tiles) = U[xi] (cout x cin) V[xi] (cin x tiles),
// computed by the direct convolution's forward tile (fwdRow with one "tap" per input channel).
//
// Per image:
//   polyphase planes  the padded input split by row and column parity (ee, eo, oe, oo), each
//                     (tH + 2) rows of S = tW + 1 values, so that tile t' = th*S + tw reads
//                     contiguous runs (column tW of every tile row is a junk tile, never written)
//   V [xi][c][Tp], M [xi][o][Tp]   Tp = tH*S rounded up to whole vectors
// Backward input is the forward convolution of dy with the kernel flipped, input and output
// channels swapped and padding 2 - pad. Backward weight sums, over images and tiles,
//   dU[xi] (cout x cin) += (A g_t A^T)[xi] V_t[xi]   (g_t the 2x2 tile of dy; wgradTile)
// and returns dW = G^T dU G; like the other paths it sums fixed groups of images into fixed
// slots (reduceSlots), so the result does not depend on the thread count.
#include "conv_winograd.h"

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "conv_shared.h"
#include "conv_tiles.h"
#include "threadpool.h"

namespace nabla {

namespace {

// One image's transformed tiles (V and M, or V and the gradient tiles) stay under this many
// bytes, so they are still in L2 when the products read them; larger images take the direct paths.
constexpr i64 kTileBudget = i64(2) << 20;

struct Wino {
  i64 cin, cout, h, w, padH, padW, outH, outW;
  i64 tH, tW, S, Tp;  // tile rows, tiles per row, polyphase row length (tW + 1), tiles rounded to vectors
  i64 phPlane;        // floats per polyphase plane
};

i64 roundUp(i64 x, i64 m) { return (x + m - 1) / m * m; }

// forward-shaped geometry: out = (h + 2 padH - 2) x (w + 2 padW - 2)
Wino winoGeom(i64 cin, i64 cout, i64 h, i64 w, i64 padH, i64 padW) {
  const i64 L = convTilesWinograd()->lanes;
  Wino m;
  m.cin = cin;
  m.cout = cout;
  m.h = h;
  m.w = w;
  m.padH = padH;
  m.padW = padW;
  m.outH = h + 2 * padH - 2;
  m.outW = w + 2 * padW - 2;
  m.tH = (m.outH + 1) / 2;
  m.tW = (m.outW + 1) / 2;
  m.S = m.tW + 1;
  m.Tp = roundUp(m.tH * m.S, L);
  // wgInput reads up to index Tp + S: (tH + 2) rows cover it, plus whole vectors of slack
  m.phPlane = roundUp((m.tH + 2) * m.S + 2 * L, 16);
  return m;
}

bool enabled() {
  static const bool on = [] {
    const char* v = std::getenv("NABLA_CONV_WINOGRAD");
    return !(v && v[0] == '0');
  }();
  return on;
}

// 3x3, stride 1, no dilation, one group, enough channels for the products to dominate
bool shapeOk(const ConvGeom& g) {
  return enabled() && g.kh == 3 && g.kw == 3 && g.strideH == 1 && g.strideW == 1 && g.dilH == 1 && g.dilW == 1 &&
         g.groups == 1 && g.cIn >= 8 && g.cOut >= 8 && g.n >= 1 && g.outH >= 1 && g.outW >= 1;
}

// dst_even[k] = src[2k], dst_odd[k] = src[2k + 1] for k < n (a loop the compiler vectorises)
inline void deinterleave(const float* __restrict src, i64 n, float* __restrict even, float* __restrict odd) {
  for (i64 k = 0; k < n; k++) {
    even[k] = src[2 * k];
    odd[k] = src[2 * k + 1];
  }
}

// the four polyphase planes of each of m.cin channels of one image (src: cin planes h x w):
// padded row r = 2*hh + (0 or 1), padded column 2*k + (0 or 1), zero outside the image
void polyphase(const float* src, const Wino& m, float* ph) {
  const i64 rows = m.tH + 2, used = rows * m.S;
  // columns: k in [kLo, kHi) have both 2k - padW and 2k - padW + 1 inside the image
  const i64 kLo = (m.padW + 1) / 2, kHi = std::max(kLo, std::min(m.S, (m.w + m.padW) / 2));
  for (i64 c = 0; c < m.cin; c++) {
    const float* xc = src + c * m.h * m.w;
    float* plane[4] = {ph + (4 * c) * m.phPlane, ph + (4 * c + 1) * m.phPlane, ph + (4 * c + 2) * m.phPlane,
                       ph + (4 * c + 3) * m.phPlane};
    for (i64 hh = 0; hh < rows; hh++) {
      for (int par = 0; par < 2; par++) {
        const i64 r = 2 * hh + par - m.padH;
        float* ev = plane[2 * par] + hh * m.S;
        float* od = plane[2 * par + 1] + hh * m.S;
        if (r < 0 || r >= m.h) {
          std::memset(ev, 0, sizeof(float) * m.S);
          std::memset(od, 0, sizeof(float) * m.S);
          continue;
        }
        const float* xr = xc + r * m.w;
        auto at = [&](i64 col) { return col >= 0 && col < m.w ? xr[col] : 0.f; };
        for (i64 k = 0; k < kLo; k++) {
          ev[k] = at(2 * k - m.padW);
          od[k] = at(2 * k - m.padW + 1);
        }
        deinterleave(xr + 2 * kLo - m.padW, kHi - kLo, ev + kLo, od + kLo);
        for (i64 k = kHi; k < m.S; k++) {
          ev[k] = at(2 * k - m.padW);
          od[k] = at(2 * k - m.padW + 1);
        }
      }
    }
    for (int p = 0; p < 4; p++) std::memset(plane[p] + used, 0, sizeof(float) * (m.phPlane - used));
  }
}

// dst[2k] = even[k] + b, dst[2k + 1] = odd[k] + b for 2k + 1 < n, and the last even one if n is odd
inline void interleaveBias(const float* __restrict even, const float* __restrict odd, float b, i64 n, float* __restrict dst) {
  const i64 pairs = n / 2;
  for (i64 k = 0; k < pairs; k++) {
    dst[2 * k] = even[k] + b;
    dst[2 * k + 1] = odd[k] + b;
  }
  if (n % 2) dst[n - 1] = even[pairs] + b;
}

// V[xi][c][Tp] of one image from its polyphase planes
void inputTiles(const ConvTable* CT, const float* ph, const Wino& m, float* V) {
  for (i64 c = 0; c < m.cin; c++) {
    const float* ee = ph + 4 * c * m.phPlane;
    CT->wgInput(ee, ee + m.phPlane, ee + 2 * m.phPlane, ee + 3 * m.phPlane, m.S, m.Tp, V + c * m.Tp, m.cin * m.Tp);
  }
}

// u (4x4) = G g G^T for one 3x3 kernel g (row stride 3)
void kernelTransform(const float* g, float* u) {
  float t[4][3];
  for (int j = 0; j < 3; j++) {
    const float g0 = g[j], g1 = g[3 + j], g2 = g[6 + j];
    t[0][j] = g0;
    t[1][j] = 0.5f * (g0 + g1 + g2);
    t[2][j] = 0.5f * (g0 - g1 + g2);
    t[3][j] = g2;
  }
  for (int i = 0; i < 4; i++) {
    u[i * 4 + 0] = t[i][0];
    u[i * 4 + 1] = 0.5f * (t[i][0] + t[i][1] + t[i][2]);
    u[i * 4 + 2] = 0.5f * (t[i][0] - t[i][1] + t[i][2]);
    u[i * 4 + 3] = t[i][2];
  }
}

// g (3x3) = G^T x G for one 4x4 block x (the adjoint of kernelTransform)
void kernelTransformAdjoint(const float* x, float* g) {
  float s[3][4];
  for (int j = 0; j < 4; j++) {
    const float x0 = x[j], x1 = x[4 + j], x2 = x[8 + j], x3 = x[12 + j];
    s[0][j] = x0 + 0.5f * (x1 + x2);
    s[1][j] = 0.5f * (x1 - x2);
    s[2][j] = 0.5f * (x1 + x2) + x3;
  }
  for (int i = 0; i < 3; i++) {
    g[i * 3 + 0] = s[i][0] + 0.5f * (s[i][1] + s[i][2]);
    g[i * 3 + 1] = 0.5f * (s[i][1] - s[i][2]);
    g[i * 3 + 2] = 0.5f * (s[i][1] + s[i][2]) + s[i][3];
  }
}

// Up[xi][block][c][r] = U[xi][o = block*MR + r][c] (0 for o >= cout) from kernels k(o, c) (3x3 each)
template <class K>
std::vector<float> packKernels(i64 cout, i64 cin, i64 MR, K&& kernel) {
  const i64 nb = (cout + MR - 1) / MR;
  std::vector<float> up((size_t)(16 * nb * cin * MR), 0.f);
  float u[16];
  for (i64 o = 0; o < cout; o++)
    for (i64 c = 0; c < cin; c++) {
      kernelTransform(kernel(o, c), u);
      for (int xi = 0; xi < 16; xi++) up[(size_t)(((xi * nb + o / MR) * cin + c) * MR + o % MR)] = u[xi];
    }
  return up;
}

thread_local Buf tlsPh, tlsV, tlsM, tlsY;

// out (n images of m.cout planes outH x outW) = the convolution of src (n images of m.cin planes
// h x w) with the packed transformed kernels Up, plus bias
void forward(const float* src, const Wino& m, i64 n, const float* Up, const float* bias, float* out) {
  const ConvTable* CT = convTilesWinograd();
  const i64 MR = CT->fwdMr, nb = (m.cout + MR - 1) / MR, coutP = nb * MR;
  std::vector<i64> off((size_t)m.cin);
  for (i64 c = 0; c < m.cin; c++) off[(size_t)c] = c * m.Tp;
  const i64 P = m.outH * m.outW, HW = m.h * m.w;
  std::atomic<i64> next{0};
  auto task = [&](int, int) {
    float* ph = tlsPh.get((size_t)(4 * m.cin * m.phPlane));
    float* V = tlsV.get((size_t)(16 * m.cin * m.Tp));
    float* M = tlsM.get((size_t)(16 * coutP * m.Tp));
    float* Y = tlsY.get((size_t)(4 * m.Tp));
    for (i64 img; (img = next.fetch_add(1, std::memory_order_relaxed)) < n;) {
      polyphase(src + img * m.cin * HW, m, ph);
      inputTiles(CT, ph, m, V);
      for (i64 xi = 0; xi < 16; xi++)
        for (i64 b = 0; b < nb; b++)
          CT->fwdRow(m.cin, Up + (xi * nb + b) * m.cin * MR, V + xi * m.cin * m.Tp, off.data(), m.Tp,
                     M + (xi * coutP + b * MR) * m.Tp, m.Tp);
      float* outImg = out + img * m.cout * P;
      for (i64 o = 0; o < m.cout; o++) {
        CT->wgOutput(M + o * m.Tp, coutP * m.Tp, m.Tp, Y, m.Tp);
        const float bo = bias ? bias[o] : 0.f;
        float* yo = outImg + o * P;
        for (i64 row = 0; row < m.outH; row++) {
          const i64 th = row / 2, i = row % 2;
          const float* ye = Y + (2 * i) * m.Tp + th * m.S;  // even output columns of this row
          const float* yd = Y + (2 * i + 1) * m.Tp + th * m.S;
          interleaveBias(ye, yd, bo, m.outW, yo + row * m.outW);
        }
      }
    }
  };
  const int nt = (int)std::min<i64>(numThreads(), n);
  if (nt > 1) parallel(nt, task);
  else task(0, 1);
}

bool fits(const Wino& m, i64 coutRows) { return 16 * (m.cin + coutRows) * m.Tp * (i64)sizeof(float) <= kTileBudget; }

Wino forwardGeom(const ConvGeom& g) { return winoGeom(g.cIn, g.cOut, g.h, g.w, g.padH, g.padW); }
// dx = conv(dy, flipped w): dy's planes are the input, padded by 2 - pad
Wino inputGradGeom(const ConvGeom& g) { return winoGeom(g.cOut, g.cIn, g.outH, g.outW, 2 - g.padH, 2 - g.padW); }

}  // namespace

bool winogradForwardOk(const ConvGeom& g) {
  if (!shapeOk(g)) return false;
  const Wino m = forwardGeom(g);
  return m.outH == g.outH && m.outW == g.outW && fits(m, roundUp(g.cOut, convTilesWinograd()->fwdMr));
}

bool winogradBackwardInputOk(const ConvGeom& g) {
  if (!shapeOk(g) || g.padH > 2 || g.padW > 2) return false;
  const Wino m = inputGradGeom(g);
  return m.outH == g.h && m.outW == g.w && fits(m, roundUp(g.cIn, convTilesWinograd()->fwdMr));
}

bool winogradBackwardWeightOk(const ConvGeom& g) {
  if (!shapeOk(g)) return false;
  const Wino m = forwardGeom(g);
  return m.outH == g.outH && m.outW == g.outW && fits(m, roundUp(g.cOut, convTilesWinograd()->bwdMr));
}

void conv2dWinograd(const float* x, const float* w, const float* bias, const ConvGeom& g, float* y) {
  const Wino m = forwardGeom(g);
  const std::vector<float> up = packKernels(g.cOut, g.cIn, convTilesWinograd()->fwdMr, [&](i64 o, i64 c) { return w + (o * g.cIn + c) * 9; });
  forward(x, m, g.n, up.data(), bias, y);
}

void conv2dBackwardInputWinograd(const float* dy, const float* w, const ConvGeom& g, float* dx) {
  const Wino m = inputGradGeom(g);  // input channels = g.cOut, output channels = g.cIn
  float flipped[9];
  const std::vector<float> up = packKernels(g.cIn, g.cOut, convTilesWinograd()->fwdMr, [&](i64 c, i64 o) {
    const float* k = w + (o * g.cIn + c) * 9;
    for (int i = 0; i < 9; i++) flipped[i] = k[8 - i];
    return static_cast<const float*>(flipped);
  });
  forward(dy, m, g.n, up.data(), nullptr, dx);
}

void conv2dBackwardWeightWinograd(const float* x, const float* dy, const ConvGeom& g, float* dw, float* db) {
  const ConvTable* CT = convTilesWinograd();
  const IsaTable* T = isa();
  const Wino m = forwardGeom(g);
  const i64 MR = CT->bwdMr, NK = CT->bwdNk;
  const i64 nbo = (g.cOut + MR - 1) / MR, nbk = (g.cIn + NK - 1) / NK, coutP = nbo * MR;
  std::vector<i64> off((size_t)(nbk * NK), 0);
  for (i64 c = 0; c < g.cIn; c++) off[(size_t)c] = c * m.Tp;
  const i64 P = g.outH * g.outW, HW = g.h * g.w;
  const i64 vImage = 16 * g.cIn * m.Tp, gImage = 16 * coutP * m.Tp;
  // images per tile call (the horizontal sums at the end of a call are paid once per chunk)
  const i64 chunk = std::max<i64>(1, std::min<i64>(4, kTileBudget / ((vImage + gImage) * (i64)sizeof(float))));
  const i64 nChunks = (g.n + chunk - 1) / chunk;
  const i64 usize = 16 * g.cOut * g.cIn;  // dU[xi][o][c]
  const i64 slots = reduceSlots(nChunks, usize);
  std::vector<float> acc((size_t)(slots * usize), 0.f);
  BiasAcc bacc(db, (int)slots, g.cOut);
  std::atomic<i64> next{0};
  auto task = [&](int, int) {
    float* ph = tlsPh.get((size_t)(4 * g.cIn * m.phPlane));
    float* V = tlsV.get((size_t)(chunk * vImage));
    float* Gt = tlsM.get((size_t)(chunk * gImage));
    float* D = tlsY.get((size_t)(4 * m.Tp));  // one output channel's dy split by row/column parity
    for (i64 s; (s = next.fetch_add(1, std::memory_order_relaxed)) < slots;) {
      float* a = acc.data() + s * usize;
      for (i64 ch = s * nChunks / slots; ch < (s + 1) * nChunks / slots; ch++) {
        const i64 i0 = ch * chunk, mm = std::min(chunk, g.n - i0);
        for (i64 i = 0; i < mm; i++) {
          const float* dyImg = dy + (i0 + i) * g.cOut * P;
          bacc.add((int)s, dyImg, P, T);
          polyphase(x + (i0 + i) * g.cIn * HW, m, ph);
          inputTiles(CT, ph, m, V + i * vImage);
          float* gi = Gt + i * gImage;
          for (i64 o = 0; o < coutP; o++) {
            if (o >= g.cOut) {  // rows the weight tile reads past cout: zero
              for (i64 xi = 0; xi < 16; xi++) std::memset(gi + (xi * coutP + o) * m.Tp, 0, sizeof(float) * m.Tp);
              continue;
            }
            std::memset(D, 0, sizeof(float) * 4 * m.Tp);
            const float* dyo = dyImg + o * P;
            for (i64 row = 0; row < g.outH; row++) {
              float* de = D + (row % 2) * 2 * m.Tp + (row / 2) * m.S;
              float* dd = de + m.Tp;
              const float* src = dyo + row * g.outW;
              deinterleave(src, g.outW / 2, de, dd);
              if (g.outW % 2) de[g.outW / 2] = src[g.outW - 1];
            }
            CT->wgGrad(D, D + m.Tp, D + 2 * m.Tp, D + 3 * m.Tp, m.Tp, gi + o * m.Tp, coutP * m.Tp);
          }
        }
        for (i64 xi = 0; xi < 16; xi++)
          for (i64 bo = 0; bo < nbo; bo++)
            for (i64 bk = 0; bk < nbk; bk++)
              CT->wgradTile(mm, Gt + (xi * coutP + bo * MR) * m.Tp, gImage, m.Tp, V + xi * g.cIn * m.Tp, vImage,
                            off.data() + bk * NK, m.Tp, a + (xi * g.cOut + bo * MR) * g.cIn + bk * NK, g.cIn,
                            (int)std::min(MR, g.cOut - bo * MR), (int)std::min(NK, g.cIn - bk * NK));
      }
    }
  };
  const int nt = (int)std::min<i64>(numThreads(), slots);
  if (nt > 1) parallel(nt, task);
  else task(0, 1);
  // slots added in order, then dW[o][c] = G^T dU[o][c] G
  for (i64 s = 1; s < slots; s++) T->axpy(usize, 1.0f, acc.data() + s * usize, acc.data());
  float x4[16];
  for (i64 o = 0; o < g.cOut; o++)
    for (i64 c = 0; c < g.cIn; c++) {
      for (int xi = 0; xi < 16; xi++) x4[xi] = acc[(size_t)((xi * g.cOut + o) * g.cIn + c)];
      kernelTransformAdjoint(x4, dw + (o * g.cIn + c) * 9);
    }
  bacc.finish((int)slots, db);
}

}  // namespace nabla
