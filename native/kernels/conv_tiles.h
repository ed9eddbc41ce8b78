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
};

const ConvTable* convTilesGeneric();
#ifdef NABLA_X86
const ConvTable* convTilesAvx2();
const ConvTable* convTilesAvx512();
#endif
// The table matching the ISA in use (isa()).
const ConvTable* convTiles();

}  // namespace nabla
