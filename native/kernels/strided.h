// Walking strided views: an odometer over the outer axes hands a row kernel one innermost row
// at a time (the caller has already merged contiguous axes, so a contiguous tensor is one row).
// walkRange covers a flat range [start, end) of the output, so big ops split over threads.
#pragma once
#include <algorithm>

#include "common.h"
#include "threadpool.h"

namespace nabla {

constexpr int kMaxDims = 16;
constexpr int kMaxOperands = 4;

// f(offs, outStart, len): offs[j] = element offset of operand j at the row start
template <class F>
void walkRange(const i64* shape, int nd, int nops, const i64* const* strides, i64 start, i64 end, F&& f) {
  if (start >= end) return;
  const i64 len = shape[nd - 1];
  i64 idx[kMaxDims];
  i64 offs[kMaxOperands];
  // multi-index of `start`
  i64 rem = start;
  for (int d = nd - 1; d >= 0; d--) {
    idx[d] = rem % shape[d];
    rem /= shape[d];
  }
  for (int j = 0; j < nops; j++) {
    i64 o = 0;
    for (int d = 0; d < nd; d++) o += idx[d] * strides[j][d];
    offs[j] = o;
  }
  i64 pos = start;
  while (pos < end) {
    const i64 col = idx[nd - 1];
    const i64 n = (len - col < end - pos) ? len - col : end - pos;
    f(offs, pos, n);
    pos += n;
    if (pos >= end) break;
    // move to the start of the next row
    for (int j = 0; j < nops; j++) offs[j] -= col * strides[j][nd - 1];
    idx[nd - 1] = 0;
    for (int d = nd - 2; d >= 0; d--) {
      idx[d]++;
      for (int j = 0; j < nops; j++) offs[j] += strides[j][d];
      if (idx[d] < shape[d]) break;
      for (int j = 0; j < nops; j++) offs[j] -= strides[j][d] * shape[d];
      idx[d] = 0;
    }
  }
}

// Splits [0, total) into chunks taken by the pool's threads when it is big enough; `grain` =
// elements below which one thread does it all. body(start, end) per chunk.
template <class F>
void parallelRange(i64 total, i64 grain, F&& body) {
  int nt = numThreads();
  if (nt > 1 && total >= 2 * grain) {
    i64 want = total / grain;
    if (want < nt) nt = (int)want;
    // ~4 chunks per thread, on multiples of 16 elements (keeps vector loops aligned)
    const i64 chunks = std::min<i64>(4 * nt, (total + 15) / 16);
    const i64 size = ((total + chunks - 1) / chunks + 15) & ~i64(15);
    const i64 count = (total + size - 1) / size;
    parallelFor(nt, count, [&](i64 c) { body(c * size, std::min(total, (c + 1) * size)); });
  } else {
    body(0, total);
  }
}

}  // namespace nabla
