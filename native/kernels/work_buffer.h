// A growable per-thread work buffer (GEMM packing, convolution scratch).
#pragma once
#include <cstddef>
#include <cstdlib>

namespace nabla {

// A per-thread work buffer, 64-byte aligned (whole cache lines: rows whose length is a multiple
// of 16 floats stay aligned for the vector loops). Contents are not kept when it grows.
struct Buf {
  float* p = nullptr;
  size_t cap = 0;
  float* get(size_t n) {
    if (n > cap) {
      std::free(p);
      p = static_cast<float*>(std::aligned_alloc(64, (n * sizeof(float) + 63) & ~size_t(63)));
      cap = p ? n : 0;
    }
    return p;
  }
  ~Buf() { std::free(p); }
};

}  // namespace nabla
