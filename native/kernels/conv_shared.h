// Pieces shared by the convolution implementations (conv.cc, conv_winograd.cc): the per-thread
// work buffer (work_buffer.h), the fixed reduction slots of the weight gradient and the bias-gradient sums.
#pragma once
#include <algorithm>
#include <cstdlib>
#include <vector>

#include "common.h"
#include "work_buffer.h"

namespace nabla {

// Weight and bias gradients sum over the batch into per-slot accumulators: the batch is cut into
// `reduceSlots` fixed contiguous ranges of images, slot s always sums the same images in the same
// order, and the slots are added in slot order at the end. The slot count depends only on the
// batch and the weight size, never on the threads, so one and two threads (and any scheduling)
// give the same bits; with up to 8 slots a thread the OS stops holds at most 1/8 of the work.
// Slots cost one weight-sized accumulator each: at most ~16 MB in all (fewer slots for big weights).
inline i64 reduceSlots(i64 units, i64 wsize) {
  const i64 cap = std::max<i64>(1, (i64(1) << 22) / std::max<i64>(1, wsize));
  return std::max<i64>(1, std::min<i64>({units, i64(8), cap}));
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

}  // namespace nabla
