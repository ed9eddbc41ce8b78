// Register-tile loops of the direct stride-1 convolution in conv.cc, compiled per ISA like
// rnn_impl.h (conv_tiles.cc for the portable build, conv_tiles_avx2.cc and conv_tiles_avx512.cc
// with their units' -m flags). Both work on zero-padded input planes read through one offset
// per kernel tap, x[off[k] + q] (q = a pixel in padded-width layout), so nothing is packed per
// image but the padding:
//
//   forward row    y[r*ldy + q] = sum_{k<K} wp[k*MR + r] x[off[k] + q]      r < fwdMr, q < nq
//   weight tile    out[r*ldo + t] += sum_{m<nimg, q<nq} dy_m[r*ldd + q] x_m[off[t] + q]
//                                                                          r < mr, t < nk
//
// with dy_m = dy + m*dyStride, x_m = x + m*xStride; nq is a multiple of `lanes`. The forward
// keeps fwdMr output channels x a few pixel vectors in registers (a weight broadcast feeds
// several vectors); the weight tile keeps bwdMr x bwdNk (channel, tap) sums as pixel vectors and
// adds them horizontally once per call (so a call should cover several images).
//
// The Winograd F(2x2, 3x3) transforms of conv_winograd.cc run over n tiles at once (one tile per
// vector lane; n a multiple of `lanes`), reading and writing arrays with a stride per frequency:
//   wgInput   v[xi*vs + q] = (B^T d_q B)[xi], the 4x4 input tile d_q read from the polyphase
//             planes ee, eo, oe, oo (even/odd rows x even/odd columns, row stride S):
//             row 0 of d_q = ee[q], eo[q], ee[q+1], eo[q+1]; row 1 the same from oe, oo;
//             rows 2, 3 as rows 0, 1 at q + S
//   wgOutput  y[(2i + j)*ys + q] = (A^T m_q A)[i][j], m_q[xi] = m[xi*ms + q]
//   wgGrad    m[xi*ms + q] = (A g_q A^T)[xi], g_q the 2x2 output-gradient tile d00[q] d01[q] / d10[q] d11[q]
#pragma once
#include "common.h"

namespace nabla {

struct ConvTable {
  int lanes;         // floats per vector
  int fwdMr;         // output channels per forward tile (wp rows per k)
  int bwdMr, bwdNk;  // output channels x taps per weight-gradient tile
  void (*fwdRow)(i64 K, const float* wp, const float* x, const i64* off, i64 nq, float* y, i64 ldy);
  void (*wgradTile)(i64 nimg, const float* dy, i64 dyStride, i64 ldd, const float* x, i64 xStride, const i64* off,
                    i64 nq, float* out, i64 ldo, int mr, int nk);
  void (*wgInput)(const float* ee, const float* eo, const float* oe, const float* oo, i64 S, i64 n, float* v, i64 vs);
  void (*wgOutput)(const float* m, i64 ms, i64 n, float* y, i64 ys);
  void (*wgGrad)(const float* d00, const float* d01, const float* d10, const float* d11, i64 n, float* m, i64 ms);
};

const ConvTable* convTilesGeneric();
#ifdef NABLA_X86
const ConvTable* convTilesAvx2();
const ConvTable* convTilesAvx512();
#endif
// The table matching the ISA in use (isa()).
const ConvTable* convTiles();
// The table for the Winograd path: convTiles(), except on AMD with AVX-512 (Zen 4: 512-bit FMAs
// run as two 256-bit halves), where the AVX2 tiles fit its 8x7 tile rows with less padding and
// ran its 3x3 convolutions 20-40 % faster (W3's 16->32 layer, one thread).
const ConvTable* convTilesWinograd();

}  // namespace nabla
